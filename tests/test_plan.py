"""`loadguard plan import` and `plan check`: calendars and CSVs read, bad events told, the plan judged ahead."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import run, steady_weeks

from loadguard.plan.sessions import distance_km, kind_of
from loadguard.plan.stored import sessions_after

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = date(2026, 6, 28)


def planned(store):
    """Every session of the stored plan."""
    return sessions_after(store, date.min)


@pytest.mark.parametrize("text, km, kind", [
    ("Long run 24 km", 24.0, "run"),
    ("Easy 8km", 8.0, "run"),
    ("Tempo 10,5 km", 10.5, "run"),
    ("Recovery 5 miles", 5 * 1.609344, "run"),
    ("Valencia 10K", 10.0, "race"),
    ("Half Marathon", 21.0975, "race"),
    ("Marathon pace run 16 km", 16.0, "run"),     # an effort inside a training run, not a race
    ("Easy 10k", 10.0, "run"),                    # a lower-case k is a distance, not a race's name
    ("Trail run 14 km", 14.0, "trail"),
    ("Rest day", None, "run"),
])
def test_distance_and_kind_from_words(text, km, kind):
    assert distance_km(text) == pytest.approx(km) if km else distance_km(text) is None
    assert kind_of(None, text) == kind


def test_example_calendar_is_read_and_stored(run_cli, store):
    result = run_cli("plan", "import", str(EXAMPLES / "plan.ics"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == ("plan: 5 sessions from 2026-11-24 to 2026-12-06 "
                                     "(1 race, 1 event without a distance left out)")
    sessions = planned(store)
    assert [(s.day.isoformat(), round(s.km, 1), s.kind) for s in sessions] == [
        ("2026-11-24", 8.0, "run"), ("2026-11-26", 9.7, "run"), ("2026-11-29", 26.0, "run"),
        ("2026-12-03", 10.0, "run"), ("2026-12-06", 42.2, "race")]


def test_unreadable_events_are_told_one_line_each_and_the_rest_stored(run_cli, store, tmp_path):
    ics = tmp_path / "plan.ics"
    ics.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
        b"BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261206\r\nSUMMARY:Long run 24 km\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:2\r\nDTSTART:2026120X\r\nSUMMARY:Easy 8 km\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:3\r\nSUMMARY:No day 8 km\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:4\r\nDTSTART;VALUE=DATE:20261208\r\nSUMMARY:Typo 9000 km\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n")
    result = run_cli("plan", "import", str(ics))
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3
    assert "event 2 'Easy 8 km'" in lines[0] and "event 3 'No day 8 km'" in lines[1]
    assert "9000 km is more than a session can be" in lines[2]
    assert [s.km for s in planned(store)] == [24.0]


def test_csv_plan_with_bad_lines(run_cli, store, tmp_path):
    plan = tmp_path / "plan.csv"
    plan.write_text("date,km,type\n2026-12-01,8\n2026-12-02,ten\n2026-13-01,8\n2026-12-04,6 mi,easy\n"
                    "2026-12-06,42.2,race\n", encoding="utf-8")
    result = run_cli("plan", "import", str(plan))
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "loadguard: plan.csv: line 3: 'ten' is not a distance in km",
        "loadguard: plan.csv: line 4: '2026-13-01' is not a date (YYYY-MM-DD)",
    ]
    assert [(s.day.day, round(s.km, 2), s.kind) for s in planned(store)] == [
        (1, 8.0, "run"), (4, 9.66, "run"), (6, 42.2, "race")]


def test_a_file_that_is_no_plan_keeps_the_stored_one(run_cli, store, tmp_path):
    assert run_cli("plan", "import", str(EXAMPLES / "plan.csv")).exit_code == 0
    junk = tmp_path / "junk.ics"
    junk.write_bytes(b"BEGIN:VCALENDAR\r\nthis is not a calendar")
    result = run_cli("plan", "import", str(junk))
    assert result.exit_code == 3 and result.stderr.startswith("loadguard: ")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert len(planned(store)) == 6
    assert run_cli("plan", "import", str(tmp_path / "missing.csv")).exit_code == 3
    rest = tmp_path / "rest.csv"
    rest.write_text("date,km\n2026-12-01,rest\n", encoding="utf-8")
    result = run_cli("plan", "import", str(rest))
    assert result.exit_code == 3 and "the stored plan is kept" in result.stderr
    assert len(planned(store)) == 6


def _history(store):
    """Six even weeks of 40 km, 10 km runs, ending the day before AS_OF: longest 10 km."""
    store.upsert_activities(steady_weeks(AS_OF + timedelta(days=1), 6, 40.0))


def test_plan_check_flags_the_session_over_the_spike_line(run_cli, store, tmp_path):
    _history(store)
    plan = tmp_path / "plan.csv"
    first = AS_OF + timedelta(days=1)
    rows = [(first + timedelta(days=d), km, kind) for d, km, kind in
            ((1, 8, "easy"), (3, 10, "easy"), (6, 14, "long run"), (13, 21.1, "Half marathon"))]
    plan.write_text("".join(f"{d.isoformat()},{km},{kind}\n" for d, km, kind in rows), encoding="utf-8")
    assert run_cli("plan", "import", str(plan)).exit_code == 0
    result = run_cli("plan", "check", "--as-of", AS_OF.isoformat(), "--format", "json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["as_of"] == AS_OF.isoformat()
    by_day = {s["date"]: s for s in out["sessions"]}
    assert [s["crosses"] for s in out["sessions"][:2]] == [[], []]
    [long] = by_day[rows[2][0].isoformat()]["crosses"]
    # the line: 2 km past the 10 km longest (10% is less), so 11.9 km stays under it
    assert (long["rule"], long["severity"], long["line_km"]) == ("volume.long_run_spike", "warn", 11.9)
    assert long["advice"]
    race = by_day[rows[3][0].isoformat()]
    assert race["type"] == "race"
    [cross] = race["crosses"]
    assert cross["rule"] == "volume.long_run_spike" and cross["message"].startswith("Race 'Half marathon'")
    assert cross["line_km"] == 15.9     # 2 km past the planned 14 km long run before it
    text = run_cli("plan", "check", "--as-of", AS_OF.isoformat()).stdout
    assert "2 of 4 planned sessions" in text and "the line: 11.9 km" in text


def test_a_plan_under_every_line_says_so_in_one_line(run_cli, store, tmp_path):
    _history(store)
    plan = tmp_path / "plan.csv"
    first = AS_OF + timedelta(days=1)
    plan.write_text("".join(f"{(first + timedelta(days=d)).isoformat()},9\n" for d in (0, 2, 4)), encoding="utf-8")
    assert run_cli("plan", "import", str(plan)).exit_code == 0
    text = run_cli("plan", "check", "--as-of", AS_OF.isoformat()).stdout
    assert "The plan stays under every line: 3 planned sessions from 2026-06-29 to 2026-07-03." in text.splitlines()
    out = json.loads(run_cli("plan", "check", "--as-of", AS_OF.isoformat(), "--format", "json").stdout)
    assert all(s["crosses"] == [] for s in out["sessions"])


def test_plan_check_without_a_plan(run_cli, store):
    _history(store)
    result = run_cli("plan", "check", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0 and "No planned sessions after 2026-06-28" in result.stdout


def test_sessions_already_past_are_not_judged(run_cli, store, tmp_path):
    _history(store)
    plan = tmp_path / "plan.csv"
    plan.write_text(f"{AS_OF.isoformat()},30\n{(AS_OF + timedelta(days=2)).isoformat()},9\n", encoding="utf-8")
    assert run_cli("plan", "import", str(plan)).exit_code == 0
    out = json.loads(run_cli("plan", "check", "--as-of", AS_OF.isoformat(), "--format", "json").stdout)
    assert [s["date"] for s in out["sessions"]] == ["2026-06-30"]


def test_a_comeback_plan_is_judged_against_the_first_week_back(run_cli, store, tmp_path):
    # 6 weeks of 40 km, then 25 days off: the first week back may hold 20 km
    store.upsert_activities(steady_weeks(AS_OF - timedelta(days=24), 6, 40.0))
    plan = tmp_path / "plan.csv"
    first = AS_OF + timedelta(days=1)
    plan.write_text("".join(f"{(first + timedelta(days=d)).isoformat()},8\n" for d in (0, 2, 4)), encoding="utf-8")
    assert run_cli("plan", "import", str(plan)).exit_code == 0
    out = json.loads(run_cli("plan", "check", "--as-of", AS_OF.isoformat(), "--format", "json").stdout)
    assert [[c["rule"] for c in s["crosses"]] for s in out["sessions"]] == [[], [], ["volume.comeback"]]
    assert out["sessions"][2]["crosses"][0]["line_km"] == 4.0    # 20 km less the 16 before it


def test_a_week_already_over_its_line_is_no_sessions_crossing(run_cli, store, tmp_path):
    # 40 km weeks, then two 10 km runs more in the last: the 7 days to Monday hold 60 km
    # (1.5x the base) with no plan at all, so Monday's easy 3 km brings about nothing
    extra = [run(AS_OF - timedelta(days=d), 10.0) for d in (1, 3)]
    store.upsert_activities(steady_weeks(AS_OF + timedelta(days=1), 6, 40.0) + extra)
    monday = AS_OF + timedelta(days=1)
    found = json.loads(run_cli("check", "--as-of", monday.isoformat(), "--format", "json").stdout)["warnings"]
    assert "volume.weekly_load" in {w["rule"] for w in found}
    plan = tmp_path / "plan.csv"
    plan.write_text(f"{monday.isoformat()},3\n", encoding="utf-8")
    assert run_cli("plan", "import", str(plan)).exit_code == 0
    out = json.loads(run_cli("plan", "check", "--as-of", AS_OF.isoformat(), "--format", "json").stdout)
    assert [s["crosses"] for s in out["sessions"]] == [[]]
