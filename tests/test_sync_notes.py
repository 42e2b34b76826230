"""Sync reads the notes of the newest runs with detail calls: few, each once, never past the limit."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import fake_strava as fs
import pytest
import responses
from conftest import flat

from loadguard.strava import api as strava

NOW = datetime.now(timezone.utc).replace(microsecond=0)


@pytest.fixture
def mock(monkeypatch):
    monkeypatch.setattr(strava, "sleep", lambda s: None)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def history() -> list[dict]:
    """Eight runs of the last eight days (ids 9001-9008, newest last), a ride, and an old run."""
    runs = [fs.activity(9000 + i, NOW - timedelta(days=9 - i, hours=1), 8.0) for i in range(1, 9)]
    ride = fs.activity(9100, NOW - timedelta(days=1, hours=5), 40.0, sport_type="Ride", gear_id=None)
    old = fs.activity(9200, NOW - timedelta(days=40), 8.0)
    return runs + [ride, old]


def details(fake) -> list[int]:
    return [int(c.path.rsplit("/", 1)[1]) for c in fake.calls if c.path.startswith("/activities/")]


def notes(home) -> dict[int, tuple]:
    conn = sqlite3.connect(home / "loadguard.db")
    try:
        return {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, description, private_note FROM activities")}
    finally:
        conn.close()


def test_the_newest_runs_notes_are_read_five_a_sync_each_once(home, run_cli, mock):
    fs.write_token(home)
    fake = fs.FakeStrava(mock, history())
    fake.notes[9008] = {"description": "Easy loop", "private_note": "Left arch tingling after 6k"}
    assert run_cli("sync").exit_code == 0
    assert details(fake) == [9008, 9007, 9006, 9005, 9004]
    assert notes(home)[9008] == ("Easy loop", "Left arch tingling after 6k")

    fake.calls.clear()
    assert run_cli("sync").exit_code == 0
    assert details(fake) == [9003, 9002, 9001]   # the rest; never the ride or the 40-day-old run
    fake.calls.clear()
    assert run_cli("sync").exit_code == 0
    assert details(fake) == []
    # the list sync that came after did not erase what the detail call brought
    assert notes(home)[9008] == ("Easy loop", "Left arch tingling after 6k")

    found = run_cli("check", "--format", "json")
    assert "\u201cLeft arch tingling after 6k\u201d (mentioned in your notes" in found.stdout


def test_no_detail_call_past_the_rate_limit_and_the_sync_still_succeeds(home, run_cli, mock):
    fs.write_token(home)
    fake = fs.FakeStrava(mock, history())
    fake.limits = [3, 30000]   # the list, athlete and shoe calls use the 15-minute window up
    result = run_cli("sync")
    assert result.exit_code == 0, result.stderr
    assert details(fake) == []


def test_a_failing_detail_is_skipped_and_asked_again_next_sync(home, run_cli, mock):
    fs.write_token(home)
    fake = fs.FakeStrava(mock, history())
    fake.fail("GET", "/activities/9008", 500, 500, 500, 500)
    result = run_cli("sync")
    assert result.exit_code == 0, result.stderr
    assert "not read this time: Strava is unreachable or failing for activity 9008" in flat(result.stdout)
    assert details(fake) == [9008] * 4 + [9007, 9006, 9005, 9004]
    fake.calls.clear()
    assert run_cli("sync").exit_code == 0
    assert details(fake)[:1] == [9008]


def test_notes_can_be_turned_off(home, run_cli, mock):
    fs.write_token(home)
    (home / "config.toml").write_text("[sync]\nnotes_per_sync = 0\n")
    fake = fs.FakeStrava(mock, history())
    assert run_cli("sync").exit_code == 0
    assert details(fake) == []
