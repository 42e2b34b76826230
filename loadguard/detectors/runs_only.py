"""Rules that read runs and symptoms, never shoes: judged over a span one day at a time.

`Frames.at` also rewinds the shoes, which needs shoe use read back to the day;
these rules do not look at shoes, so they see the runs up to each day only.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any, Mapping

import pandas as pd

from loadguard.frames import Frames
from loadguard.model import Warning


def runs_as_of(frames: Frames, day: date) -> Frames:
    """The frames as a rule reading runs saw them on `day` (shoes left as they are)."""
    if day >= frames.as_of:
        return frames
    return replace(frames, as_of=day, runs=frames.runs[frames.runs["day"] <= pd.Timestamp(day)], cache={})


class RunsOnlyRule:
    """`evaluate` for a rule that defines `detect` over runs (and symptoms) only."""

    def evaluate(self, frames: Frames, config: Mapping[str, Any], first: date,
                 last: date) -> list[tuple[date, Warning]]:
        out: list[tuple[date, Warning]] = []
        day = first
        while day <= last:
            out.extend((day, w) for w in self.detect(runs_as_of(frames, day), config))  # type: ignore[attr-defined]
            day += timedelta(days=1)
        return out
