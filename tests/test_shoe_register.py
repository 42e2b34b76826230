"""The shoe register through the CLI: a files-only runner's pair from `shoes add` to
retirement, limits by distance and by age, and settings that survive sync and import."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta, timezone

import fake_strava as fs
import pytest
import responses
from activity_files import gpx_text, write
from conftest import SHARED, STRAVA_REAL, by_rule, table_rows
from strava_export import activity as export_activity
from strava_export import write_export


def gpx_run(folder, day: date, km: float = 10.0, hour: int = 7):
    start = datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)
    return write(folder / f"{day.isoformat()}-{hour}.gpx", gpx_text(start, km, cadence=None, every_s=20))


def shoes_json(run_cli, as_of: date) -> dict[str, dict]:
    result = run_cli("shoes", "--as-of", as_of.isoformat(), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {s["name"]: s for s in json.loads(result.stdout)["shoes"]}


def ok(result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


# -- a files-only runner, start to end ----------------------------------------------------------


def test_a_files_only_runner_registers_a_pair_and_follows_it_to_retirement(tmp_path, run_cli, check_json):
    watch = tmp_path / "watch"
    for day in (date(2026, 1, 5), date(2026, 1, 7)):
        gpx_run(watch, day)
    ok(run_cli("import", str(watch), "--timezone", "UTC"))

    # before any pair: one finding saying what to type
    [bare] = by_rule(check_json(date(2026, 1, 8)), "shoes.untracked")
    assert "loadguard shoes add" in bare["advice"] and "--default" in bare["advice"]
    assert "(2 runs)" in bare["message"]

    added = ok(run_cli("shoes", "add", "Pegasus 41", "--default", "--from", "2026-01-01", "--limit", "36",
                       "--max-months", "6", "--brand", "Nike"))
    assert added.count("\n") == 1   # one line: before -> after
    assert added.startswith("'Pegasus 41': not in the register -> 2 activities, 20.0 km, limit 36 km, "
                            "at most 6 months, in use from 2026-01-01, default from 2026-01-01, id pair-pegasus-41-")
    assert shoes_json(run_cli, date(2026, 1, 8))["Pegasus 41"]["distance_km"] == 20.0
    assert not by_rule(check_json(date(2026, 1, 8)), "shoes.untracked")
    # 20 of 36 km: no mileage finding yet
    assert not by_rule(check_json(date(2026, 1, 8)), "shoes.mileage")

    # each imported run adds to it
    gpx_run(watch, date(2026, 1, 10))
    ok(run_cli("import", str(watch), "--timezone", "UTC"))
    assert shoes_json(run_cli, date(2026, 1, 10))["Pegasus 41"]["distance_km"] == 30.0
    [info] = by_rule(check_json(date(2026, 1, 10)), "shoes.mileage")
    assert info["severity"] == "info" and info["message"].startswith("'Pegasus 41' has 30.0 km, 83% of its 36 km")
    gpx_run(watch, date(2026, 1, 12))
    ok(run_cli("import", str(watch), "--timezone", "UTC"))
    [warn] = by_rule(check_json(date(2026, 1, 12)), "shoes.mileage")
    assert warn["severity"] == "warn"
    assert warn["message"].startswith("'Pegasus 41' has 40.0 km, 111% of its 36 km limit")

    # by age: six months from 2026-01-01 is 2026-07-01
    assert not by_rule(check_json(date(2026, 6, 30)), "shoes.age")
    [age] = by_rule(check_json(date(2026, 7, 1)), "shoes.age")
    assert age["message"] == ("'Pegasus 41' has been in use for 6 months (since 2026-01-01), past its age limit "
                              "of 6 months, whatever its distance.")
    assert age["severity"] == "info" and age["evidence"]["max_months"] == 6

    retired = ok(run_cli("shoes", "retire", "pegasus 41", "--on", "2026-07-05"))
    assert retired == "'Pegasus 41': 4 activities, 40.0 km -> 4 activities, 40.0 km, retired on 2026-07-05\n"
    after = check_json(date(2026, 7, 6))
    assert not by_rule(after, "shoes.mileage") and not by_rule(after, "shoes.age")
    row = shoes_json(run_cli, date(2026, 7, 6))["Pegasus 41"]
    assert (row["retired"], row["in_use_from"], row["retired_from"], row["months"], row["max_months"]) == (
        True, "2026-01-01", "2026-07-05", 6, 6)
    # the day before, as it was then: still in use, both limits told
    before = check_json(date(2026, 7, 4))
    assert by_rule(before, "shoes.mileage") and by_rule(before, "shoes.age")
    # its default ended with it: a run after that has no pair
    gpx_run(watch, date(2026, 7, 10))
    ok(run_cli("import", str(watch), "--timezone", "UTC"))
    assert shoes_json(run_cli, date(2026, 7, 10))["Pegasus 41"]["distance_km"] == 40.0


def test_a_retirement_taken_back_puts_the_pair_its_default_and_its_limits_back(tmp_path, run_cli, check_json):
    watch = tmp_path / "watch"
    for day in (date(2026, 1, 5), date(2026, 1, 7), date(2026, 3, 2)):
        gpx_run(watch, day)
    ok(run_cli("import", str(watch), "--timezone", "UTC"))
    ok(run_cli("shoes", "add", "Pegasus 41", "--default", "--from", "2026-01-01", "--limit", "25"))
    ok(run_cli("shoes", "retire", "Pegasus 41", "--on", "2026-02-01"))
    retired = check_json(date(2026, 3, 2))
    assert not by_rule(retired, "shoes.mileage") and by_rule(retired, "shoes.untracked")
    assert shoes_json(run_cli, date(2026, 3, 2))["Pegasus 41"]["distance_km"] == 20.0

    undone = ok(run_cli("shoes", "retire", "Pegasus 41", "--undo"))
    assert undone == ("'Pegasus 41': 2 activities, 20.0 km, retired on 2026-02-01 -> 3 activities, 30.0 km, "
                      "in use\n")
    row = shoes_json(run_cli, date(2026, 3, 2))["Pegasus 41"]
    assert (row["distance_km"], row["retired"], row["retired_from"]) == (30.0, False, None)
    again = check_json(date(2026, 3, 2))
    [worn] = by_rule(again, "shoes.mileage")
    assert worn["severity"] == "alert" and worn["message"].startswith("'Pegasus 41' has 30.0 km, 120% of its 25 km")
    assert not by_rule(again, "shoes.untracked")


def test_a_runner_without_any_pair_is_told_once_not_every_week(tmp_path, run_cli):
    watch = tmp_path / "watch"
    day = date(2026, 1, 5)
    while day < date(2026, 3, 30):
        gpx_run(watch, day, 8.0)
        day += timedelta(days=3)
    ok(run_cli("import", str(watch), "--timezone", "UTC"))
    told = []
    for week in range(12):
        out = ok(run_cli("check", "--new", "--format", "json", "--as-of",
                         (date(2026, 1, 11) + timedelta(weeks=week)).isoformat()))
        told += by_rule(json.loads(out)["warnings"], "shoes.untracked") if out else []
    assert len(told) == 1 and told[0]["subject"] == "no-pair"
    # ... and the weekly digest tells it in the week it began, not in each week it lasts
    digests = {week: ok(run_cli("digest", "--week", f"2026-W{week:02d}", "--as-of", "2026-04-05"))
               for week in range(2, 8)}
    assert [w for w, text in digests.items() if "Your runs have no shoe" in text] == [2]
    assert "loadguard shoes add" in digests[2]


def test_a_default_by_sport_type_in_config_gives_trail_runs_their_pair(store, run_cli, check_json, home):
    from conftest import run

    store.upsert_activities([run(date(2026, 2, 2), 10.0, gear_id=None),
                             run(date(2026, 2, 3), 12.0, gear_id=None, sport_type="TrailRun"),
                             run(date(2026, 2, 4), 8.0, gear_id=None, sport_type="Walk")])
    ok(run_cli("shoes", "add", "Road pair"))
    ok(run_cli("shoes", "add", "Speedgoat 5", "--from", "2026-02-01"))
    (home / "config.toml").write_text('[shoes.default]\nexport = "Road pair"\nTrailRun = "speedgoat 5"\n')
    table = shoes_json(run_cli, date(2026, 2, 5))
    # a walk never takes a default pair
    assert (table["Road pair"]["distance_km"], table["Speedgoat 5"]["distance_km"]) == (10.0, 12.0)

    (home / "config.toml").write_text('[shoes.default]\nTrailrun = "Speedgoat 5"\n')
    bad = run_cli("shoes")
    assert bad.exit_code == 3 and "'Trailrun' is not a Strava sport type; did you mean 'TrailRun'?" in bad.stderr
    (home / "config.toml").write_text('[shoes.default]\nTrailRun = "Hoka"\n')
    bad = run_cli("check", "--as-of", "2026-02-05")
    assert bad.exit_code == 3 and bad.stderr.startswith("loadguard: ") and "shoes.default.TrailRun" in bad.stderr


def test_assign_and_unassign_runs_show_each_change_in_one_line(store, run_cli):
    from conftest import run, shoe

    store.upsert_gear([shoe("g1", "Strava pair", 100.0)])
    runs = [run(date(2026, 3, d), 10.0, gear_id="g1" if d < 4 else None, id=500 + d) for d in range(1, 7)]
    store.upsert_activities(runs)
    ok(run_cli("shoes", "add", "Spare"))

    moved = ok(run_cli("shoes", "assign", "Spare", "--from", "2026-03-01", "--to", "2026-03-06",
                       "--only-unassigned"))
    assert moved == "'Spare': 0 activities, 0.0 km -> 3 activities, 30.0 km\n"
    assert ok(run_cli("shoes", "assign", "spare", "--run", "501")) == \
        "'Spare': 3 activities, 30.0 km -> 4 activities, 40.0 km\n"
    table = shoes_json(run_cli, date(2026, 3, 6))
    # Strava's total (100 km) less the run taken from it
    assert (table["Strava pair"]["distance_km"], table["Spare"]["distance_km"]) == (90.0, 40.0)
    # runs 1-2 back to no pair: one line per pair they leave (Strava's first, by id)
    out = ok(run_cli("shoes", "unassign", "--from", "2026-03-01", "--to", "2026-03-02"))
    assert out.splitlines() == ["'Strava pair': 2 activities, 20.0 km -> 1 activity, 10.0 km",
                                "'Spare': 4 activities, 40.0 km -> 3 activities, 30.0 km"]
    assert ok(run_cli("shoes", "unassign", "--run", "502")) == "no run had a pair\n"


def test_a_pairs_figures_leave_out_runs_moved_away_deleted_or_after_the_day(store, run_cli):
    from conftest import run, shoe

    store.upsert_gear([shoe("g1", "Strava pair", 100.0, retired=True)])
    days = (date(2026, 2, 27), date(2026, 3, 1), date(2026, 3, 5), date(2026, 3, 8), date(2026, 3, 10),
            date(2026, 3, 12))
    store.upsert_activities([run(day, 10.0, gear_id="g1", id=600 + n) for n, day in enumerate(days)])
    ok(run_cli("shoes", "add", "Spare"))
    ok(run_cli("shoes", "assign", "Spare", "--run", "600", "--run", "602", "--run", "605"))
    store.mark_deleted([603])
    table = shoes_json(run_cli, date(2026, 3, 6))
    strava, spare = table["Strava pair"], table["Spare"]
    # Strava's 100 km less the 50 km it put on the pair in the store (the deleted run is not
    # there any more), plus the 10 km the register leaves on it by the day
    assert (strava["distance_km"], strava["in_use_from"], strava["last_run"]) == (60.0, "2026-03-01", "2026-03-01")
    # retired by Strava without a date: from the day after the last run left on it
    assert (strava["retired"], strava["retired_from"]) == (False, "2026-03-11")
    assert (spare["distance_km"], spare["in_use_from"], spare["last_run"]) == (20.0, "2026-02-27", "2026-03-05")


@pytest.mark.parametrize("args, words", [
    (("assign", "Nobody", "--run", "1"), "no pair is called 'Nobody'"),
    (("assign", "Spare", "--run", "99"), "no activity 99 in the store"),
    (("assign", "Spare"), "name the runs: --run ID, or --from DAY and --to DAY"),
    (("assign", "Spare", "--from", "2026-03-05", "--to", "2026-03-01"), "--to 2026-03-01 is before --from 2026-03-05"),
    (("add", "spare"), "a pair is already called 'spare'"),
    (("add", "Other", "--limit", "-3"), "shoes --limit must be a number above zero"),
    (("add", "Other", "--max-months", "2.5"), "shoes --max-months must be a whole number above zero"),
    (("set-limit", "Spare"), "shoes set-limit needs --km or --max-months"),
    (("retire", "Spare", "--on", "2025-12-31"), "'Spare' is in use from 2026-01-01; it cannot retire on 2025-12-31"),
    (("rename", "Spare", "  "), "shoes rename needs the new name"),
    (("retire", "Spare", "--undo"), "'Spare' is not retired"),
    (("retire", "Spare", "--undo", "--on", "2026-02-01"), "shoes retire takes --on or --undo, not both"),
])
def test_a_mistake_is_one_line_exit_2_and_changes_nothing(run_cli, home, args, words):
    ok(run_cli("shoes", "add", "Spare", "--from", "2026-01-01"))
    before = _register_rows(home)
    result = run_cli("shoes", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and words in result.stderr
    assert _register_rows(home) == before


def _register_rows(home) -> list:
    return table_rows(home, "shoe_pairs", "shoe_assignments", "shoe_defaults", "gear")


def test_the_shoe_table_shows_a_pairs_age_once_it_has_an_age_limit(store, run_cli):
    from conftest import run

    store.upsert_activities([run(date(2025, 1, 10), 10.0, gear_id=None)])
    ok(run_cli("shoes", "add", "Daily", "--default", "--from", "2025-01-01"))
    ok(run_cli("shoes", "add", "Racer"))
    header = ok(run_cli("shoes", "--as-of", "2026-03-01")).splitlines()[2]
    assert header.split() == ["shoe", "distance", "limit", "life", "last", "run", "retired"]
    ok(run_cli("shoes", "set-limit", "Daily", "--max-months", "12"))
    lines = ok(run_cli("shoes", "--as-of", "2026-03-01")).splitlines()
    assert lines[2].split() == ["shoe", "distance", "limit", "life", "age", "last", "run", "retired"]
    assert lines[3].split()[:8] == ["Daily", "10.0", "km", "700", "km", "1%", "14", "of"] and "12 mo" in lines[3]
    assert lines[4].split()[:6] == ["Racer", "0.0", "km", "700", "km", "0%"] and lines[4].split()[6:] == ["-", "-"]


def test_rename_and_limits_of_a_strava_pair_and_names_printed_safely(store, run_cli, check_json):
    from conftest import run, shoe

    store.upsert_gear([shoe("g1", "Ghost\x1b[2J 15", 500.0)])
    store.upsert_activities([run(date(2026, 3, 1), 10.0, gear_id="g1")])
    out = ok(run_cli("shoes", "set-limit", "g1", "--km", "600", "--max-months", "12"))
    assert "\x1b" not in out and out.startswith("'Ghost\ufffd[2J 15': 1 activity, 10.0 km -> 1 activity, 10.0 km, "
                                                "limit 600 km, at most 12 months")
    renamed = ok(run_cli("shoes", "rename", "g1", "Daily pair"))
    assert renamed == "'Ghost\ufffd[2J 15': 'Ghost\ufffd[2J 15' -> 'Daily pair'\n"
    [w] = by_rule(check_json(date(2026, 3, 1)), "shoes.mileage")
    assert w["message"].startswith("'Daily pair' has 500.0 km, 83% of its 600 km limit")
    ok(run_cli("shoes", "set-limit", "Daily pair", "--km", "default"))
    assert not by_rule(check_json(date(2026, 3, 1)), "shoes.mileage")   # 500 of config's 700 km
    assert shoes_json(run_cli, date(2026, 3, 1))["Daily pair"]["limit_km"] == 700.0


# -- the register outlives sync and import -----------------------------------------------------


def test_the_register_survives_a_full_resync(home, run_cli):
    fs.write_token(home)
    start = datetime(2026, 3, 1, 7, tzinfo=timezone.utc)
    history = [fs.activity(800 + i, start + timedelta(days=i), 10.0, gear_id="g100" if i % 2 else None)
               for i in range(6)]
    gear = {"g100": fs.detailed_gear("g100", "Brooks", "Ghost 15", 60_000.0)}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fs.FakeStrava(rsps, history, shoes=[fs.summary_shoe("g100", "Brooks Ghost 15", 60_000.0)], gear=gear)
        ok(run_cli("sync"))
    ok(run_cli("shoes", "add", "Spare", "--default", "--from", "2026-03-01"))
    ok(run_cli("shoes", "assign", "Spare", "--run", "801"))
    ok(run_cli("shoes", "rename", "g100", "Ghosts"))
    ok(run_cli("shoes", "set-limit", "Ghosts", "--km", "300"))
    ok(run_cli("shoes", "retire", "Ghosts", "--on", "2026-03-10"))
    before = shoes_json(run_cli, date(2026, 3, 8))
    assert (before["Ghosts"]["distance_km"], before["Spare"]["distance_km"]) == (50.0, 40.0)
    assert before["Ghosts"]["limit_km"] == 300.0

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fs.FakeStrava(rsps, history, shoes=[fs.summary_shoe("g100", "Brooks Ghost 15", 60_000.0)], gear=gear)
        ok(run_cli("sync", "--full"))
    assert shoes_json(run_cli, date(2026, 3, 8)) == before
    assert shoes_json(run_cli, date(2026, 3, 12))["Ghosts"]["retired"] is True


def test_the_register_survives_reimport_and_a_file_run_merged_into_strava_keeps_its_pair(tmp_path, run_cli):
    watch = tmp_path / "watch"
    gpx_run(watch, date(2026, 4, 1), 10.0)
    gpx_run(watch, date(2026, 4, 3), 10.0)
    ok(run_cli("import", str(watch), "--timezone", "UTC"))
    ok(run_cli("shoes", "add", "Trail pair"))
    ok(run_cli("shoes", "assign", "Trail pair", "--from", "2026-04-01", "--to", "2026-04-03"))
    assert shoes_json(run_cli, date(2026, 4, 5))["Trail pair"]["distance_km"] == 20.0

    # the same runs again (changed files are read anew), then from a Strava export with no shoe
    for day in (date(2026, 4, 1), date(2026, 4, 3)):
        gpx_run(watch, day, 10.0).touch()
    ok(run_cli("import", str(watch), "--timezone", "UTC"))
    export = write_export(tmp_path / "export", [
        export_activity(9001, datetime(2026, 4, 1, 7), km=10.0),
        export_activity(9003, datetime(2026, 4, 3, 7), km=10.0)])
    result = ok(run_cli("import", str(export), "--timezone", "UTC"))
    assert "2 new" in result or "merged" in result or result
    assert shoes_json(run_cli, date(2026, 4, 5))["Trail pair"]["distance_km"] == 20.0
    conn = sqlite3.connect(tmp_path / "home" / "loadguard.db")
    try:
        assert sorted(r[0] for r in conn.execute("SELECT activity_id FROM shoe_assignments")) == [9001, 9003]
    finally:
        conn.close()


# -- the recorded watch files (../shared/activity-files) ---------------------------------------


@pytest.mark.skipif(not (SHARED / "activity-files" / "manifest.json").is_file(),
                    reason="../shared/activity-files absent")
def test_recorded_watch_files_a_default_pair_counts_their_runs_to_its_limits(run_cli, check_json):
    # ten runs from 2012 to 2025 (FIT, GPX, TCX); five from 2019-07-12 on: 48.4 km
    ok(run_cli("import", str(SHARED / "activity-files")))
    [bare] = by_rule(check_json(date(2025, 4, 11)), "shoes.untracked")
    assert bare["subject"] == "no-pair" and "loadguard shoes add" in bare["advice"]

    added = ok(run_cli("shoes", "add", "Kinvara 14", "--default", "--from", "2019-01-01", "--limit", "40",
                       "--max-months", "24"))
    assert added.startswith("'Kinvara 14': not in the register -> 5 activities, 48.4 km, limit 40 km, at most 24 "
                            "months, in use from 2019-01-01, default from 2019-01-01")
    found = check_json(date(2025, 4, 11))
    assert not by_rule(found, "shoes.untracked")
    [worn] = by_rule(found, "shoes.mileage")
    assert worn["severity"] == "alert" and worn["message"].startswith("'Kinvara 14' has 48.4 km, 121% of its 40 km")
    [aged] = by_rule(found, "shoes.age")
    assert aged["message"].startswith("'Kinvara 14' has been in use for 75 months (since 2019-01-01)")
    # its 24 months ran out on 2021-01-01; the day before, only its distance (70%) was short of a finding
    assert not by_rule(check_json(date(2020, 12, 31)), "shoes.age")

    assert ok(run_cli("shoes", "retire", "Kinvara 14", "--on", "2021-02-01")) == \
        "'Kinvara 14': 5 activities, 48.4 km -> 4 activities, 28.1 km, retired on 2021-02-01\n"
    assert shoes_json(run_cli, date(2025, 4, 11))["Kinvara 14"]["distance_km"] == 28.1
    assert by_rule(check_json(date(2025, 4, 11)), "shoes.untracked")   # the 2025 run has no pair again
    ok(run_cli("shoes", "retire", "Kinvara 14", "--undo"))
    assert shoes_json(run_cli, date(2025, 4, 11))["Kinvara 14"]["distance_km"] == 48.4


# -- the recorded real history (../shared/strava-real) ----------------------------------------


needs_real = pytest.mark.skipif(not (STRAVA_REAL / "activities.json").exists(),
                                reason="the recorded Strava responses in ../shared are not here")


@pytest.fixture
def real_history(home, run_cli):
    load = lambda name: json.loads((STRAVA_REAL / name).read_text(encoding="utf-8"))  # noqa: E731
    athlete, retired = load("athlete.json"), load("gear-retired-shoe.json")
    fs.write_token(home)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fs.FakeStrava(rsps, load("activities.json"), shoes=athlete["shoes"], gear={retired["id"]: retired})
        ok(run_cli("sync"))
    return home


@needs_real
def test_real_history_retired_pair_ends_with_its_last_run_not_a_hike(real_history, run_cli, check_json):
    # Adidas Supernova ST (g3423618), retired on Strava: last run 2019-11-10, a hike in it on 2020-07-03
    in_use = by_rule(check_json(date(2019, 11, 10)), "shoes.mileage")
    assert [w["subject"] for w in in_use if w["severity"] == "alert"].count("g3423618") == 1
    after = check_json(date(2019, 11, 11))
    assert "g3423618" not in {w["subject"] for w in by_rule(after, "shoes.mileage")}
    table = shoes_json(run_cli, date(2020, 3, 1))["Adidas Supernova ST"]
    assert (table["retired"], table["last_run"]) == (True, "2019-11-10")
    # a replay reaching past the retirement still holds the pair's mails while it was in use
    out = json.loads(ok(run_cli("replay", "--from", "2019-06-01", "--to", "2020-12-31", "--format", "json")))
    mailed = [(m["day"], m["severity"]) for m in out["mailed"]
              if m["subject"] == "g3423618" and m["rule"] == "shoes.mileage"]
    assert mailed == [("2019-06-01", "info"), ("2019-08-16", "warn"), ("2019-10-14", "alert")]


@needs_real
def test_real_history_undescribed_gear_is_listed_and_judged(real_history, run_cli, check_json):
    table = shoes_json(run_cli, date(2025, 10, 20))
    assert table["unnamed pair ending 2300"]["distance_km"] == 1188.3
    [w] = [w for w in by_rule(check_json(date(2023, 9, 9)), "shoes.mileage") if w["subject"] == "g12012300"]
    assert w["severity"] == "alert" and w["message"].startswith("'unnamed pair ending 2300' has 852.6 km")
    # never among Strava's active shoes: retired after its last run (2023-11-05), not an alert for ever
    assert not [w for w in by_rule(check_json(date(2023, 11, 6)), "shoes.mileage") if w["subject"] == "g12012300"]
    # the runner can name and retire it
    ok(run_cli("shoes", "rename", "g12012300", "Old Boston"))
    ok(run_cli("shoes", "retire", "Old Boston", "--on", "2023-10-01"))
    renamed = shoes_json(run_cli, date(2025, 10, 20))["Old Boston"]
    assert renamed["distance_km"] == table["unnamed pair ending 2300"]["distance_km"]
    assert not [w for w in by_rule(check_json(date(2023, 10, 1)), "shoes.mileage") if w["subject"] == "g12012300"]


@needs_real
def test_real_history_a_pair_retired_by_strava_or_by_config_is_not_unretired_by_the_register(
        real_history, run_cli):
    before = shoes_json(run_cli, date(2025, 10, 20))
    for pair, words in (("Adidas Supernova ST", "'Adidas Supernova ST' is retired on Strava; mark it active there "
                                                "and sync"),
                        ("g12012300", "'unnamed pair ending 2300' is not among the shoes Strava lists")):
        refused = run_cli("shoes", "retire", pair, "--undo")
        assert refused.exit_code == 2 and refused.stderr.count("\n") == 1 and words in refused.stderr
    (real_history / "config.toml").write_text('[shoes]\nretired = ["*Switch FWD*"]\n')
    refused = run_cli("shoes", "retire", "Adidas Switch FWD 2", "--undo")
    assert refused.exit_code == 2 and "is retired by [shoes] retired in config.toml" in refused.stderr
    (real_history / "config.toml").write_text("")
    assert shoes_json(run_cli, date(2025, 10, 20)) == before
    # a retirement of the register's own over a Strava pair is taken back to Strava's word
    ok(run_cli("shoes", "retire", "Adidas Switch FWD 2", "--on", "2024-01-01"))
    assert shoes_json(run_cli, date(2025, 10, 20))["Adidas Switch FWD 2"]["retired"] is True
    ok(run_cli("shoes", "retire", "Adidas Switch FWD 2", "--undo"))
    assert shoes_json(run_cli, date(2025, 10, 20)) == before


@needs_real
def test_real_history_a_days_figure_is_the_same_whatever_the_span(real_history, run_cli):
    def figures(last: str) -> dict:
        out = json.loads(ok(run_cli("replay", "--from", "2025-01-01", "--to", last, "--format", "json")))
        return {(m["day"], m["subject"]): m["message"] for m in out["mailed"] if m["rule"] == "shoes.mileage"}

    short, long = figures("2025-08-31"), figures("2025-09-30")
    assert short and all(long[k] == v for k, v in short.items())
    # and as `check` sees that day
    config = real_history / "config.toml"
    config.write_text('[detectors."shoes.mileage"]\nlimit_km = 770\n')   # info from 616 km
    a, b = figures("2025-08-31"), figures("2025-09-30")
    assert a and all(b[k] == v for k, v in a.items())


def test_register_commands_stay_off_pandas(tmp_path):
    import subprocess
    import sys

    code = ("import sys; from loadguard.cli import cli\n"
            f"cli(['--home', {str(tmp_path)!r}, 'shoes', 'add', 'Light pair', '--default'], standalone_mode=False)\n"
            f"cli(['--home', {str(tmp_path)!r}, 'shoes', 'set-limit', 'Light pair', '--km', '500'], "
            "standalone_mode=False)\n"
            f"cli(['--home', {str(tmp_path)!r}, 'shoes', 'retire', 'Light pair'], standalone_mode=False)\n"
            f"cli(['--home', {str(tmp_path)!r}, 'shoes', 'retire', 'Light pair', '--undo'], standalone_mode=False)\n"
            "print('pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "False" and out.count("'Light pair'") == 4


def test_a_default_lasts_until_the_next_default_or_its_retirement(store, run_cli, home):
    from conftest import run

    store.upsert_activities([run(date(2026, m, 10), 10.0, gear_id=None) for m in (1, 2, 3)]
                            + [run(date(2026, 3, 11), 5.0, gear_id=None, sport_type="VirtualRun")])
    ok(run_cli("shoes", "add", "January pair", "--default", "--from", "2026-01-01"))
    ok(run_cli("shoes", "add", "February pair"))
    assert ok(run_cli("shoes", "default", "february pair", "--from", "2026-02-01")) == \
        "'February pair': 0 activities, 0.0 km -> 3 activities, 25.0 km, default from 2026-02-01\n"
    ok(run_cli("shoes", "retire", "February pair", "--on", "2026-03-01"))
    table = shoes_json(run_cli, date(2026, 3, 31))
    # March's runs: the later default is retired, and the earlier one does not come back
    assert (table["January pair"]["distance_km"], table["February pair"]["distance_km"]) == (10.0, 10.0)
    refused = run_cli("shoes", "default", "February pair", "--from", "2026-03-05")
    assert refused.exit_code == 2 and "is retired on 2026-03-01, before 2026-03-05" in refused.stderr
    # a default by source in config.toml is more specific than the register's: it takes them all
    (home / "config.toml").write_text('[shoes.default]\nexport = "January pair"\n')
    table = shoes_json(run_cli, date(2026, 3, 31))
    assert (table["January pair"]["distance_km"], table["February pair"]["distance_km"]) == (35.0, 0.0)
