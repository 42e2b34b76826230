"""The digest's "Next week: up to … km, long run up to … km".

The one place the digest asks how far the runner may go next. Until `loadguard
ahead` (issue 16) exists, the numbers are the rules' own lines read from the
history up to the digest's last day: the weekly-load caution line over the base
next week will be judged against, and the long-run spike's info line over the
longest run of the 30 days before. When `ahead` lands, `lines` asks it instead
and nothing else in the digest changes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Callable, Mapping

if TYPE_CHECKING:
    from loadguard.assess.frames import Frames


@dataclass(frozen=True)
class NextWeek:
    week_km: float | None      # None where the weekly rule has no base to draw a line from
    long_run_km: float | None  # None before any run in the lookback
    # the long-run line as it stood before the week: where to return after a spike
    long_run_before_km: float | None = None


def lines(frames: "Frames", load_cfg: Mapping[str, Any], spike_cfg: Mapping[str, Any], last: date,
          kept_weeks: Callable[[list[float], Mapping[str, Any]], list[bool]],
          week_first: date | None = None) -> NextWeek:
    """The lines for the days after `last`, from the rules' settings as they stand then
    (the stricter ones after a symptom); `week_first`, the digest week's Monday, also
    gives the long-run line as it stood before that week."""
    from loadguard.assess.rules.common import ACUTE_DAYS, BASE_WEEKS

    runs = frames.days_between(last - timedelta(days=BASE_WEEKS * ACUTE_DAYS - 1), last)
    week_km = None
    if frames.first_day is not None and frames.first_day <= last - timedelta(days=BASE_WEEKS * ACUTE_DAYS - 1):
        # the base next week is judged against: the 4 weeks ending `last`, kept as the rule keeps them
        blocks = [
            float(runs.loc[(runs["day"] > _ts(last - timedelta(days=ACUTE_DAYS * (k + 1))))
                           & (runs["day"] <= _ts(last - timedelta(days=ACUTE_DAYS * k))), "distance_km"].sum())
            for k in range(BASE_WEEKS)]
        kept = [km for km, keep in zip(blocks, kept_weeks(blocks, load_cfg)) if keep]
        base = sum(kept) / len(kept)
        if base >= float(load_cfg["min_chronic_km"]):
            # the rule needs both the ratio and the km floor: under either, no finding
            week_km = max(base * float(load_cfg["caution"]), base + float(load_cfg["min_increase_km"]))
    long_km = _long_run_line(frames, spike_cfg, last)
    before = _long_run_line(frames, spike_cfg, week_first - timedelta(days=1)) if week_first else None
    return NextWeek(_under(week_km, 0), _under(long_km, 1), _under(before, 1))


def _long_run_line(frames: "Frames", spike_cfg: Mapping[str, Any], last: date) -> float | None:
    """The longest run the spike rule lets pass the day after `last`."""
    recent = frames.days_between(last - timedelta(days=int(spike_cfg["lookback_days"]) - 1), last)
    if not len(recent):
        return None
    longest = float(recent["distance_km"].max())
    return max(longest * (1 + float(spike_cfg["info_over"])), longest + float(spike_cfg["min_increase_km"]))


def _ts(day: date):
    import pandas as pd

    return pd.Timestamp(day)


def _under(value: float | None, places: int) -> float | None:
    """Just under a line, as written: a figure shown must not cross the line it stands for."""
    if value is None:
        return None
    scale = 10 ** places
    return (math.ceil(round(value * scale, 6)) - 1) / scale
