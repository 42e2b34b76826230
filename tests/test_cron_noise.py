"""What the cron line mails: real risks caught at warn or above, steady weeks quiet,
findings as episodes, one message per cause, races, and `loadguard replay`."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pytest
from conftest import all_rules, run, shoe

START = date(2026, 1, 5)          # a Monday
CRON = ("--new", "--min-severity", "warn")


def weeks_of(first: date, weeks: int, km_week: float, *, rng: random.Random | None = None,
             days=(0, 2, 4, 6), long_share: float = 0.4, **kw) -> list[dict]:
    """Weeks of running from `first`: one long run (Sunday) and even shorter ones, each run
    varied by up to ±10% when `rng` is given, as a real runner's weeks vary."""
    out = []
    for w in range(weeks):
        monday = first + timedelta(weeks=w)
        shares = [(1 - long_share) / (len(days) - 1)] * (len(days) - 1) + [long_share] if len(days) > 1 else [1.0]
        for d, share in zip(days, shares):
            wobble = rng.uniform(0.9, 1.1) if rng else 1.0
            out.append(run(monday + timedelta(days=d), km_week * share * wobble, **kw))
    return out


def cron_mail(run_cli, first: date, last: date, *extra: str) -> list[dict]:
    """What `loadguard replay` says cron would have mailed between the two days."""
    result = run_cli("replay", "--from", first.isoformat(), "--to", last.isoformat(), "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["mailed"]


def caught(run_cli, first: date, last: date, rule: str) -> list[dict]:
    """Warn-or-above mails about `rule`, told on their own or inside another warning."""
    out = []
    for day in range((last - first).days + 1):
        as_of = (first + timedelta(days=day)).isoformat()
        result = run_cli("check", "--as-of", as_of, "--format", "json", *CRON)
        assert result.exit_code == 0, result.stderr
        if result.stdout:
            out += [w for w in json.loads(result.stdout)["warnings"] if rule in all_rules([w])]
    return out


def volume(warnings: list[dict]) -> list[dict]:
    return [w for w in warnings if w["rule"].startswith("volume.")]


# -- real risks are caught at warn or above ----------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_steady_week_times_one_point_eight_is_mailed(store, run_cli, seed):
    rng = random.Random(seed)
    store.upsert_activities(weeks_of(START, 8, 30.0, rng=rng))
    jump_week = START + timedelta(weeks=8)
    # the same runs as ever, and as many again: 1.8 times the week, no run longer than usual
    store.upsert_activities(weeks_of(jump_week, 1, 30.0, rng=rng)
                            + weeks_of(jump_week, 1, 24.0, rng=rng, days=(1, 3, 5, 6), long_share=0.25))
    found = caught(run_cli, jump_week, jump_week + timedelta(days=6), "volume.weekly_load")
    assert len(found) == 1 and found[0]["severity"] in ("warn", "alert")


@pytest.mark.parametrize("km_week", [7.0, 10.0, 15.0])
def test_a_low_volume_runners_week_times_one_point_eight_is_mailed(store, run_cli, km_week):
    rng = random.Random(int(km_week))
    store.upsert_activities(weeks_of(START, 8, km_week, rng=rng, days=(1, 5), long_share=0.5))
    jump_week = START + timedelta(weeks=8)
    # three runs instead of two, each a little longer: 1.8 times the week
    store.upsert_activities([run(jump_week + timedelta(days=d), km_week * 0.6) for d in (1, 3, 5)])
    found = caught(run_cli, jump_week, jump_week + timedelta(days=6), "volume.weekly_load")
    assert found and found[0]["severity"] == "warn"


def test_a_run_twice_the_months_longest_is_mailed(store, run_cli):
    store.upsert_activities(weeks_of(START, 8, 30.0))                  # longest run 12 km
    day = START + timedelta(weeks=8, days=6)
    store.upsert_activities([run(day, 24.0, id=777)])
    [w] = caught(run_cli, day, day + timedelta(days=6), "volume.long_run_spike")
    assert (w["subject"], w["severity"]) == ("777", "warn")            # exactly 100% more: warn
    assert "Frandsen" in w["reference"]


def test_a_week_moved_to_trail_with_climbing_is_mailed(store, run_cli):
    store.upsert_activities(weeks_of(START, 8, 30.0))
    week = START + timedelta(weeks=8)
    store.upsert_activities([run(week + timedelta(days=d), 8.0, sport_type="TrailRun", elev_m=400.0)
                             for d in (1, 3, 6)])
    found = caught(run_cli, week, week + timedelta(days=6), "terrain.trail_switch")
    assert len(found) == 1 and found[0]["severity"] == "warn"


def test_the_first_full_week_after_three_weeks_off_is_mailed(store, run_cli):
    store.upsert_activities(weeks_of(START, 8, 30.0))
    back = START + timedelta(weeks=11)                                 # weeks 9-11 off
    store.upsert_activities(weeks_of(back, 1, 30.0))
    [w] = caught(run_cli, back, back + timedelta(days=6), "volume.comeback")
    assert w["severity"] == "warn" and w["evidence"]["back_on"] == back.isoformat()


def test_a_pair_crossing_its_limit_is_mailed(store, run_cli):
    store.upsert_activities(weeks_of(START, 8, 30.0, gear_id="gB") + weeks_of(START, 8, 10.0, days=(1,)))
    day = START + timedelta(weeks=8, days=1)
    store.upsert_gear([shoe("gA", "Old pair", 705.0), shoe("gB", "New pair", 240.0)])
    store.upsert_activities([run(day, 8.0, gear_id="gA")])             # from 697 km to 705 km
    [w] = caught(run_cli, day - timedelta(days=3), day + timedelta(days=3), "shoes.mileage")
    assert (w["subject"], w["severity"]) == ("gA", "warn")


def test_two_big_weeks_do_not_hide_a_jump_from_steady_weeks(store, run_cli):
    """108.9 km against weeks of 66-78 km: 1.51x their mean (the two busiest alone, 76 km, made it info)."""
    even = dict(days=(0, 1, 2, 3, 4, 5), long_share=1 / 6)
    for i, km in enumerate((66.0, 70.0, 74.0, 78.0, 66.0, 70.0, 74.0, 78.0)):
        store.upsert_activities(weeks_of(START + timedelta(weeks=i), 1, km, **even))
    week = START + timedelta(weeks=8)
    store.upsert_activities([run(week + timedelta(days=d), 108.9 / 9, hour=h)
                             for d, h in ((0, 7), (1, 7), (2, 7), (3, 7), (4, 7), (5, 7), (6, 7), (1, 18), (3, 18))])
    found = caught(run_cli, week, week + timedelta(days=6), "volume.weekly_load")
    assert found and found[0]["severity"] == "warn"


def test_light_weeks_in_the_base_do_not_make_an_ordinary_week_a_jump(store, run_cli):
    for i, km in enumerate((40.0, 40.0, 40.0, 40.0, 40.0, 8.0, 8.0, 40.0)):   # a two-week holiday
        store.upsert_activities(weeks_of(START + timedelta(weeks=i), 1, km))
    week = START + timedelta(weeks=8)
    store.upsert_activities(weeks_of(week, 1, 48.0))                  # 1.2x the usual 40 km
    assert volume(cron_mail(run_cli, week, week + timedelta(days=6), "--min-severity", "warn")) == []


@pytest.mark.parametrize("off_days, first_week, mailed_on", [
    (21, (16.0,), 6),            # one run, no longer than before the break: told as the week ends
    (21, (8.0, 8.0), 2),         # the second run passes half the 30 km weeks: told that day
    (16, (8.0, 8.0, 8.0), None),  # 16 days off, back at 80%: a sensible return
    (16, (12.0, 12.0, 12.0), 4),  # 16 days off, straight back to full weeks
])
def test_a_comeback_is_told_on_the_first_week_not_on_one_easy_run(store, run_cli, off_days, first_week, mailed_on):
    store.upsert_activities(weeks_of(START, 8, 30.0, days=(2, 6), long_share=0.6))   # 12 and 18 km
    back = START + timedelta(weeks=8, days=off_days)
    store.upsert_activities([run(back + timedelta(days=2 * i), km) for i, km in enumerate(first_week)])
    mailed = [m for m in cron_mail(run_cli, back, back + timedelta(days=13), "--min-severity", "warn")
              if m["rule"] == "volume.comeback"]
    assert [m["day"] for m in mailed] == ([] if mailed_on is None else [(back + timedelta(days=mailed_on)).isoformat()])


# -- steady weeks stay quiet ---------------------------------------------------------------------


@pytest.mark.parametrize("km_week, seed", [(12.0, 4), (30.0, 5), (55.0, 6)])
def test_half_a_year_of_steady_weeks_mails_nothing(store, run_cli, km_week, seed):
    rng = random.Random(seed)
    store.upsert_gear([shoe("gA", "Pair A", 300.0), shoe("gB", "Pair B", 250.0)])
    runs = weeks_of(START, 26, km_week, rng=rng)
    for i, r in enumerate(runs):
        r["gear_id"] = "gA" if i % 2 else "gB"
    store.upsert_activities(runs)
    assert cron_mail(run_cli, START, START + timedelta(weeks=26), "--min-severity", "warn") == []


def test_a_runner_who_never_records_shoes_hears_of_it_once(store, run_cli, check_json):
    store.upsert_activities(weeks_of(START, 16, 30.0, gear_id=None))
    mailed = cron_mail(run_cli, START, START + timedelta(weeks=16))      # every severity, as cron counts
    assert [m["rule"] for m in mailed].count("shoes.untracked") == 1
    # plain check and the digest tell it for the first four weeks, not on every check after
    assert "shoes.untracked" in all_rules(check_json(START + timedelta(weeks=3)))
    assert "shoes.untracked" not in all_rules(check_json(START + timedelta(weeks=6)))


# -- findings as episodes ------------------------------------------------------------------------


def test_an_ongoing_jump_is_not_mailed_again_when_the_iso_week_changes(store, run_cli):
    store.upsert_activities(weeks_of(START, 8, 30.0))
    jump_week = START + timedelta(weeks=8)
    store.upsert_activities([run(jump_week + timedelta(days=d), 10.0, hour=h) for d in (3, 4, 5) for h in (7, 18)])
    sunday, monday = jump_week + timedelta(days=6), jump_week + timedelta(days=7)
    first = run_cli("check", "--as-of", sunday.isoformat(), "--format", "json", *CRON)
    [w] = json.loads(first.stdout)["warnings"]
    assert w["rule"] == "volume.weekly_load"
    assert run_cli("check", "--as-of", monday.isoformat(), *CRON).stdout == ""
    still = run_cli("check", "--as-of", monday.isoformat(), "--format", "json")
    [again] = [x for x in json.loads(still.stdout)["warnings"] if x["rule"] == "volume.weekly_load"]
    assert (again["id"], again["subject"]) == (w["id"], w["subject"])  # one finding, one subject


def test_a_jump_is_mailed_again_only_when_its_km_grow_and_a_week_has_passed(store, run_cli):
    store.upsert_activities(weeks_of(START, 8, 40.0, long_share=0.25))        # four 10 km runs a week
    week = START + timedelta(weeks=8)
    # 10 km every day for two weeks, and a second run on the second Wednesday: 70 km, then 80
    store.upsert_activities([run(week + timedelta(days=d), 10.0) for d in range(14)]
                            + [run(week + timedelta(days=9), 10.0, hour=18)])
    mailed = [m for m in cron_mail(run_cli, week, week + timedelta(days=13), "--min-severity", "warn")
              if m["rule"] == "volume.weekly_load"]
    first, again = mailed                                                     # one build-up, told twice
    assert first["subject"] == again["subject"]
    gap = (date.fromisoformat(again["day"]) - date.fromisoformat(first["day"])).days

    def km(m):
        return float(m["message"].split(" km in the 7 days")[0].split()[-1])

    assert gap >= 7 and km(again) >= 1.25 * km(first)
    since = date.fromisoformat(first["subject"])
    ratio = again["message"].split("load ratio ")[1][:4]
    assert again["message"].startswith(f"Same build-up as {since:%a} {since.day} {since:%b}, now {ratio}x.")


def test_a_ratio_that_rises_only_because_the_base_falls_is_not_mailed_again():
    from loadguard.assess.ledger import Ledger
    from loadguard.assess.rules.weekly_load import WeeklyLoad
    from loadguard.model import Severity, Warning

    def week(acute_km: float, ratio: float, severity=Severity.WARN) -> Warning:
        return Warning("volume.weekly_load", severity, START, "2026-01-05", "t", f"{acute_km} km",
                       {"acute_km": acute_km, "ratio": ratio})

    ledger = Ledger({WeeklyLoad.id: WeeklyLoad.magnitude})     # the key the rule declares
    ledger.record(ledger.news([week(48.0, 1.6)], START), START)
    later = START + timedelta(days=8)
    assert ledger.news([week(48.0, 3.2, Severity.ALERT)], later) == []      # the base halved, not the load
    assert ledger.news([week(60.0, 2.0)], START + timedelta(days=6)) == []  # grown, but told 6 days ago
    [again] = ledger.news([week(60.0, 2.0)], later)
    assert again.message == "Same build-up as Mon 5 Jan, now 2.00x. 60.0 km"


def test_a_comeback_is_one_finding_keyed_on_the_day_back(store, run_cli):
    store.upsert_activities(weeks_of(START, 8, 30.0))
    back = START + timedelta(weeks=11)
    store.upsert_activities(weeks_of(back, 1, 30.0))
    mailed = cron_mail(run_cli, back, back + timedelta(days=13), "--min-severity", "warn")
    comebacks = [m for m in mailed if m["rule"] == "volume.comeback"]
    assert len(comebacks) == 1 and comebacks[0]["subject"] == back.isoformat()


# -- one cause, one message ----------------------------------------------------------------------


def test_the_spike_that_makes_the_weeks_jump_is_told_once(store, check_json):
    store.upsert_activities(weeks_of(START, 8, 30.0))                  # runs of 6 km, 12 km long
    day = START + timedelta(weeks=8, days=6)
    store.upsert_activities([run(day - timedelta(days=4), 6.0), run(day, 40.0, id=4242)])
    warnings = volume(check_json(day))
    assert {w["rule"] for w in warnings} == {"volume.long_run_spike"}
    [w] = warnings
    assert w["severity"] == "alert" and w["subject"] == "4242"
    [weekly] = w["evidence"]["also"]
    assert weekly["rule"] == "volume.weekly_load" and weekly["evidence"]["acute_km"] == 46.0
    assert "Also, weekly distance well above your recent weeks" in w["message"]


def test_a_big_week_around_a_mailed_spike_is_told_in_the_spikes_mail(store, check_json, run_cli):
    store.upsert_activities(weeks_of(START, 8, 30.0))
    day = START + timedelta(weeks=8, days=6)
    store.upsert_activities([run(day - timedelta(days=d), 11.0) for d in (2, 3, 4, 5)] + [run(day, 18.0, id=31)])
    [w] = volume(check_json(day))                                      # big without the spike too
    assert (w["rule"], w["subject"]) == ("volume.long_run_spike", "31")
    assert [a["rule"] for a in w["evidence"]["also"]] == ["volume.weekly_load"]
    # a recovery jog two days later lifts the week's ratio: no new mail about the week
    store.upsert_activities([run(day + timedelta(days=2), 8.0)])
    mailed = cron_mail(run_cli, day, day + timedelta(days=6), "--min-severity", "warn")
    assert [m["rule"] for m in mailed] == ["volume.long_run_spike"]


def test_a_week_that_is_big_without_an_info_spike_keeps_its_own_warning(store, check_json):
    store.upsert_activities(weeks_of(START, 8, 30.0))                  # longest 12 km
    day = START + timedelta(weeks=8, days=6)
    store.upsert_activities([run(day - timedelta(days=d), 11.0) for d in (2, 3, 4, 5)] + [run(day, 14.0)])
    found = {w["rule"]: w["severity"] for w in check_json(day)}
    assert found["volume.long_run_spike"] == "info" and found["volume.weekly_load"] == "warn"


def test_the_comeback_run_that_is_also_a_spike_is_told_once(store, check_json):
    store.upsert_activities(weeks_of(START, 8, 30.0))
    back = START + timedelta(weeks=8, days=21)                         # 21 days off, longest 12 km 22 days ago
    store.upsert_activities([run(back, 25.0, id=99)])
    [w] = volume(check_json(back))
    assert w["rule"] == "volume.long_run_spike" and w["subject"] == "99"
    assert [a["rule"] for a in w["evidence"]["also"]] == ["volume.comeback"]


# -- races ---------------------------------------------------------------------------------------


def test_a_race_gets_race_recovery_advice_not_a_spike_alarm(store, check_json):
    store.upsert_activities(weeks_of(START, 8, 40.0))                  # long runs of 16 km
    day = START + timedelta(weeks=8, days=6)
    store.upsert_activities([run(day, 21.1, id=5150, name="City Half") | {"workout_type": 1}])
    [w] = volume(check_json(day))
    assert (w["rule"], w["subject"], w["severity"]) == ("volume.long_run_spike", "5150", "info")
    assert w["title"] == "Race recovery" and w["message"].startswith("Race 'City Half'")
    assert w["evidence"]["race"] is True and "A race asks more" in w["advice"]


@pytest.mark.parametrize("km", [42.2, 29.7])
def test_a_race_far_past_the_months_longest_is_mailed_as_a_warn(store, check_json, km):
    """A marathon, or a training run tagged as a race ("Marathon Training 18M", 29.7 km
    after a month of 16 km at most): far beyond what the runner prepared for."""
    store.upsert_activities(weeks_of(START, 8, 40.0))
    day = START + timedelta(weeks=8, days=6)
    store.upsert_activities([run(day, km, id=5151, name="Marathon") | {"workout_type": 1}])
    [w] = volume(check_json(day))
    assert (w["severity"], w["title"]) == ("warn", "Race recovery")
    assert "far beyond your preparation" in w["message"]


@pytest.mark.parametrize("pace_s, title, severity", [(300, "Race recovery", "info"),
                                                      (400, "A run much longer than anything in the past month",
                                                       "warn")])
def test_a_half_marathon_without_a_race_tag_is_a_race_when_run_at_race_pace(store, check_json, pace_s, title,
                                                                             severity):
    store.upsert_activities(weeks_of(START, 8, 40.0))                  # 330 s/km, long runs of 16 km
    day = START + timedelta(weeks=8, days=6)
    store.upsert_activities([run(day, 21.1, id=5152) | {"moving_s": int(21.1 * pace_s)}])
    [w] = volume(check_json(day))                                      # 32% over the 30-day longest
    assert (w["title"], w["severity"]) == (title, severity)
    assert w["evidence"]["race"] is (pace_s == 300) and w["evidence"]["race_tagged"] is False


def test_strava_workout_type_is_stored():
    from loadguard.strava.api import activity_row

    raw = {"id": 1, "sport_type": "Run", "start_date": "2026-03-01T08:00:00Z",
           "start_date_local": "2026-03-01T09:00:00Z", "distance": 21097.5, "workout_type": 1}
    assert activity_row(raw, "test")["workout_type"] == 1
    assert activity_row({**raw, "workout_type": None}, "test")["workout_type"] is None


# -- min-severity and replay -----------------------------------------------------------------------


def test_min_severity_leaves_info_out_of_check(store, run_cli):
    store.upsert_gear([shoe("gA", "Only pair", 100.0)])
    store.upsert_activities(weeks_of(START, 10, 30.0))                   # one pair: shoes.rotation info
    day = START + timedelta(weeks=10)
    assert "shoes.rotation" in run_cli("check", "--as-of", day.isoformat()).stdout
    assert run_cli("check", "--as-of", day.isoformat(), *CRON).stdout == ""
    assert "shoes.rotation" in run_cli("check", "--as-of", day.isoformat(), "--new").stdout


def test_replay_mails_what_daily_check_new_would_and_leaves_reported_alone(store, run_cli, home):
    store.upsert_gear([shoe("gA", "Only pair", 650.0)])
    store.upsert_activities(weeks_of(START, 8, 30.0))
    later = START + timedelta(weeks=8)
    store.upsert_activities([run(later + timedelta(days=d), 10.0, hour=h) for d in (1, 2, 3) for h in (7, 18)]
                            + [run(later + timedelta(days=13), 20.0), *weeks_of(later + timedelta(weeks=3), 3, 30.0)])
    first, last = START + timedelta(weeks=5), START + timedelta(weeks=14)
    mailed = cron_mail(run_cli, first, last)
    assert store.conn.execute("SELECT count(*) FROM reported").fetchone()[0] == 0
    assert {m["rule"] for m in mailed} >= {"volume.weekly_load", "volume.long_run_spike", "shoes.mileage"}

    daily = []
    for i in range((last - first).days + 1):
        day = (first + timedelta(days=i)).isoformat()
        out = run_cli("check", "--as-of", day, "--new", "--format", "json").stdout
        daily += [(day, w["id"]) for w in json.loads(out)["warnings"]] if out else []
    assert daily == [(m["day"], m["id"]) for m in mailed]

    text = run_cli("replay", "--from", first.isoformat(), "--to", last.isoformat())
    assert text.exit_code == 0
    assert "2026-03" in text.stdout and "mail days in" in text.stdout
    doc = json.loads(run_cli("replay", "--from", first.isoformat(), "--to", last.isoformat(), "--format",
                             "json").stdout)
    assert doc["total"]["mail_days"] == len({m["day"] for m in mailed})
    assert sum(m["lines"] for m in doc["months"]) == len(mailed)


def test_replay_past_a_retired_pairs_last_run_still_mails_its_mileage(store, run_cli):
    # the pair crosses its 700 km limit on its second-last run, then is retired for another
    store.upsert_gear([shoe("gOld", "Old pair", 711.0, retired=True), shoe("gNew", "New pair", 60.0)])
    store.upsert_activities(weeks_of(START, 6, 30.0, gear_id="gOld")
                            + weeks_of(START + timedelta(weeks=6), 2, 30.0, gear_id="gNew"))
    last_old = START + timedelta(weeks=5, days=6)                    # 12 km on the Sunday: 699 to 711 km
    first, last = last_old - timedelta(days=3), START + timedelta(weeks=8)
    mailed = [(m["day"], m["rule"], m["severity"]) for m in cron_mail(run_cli, first, last, "--min-severity", "warn")
              if m["rule"] == "shoes.mileage"]
    daily = []
    for i in range((last - first).days + 1):
        out = run_cli("check", "--as-of", (first + timedelta(days=i)).isoformat(), *CRON, "--format", "json").stdout
        daily += [(w["date"], w["rule"], w["severity"]) for w in json.loads(out)["warnings"]
                  if w["rule"] == "shoes.mileage"] if out else []
    assert mailed == daily == [(last_old.isoformat(), "shoes.mileage", "warn")]


def test_replay_refuses_a_range_that_ends_before_it_starts(run_cli):
    result = run_cli("replay", "--from", "2026-03-01", "--to", "2026-02-01")
    assert result.exit_code == 2 and "before --from" in result.stderr


def test_an_episode_older_than_the_runs_usually_read_keeps_its_first_day(store, check_json, home):
    # two years without a shoe: the episode began long before the 400 days a check reads
    # (ending on START: a check never looks at a day after today); told for longer than
    # the 4 weeks it is told by default, to a runner with a pair known (one with none at
    # all is told once, whatever the episode)
    (home / "config.toml").write_text('[detectors."shoes.untracked"]\ntold_days = 1000\n')
    store.upsert_gear([shoe("gZ", "Pair in the drawer")])
    first = START - timedelta(weeks=104)
    store.upsert_activities(weeks_of(first, 104, 30.0, gear_id=None))
    end = first + timedelta(weeks=104)
    subjects = {w["subject"] for day in (end, end + timedelta(days=1))
                for w in check_json(day) if w["rule"] == "shoes.untracked"}
    assert subjects == {(first + timedelta(days=2)).isoformat()}   # 10 km reached on the first Wednesday


def test_one_trail_run_two_weeks_after_a_trail_block_is_no_switch(store, check_json):
    store.upsert_activities(weeks_of(START, 8, 30.0))
    block = START + timedelta(weeks=8)
    store.upsert_activities(weeks_of(block, 3, 30.0, sport_type="TrailRun", elev_m=200.0))
    store.upsert_activities(weeks_of(block + timedelta(weeks=3), 2, 30.0))
    week = block + timedelta(weeks=5)
    store.upsert_activities(weeks_of(week, 1, 22.0, days=(0, 2, 4)) + [run(week + timedelta(days=6), 8.0,
                                                                             sport_type="TrailRun")])
    assert "terrain.trail_switch" not in all_rules(check_json(week + timedelta(days=6)))
