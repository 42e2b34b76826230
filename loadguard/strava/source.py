"""Strava's API behind the sources door (`strava`).

The API is pulled, not pointed at: `loadguard sync` reads it page by page through
loadguard.strava.sync, which resumes interrupted runs and notices deletions. So this
source claims no path for `loadguard import`; `connect` gives sync its client.
Kept apart from loadguard.strava.api so that listing sources never imports
stravalib.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from loadguard.errors import LoadguardError
from loadguard.sources import API_SOURCE, Batch, ImportContext


class StravaApiSource:
    name = API_SOURCE

    def claims(self, path: Path) -> bool:
        return False

    def read(self, path: Path, context: ImportContext) -> Batch:
        raise LoadguardError("Strava's API is read by `loadguard sync`, not `loadguard import`")

    def connect(self, token: Any, settings: dict[str, Any], on_token: Callable[[Any], None], deadline: Any = None):
        """The paged client `loadguard.strava.sync.run` reads (a loadguard.strava.sync.Client); `deadline`
        is the sync's loadguard.strava.sync.Deadline, which every request respects."""
        from loadguard.strava import api as strava
        strava.quiet_library_logging()
        # The refresh token is bound to the app that was authorized, so the
        # credentials saved with it come first.
        client_id, client_secret = strava.client_credentials(settings, token.client_id, token.client_secret)
        return strava.StravaAPI(token, base_url=settings["base_url"], client_id=client_id,
                                client_secret=client_secret, on_token=on_token, deadline=deadline)
