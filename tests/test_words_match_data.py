"""Words that match the data: rotation, a week still running, weeks to come, config edges, damaged zips."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta

import pytest
from conftest import run, shoe, steady_weeks

from loadguard.sport_types import STRAVA_SPORT_TYPES

SUNDAY = date(2026, 6, 28)
MONDAY = SUNDAY - timedelta(days=6)


def snapshot(home):
    path = home / "loadguard.db"
    if not path.exists():
        return None
    conn = sqlite3.connect(path)
    try:
        return [conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in ("activities", "gear")]
    finally:
        conn.close()


def test_rotation_does_not_call_a_pair_that_ran_idle(store, check_json):
    store.upsert_gear([shoe("g1", "Pegasus 40"), shoe("g2", "Novablast 4"), shoe("g3", "Spare pair")])
    store.upsert_activities(steady_weeks(SUNDAY, 8, 25.0, gear_id="g1"))      # 200 km
    store.upsert_activities([run(SUNDAY - timedelta(days=3), 20.0, gear_id="g2")])
    [w] = [w for w in check_json(SUNDAY) if w["rule"] == "shoes.rotation"]
    assert "'Novablast 4' ran only 20.0 km" in w["message"]
    assert "'Spare pair' was not worn" in w["message"]
    assert "'Novablast 4' sits" not in w["message"] and "Novablast 4', 'Spare pair' were not worn" not in w["message"]


def test_this_week_counts_runs_and_warnings_up_to_today_alike(store, run_cli):
    store.upsert_activities(steady_weeks(MONDAY, 6, 40.0))
    wednesday = MONDAY + timedelta(days=2)
    store.upsert_activities([run(MONDAY, 8.0, name="Before today"),
                             run(SUNDAY - timedelta(days=1), 35.0, name="After today")])  # would spike
    digest = run_cli("digest", "--week", "this", "--today", wednesday.isoformat()).stdout
    assert "| Runs | 1 |" in digest and "| Distance | 8.0 km |" in digest
    assert "After today" not in digest
    assert "long_run_spike" not in digest


def test_a_week_to_come_is_refused_in_one_line(store, run_cli, home):
    store.upsert_activities(steady_weeks(MONDAY, 6, 40.0))
    before = snapshot(home)
    result = run_cli("digest", "--week", "2026-W30", "--today", SUNDAY.isoformat())
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "loadguard: 2026-W30 has not begun yet (today is 2026-06-28); pick a week up to this one\n"
    assert snapshot(home) == before


@pytest.mark.parametrize("config, message", [
    ("break_days = 0", "break_days must be 1 or more, got 0"),
    ("break_days = -3", "break_days must be 1 or more, got -3"),
    ('[detectors."shoes.mileage"]\nlimit_km = 0', "detectors.shoes.mileage.limit_km must be above zero, got 0.0"),
    ('[detectors."shoes.mileage"]\nlimit_km = -5', "detectors.shoes.mileage.limit_km must be above zero, got -5.0"),
    ('[detectors."shoes.mileage".limits]\n"*Vaporfly*" = -5',
     "detectors.shoes.mileage.limits.*Vaporfly* must be above zero, got -5"),
    ('running_types = ["Run", "Rnu"]', "running_types: 'Rnu' is not a Strava sport type; did you mean 'Run'?"),
    ('[trail]\nsport_types = ["Trail Run"]', "trail.sport_types: 'Trail Run' is not a Strava sport type; "
                                             "did you mean 'TrailRun'?"),
])
def test_config_values_that_cannot_work_are_refused_in_one_line(store, run_cli, home, config, message):
    store.upsert_activities(steady_weeks(MONDAY, 6, 40.0))
    before = snapshot(home)
    (home / "config.toml").write_text(config + "\n")
    for command in (("check", "--as-of", SUNDAY.isoformat()), ("shoes",)):
        result = run_cli(*command)
        assert result.exit_code == 3
        assert result.stderr == f"loadguard: {home / 'config.toml'}: {message}\n"
    assert snapshot(home) == before


def test_the_sport_type_list_is_stravas():
    import typing

    from stravalib import strava_model

    assert STRAVA_SPORT_TYPES == set(typing.get_args(strava_model.SportType.model_fields["root"].annotation))


@pytest.mark.parametrize("name, data", [
    ("export.zip", b"this is not a zip at all\n" * 40),
    ("export_12345", b"PK\x03\x04" + b"\x00" * 300),                    # a download cut short
])
def test_a_garbage_zip_is_called_a_damaged_zip(store, run_cli, home, tmp_path, name, data):
    store.upsert_activities(steady_weeks(MONDAY, 2, 20.0))
    before = snapshot(home)
    path = tmp_path / name
    path.write_bytes(data)
    result = run_cli("import", str(path))
    assert result.exit_code == 3
    assert result.stderr == (f"loadguard: {path}: the zip is damaged (cut short, or not a zip file at all); "
                             "download the export again\n")
    assert "column" not in result.stderr
    assert snapshot(home) == before


def test_json_still_carries_a_rotation_with_the_other_pairs(store, run_cli):
    store.upsert_gear([shoe("g1", "Pegasus 40"), shoe("g2", "Novablast 4")])
    store.upsert_activities(steady_weeks(SUNDAY, 8, 25.0, gear_id="g1"))
    doc = json.loads(run_cli("check", "--as-of", SUNDAY.isoformat(), "--format", "json").stdout)
    [w] = [w for w in doc["warnings"] if w["rule"] == "shoes.rotation"]
    assert w["evidence"]["other_active_shoes"] == ["Novablast 4"] and "'Novablast 4' was not worn" in w["message"]
