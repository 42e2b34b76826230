"""`loadguard sync` against a mocked Strava (responses): paging, the overlap window, faults."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import fake_strava as fs
import pytest
import responses
from conftest import flat, table_rows

from loadguard.strava import api as strava
from loadguard.strava import sync as engine


@pytest.fixture
def sleeps(monkeypatch):
    waited: list[float] = []
    monkeypatch.setattr(strava, "sleep", waited.append)
    return waited


@pytest.fixture
def mock(sleeps):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def connected(home):
    fs.write_token(home)
    return home


def _table(home, table: str) -> dict:
    """Every row of a store table by id, read through a connection of its own."""
    conn = sqlite3.connect(home / "loadguard.db")
    conn.row_factory = sqlite3.Row
    try:
        return {r["id"]: dict(r) for r in conn.execute(f"SELECT * FROM {table}")}
    finally:
        conn.close()


def stored(home) -> dict[int, dict]:
    return _table(home, "activities")


def gear(home) -> dict[str, dict]:
    return _table(home, "gear")


def checkpoint(home) -> str | None:
    conn = sqlite3.connect(home / "loadguard.db")
    try:
        row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (engine.CHECKPOINT_KEY,)).fetchone()
        return row[0] if row else None
    finally:
        conn.close()


def snapshot(home) -> list:
    return table_rows(home, "activities", "gear", "sync_state", "reported")


def epoch(utc: str) -> int:
    return int(datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())


DETAILS = {
    "g100": fs.detailed_gear("g100", "Brooks", "Ghost 15", 412_000.0, name="Daily trainer"),
    "g200": fs.detailed_gear("g200", "Saucony", "Peregrine 13", 655_000.0, retired=True),
}


# -- first sync, incremental, window -----------------------------------------------------------


def test_first_sync_reads_every_page_and_the_shoes(connected, run_cli, mock):
    history = fs.history(450)
    fake = fs.FakeStrava(mock, history, gear=DETAILS)

    result = run_cli("sync")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("synced from Strava: 450 new, 0 updated, 0 deleted activities; "
                             "2 shoes (2 new)\n")
    assert fake.list_pages() == [1, 2, 3]
    assert all(c.params["per_page"] == "200" and c.params["after"] == "0"
               for c in fake.calls if c.path == "/athlete/activities")
    # one athlete call; one gear call per shoe never seen: the listed one and the retired one
    assert [c.path for c in fake.calls if c.path != "/athlete/activities"] == ["/athlete", "/gear/g100", "/gear/g200"]
    rows = stored(connected)
    assert len(rows) == 450
    first = rows[history[0]["id"]]
    assert first["start_utc"] == history[0]["start_date"]
    # start_date_local carries a Z, but it is wall-clock time: stored without it, one hour ahead here
    assert first["start_local"] == (datetime.strptime(history[0]["start_date"], "%Y-%m-%dT%H:%M:%SZ")
                                    + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assert (first["distance_m"], first["sport_type"], first["gear_id"], first["source"]) == (6000.0, "Run", "g200", "strava")
    shoes = gear(connected)
    assert shoes["g100"]["brand"] == "Brooks" and shoes["g100"]["distance_m"] == 412_000.0
    assert shoes["g100"]["is_primary"] == 1 and shoes["g100"]["retired"] == 0
    assert shoes["g200"]["retired"] == 1 and shoes["g200"]["model"] == "Peregrine 13"
    assert checkpoint(connected) is None


def test_incremental_sync_with_nothing_new_asks_only_for_the_overlap_window(connected, run_cli, mock):
    history = fs.history(450)
    fake = fs.FakeStrava(mock, history, gear=DETAILS)
    assert run_cli("sync").exit_code == 0
    fake.calls.clear()

    result = run_cli("sync")

    assert result.exit_code == 0, result.stderr
    assert "0 new, 0 updated, 0 deleted" in result.stdout
    newest = epoch(history[-1]["start_date"])
    assert [(c.method, c.path, c.params) for c in fake.calls] == [
        ("GET", "/athlete/activities", {"after": str(newest - 30 * 86400), "page": "1", "per_page": "200"}),
        ("GET", "/athlete", {}),
    ]
    assert len(stored(connected)) == 450


def test_overlap_window_is_configurable(connected, run_cli, mock):
    history = fs.history(50)
    fake = fs.FakeStrava(mock, history, gear=DETAILS)
    assert run_cli("sync").exit_code == 0
    (connected / "config.toml").write_text("[sync]\noverlap_days = 7\n")
    fake.calls.clear()

    assert run_cli("sync").exit_code == 0
    assert fake.calls[0].params["after"] == str(epoch(history[-1]["start_date"]) - 7 * 86400)


def test_edits_and_deletions_inside_the_window_reach_the_store(connected, run_cli, mock):
    history = fs.history(450)
    fake = fs.FakeStrava(mock, history, gear=DETAILS)
    assert run_cli("sync").exit_code == 0
    edited, removed, old = history[-3]["id"], history[-5]["id"], history[10]["id"]
    fake.activities[edited].update(sport_type="TrailRun", gear_id="g300", distance=12_345.6)
    fake.gear["g300"] = fs.detailed_gear("g300", "Hoka", "Speedgoat 6", 20_000.0)
    fake.shoes.append(fs.summary_shoe("g300", "Trail shoe", 20_000.0))
    del fake.activities[removed]
    del fake.activities[old]  # outside the 30-day window: only --full can notice
    fake.activities[9_999_999_999] = fs.activity(9_999_999_999, datetime(2026, 3, 2, 6, tzinfo=timezone.utc), 8.0)
    fake.calls.clear()

    result = run_cli("sync")

    assert result.exit_code == 0, result.stderr
    assert "1 new, 1 updated, 1 deleted" in result.stdout
    rows = stored(connected)
    assert (rows[edited]["sport_type"], rows[edited]["gear_id"], rows[edited]["distance_m"]) == ("TrailRun", "g300", 12_345.6)
    assert rows[removed]["deleted"] == 1
    assert rows[old]["deleted"] == 0
    assert gear(connected)["g300"]["brand"] == "Hoka"
    assert [c.path for c in fake.calls if c.path.startswith("/gear")] == ["/gear/g300"]

    # a deleted activity leaves detection: the frames no longer see it
    from loadguard import config
    from loadguard.assess import frames
    from loadguard.store import Store

    with Store.open(connected / "loadguard.db") as s:
        runs = frames.build(s, config.load(connected / "config.toml"), datetime(2026, 3, 3).date()).runs
    assert removed not in set(runs["id"]) and edited in set(runs["id"])

    fake.calls.clear()
    assert "1 deleted" in run_cli("sync", "--full").stdout
    assert stored(connected)[old]["deleted"] == 1


def test_a_shoe_that_leaves_the_athlete_list_is_retired(connected, run_cli, mock):
    fake = fs.FakeStrava(mock, fs.history(20), gear=DETAILS)
    assert run_cli("sync").exit_code == 0
    fake.shoes = []

    assert run_cli("sync").exit_code == 0
    assert gear(connected)["g100"]["retired"] == 1


# -- faults -----------------------------------------------------------------------------------------


def test_429_mid_paging_keeps_what_was_fetched_and_the_next_run_resumes(connected, run_cli, mock):
    history = fs.history(650)
    fake = fs.FakeStrava(mock, history, gear=DETAILS)
    fake.fail("GET", "/athlete/activities", 429, page=3)

    stopped = run_cli("sync")

    assert stopped.exit_code == 3
    assert stopped.stdout == ""
    assert stopped.stderr.startswith("loadguard: Strava's 15-minute rate limit was hit (HTTP 429); it resets at ")
    assert stopped.stderr.endswith("; what was fetched is kept (400 new and 0 updated activities), "
                                   "the next sync carries on from there\n")
    assert stopped.stderr.count("\n") == 1
    assert len(stored(connected)) == 400
    assert fake.list_pages() == [1, 2, 3]
    fake.calls.clear()

    resumed = run_cli("sync")

    assert resumed.exit_code == 0, resumed.stderr
    assert "250 new" in resumed.stdout and "resumed" in resumed.stdout
    # same window (after=0), from the last committed page on
    assert fake.list_pages() == [2, 3, 4]
    assert {c.params["after"] for c in fake.calls if c.path == "/athlete/activities"} == {"0"}
    rows = stored(connected)
    assert set(rows) == {a["id"] for a in history}
    assert checkpoint(connected) is None


def test_a_used_up_rate_window_stops_before_the_next_request(connected, run_cli, mock):
    fake = fs.FakeStrava(mock, fs.history(450), gear=DETAILS)
    fake.limits = [2, 30000]  # the second answer says the window is used up

    stopped = run_cli("sync")

    assert stopped.exit_code == 3
    assert "15-minute rate limit is used up; it resets at" in stopped.stderr
    assert fake.list_pages() == [1, 2]  # no request sent into a certain 429
    assert len(stored(connected)) == 400


def test_a_500_is_retried_and_the_sync_completes(connected, run_cli, mock, sleeps):
    history = fs.history(450)
    fake = fs.FakeStrava(mock, history, gear=DETAILS)
    fake.fail("GET", "/athlete/activities", 500, 503, page=2)

    result = run_cli("sync")

    assert result.exit_code == 0, result.stderr
    assert fake.list_pages() == [1, 2, 2, 2, 3]
    assert sleeps == list(strava.RETRY_BACKOFF_S[:2])
    assert len(stored(connected)) == 450


def test_an_outage_stops_cleanly_after_bounded_retries(connected, run_cli, mock, sleeps):
    history = fs.history(450)
    fake = fs.FakeStrava(mock, history, gear=DETAILS)
    fake.fail("GET", "/athlete", *[fs.connection_error()] * 4)

    stopped = run_cli("sync")

    assert stopped.exit_code == 3
    assert "Strava is unreachable or failing for the athlete profile (connection failed, 4 tries)" in stopped.stderr
    assert len(sleeps) == 3
    assert len(stored(connected)) == 450  # every page was already saved
    fake.calls.clear()
    # the next run reads the recent window again (not all 450), then the shoes
    resumed = run_cli("sync")
    assert resumed.exit_code == 0, resumed.stderr
    assert "0 new" in resumed.stdout and "resumed" in resumed.stdout
    assert fake.list_pages() == [1]
    assert "g100" in gear(connected)


def test_timeouts_count_as_outage(connected, run_cli, mock, sleeps):
    fake = fs.FakeStrava(mock, fs.history(10), gear=DETAILS)
    fake.fail("GET", "/athlete/activities", *[fs.requests.exceptions.ReadTimeout("slow")] * 4)

    stopped = run_cli("sync")

    assert stopped.exit_code == 3 and "no answer within 30 s, 4 tries" in stopped.stderr
    assert stored(connected) == {}


def test_malformed_json_is_one_line_and_leaves_the_store_untouched(connected, run_cli, mock):
    history = fs.history(30)
    fake = fs.FakeStrava(mock, history, gear=DETAILS)
    assert run_cli("sync").exit_code == 0
    fresh = later_run(history, 9_100_000_003)
    fake.activities[fresh["id"]] = fresh
    before = snapshot(connected)
    fake.fail("GET", "/athlete/activities", (200, '[{"id": 1, "name": "trunc'), page=1)

    result = run_cli("sync")

    assert result.exit_code == 3
    assert result.stderr == ("loadguard: Strava sent page 1 of the activity list as something that is not JSON; "
                             "the store is as it was\n")
    assert snapshot(connected) == before
    assert len(before[0]) == 30 and checkpoint(connected) is None


def test_an_unexpected_shape_stores_nothing_of_that_page(connected, run_cli, mock):
    history = fs.history(450)
    fake = fs.FakeStrava(mock, history, gear=DETAILS)
    broken = dict(history[300])
    del broken["start_date"]
    fake.fail("GET", "/athlete/activities", (200, json.dumps(history[200:300] + [broken] + history[301:400])), page=2)

    result = run_cli("sync")

    assert result.exit_code == 3
    assert f"(activity {broken['id']}) without a readable start_date" in result.stderr
    assert len(stored(connected)) == 200  # page 1 only; nothing of the bad page
    fake.calls.clear()
    assert run_cli("sync").exit_code == 0
    assert len(stored(connected)) == 450


def test_an_error_object_instead_of_a_list_is_refused(connected, run_cli, mock):
    fake = fs.FakeStrava(mock, fs.history(5), gear=DETAILS)
    fake.fail("GET", "/athlete/activities", (200, json.dumps({"activities": []})), page=1)

    result = run_cli("sync")

    assert result.exit_code == 3 and "unexpected shape (not a list)" in result.stderr
    assert stored(connected) == {}


def test_inactive_application_is_explained_in_one_line(connected, run_cli, mock):
    fake = fs.FakeStrava(mock, fs.history(5))
    fake.fail("GET", "/athlete/activities", 403, page=1)

    result = run_cli("sync")

    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert "since 30 June 2026" in result.stderr and "subscription" in result.stderr
    assert "`loadguard import`" in result.stderr


def test_a_second_sync_while_one_runs_is_refused(connected, run_cli, mock):
    fake = fs.FakeStrava(mock, fs.history(30), gear=DETAILS)
    assert run_cli("sync").exit_code == 0
    before = snapshot(connected)
    fake.calls.clear()

    with engine.lock(connected):  # as a running sync holds it
        result = run_cli("sync")

    assert result.exit_code == 3
    assert result.stderr == ("loadguard: another `loadguard sync` is running on this home; "
                             "nothing was changed, try again later\n")
    assert fake.calls == []
    assert snapshot(connected) == before
    assert run_cli("sync").exit_code == 0  # the lock is gone with its holder


def test_missing_token_says_how_to_connect(home, run_cli, mock):
    result = run_cli("sync")
    assert result.exit_code == 3
    assert result.stderr == ("loadguard: not connected to Strava: run `loadguard auth` first "
                             "(or `loadguard import` a Strava bulk export)\n")


def test_quiet_prints_nothing_on_success_but_errors_still_show(connected, run_cli, mock):
    fake = fs.FakeStrava(mock, fs.history(30), gear=DETAILS)
    ok = run_cli("sync", "--quiet")
    assert (ok.exit_code, ok.stdout, ok.stderr) == (0, "", "")
    fake.fail("GET", "/athlete/activities", 429, page=1)
    failed = run_cli("sync", "--quiet")
    assert failed.exit_code == 3 and failed.stderr.startswith("loadguard: Strava's 15-minute rate limit")


def test_base_url_comes_from_config(connected, run_cli, mock):
    (connected / "config.toml").write_text('[strava]\nbase_url = "https://api-v3.strava.com"\n')
    fake = fs.FakeStrava(mock, fs.history(5), gear=DETAILS, api="https://api-v3.strava.com")

    assert run_cli("sync").exit_code == 0
    assert fake.list_pages() == [1]
    assert len(stored(connected)) == 5


# -- token renewal ------------------------------------------------------------------------------------


def test_an_expiring_token_is_renewed_before_use_and_saved(connected, run_cli, mock):
    from loadguard.strava import token as tokens
    fs.write_token(connected, expires_at=int(datetime.now(timezone.utc).timestamp()) + 60)
    fake = fs.FakeStrava(mock, fs.history(5), gear=DETAILS)

    result = run_cli("sync")

    assert result.exit_code == 0, result.stderr
    assert fake.calls[0].path == "/oauth/token" and fake.calls[0].form["grant_type"] == "refresh_token"
    saved = tokens.load(connected)
    assert saved.access_token == f"{fs.ACCESS}-renewed" and saved.refresh_token == f"{fs.REFRESH}-renewed"
    assert saved.expires_at == fake.expires_at
    assert (connected / "token.json").stat().st_mode & 0o777 == 0o600
    assert len(stored(connected)) == 5  # the API accepted only the renewed token
    fake.calls.clear()
    assert run_cli("sync").exit_code == 0
    assert all(c.path != "/oauth/token" for c in fake.calls)


def test_a_rejected_renewal_asks_for_auth_again(connected, run_cli, mock):
    fs.write_token(connected, expires_at=1_600_000_000, refresh="revoked-refresh")
    fs.FakeStrava(mock, fs.history(5))
    before = (connected / "token.json").read_text()

    result = run_cli("sync")

    assert result.exit_code == 3
    assert result.stderr == ("loadguard: Strava no longer accepts loadguard's access (revoked or expired); "
                             "run `loadguard auth` again\n")
    assert (connected / "token.json").read_text() == before


def test_a_revoked_access_token_asks_for_auth_again(connected, run_cli, mock):
    fake = fs.FakeStrava(mock, fs.history(5))
    fake.access_token = "another"
    result = run_cli("sync")
    assert result.exit_code == 3 and "run `loadguard auth` again" in result.stderr


def test_no_secret_reaches_output_or_logs(connected, run_cli, mock, caplog):
    import logging

    fs.write_token(connected, expires_at=1_600_000_000)
    fake = fs.FakeStrava(mock, fs.history(250), gear=DETAILS)
    fake.fail("GET", "/athlete/activities", 500, 429, page=2)
    caplog.set_level(logging.DEBUG)

    outputs = [run_cli("sync"), run_cli("sync"), run_cli("sync", "--full")]
    fake.refresh_token = "changed"
    fs.write_token(connected, expires_at=1_600_000_000)
    outputs.append(run_cli("sync"))

    assert [r.exit_code for r in outputs] == [3, 0, 0, 3]
    seen = caplog.text + "".join(r.stdout + r.stderr for r in outputs)
    assert "GET" in caplog.text  # the logs were captured at all
    for secret in (fs.ACCESS, fs.REFRESH, fs.CLIENT_SECRET, "renewed"):
        assert secret not in seen


# -- review findings (issue 3) ---------------------------------------------------------------------


def later_run(history: list[dict], id: int, days: int = 1) -> dict:
    """A run `days` after the newest one in `history`."""
    start = datetime.strptime(history[-1]["start_date"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return fs.activity(id, start + timedelta(days=days), 9.0, gear_id="g100")


def test_a_gear_answer_in_an_odd_shape_skips_that_shoe_and_activities_keep_arriving(connected, run_cli, mock):
    history = fs.history(30)
    broken = dict(DETAILS["g200"], distance="655 km")
    fake = fs.FakeStrava(mock, history, gear={**DETAILS, "g200": broken})

    first = run_cli("sync")

    assert first.exit_code == 0, first.stderr
    assert flat(first.stdout) == ("synced from Strava: 30 new, 0 updated, 0 deleted activities; 1 shoe (1 new); "
                                  "not read this time: Strava sent gear g200 with an unexpected distance")
    assert set(gear(connected)) == {"g100"} and len(stored(connected)) == 30
    assert checkpoint(connected) is None

    fresh = later_run(history, 9_100_000_001)
    fake.activities[fresh["id"]] = fresh
    fake.calls.clear()
    second = run_cli("sync")

    assert second.exit_code == 0, second.stderr
    assert "1 new" in second.stdout
    assert fresh["id"] in stored(connected)
    assert [c.path for c in fake.calls if c.path.startswith("/gear/")] == ["/gear/g200"]  # asked again

    fake.gear["g200"] = DETAILS["g200"]  # Strava mends its answer: the shoe arrives
    assert run_cli("sync").exit_code == 0
    assert gear(connected)["g200"]["model"] == "Peregrine 13"


@pytest.mark.parametrize("answer, reason", [
    ((400, json.dumps(fs.fault("Bad Request", "Gear", "id", "invalid"))), "Strava answered HTTP 400 to gear g200"),
    ((403, json.dumps(fs.fault("Forbidden", "Gear", "id", "forbidden"))), "Strava denied gear g200 (HTTP 403)"),
    ((200, "<html>maintenance</html>"), "Strava sent gear g200 as something that is not JSON"),
    ((500, "{}"), "Strava is unreachable or failing for gear g200 (HTTP 500, 4 tries)"),
])
def test_a_refused_or_failing_gear_request_skips_only_that_shoe(connected, run_cli, mock, answer, reason):
    fake = fs.FakeStrava(mock, fs.history(30), gear=DETAILS)
    fake.fail("GET", "/gear/g200", *[answer] * 4)

    result = run_cli("sync")

    assert result.exit_code == 0, result.stderr
    assert f"not read this time: {reason}" in flat(result.stdout)
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert set(gear(connected)) == {"g100"} and len(stored(connected)) == 30


def test_a_listed_shoe_whose_details_fail_is_kept_from_the_list(connected, run_cli, mock):
    fake = fs.FakeStrava(mock, fs.history(30), gear=DETAILS)
    fake.fail("GET", "/gear/g100", (200, json.dumps(dict(DETAILS["g100"], retired="no"))))

    result = run_cli("sync")

    assert result.exit_code == 0, result.stderr
    assert "Strava sent gear g100 with an unexpected retired (kept from the athlete's shoe list" in flat(result.stdout)
    shoe = gear(connected)["g100"]
    assert (shoe["name"], shoe["distance_m"], shoe["brand"]) == ("Daily trainer", 412_000.0, None)


@pytest.mark.parametrize("answer, message", [
    (429, "Strava's 15-minute rate limit was hit (HTTP 429)"),
    (403, "since 30 June 2026"),
    ((401, json.dumps(fs.fault("Authorization Error", "Athlete", "access_token", "invalid"))),
     "Strava no longer accepts loadguard's access"),
])
def test_a_rate_limit_inactive_app_or_refused_access_on_gear_still_stops_the_sync(connected, run_cli, mock,
                                                                                   answer, message):
    fake = fs.FakeStrava(mock, fs.history(30), gear=DETAILS)
    fake.fail("GET", "/gear/g200", answer)

    result = run_cli("sync")

    assert result.exit_code == 3 and message in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_sync_stopped_after_the_activities_reads_new_ones_on_the_next_run(connected, run_cli, mock):
    history = fs.history(450)
    fake = fs.FakeStrava(mock, history, gear=DETAILS)
    assert run_cli("sync").exit_code == 0
    removed = history[-2]["id"]
    del fake.activities[removed]
    fake.fail("GET", "/athlete", 429)
    stopped = run_cli("sync")
    assert stopped.exit_code == 3 and checkpoint(connected) is not None
    # before the next run: one more activity on Strava
    fresh = later_run(history, 9_100_000_002)
    fake.activities[fresh["id"]] = fresh
    fake.calls.clear()

    resumed = run_cli("sync")

    assert resumed.exit_code == 0, resumed.stderr
    assert "1 new, 0 updated, 1 deleted" in resumed.stdout and "resumed" in resumed.stdout
    rows = stored(connected)
    assert fresh["id"] in rows and rows[removed]["deleted"] == 1
    assert fake.list_pages() == [1]  # the incremental window, read again
    assert checkpoint(connected) is None


def test_what_was_fetched_is_reported_as_kept_when_the_gear_step_stops(connected, run_cli, mock, sleeps):
    fake = fs.FakeStrava(mock, fs.history(450), gear=DETAILS)
    fake.fail("GET", "/athlete", *[fs.connection_error()] * 4)

    stopped = run_cli("sync")

    assert stopped.exit_code == 3
    assert stopped.stderr == ("loadguard: Strava is unreachable or failing for the athlete profile (connection "
                              "failed, 4 tries); what was fetched is kept (450 new and 0 updated activities), "
                              "the next sync carries on from there\n")


def test_a_page_cut_off_mid_answer_is_retried(connected, run_cli, mock, sleeps):
    fake = fs.FakeStrava(mock, fs.history(450), gear=DETAILS)
    fake.fail("GET", "/athlete/activities", fs.requests.exceptions.ChunkedEncodingError("cut off"), page=2)

    result = run_cli("sync")

    assert result.exit_code == 0, result.stderr
    assert fake.list_pages() == [1, 2, 2, 3] and len(stored(connected)) == 450


def test_a_403_other_than_inactive_is_one_clear_line(connected, run_cli, mock):
    fake = fs.FakeStrava(mock, fs.history(5))
    fake.fail("GET", "/athlete/activities", (403, json.dumps(fs.fault("Forbidden", "Athlete", "activity", "forbidden"))))

    result = run_cli("sync")

    assert result.exit_code == 3
    assert result.stderr == ("loadguard: Strava denied page 1 of the activity list (HTTP 403): loadguard lacks a "
                             "permission; run `loadguard auth` again and allow everything it asks for\n")


def test_a_used_up_daily_window_says_so(connected, run_cli, mock):
    fake = fs.FakeStrava(mock, fs.history(450), gear=DETAILS)
    fake.limits = [600, 1]  # the first answer uses up the day

    stopped = run_cli("sync")

    assert stopped.exit_code == 3
    assert "loadguard: Strava's daily rate limit is used up; it resets at " in stopped.stderr
    assert fake.list_pages() == [1]


@pytest.fixture
def new_york(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_rate_windows_reset_at_utc_midnight_or_the_next_quarter_hour_shown_in_local_time(new_york):
    now = datetime(2026, 3, 1, 22, 40, tzinfo=timezone.utc)
    assert strava.window_reset("daily", now) == "19:00 EST"
    assert strava.window_reset("15-minute", now) == "17:45 EST"


def test_a_home_that_cannot_be_created_is_one_line(tmp_path, mock):
    from click.testing import CliRunner

    from loadguard.cli import cli

    blocker = tmp_path / "afile"
    blocker.write_text("not a folder")

    result = CliRunner().invoke(cli, ["--home", str(blocker / "home"), "sync"])

    assert result.exit_code == 3, result.output
    assert result.stderr == f"loadguard: cannot write {blocker / 'home'}: Not a directory\n"


def test_a_renewed_token_that_cannot_be_saved_asks_for_auth_again(connected, run_cli, mock, monkeypatch):
    import errno
    import os

    fs.write_token(connected, expires_at=1_600_000_000)
    fs.FakeStrava(mock, fs.history(5), gear=DETAILS)
    real_replace = os.replace

    def full_disk(src, dst, *args, **kwargs):
        if str(dst).endswith("token.json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr("os.replace", full_disk)

    result = run_cli("sync")

    assert result.exit_code == 3
    assert result.stderr == (f"loadguard: cannot write {connected / 'token.json'}: No space left on device; "
                             "the renewed Strava access is lost, run `loadguard auth` again\n")
