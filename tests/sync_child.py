"""Runs `loadguard sync` in a child process against the mocked Strava of fake_strava.

Usage: python sync_child.py HOME N_ACTIVITIES [STALL_PAGE MARKER_FILE] [-- extra sync args]
With FAKE_STRAVA_429 set in the environment, the first page answers 429.
With STALL_PAGE, the request for that page of the activity list writes MARKER_FILE
and hangs, so the parent can SIGKILL the sync at a known point.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fake_strava as fs  # noqa: E402
import responses  # noqa: E402

from loadguard.cli import main  # noqa: E402


def run() -> None:
    home, count = sys.argv[1], int(sys.argv[2])
    stall_page, marker = (sys.argv[3], Path(sys.argv[4])) if len(sys.argv) > 4 else (None, None)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = fs.FakeStrava(rsps, fs.history(count),
                             gear={"g100": fs.detailed_gear("g100", "Brooks", "Ghost 15", 412_000.0),
                                   "g200": fs.detailed_gear("g200", "Saucony", "Peregrine 13", 655_000.0)})

        def hook(call: fs.Call) -> None:
            if call.path == "/athlete/activities" and call.params.get("page") == stall_page:
                marker.write_text("stalled")
                time.sleep(120)

        fake.hook = hook if stall_page else None
        if os.environ.get("FAKE_STRAVA_429"):  # Strava's rate limit hit on the first page
            fake.fail("GET", "/athlete/activities", 429, page=1)
        sys.argv = ["loadguard", "--home", home, "sync", "--quiet"]
        main()


if __name__ == "__main__":
    run()
