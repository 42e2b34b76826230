"""Races a run was, tagged by the runner or not: what the spike rule words as race recovery."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Race distances a run without Strava's race tag is recognised by (km, from-to), and the
# weeks whose median pace a race must match or beat: a half marathon at the runner's
# usual pace or faster was raced (39 of 147 spike mails on real histories were such runs).
RACE_DISTANCES_KM = ((21.0, 21.6), (42.0, 43.0))
RACE_PACE_WEEKS = 8


def untagged_races(runs: pd.DataFrame, rows: np.ndarray | None = None) -> np.ndarray:
    """Of the runs at the positions `rows` (default all): those at a race distance and at or
    under the median pace of the 8 weeks before (of all `runs`)."""
    all_km = runs["distance_km"].to_numpy(dtype=float)
    rows = np.arange(len(all_km)) if rows is None else rows
    km = all_km[rows]
    at_distance = np.logical_or.reduce([(km >= lo) & (km <= hi) for lo, hi in RACE_DISTANCES_KM])
    out = np.zeros(len(rows), dtype=bool)
    if not at_distance.any():
        return out
    with np.errstate(divide="ignore", invalid="ignore"):
        pace = np.where(all_km > 0, runs["moving_s"].to_numpy(dtype=float) / all_km, np.nan)
    # the 8 weeks before each candidate, found by bisection in day order: a mask over every
    # run per candidate cost seconds on a store with thousands of half-marathon-long runs
    days = runs["day"].to_numpy()
    order = np.argsort(days, kind="stable")
    sorted_days, sorted_pace = days[order], pace[order]
    weeks = np.timedelta64(RACE_PACE_WEEKS * 7, "D")
    for i in np.flatnonzero(at_distance):
        at = rows[i]
        lo, hi = np.searchsorted(sorted_days, [days[at] - weeks, days[at]], side="left")
        before = sorted_pace[lo:hi]
        before = before[~np.isnan(before)]
        out[i] = before.size > 0 and pace[at] <= np.median(before)
    return out
