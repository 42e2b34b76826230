"""stride.cadence: a step rate clearly below the runner's own recent level."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import by_rule, run, steady_weeks

END = date(2026, 6, 1)   # the judged week is the 7 days to END
BASE_CADENCE = 84.0      # per leg, as Strava stores it: 168 steps a minute


def history(store, recent: list[dict]) -> None:
    store.upsert_activities(steady_weeks(END - timedelta(days=6), 8, 32.0) + recent)


def recent_run(day_offset: int, km: float = 8.0, cadence: float | None = BASE_CADENCE, **kw) -> dict:
    return {**run(END - timedelta(days=day_offset), km, **kw), "avg_cadence": cadence}


@pytest.mark.parametrize("cadence, fires", [(BASE_CADENCE, False), (80.5, False), (79.8, True), (76.0, True)])
def test_the_week_drop_edge(store, check_json, cadence, fires):
    # 2 x 79.8 = 159.6 steps against 168 at the same pace: 5.0% down, the default line
    history(store, [recent_run(1, cadence=cadence), recent_run(3, cadence=cadence)])
    found = by_rule(check_json(END), "stride.cadence")
    assert [w["subject"] for w in found] == (["2026-W23"] if fires else [])
    if fires:
        assert found[0]["evidence"]["expected_steps_per_minute"] == 168.0
        assert "steps a minute" in found[0]["message"] and "Heiderscheit" in found[0]["reference"]


def test_one_low_run_is_not_a_low_week(store, check_json):
    history(store, [recent_run(1, cadence=76.0)])
    assert by_rule(check_json(END), "stride.cadence") == []


@pytest.mark.parametrize("km, elev_m, cadence, fires", [
    (16.0, 0.0, 78.9, True),    # long (2x the usual 8 km), 6.1% below
    (16.0, 0.0, 79.2, False),   # long, 5.7% below: under the line
    (8.0, 200.0, 78.0, True),   # hilly: 25 m/km
    (8.0, 0.0, 78.0, False),    # neither long nor hilly, and one run is no week
])
def test_long_or_hilly_runs_at_a_much_lower_step_rate(store, check_json, km, elev_m, cadence, fires):
    history(store, [recent_run(1, km=km, elev_m=elev_m, cadence=cadence, id=777), recent_run(3)])
    found = [w for w in by_rule(check_json(END), "stride.cadence") if w["subject"] == "777"]
    assert len(found) == (1 if fires else 0)


def test_step_rate_is_judged_at_the_runs_pace(store, check_json):
    # base runs at two paces: faster runs take more steps; a slow week at the slow runs' rate is normal
    base = []
    for i, r in enumerate(steady_weeks(END - timedelta(days=6), 8, 32.0)):
        fast = i % 2 == 0
        base.append({**r, "moving_s": int(r["distance_m"] / 1000 * (270 if fast else 360)),
                     "avg_cadence": 88.0 if fast else 80.0})
    slow = [{**recent_run(d), "moving_s": 8 * 360, "avg_cadence": 80.0} for d in (1, 3)]
    store.upsert_activities(base + slow)
    assert by_rule(check_json(END), "stride.cadence") == []


def test_silent_without_cadence(store, check_json):
    runs = [{**r, "avg_cadence": None} for r in steady_weeks(END - timedelta(days=6), 8, 32.0)]
    store.upsert_activities(runs + [recent_run(1, km=20.0, cadence=None), recent_run(3, cadence=None)])
    assert by_rule(check_json(END), "stride.cadence") == []


def test_silent_with_recent_cadence_but_too_few_base_runs(store, check_json):
    store.upsert_activities([{**r, "avg_cadence": None} for r in steady_weeks(END - timedelta(days=6), 8, 32.0)]
                            + [recent_run(1, cadence=70.0), recent_run(3, cadence=70.0)])
    assert by_rule(check_json(END), "stride.cadence") == []


def test_a_tracks_own_step_rate_wins_over_the_per_leg_figure(store, check_json):
    # the week's runs carry Strava's usual per-leg 84 but their files counted 156 steps a minute
    week = [recent_run(d) for d in (1, 3)]
    history(store, week)
    store.set_track_figures([{"id": r["id"], "cadence_spm": 156.0, "steep_share": None} for r in week])
    [w] = by_rule(check_json(END), "stride.cadence")
    assert w["evidence"]["steps_per_minute"] == 156.0


@pytest.mark.parametrize("values", [[171.0], [160.5, 168.25], [3.0, 1.0, 2.0], [170.1, 158.3, 158.3, 166.7, 171.9, 149.2]])
def test_the_fast_median_gives_numpys_floats(values):
    # a replay's step-rate lines must come out as a check's did with np.median
    import numpy as np

    from loadguard.assess.rules.stride import median

    assert median(np.array(values)) == float(np.median(values))
