"""terrain.* rules: switches to trail and jumps in climbing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import by_rule, run, steady_weeks

AS_OF = date(2026, 6, 28)
ACUTE_FIRST = AS_OF - timedelta(days=6)


def week(store, road_km: float, trail_km: float, **trail_kw):
    """The acute week: road split over two runs, trail in one run."""
    rows = [run(AS_OF - timedelta(days=5), road_km / 2), run(AS_OF - timedelta(days=3), road_km / 2)]
    if trail_km:
        rows.append(run(AS_OF - timedelta(days=1), trail_km, sport_type="TrailRun", **trail_kw))
    store.upsert_activities(rows)


def trail_base(store, km_per_week: float, trail_per_week: float, weeks: int = 8):
    """Weeks with a fixed trail part: one trail run a week, the rest on road."""
    store.upsert_activities(steady_weeks(ACUTE_FIRST, weeks, km_per_week - trail_per_week, runs_per_week=3))
    store.upsert_activities([run(ACUTE_FIRST - timedelta(days=7 * w + 3), trail_per_week, sport_type="TrailRun")
                             for w in range(weeks)])


@pytest.mark.parametrize("trail_km, fires", [(4.9, False), (5.0, True)])
def test_first_trail_after_weeks_on_road(store, check_json, trail_km, fires):
    store.upsert_activities(steady_weeks(ACUTE_FIRST, 8, 40.0))
    week(store, 20.0, trail_km)
    found = by_rule(check_json(AS_OF), "terrain.trail_switch")
    if not fires:
        assert found == []      # below the 5 km floor nothing is said
        return
    [w] = found
    assert w["severity"] == "warn" and w["subject"] == (AS_OF - timedelta(days=1)).isoformat()  # the trail run's day
    assert w["evidence"]["first_trail_after_road_weeks"] is True
    assert w["evidence"]["trail_km"] == 5.0
    assert w["evidence"]["base_trail_share_pct"] == 0.0


@pytest.mark.parametrize("road_km, fires", [(26.0, False), (11.95, False), (11.0, True), (6.0, True)])
def test_trail_share_rise(store, check_json, road_km, fires):
    # base: 40 km a week with 10 km on trail (25%); the week: 14 km trail (< 1.5 x 10, so no growth)
    trail_base(store, 40.0, 10.0)
    week(store, road_km, 14.0)
    found = by_rule(check_json(AS_OF), "terrain.trail_switch")
    if not fires:
        assert found == []      # 14 / 40 = 35% (10 points up); 14 / 25.95 = 53.9% (28.9 points)
        return
    [w] = found
    assert w["evidence"]["trail_share_pct"] == round(14 / (14 + road_km) * 100, 1)   # 56% or 70%
    assert w["evidence"]["base_trail_share_pct"] == 25.0
    assert f"trail share {14 / (14 + road_km):.0%} against 25%" in w["message"]


@pytest.mark.parametrize("trail_km, fires", [(5.9, False), (6.0, True)])
def test_trail_distance_growth(store, check_json, trail_km, fires):
    # base: 4 km of trail a week out of 40; the week: lots of road so the share barely moves
    trail_base(store, 40.0, 4.0)
    week(store, 80.0, trail_km)
    found = by_rule(check_json(AS_OF), "terrain.trail_switch")
    assert bool(found) is fires
    if fires:
        assert "1.5x your 4.0 km of trail a week" in found[0]["message"]


def test_growth_exactly_at_the_threshold_fires_despite_float_noise(store, check_json):
    trail_base(store, 40.0, 4.4)                 # 1.5 x 4.4 is 6.6000000000000005 in floats
    week(store, 80.0, 6.6)
    assert len(by_rule(check_json(AS_OF), "terrain.trail_switch")) == 1


def test_treadmill_and_manual_entries_are_never_trail(store, check_json):
    store.upsert_activities(steady_weeks(ACUTE_FIRST, 8, 40.0))
    week(store, 20.0, 12.0, manual=True)
    store.upsert_activities([run(AS_OF, 8.0, sport_type="TrailRun", trainer=True)])
    assert by_rule(check_json(AS_OF), "terrain.trail_switch") == []


def test_name_keyword_marks_trail_when_configured(store, check_json, home):
    store.upsert_activities(steady_weeks(ACUTE_FIRST, 8, 40.0))
    store.upsert_activities([run(AS_OF - timedelta(days=1), 12.0, name="Ridge loop (trail)")])
    assert by_rule(check_json(AS_OF), "terrain.trail_switch") == []
    (home / "config.toml").write_text('[trail]\nname_keywords = ["trail"]\n')
    assert len(by_rule(check_json(AS_OF), "terrain.trail_switch")) == 1


def test_trail_switch_needs_history(store, check_json):
    store.upsert_activities([run(AS_OF - timedelta(days=d), 8.0) for d in (20, 15, 10)])
    week(store, 10.0, 12.0)
    assert by_rule(check_json(AS_OF), "terrain.trail_switch") == []


@pytest.mark.parametrize("week_elev, base_elev, fires", [
    (149.0, 50.0, False),    # 14.9 m/km: under the 15 m/km floor
    (150.0, 50.0, True),     # 15 m/km, 3x the base
    (178.0, 120.0, False),   # 17.8 m/km but only 1.48x a base of 12 m/km
    (180.0, 120.0, True),    # 18 m/km, 1.5x
])
def test_climb_jump(store, check_json, week_elev, base_elev, fires):
    store.upsert_activities(steady_weeks(ACUTE_FIRST, 6, 40.0, elev_m=base_elev))  # 10 km runs
    store.upsert_activities([run(AS_OF - timedelta(days=d), 10.0, elev_m=week_elev) for d in (0, 2, 4, 6)])
    found = by_rule(check_json(AS_OF), "terrain.climb_jump")
    assert bool(found) is fires
    if fires:
        [w] = found
        assert w["severity"] == "info"
        assert w["evidence"]["m_per_km"] == week_elev / 10 and w["evidence"]["base_m_per_km"] == base_elev / 10
        assert w["evidence"]["ratio"] == round(week_elev / base_elev, 2)
