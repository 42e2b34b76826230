"""What can stop a sync, and the time it must end by: below both the sync loop and the
API client, which raises these while the loop decides what is kept."""

from __future__ import annotations

import time

from loadguard.errors import EXIT_INTERRUPTED, LoadguardError


class RemoteStop(LoadguardError):
    """Strava stopped answering usefully (rate limit, outage); what was fetched is kept."""


class BadResponse(LoadguardError):
    """Strava answered with something loadguard cannot read; nothing of it is stored."""


class ItemFault(LoadguardError):
    """Strava cannot give this one item (odd answer, refused, failing), while other requests may work."""


class Interrupted(LoadguardError):
    """The runner pressed Ctrl-C; every page stored so far is whole, and kept."""

    def __init__(self, message: str):
        super().__init__(message, exit_code=EXIT_INTERRUPTED)


class OutOfTime(RemoteStop):
    """The run used up its overall time (`[sync] max_seconds`); what was fetched is kept."""


class Deadline:
    """The moment a sync must end by, checked before every request and while answers are read."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def check(self) -> None:
        if self.remaining() <= 0:
            raise OutOfTime(f"the sync ran out of time after {self.seconds:g} s ([sync] max_seconds)")
