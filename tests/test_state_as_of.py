"""State as of the day checked: retired pairs in the past, and gear Strava will not describe."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import fake_strava as fs
import pytest
import responses
from conftest import flat, run, shoe, steady_weeks

MARATHON = date(2019, 5, 5)   # a Sunday: the worn pair's last run, retired on Strava since


@pytest.fixture
def retired_pair(store):
    store.upsert_gear([shoe("gOld", "Old racer", 860.0, retired=True), shoe("gNew", "New pair", 100.0)])
    store.upsert_activities(steady_weeks(MARATHON, 6, 40.0, gear_id="gOld"))
    store.upsert_activities([run(MARATHON, 42.2, gear_id="gOld", name="Marathon")])
    store.upsert_activities([run(date(2026, 6, 1), 8.0, gear_id="gNew")])
    return store


def test_a_retired_pair_was_in_use_up_to_its_last_run(retired_pair, check_json, run_cli):
    then = [w for w in check_json(MARATHON) if w["rule"] == "shoes.mileage"]
    assert [(w["subject"], w["severity"]) for w in then] == [("gOld", "alert")]   # 860 km of 700: 122%
    [old] = [s for s in json.loads(run_cli("shoes", "--as-of", MARATHON.isoformat(), "--format", "json").stdout)["shoes"]
             if s["id"] == "gOld"]
    assert old["retired"] is False

    digest = run_cli("digest", "--week", "2019-W18", "--today", "2026-06-10").stdout
    assert "| Old racer | 860.0 km |" in digest and "(retired)" not in digest


def test_after_its_last_run_a_retired_pair_is_retired(retired_pair, check_json, run_cli):
    later = MARATHON + timedelta(days=1)
    assert [w for w in check_json(later) if w["rule"] == "shoes.mileage"] == []
    [old] = [s for s in json.loads(run_cli("shoes", "--as-of", later.isoformat(), "--format", "json").stdout)["shoes"]
             if s["id"] == "gOld"]
    assert old["retired"] is True


def test_retired_by_config_follows_the_same_rule(store, check_json, home):
    (home / "config.toml").write_text('[shoes]\nretired = ["Pegasus*"]\n')
    store.upsert_gear([shoe("gA", "Pegasus 40", 720.0)])
    store.upsert_activities(steady_weeks(MARATHON, 6, 40.0))
    assert [w["severity"] for w in check_json(MARATHON - timedelta(days=1)) if w["rule"] == "shoes.mileage"] == ["warn"]
    assert [w for w in check_json(MARATHON + timedelta(days=1)) if w["rule"] == "shoes.mileage"] == []


# -- gear Strava will not describe ------------------------------------------------------------


@pytest.fixture
def mock(monkeypatch):
    from loadguard.strava import api as strava
    monkeypatch.setattr(strava, "sleep", lambda s: None)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def test_undescribed_gear_keeps_a_readable_name_and_is_reported_once(home, run_cli, mock):
    fs.write_token(home)
    end = datetime(2026, 6, 28, 7, tzinfo=timezone.utc)
    runs = [fs.activity(9_100_000 + i, end - timedelta(days=2 * i), 8.0, gear_id="g15430183") for i in range(30)]
    fs.FakeStrava(mock, runs, shoes=[], gear={})          # the gear endpoint answers 404

    quiet = run_cli("sync", "--quiet")
    assert quiet.exit_code == 0 and quiet.stdout == ""     # cron's quiet run tells nobody ...

    first = run_cli("sync")                                # ... so the next summary read does
    assert first.exit_code == 0, first.stderr
    assert ("Strava does not describe gear g15430183: its runs still count, shown 'shoe g15430183'"
            in flat(first.stdout))

    again = run_cli("sync")
    assert again.exit_code == 0 and "g15430183" not in again.stdout   # told once

    check = run_cli("check", "--as-of", "2026-06-28", "--format", "json")
    rotation = [w for w in json.loads(check.stdout)["warnings"] if w["rule"] == "shoes.rotation"]
    assert rotation and rotation[0]["message"].startswith("'shoe g15430183' carried")
    digest = run_cli("digest", "--week", "2026-W26", "--today", "2026-06-28").stdout
    assert "**shoe g15430183** this week:" in digest
    assert "| g15430183 |" not in digest
