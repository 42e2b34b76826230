"""shoes.* rules: wear against limits, rotation, runs without a shoe."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import by_rule, run, shoe

AS_OF = date(2026, 6, 28)


@pytest.mark.parametrize("km, severity", [
    (559.0, None), (560.0, "info"), (699.0, "info"), (700.0, "warn"), (839.6, "warn"), (840.0, "alert"),
])
def test_mileage_against_the_default_limit(store, check_json, km, severity):
    store.upsert_gear([shoe("g1", "Pegasus 40", km)])
    store.upsert_activities([run(AS_OF - timedelta(days=2), 8.0, gear_id="g1")])
    found = by_rule(check_json(AS_OF), "shoes.mileage")
    if severity is None:
        assert found == []
        return
    [w] = found
    assert w["severity"] == severity and w["subject"] == "g1"
    assert w["evidence"]["distance_km"] == km and w["evidence"]["limit_km"] == 700.0
    # the share rounded down: 839.6 km is 119%, never "120%" on a warn
    assert f"'Pegasus 40' has {km:.1f} km, {int(km / 7)}% of its 700 km limit" in w["message"]
    assert w["evidence"]["life_used"] == int(km / 7) / 100
    assert "last run 2026-06-26" in w["message"]


def test_retired_shoes_are_left_alone(store, check_json):
    store.upsert_gear([shoe("g1", "Old pair", 950.0, retired=True)])
    assert by_rule(check_json(AS_OF), "shoes.mileage") == []


def test_distance_is_rewound_to_the_as_of_day(store, check_json):
    """Strava's total includes runs after the as-of day; a past check must not see them."""
    store.upsert_gear([shoe("g1", "Pegasus 40", 705.0)])
    store.upsert_activities([run(AS_OF + timedelta(days=3), 10.0, gear_id="g1")])
    [w] = by_rule(check_json(AS_OF), "shoes.mileage")
    assert w["evidence"]["distance_km"] == 695.0 and w["severity"] == "info"


def test_export_shoes_without_a_total_sum_their_runs(store, check_json):
    store.upsert_gear([shoe("g1", "Summed pair", None)])
    store.upsert_activities([run(AS_OF - timedelta(days=d), 30.0, gear_id="g1") for d in range(20)])
    [w] = by_rule(check_json(AS_OF), "shoes.mileage")
    assert w["evidence"]["distance_km"] == 600.0


def test_per_shoe_limits_by_pattern_and_id(store, check_json, home):
    store.upsert_gear([shoe("g1", "Nike Vaporfly 3", 450.0), shoe("g2", "Trail beast", 450.0),
                       shoe("g3", "Daily trainer", 450.0)])
    (home / "config.toml").write_text(
        '[detectors."shoes.mileage".limits]\n"*vaporfly*" = 500\ng2 = 400\n'
    )
    found = {w["subject"]: w for w in by_rule(check_json(AS_OF), "shoes.mileage")}
    assert found["g1"]["severity"] == "info" and found["g1"]["evidence"]["limit_km"] == 500.0
    assert found["g2"]["severity"] == "warn" and found["g2"]["evidence"]["limit_km"] == 400.0
    assert "g3" not in found     # 450 of the default 700 km


def test_shoes_command_table(store, run_cli, home):
    store.upsert_gear([shoe("g1", "Pegasus 40", 630.0), shoe("g2", "Retired pair", 900.0, retired=True)])
    store.upsert_activities([run(AS_OF - timedelta(days=2), 8.0, gear_id="g1")])
    result = run_cli("shoes", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    pegasus = next(line for line in lines if line.startswith("Pegasus 40"))
    assert pegasus.split()[2:] == ["630.0", "km", "700", "km", "90%", "2026-06-26"]
    retired = next(line for line in lines if line.startswith("Retired pair"))
    assert retired.rstrip().endswith("yes")
    assert lines.index(pegasus) < lines.index(retired)
    assert result.stdout.rstrip().split("\n\n")[-1].startswith("loadguard is not medical advice")


def eight_weeks(store, shares: dict[str, float], total_km: float = 80.0):
    """Eight weeks of runs split between shoes by distance share (None = no shoe)."""
    rows = []
    for gear, share in shares.items():
        km = total_km * share
        rows += [run(AS_OF - timedelta(days=7 * w + 1 + len(rows) % 3), km / 8, gear_id=gear) for w in range(8)]
    store.upsert_activities(rows)


@pytest.mark.parametrize("top, fires", [(0.89, False), (0.90, True), (0.95, True)])
def test_rotation_one_pair_carries_the_running(store, check_json, top, fires):
    store.upsert_gear([shoe("g1", "Pegasus 40"), shoe("g2", "Novablast 4")])
    eight_weeks(store, {"g1": top, "g2": 1 - top})
    found = by_rule(check_json(AS_OF), "shoes.rotation")
    assert bool(found) is fires
    if fires:
        assert found[0]["evidence"]["gear_id"] == "g1"
        assert found[0]["evidence"]["other_active_shoes"] == ["Novablast 4"]
        assert found[0]["severity"] == "info"


def test_rotation_single_pair(store, check_json):
    store.upsert_gear([shoe("g1", "Only pair")])
    eight_weeks(store, {"g1": 1.0})
    [w] = by_rule(check_json(AS_OF), "shoes.rotation")
    assert "your only active pair" in w["message"]


def test_rotation_ignores_a_shoe_bought_after_the_as_of_day(store, check_json):
    store.upsert_gear([shoe("g1", "Pegasus 40"), shoe("g2", "Next pair"), shoe("g3", "Third pair")])
    eight_weeks(store, {"g1": 0.95, "g3": 0.05})
    store.upsert_activities([run(AS_OF + timedelta(days=5), 10.0, gear_id="g2")])
    [w] = by_rule(check_json(AS_OF), "shoes.rotation")
    assert w["evidence"]["other_active_shoes"] == ["Third pair"]


@pytest.mark.parametrize("bare, fires", [(0.20, False), (0.25, True)])
def test_untracked_share(store, check_json, bare, fires):
    store.upsert_gear([shoe("g1", "Pegasus 40")])
    store.upsert_activities([run(AS_OF - timedelta(days=2 * d), 10.0 * (1 - bare), gear_id="g1") for d in range(10)])
    store.upsert_activities([run(AS_OF - timedelta(days=2 * d + 1), 10.0 * bare, gear_id=None) for d in range(10)])
    found = by_rule(check_json(AS_OF), "shoes.untracked")
    assert bool(found) is fires
    if fires:
        assert found[0]["evidence"] == {
            "untracked_km": 25.0, "total_km": 100.0, "share": 0.25, "runs": 10,
            "window": ["2026-06-01", "2026-06-28"],
        }


def test_shoes_retired_in_config_leave_the_shoe_rules(store, check_json, run_cli, home):
    """A bulk export cannot say a pair is retired; config.toml can, by id, name or pattern."""
    store.upsert_gear([shoe("g1", "Brooks Ghost 15", 900.0), shoe("g2", "Nike Pegasus 40", 600.0),
                       shoe("g3", "Old Speedgoat", 800.0)])
    eight_weeks(store, {"g2": 0.95, "g1": 0.05})
    before = check_json(AS_OF)
    assert {w["subject"] for w in by_rule(before, "shoes.mileage")} == {"g1", "g2", "g3"}
    (home / "config.toml").write_text('[shoes]\nretired = ["brooks ghost 15", "*speedgoat*"]\n')
    after = check_json(AS_OF)
    assert [w["subject"] for w in by_rule(after, "shoes.mileage")] == ["g2"]
    [rotation] = by_rule(after, "shoes.rotation")        # the Ghost no longer counts as a spare pair
    assert rotation["evidence"]["other_active_shoes"] == []
    table = run_cli("shoes", "--as-of", AS_OF.isoformat()).stdout
    assert next(line for line in table.splitlines() if line.startswith("Brooks Ghost 15")).rstrip().endswith("yes")


def test_a_rotation_habit_is_reported_once_not_every_week(store, run_cli):
    store.upsert_gear([shoe("g1", "Only pair")])
    eight_weeks(store, {"g1": 1.0})
    store.upsert_activities([run(AS_OF + timedelta(days=d), 8.0, gear_id="g1") for d in range(1, 15, 2)])
    first = run_cli("check", "--as-of", AS_OF.isoformat(), "--new").stdout
    assert "shoes.rotation [g1]" in first
    for later in (AS_OF + timedelta(days=7), AS_OF + timedelta(days=14)):   # the next two ISO weeks
        assert "shoes.rotation" not in run_cli("check", "--as-of", later.isoformat(), "--new").stdout
