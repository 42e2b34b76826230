"""Frames carried forward with planned runs: the history as the rules will see it once
the plan (or one run in question) is run. What `ahead` and `plan check` judge."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

import pandas as pd

from loadguard.assess.frames import Frames
from loadguard.plan.sessions import Session

# Planned runs get ids far from Strava's (positive) and activity files' (minus Unix time).
FIRST_ID = -(2**62)


def planned_id(n: int) -> int:
    """The id of the n-th planned run (0-based) in frames carried forward."""
    return FIRST_ID + n


def carried(frames: Frames, sessions: Iterable[Session], last: date) -> Frames:
    """`frames` as of `last`, with each session a run on its day (after that day's real
    runs, in the order given), the n-th of them id `planned_id(n)`."""
    sessions = list(sessions)
    if not sessions:
        return replace(frames, as_of=last, cache={})
    days = pd.to_datetime([s.day for s in sessions]) if sessions else pd.DatetimeIndex([])
    planned = pd.DataFrame({
        "id": [planned_id(n) for n in range(len(sessions))],
        "name": [s.title for s in sessions],
        "sport_type": ["TrailRun" if s.trail else "Run" for s in sessions],
        # after any real run of the day, in the plan's own order
        "start_local": days + pd.to_timedelta([n + 1 for n in range(len(sessions))], unit="us")
        + pd.Timedelta(hours=23, minutes=59),
        "day": days,
        "distance_km": [float(s.km) for s in sessions],
        "moving_s": float("nan"), "elev_m": [float(s.climb_m) for s in sessions], "gear_id": None, "trainer": False, "manual": False,
        "trail": [s.trail for s in sessions], "race": [s.race for s in sessions],
        "cadence_spm": float("nan"), "steep_share": float("nan"), "avg_cadence": float("nan"),
        "description": None, "private_note": None,
    })
    columns = list(frames.runs.columns)
    runs = planned[columns] if frames.runs.empty else pd.concat([frames.runs, planned[columns]], ignore_index=True)
    runs = runs.sort_values(["start_local", "id"], kind="stable").reset_index(drop=True)
    return replace(frames, as_of=last, runs=runs, cache={})
