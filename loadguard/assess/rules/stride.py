"""Stride rule: a step rate clearly below the runner's own recent level.

Strava stores a run's cadence per leg (one foot's steps a minute), so steps per
minute are twice the stored figure. Step rate rises with speed, so a run is
judged against what the runner's own recent runs did at that pace: a line fitted
through the base runs' step rate against speed. Runs without cadence are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

import numpy as np
import pandas as pd

from loadguard import numbers
from loadguard.advice import RULES
from loadguard.assess.frames import Frames
from loadguard.assess.rules.common import Dated, SpanRule, build_warning, reaches, require_positive
from loadguard.model import Severity, Warning, iso_week

# Strava's running cadence counts one leg.
STEPS_PER_CADENCE = 2
# Step rates outside this band are sensor glitches or walking, not running strides.
PLAUSIBLE_SPM = (120.0, 230.0)
# Base runs whose speeds spread less than this share of their mean are one pace.
SAME_PACE = 0.02


def steps_per_minute(cadence: pd.Series) -> pd.Series:
    """Stored per-leg cadence as steps a minute; NaN where missing or implausible."""
    return pd.Series(_steps(cadence), index=cadence.index, name=cadence.name)


def _steps(cadence: pd.Series) -> np.ndarray:
    return _plausible(_numbers(cadence) * STEPS_PER_CADENCE)


def _plausible(spm: np.ndarray, otherwise: Any = np.nan) -> np.ndarray:
    """`spm` where it is a running step rate, else `otherwise`."""
    return np.where((spm >= PLAUSIBLE_SPM[0]) & (spm <= PLAUSIBLE_SPM[1]), spm, otherwise)


def _numbers(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)


@dataclass(frozen=True)
class Expected:
    """The base runs' step rate as a line over speed (m/s)."""

    slope: float
    intercept: float
    median_spm: float
    median_km: float
    runs: int

    def at(self, speed):
        return self.intercept + self.slope * speed


def expected_rate(speed: np.ndarray, spm: np.ndarray, distance_km: np.ndarray) -> Expected:
    # A replay fits one base per day: bare ufunc reductions instead of np.mean/var/median,
    # which give the same floats (the same pairwise sums, divided the same way) with far
    # less call overhead.
    n = len(spm)
    speed_mean, spm_mean = np.add.reduce(speed) / n, np.add.reduce(spm) / n
    off_mean = speed - speed_mean
    spread = float(np.add.reduce(off_mean * off_mean) / n)
    slope = 0.0
    # Paces within a couple of percent of each other say nothing about the slope.
    if spread > (SAME_PACE * float(speed_mean)) ** 2:
        # least squares; a falling line is noise in a small base, not physiology
        slope = max(float(np.add.reduce(off_mean * (spm - spm_mean)) / n) / spread, 0.0)
    intercept = float(spm_mean - slope * speed_mean)
    return Expected(slope, intercept, median(spm), median(distance_km), n)


def median(values: np.ndarray) -> float:
    """np.median of a non-empty array without NaN, at a fraction of its cost."""
    n = len(values)
    half = n // 2
    if n % 2:
        return float(np.partition(values, half)[half])
    low, high = np.partition(values, (half - 1, half))[half - 1:half + 1]
    return float((low + high) / 2)


def with_rate(runs: pd.DataFrame) -> pd.DataFrame:
    """Runs with a plausible step rate and a moving time, with `spm` and `speed` (m/s).

    A recorded track's own steps per minute (`cadence_spm`, from an activity file)
    wins over Strava's per-leg figure doubled.
    """
    spm = _steps(runs["avg_cadence"])
    if "cadence_spm" in runs:
        spm = _plausible(_numbers(runs["cadence_spm"]), spm)
    moving = runs["moving_s"].to_numpy(dtype=float)
    speed = runs["distance_km"].to_numpy(dtype=float) * 1000 / np.where(moving > 0, moving, np.nan)
    rated = ~np.isnan(spm) & ~np.isnan(speed)
    return runs[rated].assign(spm=spm[rated], speed=speed[rated])


class Cadence(SpanRule):
    id = "stride.cadence"
    about = RULES[id]   # title, advice and the study behind it: loadguard.advice
    defaults: Mapping[str, Any] = {
        "recent_days": 7,        # runs of these days are judged
        "base_days": 56,         # against the runs of these days before them
        "min_base_runs": 8,      # fewer base runs with cadence: no judgement
        # The week's runs sit this share below the step rate their pace predicts
        # (median of at least `min_recent_runs`): about 8 steps a minute at 160.
        "week_drop": 0.05,
        "min_recent_runs": 2,
        # A long or hilly run this far below the predicted step rate: a tired,
        # reaching stride, where overstriding loads heel and arch most.
        "long_drop": 0.06,
        "long_factor": 1.5,      # long: this many times the base runs' median distance
        "hilly_m_per_km": 20.0,  # hilly: at least this much climb per km
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_positive(config, "recent_days", "base_days", "min_base_runs", "week_drop", "min_recent_runs",
                         "long_drop", "long_factor")

    def evaluate(self, frames: Frames, config: Mapping[str, Any], first: date, last: date) -> Dated:
        """Each day of [first, last] judged on the runs with cadence read once (arrays, not
        frames per day: a replay of ten years stays within a check's time)."""
        recent_days, base_days = int(config["recent_days"]), int(config["base_days"])
        # the runs a day of [first, last] is judged on, or judged against
        runs = frames.days_between(first - timedelta(days=recent_days - 1 + base_days), last)
        rated = with_rate(runs).reset_index(drop=True)
        if rated.empty:
            return []
        day_ns = rated["day"].to_numpy()
        spm, speed = rated["spm"].to_numpy(float), rated["speed"].to_numpy(float)
        km, elev = rated["distance_km"].to_numpy(float), rated["elev_m"].to_numpy(float)
        # Each day's runs as index bounds: base runs [base, recent), judged runs [recent, end).
        days = np.arange(np.datetime64(first), np.datetime64(last) + 1)
        ends = np.searchsorted(day_ns, days, "right")
        recents = np.searchsorted(day_ns, days - (recent_days - 1), "left")
        bases = np.searchsorted(day_ns, days - (recent_days - 1 + base_days), "left")
        judged = np.flatnonzero((ends > recents) & (recents - bases >= config["min_base_runs"]))
        out: Dated = []
        fitted: dict[tuple[int, int], Expected] = {}
        for at in judged.tolist():
            day, b, r, e = first + timedelta(days=at), int(bases[at]), int(recents[at]), int(ends[at])
            if (b, r) not in fitted:  # days in a row mostly share their base runs
                fitted[(b, r)] = expected_rate(speed[b:r], spm[b:r], km[b:r])
            expected = fitted[(b, r)]
            drop = 1 - spm[r:e] / expected.at(speed[r:e])
            if e - r >= config["min_recent_runs"] and reaches(median(drop), config["week_drop"]):
                out.append((day, self._week(day, rated.iloc[r:e], drop, expected, config)))
            long = (km[r:e] >= config["long_factor"] * expected.median_km) | (
                elev[r:e] >= config["hilly_m_per_km"] * km[r:e])
            # `reaches` decides; the array test only skips runs far below the line
            # (a drop that rounds up to the threshold is within 1e-6 of it).
            for i in np.flatnonzero(long & (drop - config["long_drop"] > -1e-6)).tolist():
                if reaches(float(drop[i]), config["long_drop"]):
                    out.append((day, self._long_run(rated.iloc[r + i], float(drop[i]), expected, config)))
        return out

    def _week(self, day: date, recent: pd.DataFrame, drop: np.ndarray, expected: Expected, config) -> Warning:
        spm, pred = float(recent["spm"].median()), float(np.median(expected.at(recent["speed"].to_numpy(float))))
        message = (
            f"Your {numbers.count_text(len(recent), 'run')} of the {config['recent_days']} days to {day.isoformat()} averaged "
            f"{numbers.steps(spm)} steps a minute, {numbers.percent_text(np.median(drop))} below the "
            f"{numbers.steps(pred)} your runs of the {config['base_days']} days before took at the same pace "
            f"({numbers.steps(expected.median_spm)} at your usual pace): a longer stride than usual, most likely."
        )
        return build_warning(self, Severity.INFO, day, iso_week(day), message, {
            "steps_per_minute": numbers.steps(spm), "expected_steps_per_minute": numbers.steps(pred),
            "drop_pct": numbers.percent(np.median(drop)), "runs": len(recent), "base_runs": expected.runs,
            "thresholds": {"week_drop": config["week_drop"], "long_drop": config["long_drop"]},
        })

    def _long_run(self, row: Any, drop: float, expected: Expected, config) -> Warning:
        day = row["day"].date()
        name = f"'{row['name']}' " if row["name"] else ""
        kind = "long" if row["distance_km"] >= config["long_factor"] * expected.median_km else "hilly"
        pred = float(expected.at(row["speed"]))
        message = (
            f"Run {name}on {day.isoformat()} ({numbers.km_text(row['distance_km'])}, {kind}): "
            f"{numbers.steps(row['spm'])} steps a minute, {numbers.percent_text(drop)} below your usual "
            f"{numbers.steps(pred)} at that pace."
        )
        return build_warning(self, Severity.INFO, day, str(row["id"]), message, {
            "activity_id": int(row["id"]), "steps_per_minute": numbers.steps(row["spm"]),
            "expected_steps_per_minute": numbers.steps(pred), "drop_pct": numbers.percent(drop), "kind": kind,
            "thresholds": {"week_drop": config["week_drop"], "long_drop": config["long_drop"]},
        })
