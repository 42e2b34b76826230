"""volume.* rules on hand-built histories, just under and just over each threshold."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import by_rule, run, steady_weeks

AS_OF = date(2026, 6, 28)          # a Sunday, ISO week 2026-W26
ACUTE_FIRST = AS_OF - timedelta(days=6)


def base(store, km_per_week=40.0, weeks=6, **kw):
    """Even weeks up to the day before the acute window: the chronic base is km_per_week."""
    store.upsert_activities(steady_weeks(ACUTE_FIRST, weeks, km_per_week, **kw))


@pytest.mark.parametrize("acute_km, severity", [
    (51.6, None),       # ratio 1.29
    (52.0, "info"),     # 1.30: the caution band, for the digest
    (59.6, "info"),     # 1.49
    (60.0, "warn"),     # 1.50: mailed
    (119.6, "warn"),    # 2.99
    (120.0, "alert"),   # 3.00
])
def test_weekly_load_thresholds(store, check_json, acute_km, severity):
    base(store)
    # runs no longer than the base's 10 km, so no single run is a spike that explains the week
    n = 6 if acute_km <= 60 else 12
    store.upsert_activities([run(AS_OF - timedelta(days=i % 6), acute_km / n, hour=6 + i // 6 * 12)
                             for i in range(n)])
    found = by_rule(check_json(AS_OF), "volume.weekly_load")
    if severity is None:
        assert found == []
        return
    [w] = found
    assert w["severity"] == severity
    assert ACUTE_FIRST.isoformat() <= w["subject"] <= AS_OF.isoformat()   # the day the episode began
    assert w["evidence"]["acute_km"] == pytest.approx(acute_km)
    assert w["evidence"]["chronic_weekly_km"] == pytest.approx(40.0)
    assert w["evidence"]["ratio"] == pytest.approx(acute_km / 40, abs=0.005)
    assert f"{acute_km:.1f} km" in w["message"] and "40.0 km a week" in w["message"]
    assert w["advice"] and "Gabbett 2016" in w["reference"]


def test_window_edges_first_and_last_day_of_the_week_count(store, check_json):
    base(store)
    store.upsert_activities([run(day, 10.0, hour=h) for day in (ACUTE_FIRST, AS_OF) for h in (6, 12, 21)])
    [w] = by_rule(check_json(AS_OF), "volume.weekly_load")
    assert w["evidence"]["acute_km"] == 60.0
    assert w["evidence"]["window"]["acute"] == ["2026-06-22", "2026-06-28"]
    assert w["severity"] == "warn"


def test_run_the_day_before_the_window_belongs_to_the_base(store, check_json):
    base(store)
    store.upsert_activities([run(ACUTE_FIRST - timedelta(days=1), 30.0), run(AS_OF, 30.0)])
    # acute 30 km against (160 + 30) / 4 = 47.5 km: no jump at all
    assert by_rule(check_json(AS_OF), "volume.weekly_load") == []


def test_local_date_decides_the_day(store, check_json):
    """23:30 in New York on the day before the window is 03:30 UTC inside it: it stays in the base."""
    base(store)
    late = run(ACUTE_FIRST - timedelta(days=1), 20.0, hour=23, utc_offset_h=-4)
    assert late["start_utc"].startswith(ACUTE_FIRST.isoformat())
    store.upsert_activities([late, *[run(AS_OF - timedelta(days=d), 18.75) for d in (0, 2, 4, 5)]])
    [w] = by_rule(check_json(AS_OF), "volume.weekly_load")
    # counted by its UTC day it would make 95 km against 40
    assert w["evidence"]["acute_km"] == 75.0
    assert w["evidence"]["chronic_weekly_km"] == 45.0      # the four base weeks: 40, 40, 40 and 60
    assert w["severity"] == "warn"


def test_three_week_beginner_gets_no_ratio(store, check_json, home):
    """Two weeks of 18 km then 40: a ratio over a part-empty base would be 4.4, an alert."""
    start = AS_OF - timedelta(days=20)
    store.upsert_activities([run(start + timedelta(days=7 * w + d), 6.0) for w in (0, 1) for d in (0, 2, 4)])
    store.upsert_activities([run(AS_OF - timedelta(days=d), 10.0) for d in (0, 2, 4, 6)])
    assert by_rule(check_json(AS_OF), "volume.weekly_load") == []
    (home / "config.toml").write_text('[detectors."volume.weekly_load"]\nmin_history_days = 0\n')
    [w] = by_rule(check_json(AS_OF), "volume.weekly_load")          # what the guard holds back
    assert w["severity"] == "warn"                                   # 40 against the busiest weeks' 18


def test_first_and_last_day_of_the_four_week_base_count(store, check_json, home):
    # every base week counts here, so each edge day moves the base
    (home / "config.toml").write_text('[detectors."volume.weekly_load"]\nlightest_weeks_dropped = 0\n')
    chronic_first, chronic_last = ACUTE_FIRST - timedelta(days=28), ACUTE_FIRST - timedelta(days=1)
    store.upsert_activities(steady_weeks(chronic_first - timedelta(days=7), 2, 40.0))   # history before
    store.upsert_activities([run(chronic_first, 5.0), run(chronic_last, 5.0),
                             run(chronic_first - timedelta(days=1), 99.0)])          # outside: not counted
    store.upsert_activities([run(chronic_first + timedelta(days=4 * i), 5.0) for i in range(1, 7)])
    store.upsert_activities([run(AS_OF, 14.0 / 3, hour=h) for h in (6, 12, 18)])
    [w] = by_rule(check_json(AS_OF), "volume.weekly_load")
    assert w["evidence"]["chronic_weekly_km"] == 10.0                # (5 + 6 x 5 + 5) / 4
    assert w["severity"] == "info"                                   # 1.4; without the edge days 1.87
    assert w["evidence"]["window"]["chronic"] == [chronic_first.isoformat(), chronic_last.isoformat()]


def test_beginner_with_two_weeks_gets_no_ratio_or_spike(store, check_json):
    store.upsert_activities([run(AS_OF - timedelta(days=13), 3.0), run(AS_OF - timedelta(days=10), 3.0),
                             run(AS_OF - timedelta(days=3), 8.0), run(AS_OF, 12.0)])
    found = check_json(AS_OF)
    assert by_rule(found, "volume.weekly_load") == []
    assert by_rule(found, "volume.long_run_spike") == []
    assert by_rule(found, "volume.comeback") == []


def test_treadmill_runs_count_as_volume(store, check_json):
    base(store)
    store.upsert_activities([run(AS_OF - timedelta(days=d), 10.0, sport_type="VirtualRun", trainer=True)
                             for d in range(6)])
    [w] = by_rule(check_json(AS_OF), "volume.weekly_load")
    assert w["evidence"]["acute_km"] == 60.0 and w["severity"] == "warn"


def test_non_running_activities_do_not_count(store, check_json):
    base(store)
    store.upsert_activities([run(AS_OF - timedelta(days=d), 30.0, sport_type=t)
                             for d, t in ((0, "Ride"), (1, "Swim"), (2, "Hike"))])
    assert by_rule(check_json(AS_OF), "volume.weekly_load") == []


def test_ewma_method(store, run_cli, check_json, home):
    (home / "config.toml").write_text('[detectors."volume.weekly_load"]\nmethod = "ewma"\n')
    base(store)
    store.upsert_activities([run(AS_OF - timedelta(days=d), 10.0, hour=h) for d in (0, 1, 2, 3) for h in (6, 18)])
    [w] = by_rule(check_json(AS_OF), "volume.weekly_load")
    assert w["evidence"]["method"] == "ewma"
    assert "EWMA" in w["message"]
    # the EWMA ratio differs from the rolling one (80 / 40 = 2.0) but lands above 1.5
    assert w["evidence"]["ratio"] != 2.0 and w["severity"] == "warn"


def test_comeback_after_three_weeks_off(store, check_json):
    back = AS_OF - timedelta(days=3)
    last_before = back - timedelta(days=22)          # 21 days without running
    store.upsert_activities(steady_weeks(last_before + timedelta(days=1), 6, 40.0))
    store.upsert_activities([run(back, 12.0), run(back + timedelta(days=2), 13.0)])
    found = check_json(AS_OF)
    assert by_rule(found, "volume.weekly_load") == []     # no ratio against an empty base
    [w] = by_rule(found, "volume.comeback")
    assert w["severity"] == "warn"
    assert w["evidence"]["break_days"] == 21
    assert w["evidence"]["km_since_back"] == 25.0
    assert w["evidence"]["pre_break_weekly_km"] == 40.0


def test_gentle_comeback_is_quiet(store, check_json):
    back = AS_OF - timedelta(days=3)
    last_before = back - timedelta(days=22)
    store.upsert_activities(steady_weeks(last_before + timedelta(days=1), 6, 40.0))
    store.upsert_activities([run(back, 10.0), run(back + timedelta(days=2), 10.0)])   # exactly half
    found = check_json(AS_OF)
    assert by_rule(found, "volume.comeback") == []
    assert by_rule(found, "volume.weekly_load") == []


def test_thirteen_rest_days_is_not_a_break(store, check_json):
    back = AS_OF - timedelta(days=3)
    store.upsert_activities(steady_weeks(back - timedelta(days=13), 6, 40.0))
    store.upsert_activities([run(back, 15.0), run(back + timedelta(days=2), 15.0)])
    assert by_rule(check_json(AS_OF), "volume.comeback") == []


@pytest.mark.parametrize("km, severity", [
    (11.0, None),       # exactly 10% over is not "more than 10%"
    (11.9, None),       # 19% over, but only 1.9 km: under the 2 km floor
    (12.0, "info"),     # 20% and 2 km: the digest's
    (13.0, "info"),     # exactly 30%
    (13.1, "warn"),
    (20.0, "warn"),     # exactly 100%
    (20.1, "alert"),
])
def test_long_run_spike_thresholds(store, check_json, km, severity):
    base(store)                                  # every run 10 km: the 30-day longest is 10 km
    spike = run(AS_OF - timedelta(days=1), km, id=424242)
    store.upsert_activities([spike])
    found = by_rule(check_json(AS_OF), "volume.long_run_spike")
    if severity is None:
        assert found == []
        return
    [w] = found
    assert w["severity"] == severity
    assert w["subject"] == "424242"
    assert w["date"] == (AS_OF - timedelta(days=1)).isoformat()
    assert w["evidence"]["previous_longest_km"] == 10.0
    assert w["evidence"]["increase_pct"] == pytest.approx((km / 10 - 1) * 100, abs=0.05)
    assert "Frandsen" in w["reference"]


def test_runs_written_newest_first_and_by_hand_are_judged_in_time_order(store, check_json):
    """A store filled newest first (ids falling as time goes on) or edited by hand (a space
    for the "T", a fraction of a second) still has its runs judged in the order they ran."""
    weeks = steady_weeks(ACUTE_FIRST, 6, 40.0)
    for n, row in enumerate(sorted(weeks, key=lambda r: r["start_local"], reverse=True)):
        row["id"] = 900_000 + n
    weeks[0]["start_local"] = weeks[0]["start_local"].replace("T", " ")
    weeks[1]["start_local"] += ".500"
    spike = run(AS_OF - timedelta(days=1), 17.0, id=1)
    store.upsert_activities([spike, *weeks])
    [w] = by_rule(check_json(AS_OF), "volume.long_run_spike")
    assert w["subject"] == "1"
    assert w["evidence"]["previous_longest_km"] == 10.0


def test_long_run_spike_only_looks_at_the_last_seven_days(store, check_json):
    base(store)
    store.upsert_activities([run(ACUTE_FIRST - timedelta(days=1), 18.0)])
    assert by_rule(check_json(AS_OF), "volume.long_run_spike") == []
    assert len(by_rule(check_json(AS_OF - timedelta(days=1)), "volume.long_run_spike")) == 1


@pytest.mark.parametrize("days_back, severity", [(40, None), (61, "warn")])
def test_a_long_run_of_the_two_months_before_raises_the_reference(store, check_json, days_back, severity):
    """14 km after a month of 10 km runs is no spike five weeks after a 22 km run (the
    reference is 90% of it), and a warn when that run lies past the 60 days."""
    base(store, weeks=10)
    store.upsert_activities([run(AS_OF - timedelta(days=days_back), 22.0), run(AS_OF, 14.0)])
    found = by_rule(check_json(AS_OF), "volume.long_run_spike")
    assert [w["severity"] for w in found] == ([severity] if severity else [])
    if severity:
        assert found[0]["evidence"]["reference_km"] == found[0]["evidence"]["previous_longest_km"] == 10.0


def test_a_run_far_past_a_light_month_is_mailed_whatever_came_before(store, check_json):
    base(store, km_per_week=25.0, weeks=10)                               # runs of 6.2 km
    store.upsert_activities([run(AS_OF - timedelta(days=34), 22.6), run(AS_OF, 17.7, id=4321)])
    [w] = by_rule(check_json(AS_OF), "volume.long_run_spike")
    assert (w["subject"], w["severity"]) == ("4321", "warn")              # 1.5x and 5 km past the 30-day longest
    assert w["evidence"]["reference_km"] == 20.3
    assert f"you ran 22.6 km on {(AS_OF - timedelta(days=34)).isoformat()}, 34 days before" in w["message"]


@pytest.mark.parametrize("km, longest, severity", [(9.9, 2.3, "warn"), (14.9, 4.9, "alert")])
def test_an_alert_needs_a_run_of_10_km(store, check_json, km, longest, severity):
    """'4.9 km, 262% longer than 1.4 km' is arithmetic, not a hazard: a warn, told in km."""
    store.upsert_activities([run(AS_OF - timedelta(days=d), longest) for d in range(3, 60, 3)]
                            + [run(AS_OF, km, id=55)])
    [w] = by_rule(check_json(AS_OF), "volume.long_run_spike")
    assert w["severity"] == severity
    assert "%" not in w["message"].split(";")[0]      # no percentage against a fragment of a run
    assert f"{km - longest:.1f} km more than your longest run" in w["message"]


def test_the_spike_reference_the_rule_exposes_is_the_one_it_judges_by(store, check_json, home):
    from loadguard import config as config_mod
    from loadguard.assess import frames as frames_mod
    from loadguard.assess.assessment import detector_settings
    from loadguard.assess.rules.long_run_spike import LongRunSpike, reference_km

    base(store, weeks=10)
    store.upsert_activities([run(AS_OF - timedelta(days=40), 22.0), run(AS_OF, 21.0)])
    [w] = by_rule(check_json(AS_OF), "volume.long_run_spike")
    config = config_mod.load(home / "config.toml")
    frames = frames_mod.build(store, config, AS_OF)
    assert reference_km(frames, detector_settings(config, LongRunSpike())) == w["evidence"]["reference_km"] == 19.8


def test_a_share_shown_as_100_percent_is_not_over_100_percent(store, check_json):
    base(store)
    store.upsert_activities([run(AS_OF, 20.04)])                         # 100.4% over 10 km
    [w] = by_rule(check_json(AS_OF), "volume.long_run_spike")
    assert (w["severity"], w["evidence"]["increase_pct"]) == ("warn", 100)
    assert "over 100%" not in w["message"] and "30-100%" in w["message"]


@pytest.mark.parametrize("days_back, longest", [(30, 11.0), (31, 10.0)])
def test_the_thirty_day_lookback_is_counted_in_local_days(store, check_json, days_back, longest):
    """A run 30 days before counts whatever the hour; 31 days before does not."""
    base(store)
    store.upsert_activities([run(AS_OF - timedelta(days=days_back), 11.0, hour=21)])
    store.upsert_activities([run(AS_OF, 12.0, hour=6)])
    found = by_rule(check_json(AS_OF), "volume.long_run_spike")
    if longest == 11.0:
        assert found == []                                                # 9% over 11 km
    else:
        assert found[0]["evidence"]["previous_longest_km"] == longest


def test_an_earlier_run_the_same_day_is_part_of_the_base(store, check_json):
    base(store)
    store.upsert_activities([run(AS_OF, 15.0, hour=6, id=76), run(AS_OF, 15.5, hour=18, id=77)])
    found = {w["subject"]: w for w in by_rule(check_json(AS_OF), "volume.long_run_spike")}
    assert found["76"]["evidence"]["previous_longest_km"] == 10.0     # the morning run: +50%
    assert "77" not in found                                          # 3% over the morning's 15 km
