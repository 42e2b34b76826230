"""`loadguard sync` against a server whose pages never move forward in time, and stopped by
Ctrl-C: one line at once, only whole pages kept, and the next sync completes (issue 18)."""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timedelta, timezone

import fake_strava as fs
import pytest
import responses
from test_sync import DETAILS, checkpoint, connected, mock, sleeps, stored  # noqa: F401 - fixtures

START = datetime(2025, 6, 1, 7, tzinfo=timezone.utc)


def _replace_list(mock, fake, callback) -> None:
    for registered in mock.registered():
        if isinstance(registered, responses.CallbackResponse) and registered.callback == fake._list:
            registered.callback = callback


@pytest.mark.parametrize("when", ["at the cursor", "before the cursor", "the same day each page"])
def test_pages_that_never_move_forward_in_time_stop_at_once(connected, run_cli, mock, when):
    fake = fs.FakeStrava(mock, fs.history(40), gear=DETAILS)
    assert run_cli("sync").exit_code == 0  # a first sync: the window now starts 30 days before the newest
    before = stored(connected)
    ids = itertools.count(10_000_000)

    def endless(request):
        served = len(fake.list_pages())
        if served > 60:  # ends even without the fix, so the failure shows as a count, not a hang
            return 200, fake._headers(), "[]"
        call = fake._record(request)
        after = datetime.fromtimestamp(int(call.params["after"]), timezone.utc)
        day = {"at the cursor": after, "before the cursor": after - timedelta(days=3),
               "the same day each page": after + timedelta(days=1)}[when]
        page = [fs.activity(next(ids), day, 5.0) for _ in range(int(call.params["per_page"]))]
        return 200, fake._headers(), json.dumps(page)

    _replace_list(mock, fake, endless)
    pages_before = len(fake.list_pages())
    result = run_cli("sync")
    assert result.exit_code == 3, result.stdout
    assert result.stderr.count("\n") == 1 and "not how the list moves" in result.stderr, result.stderr
    read = len(fake.list_pages()) - pages_before
    assert read <= 2, read
    kept = stored(connected)
    # nothing of a page that went back before the cursor is stored; the first page at or after it
    # may be (an `after` read inclusively is no proof of a broken server), never a second
    assert len(kept) - len(before) <= (0 if when == "before the cursor" else 200)


def test_ctrl_c_during_a_sync_is_one_line_and_keeps_whole_pages(connected, run_cli, mock):
    fake = fs.FakeStrava(mock, fs.history(700, every_h=7), gear=DETAILS)

    def interrupt(call: fs.Call) -> None:
        if call.path == "/athlete/activities" and call.params.get("page") == "3":
            raise KeyboardInterrupt

    fake.hook = interrupt
    result = run_cli("sync")
    assert result.exit_code == 130, (result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("loadguard: sync interrupted; ")
    assert "400 new" in result.stderr
    assert len(stored(connected)) == 400 and checkpoint(connected) is not None

    fake.hook = None
    again = run_cli("sync")
    assert again.exit_code == 0, again.stderr
    assert len(stored(connected)) == 700 and checkpoint(connected) is None
