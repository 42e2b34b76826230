"""Findings as episodes: a condition that holds day after day is one finding.

Rules whose finding has no natural subject (a jump in the weekly load, a move to
trail, weeks without a shoe) give it the subject `EPISODE`; here it becomes the
first day of the episode, so the finding keeps one id while its condition holds,
across ISO weeks, and a later return of the condition is a new finding.

A rule that can say on which days its condition held over the whole history
(`holds(frames, settings)`, a boolean per day) gets exact episode starts however
short the span judged; for others the span's own warnings are grouped.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from loadguard.model import EPISODE, Warning

# A condition that pauses for up to this many days and holds again is the same
# episode: a 7-day window dips under a line as single runs leave it, and a second
# big week straight after the first is the same build-up, not news (measured on the
# recorded history: 3 days gave 1.00 mail-days a month, 7 days 0.95).
GAP_DAYS = 7


def episode_starts(holds: pd.Series, gap_days: int = GAP_DAYS) -> pd.Series:
    """For each day the condition held, the first day of its episode."""
    days = holds.index[holds.to_numpy(dtype=bool)]
    at = days.to_numpy()
    # a day more than a gap after the day before it begins an episode (the first day always)
    new = np.ones(len(at), dtype=bool)
    new[1:] = (at[1:] - at[:-1]) // np.timedelta64(1, "D") > gap_days + 1
    first = np.maximum.accumulate(np.where(new, np.arange(len(at)), 0))
    return pd.Series(at[first], index=days, name=days.name)


def name_episodes(dated: Iterable[tuple[date, Warning]], starts: Mapping[str, pd.Series],
                  gap_days: int = GAP_DAYS) -> list[tuple[date, Warning]]:
    """(day, warning) pairs with every EPISODE subject replaced by its episode's first day,
    from `starts` (rule -> `episode_starts`) where the rule has them."""
    dated = sorted(dated, key=lambda p: p[0])
    last_seen: dict[str, tuple[date, date]] = {}  # rule -> (episode start, last day it held)
    out = []
    for day, warning in dated:
        if warning.subject != EPISODE:
            out.append((day, warning))
            continue
        known = starts.get(warning.rule)
        if known is not None and pd.Timestamp(day) in known.index:
            out.append((day, replace(warning, subject=known[pd.Timestamp(day)].date().isoformat())))
            continue
        start, previous = last_seen.get(warning.rule, (day, day))
        if (day - previous).days > gap_days + 1:
            start = day
        last_seen[warning.rule] = (start, day)
        out.append((day, replace(warning, subject=start.isoformat())))
    return out
