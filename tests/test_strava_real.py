"""The Strava mapping over real recorded API responses (../shared/strava-real; skipped without it)."""

from __future__ import annotations

import json
import sqlite3

import fake_strava as fs
import pytest
import responses
from conftest import STRAVA_REAL

pytestmark = pytest.mark.skipif(not (STRAVA_REAL / "activities.json").exists(),
                                reason="the recorded Strava responses in ../shared are not here")


def load(name: str):
    return json.loads((STRAVA_REAL / name).read_text(encoding="utf-8"))


def test_real_history_syncs_with_strava_shoe_totals(home, run_cli):
    activities, athlete, retired = load("activities.json"), load("athlete.json"), load("gear-retired-shoe.json")
    fs.write_token(home)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = fs.FakeStrava(rsps, activities, shoes=athlete["shoes"], gear={retired["id"]: retired})
        result = run_cli("sync")
        assert result.exit_code == 0, result.stderr
        assert fake.list_pages() == [1, 2, 3, 4, 5, 6]  # 1,132 activities, 200 a page

    conn = sqlite3.connect(home / "loadguard.db")
    conn.row_factory = sqlite3.Row
    rows = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM activities")}
    shoes = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM gear")}
    conn.close()

    assert len(rows) == len(activities) == 1132
    newest = rows[16195505756]
    assert (newest["start_utc"], newest["start_local"]) == ("2025-10-19T20:00:00Z", "2025-10-19T16:00:00")
    assert (newest["distance_m"], newest["gear_id"], newest["avg_cadence"]) == (6764.8, "g26020551", 78.4)
    assert sum(1 for r in rows.values() if r["sport_type"] == "TrailRun") == 6

    # the five active shoes carry Strava's own totals, e.g. 752 km for the Adidas Switch FWD 2
    for listed in athlete["shoes"]:
        stored = shoes[listed["id"]]
        assert (stored["name"], stored["distance_m"], stored["retired"]) == (listed["name"], listed["distance"], 0)
    assert round(shoes["g19999385"]["distance_m"] / 1000) == 752
    run_sum = sum(a["distance"] for a in activities if a.get("gear_id") == "g19999385")
    assert abs(run_sum - shoes["g19999385"]["distance_m"]) < 5  # Strava's total is the sum of its runs
    # a retired shoe, absent from the athlete's list, comes from the gear endpoint with brand and model
    supernova = shoes["g3423618"]
    assert (supernova["retired"], supernova["brand"], supernova["model"], supernova["distance_m"]) == (
        1, "Adidas", "Supernova ST", 966309)
    # retired shoes the fake does not know (404) are asked for once, not on every sync
    asked = [c.path for c in fake.calls if c.path.startswith("/gear/")]
    assert len(asked) == 15  # 5 listed + 10 retired referenced by runs
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        again = fs.FakeStrava(rsps, activities, shoes=athlete["shoes"], gear={retired["id"]: retired})
        assert run_cli("sync").exit_code == 0
        assert [c.path for c in again.calls] == ["/athlete/activities", "/athlete"]


def test_real_cadence_is_per_leg_and_doubles_to_running_step_rates():
    import pandas as pd

    from loadguard.assess.rules.stride import steps_per_minute
    from loadguard.strava.api import activity_row

    rows = [activity_row(a, "recorded activities") for a in load("activities.json")]
    runs = pd.DataFrame([r for r in rows if r["sport_type"] in ("Run", "TrailRun") and r["avg_cadence"]])
    assert len(runs) == 654
    # Strava's figure is one leg's steps: 67-85 a minute here, no human runs at that step rate
    assert runs["avg_cadence"].between(60, 90).all()
    spm = steps_per_minute(runs["avg_cadence"])
    assert spm.notna().all() and (spm == runs["avg_cadence"] * 2).all()
    assert 150 <= spm.median() <= 160
