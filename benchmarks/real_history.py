"""Load the recorded Strava history in ../shared/strava-real into a fresh store.

The same mapping `loadguard sync` applies (activity_row, gear_row), without the
HTTP round trips: the athlete's listed shoes and the one retired shoe recorded
from the gear endpoint; runs on the other retired shoes keep their gear id, as
after a sync whose gear endpoint knows nothing of them.
"""

from __future__ import annotations

import json
from pathlib import Path

REAL = Path(__file__).resolve().parents[2] / "shared" / "strava-real"


def available() -> bool:
    return (REAL / "activities.json").exists()


def load_real(home: Path) -> Path:
    """Write the recorded history into `home`/loadguard.db; returns the store's path."""
    from loadguard.store import Store
    from loadguard.strava.api import activity_row, gear_row

    activities = json.loads((REAL / "activities.json").read_text(encoding="utf-8"))
    athlete = json.loads((REAL / "athlete.json").read_text(encoding="utf-8"))
    retired = json.loads((REAL / "gear-retired-shoe.json").read_text(encoding="utf-8"))
    home.mkdir(parents=True, exist_ok=True)
    path = home / "loadguard.db"
    with Store.open(path) as store:
        store.upsert_activities([activity_row(a, "the recorded history") for a in activities])
        store.upsert_gear([gear_row(s, "the athlete") for s in athlete["shoes"]]
                          + [gear_row(retired, "gear")])
    return path
