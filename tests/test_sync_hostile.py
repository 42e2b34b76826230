"""`loadguard sync` against a hostile or broken Strava: impossible values, endless lists, trickling answers,
a wrong base_url. Each ends with exit 0, or one line and exit 3, and a store that later syncs complete."""

from __future__ import annotations

import http.server
import json
import re
import sqlite3
import threading
import time
from datetime import datetime, timezone

import fake_strava as fs
import pytest
import responses
from conftest import flat
from test_sync import DETAILS, checkpoint, connected, mock, sleeps, stored  # noqa: F401 - fixtures

from loadguard.strava import sync as engine

# -- impossible values from the API: skipped, named, and never blocking --------------------------------

START = datetime(2026, 3, 10, 7, tzinfo=timezone.utc)  # after fs.history ends: inside every later window
IMPOSSIBLE = {
    "id 2**70": ({"id": 2**70}, "not a Strava activity id"),
    "id 2**63": ({"id": 2**63}, "not a Strava activity id"),
    "moving_time 10**30": ({"moving_time": 10**30}, "moving time"),
    "elapsed_time 1e300": ({"elapsed_time": 1e300}, "elapsed time"),
    "NaN distance": ({"distance": float("nan")}, "distance nan is not a number"),
    "negative distance": ({"distance": -5.0}, "distance"),
    "infinite elevation": ({"total_elevation_gain": float("inf")}, "elevation gain"),
    "year 9999": ({"start_date": "9999-12-31T23:00:00Z", "start_date_local": "9999-12-31T23:59:59Z"},
                  "outside the years"),
    # Strava lists only activities after `after`, so year 1 can come only as a local time.
    "local year 1": ({"start_date_local": "0001-01-01T00:00:00Z"}, "outside the years"),
}


@pytest.mark.parametrize("case", list(IMPOSSIBLE))
def test_an_impossible_activity_is_skipped_named_and_never_blocks_later_syncs(connected, run_cli, mock, case):
    fields, reason = IMPOSSIBLE[case]
    history = fs.history(30)
    bad = {**fs.activity(777, START, 10.0), **fields}
    fake = fs.FakeStrava(mock, history + [bad], gear=DETAILS)

    first = run_cli("sync")
    assert first.exit_code == 0, first.stderr
    assert first.stderr == ""
    assert "30 new" in first.stdout
    assert f"skipped 1 activity with impossible values (fix or delete on Strava): activity {bad['id']}" in \
        flat(first.stdout)
    assert reason in flat(first.stdout)
    assert len(stored(connected)) == 30 and bad["id"] not in stored(connected)

    # The same activity is still on Strava at the next run, and the next: each completes.
    fake.activities[31_000] = fs.activity(31_000, START.replace(day=20), 8.0)
    for _ in range(2):
        later = run_cli("sync")
        assert later.exit_code == 0, later.stderr
        assert "skipped 1 activity" in flat(later.stdout)
    assert 31_000 in stored(connected) and checkpoint(connected) is None


def test_many_impossible_activities_are_counted_beyond_the_first_ten(connected, run_cli, mock):
    bad = [{**fs.activity(900 + i, START.replace(hour=i % 20), 5.0), "moving_time": 10**20} for i in range(15)]
    fs.FakeStrava(mock, fs.history(3) + bad, gear=DETAILS)
    result = run_cli("sync")
    assert result.exit_code == 0, result.stderr
    assert "skipped 15 activities" in flat(result.stdout) and "and 5 more" in flat(result.stdout)
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


# -- lists that never end -------------------------------------------------------------------------------


def test_a_server_repeating_a_full_page_is_read_twice_not_for_ever(connected, run_cli, mock):
    fake = fs.FakeStrava(mock, fs.history(200), gear=DETAILS)
    first = fake._list

    def same_page_every_time(request):
        served = len(fake.list_pages())
        if served > 50:  # ends even without the fix, so the failure shows as a count, not a hang
            return 200, fake._headers(), "[]"
        request.url = re.sub(r"([?&])page=\d+", r"\1page=1", request.url)
        return first(request)

    for registered in mock.registered():
        if isinstance(registered, responses.CallbackResponse) and registered.callback == first:
            registered.callback = same_page_every_time

    result = run_cli("sync")
    assert result.exit_code == 0, result.stderr
    assert len(fake.list_pages()) == 2, (fake.calls, result.stdout)
    assert "page 2 of the activity list with nothing new" in result.stdout
    assert len(stored(connected)) == 200


def test_a_page_that_adds_one_new_activity_is_not_a_repeat(connected, run_cli, mock):
    """Deleting an activity on Strava shifts one activity back a page: that page still counts."""
    fake = fs.FakeStrava(mock, fs.history(450), gear=DETAILS)
    assert run_cli("sync").exit_code == 0
    assert fake.list_pages() == [1, 2, 3]
    assert len(stored(connected)) == 450


def test_the_checkpoint_stays_small_however_many_pages_are_read(connected, run_cli, mock):
    fake = fs.FakeStrava(mock, fs.history(2400, every_h=7), gear=DETAILS)
    sizes = []

    def measure(call: fs.Call) -> None:
        if call.path == "/athlete/activities" and (connected / "loadguard.db").exists():
            conn = sqlite3.connect(connected / "loadguard.db")
            try:
                sizes.append(max((len(v or "") for (v,) in conn.execute(
                    "SELECT value FROM sync_state WHERE key = ?", (engine.CHECKPOINT_KEY,))), default=0))
            finally:
                conn.close()

    fake.hook = measure
    assert run_cli("sync", "--full").exit_code == 0
    assert len(fake.list_pages()) == 13
    assert max(sizes) < 120, sizes          # the old checkpoint held every id: 30 KB by page 13


def test_a_sync_stopped_mid_list_resumes_with_the_ids_it_had_seen(connected, run_cli, mock):
    """The ids of pages read before an interruption still count: nothing inside the window is lost or
    wrongly marked deleted when the next run carries on."""
    history = fs.history(600, every_h=7)
    fake = fs.FakeStrava(mock, history, gear=DETAILS)
    assert run_cli("sync").exit_code == 0
    fake.fail("GET", "/athlete/activities", 429, page=2)
    stopped = run_cli("sync", "--full")
    assert stopped.exit_code == 3
    resumed = run_cli("sync", "--full")
    assert resumed.exit_code == 0, resumed.stderr
    assert "0 deleted" in resumed.stdout
    assert sum(1 for a in stored(connected).values() if not a["deleted"]) == 600


# -- an answer trickling in -----------------------------------------------------------------------------


class _Trickle(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            for _ in range(100_000):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def trickling_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v3"
    server.shutdown()
    server.server_close()


def test_a_server_trickling_its_answer_cannot_hold_the_sync_past_its_deadline(connected, run_cli,
                                                                             trickling_server):
    (connected / "config.toml").write_text(f'[strava]\nbase_url = "{trickling_server}"\n\n[sync]\nmax_seconds = 2\n')
    started = time.monotonic()
    result = run_cli("sync")
    took = time.monotonic() - started
    assert result.exit_code == 3
    assert result.stderr.startswith("loadguard: the sync ran out of time after 2 s ([sync] max_seconds)")
    assert result.stderr.count("\n") == 1
    assert took < 10, took
    # The lock went with the run: the next sync is not told another one is running.
    again = run_cli("sync")
    assert "another `loadguard sync` is running" not in again.stderr


def test_max_seconds_must_be_a_number(run_cli, home):
    (home / "config.toml").write_text('[sync]\nmax_seconds = "soon"\n')
    result = run_cli("sync")
    assert result.exit_code == 3 and "sync.max_seconds must be a number" in result.stderr


# -- a wrong address ----------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["<html><body>Not Found</body></html>", json.dumps({"message": "Not Found"}), ""])
def test_a_typo_in_base_url_says_what_came_back_and_where(connected, run_cli, mock, body):
    wrong = "https://www.strava.com/api/v33"
    (connected / "config.toml").write_text(f'[strava]\nbase_url = "{wrong}"\n')
    fs.FakeStrava(mock, fs.history(3), gear=DETAILS)
    mock.add(responses.GET, re.compile(re.escape(wrong) + r"/.*"), status=404, body=body)
    result = run_cli("sync")
    assert result.exit_code == 3
    assert result.stderr == (f"loadguard: Strava answered 404 Not Found at {wrong}/athlete/activities for page 1 "
                             "of the activity list; check [strava] base_url in config.toml\n")
    assert fs.ACCESS not in result.stderr and fs.REFRESH not in result.stderr
