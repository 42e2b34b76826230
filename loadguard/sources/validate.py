"""The one check of an activity row before it is stored, whichever source it came from.

An activity whose values cannot be true (a negative distance, a moving time of
10**30 s, an id beyond SQLite's integers, a start in the year 9999) is skipped
and reported by the command, never stored and never allowed to stop the rest:
a single such activity on Strava would otherwise fail every later sync.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from loadguard import years

# SQLite's INTEGER holds up to 2**63 - 1; Strava's ids are positive.
MAX_ID = 2**63 - 1
# Longer than any single activity (the longest multi-day races are ~5,000 km):
# anything beyond is a broken value, and would swamp every ratio.
MAX_DISTANCE_M = 10_000_000.0
# A year: longer than any recording (multi-week expeditions included).
MAX_DURATION_S = 366 * 86400
# Over eight times Everest's height from sea level climbed in one activity.
MAX_ELEV_GAIN_M = 100_000.0
# Steps (or pedal strokes) per minute; Strava halves running cadence, so ~90 is usual.
MAX_CADENCE = 1_000.0
# How many skipped activities a summary names one by one; the rest are counted.
SKIPPED_SHOWN = 10


@dataclass(frozen=True)
class Skipped:
    """An activity left out, and why, in words for the summary line."""

    id: Any
    reason: str
    where: str = ""     # e.g. "activities.csv line 12"; empty for the API

    def __str__(self) -> str:
        where = f" ({self.where})" if self.where else ""
        return f"{self.id}{where}: {self.reason}"


@dataclass
class Skips:
    """The activities a run left out: the first SKIPPED_SHOWN named, all counted."""

    shown: list[Skipped] = field(default_factory=list)
    count: int = 0

    def add(self, skipped: Skipped) -> None:
        self.count += 1
        if len(self.shown) < SKIPPED_SHOWN:
            self.shown.append(skipped)

    def summary(self, hint: str = "") -> str:
        """'; skipped 2 activities with impossible values: …' for the end of a summary line, or ''."""
        if not self.count:
            return ""
        named = "; ".join(f"activity {s}" for s in self.shown)
        more = f"; and {self.count - len(self.shown)} more" if self.count > len(self.shown) else ""
        what = "activity" if self.count == 1 else "activities"
        return f"; skipped {self.count} {what} with impossible values{hint}: {named}{more}"


# (key, what, unit, top) of each figure checked for range
_FIGURES = (
    ("distance_m", "distance", "m", MAX_DISTANCE_M),
    ("moving_s", "moving time", "s", MAX_DURATION_S),
    ("elapsed_s", "elapsed time", "s", MAX_DURATION_S),
    ("elev_gain_m", "elevation gain", "m", MAX_ELEV_GAIN_M),
    ("avg_cadence", "cadence", "per min", MAX_CADENCE),
)


def problem(row: dict[str, Any]) -> str | None:
    """What makes this store-ready activity row impossible, or None when it can be stored."""
    if _plainly_fine(row):  # nearly every row of an import, decided without the messages' detail
        return None
    ident = row.get("id")
    if isinstance(ident, bool) or not isinstance(ident, int) or not 0 < ident <= MAX_ID:
        return f"id {ident!r} is not a Strava activity id"
    for key, what in (("start_utc", "start"), ("start_local", "local start")):
        text = row.get(key)
        if not isinstance(text, str) or not text[:4].isdigit() or not years.within(int(text[:4])):
            return years.outside(f"{what} {text!r}")
    for key, what, unit, top in _FIGURES:
        value = row.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            return f"{what} {value!r} is not a number"
        if not 0 <= value <= top:
            return f"{what} {_short(value)} {unit} is outside 0-{_short(top)} {unit}"
    return None


def _plainly_fine(row: dict[str, Any]) -> bool:
    """True for a row `problem` passes whose values are exactly int or float: the same
    tests, with none of the type questions that odd values raise."""
    ident = row.get("id")
    if type(ident) is not int or not 0 < ident <= MAX_ID:
        return False
    for key in ("start_utc", "start_local"):
        text = row.get(key)
        if type(text) is not str or not text[:4].isdigit() or not years.within(int(text[:4])):
            return False
    for key, _, _, top in _FIGURES:
        value = row.get(key)
        if value is not None and (type(value) not in (int, float) or not 0 <= value <= top):
            return False  # NaN fails the range test too
    return True


def _short(value: float) -> str:
    """A number as a person would write it; huge ones in powers of ten, not 300 digits."""
    if abs(value) >= 1e12:
        return f"{float(value):.3g}"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
