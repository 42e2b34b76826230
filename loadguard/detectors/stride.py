"""Stride rule: a step rate clearly below the runner's own recent level.

Strava stores a run's cadence per leg (one foot's steps a minute), so steps per
minute are twice the stored figure. Step rate rises with speed, so a run is
judged against what the runner's own recent runs did at that pace: a line fitted
through the base runs' step rate against speed. Runs without cadence are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Mapping

import pandas as pd

from loadguard.detectors.common import build_warning, r1, reaches, require_positive
from loadguard.detectors.runs_only import RunsOnlyRule
from loadguard.frames import Frames
from loadguard.model import Severity, Warning, iso_week

# Strava's running cadence counts one leg.
STEPS_PER_CADENCE = 2
# Step rates outside this band are sensor glitches or walking, not running strides.
PLAUSIBLE_SPM = (120.0, 230.0)
# Base runs whose speeds spread less than this share of their mean are one pace.
SAME_PACE = 0.02


def steps_per_minute(cadence: pd.Series) -> pd.Series:
    """Stored per-leg cadence as steps a minute; NaN where missing or implausible."""
    spm = pd.to_numeric(cadence, errors="coerce") * STEPS_PER_CADENCE
    return spm.where(spm.between(*PLAUSIBLE_SPM))


@dataclass(frozen=True)
class Expected:
    """The base runs' step rate as a line over speed (m/s)."""

    slope: float
    intercept: float
    median_spm: float
    median_km: float
    runs: int

    def at(self, speed: pd.Series) -> pd.Series:
        return self.intercept + self.slope * speed


def expected_rate(base: pd.DataFrame) -> Expected:
    speed, spm = base["speed"], base["spm"]
    spread = float(speed.var(ddof=0))
    slope = 0.0
    # Paces within a couple of percent of each other say nothing about the slope.
    if spread > (SAME_PACE * float(speed.mean())) ** 2:
        # least squares; a falling line is noise in a small base, not physiology
        slope = max(float(((speed - speed.mean()) * (spm - spm.mean())).mean()) / spread, 0.0)
    intercept = float(spm.mean() - slope * speed.mean())
    return Expected(slope, intercept, float(spm.median()), float(base["distance_km"].median()), len(base))


def with_rate(runs: pd.DataFrame) -> pd.DataFrame:
    """Runs with a plausible cadence and a moving time, with `spm` and `speed` (m/s)."""
    out = runs.assign(spm=steps_per_minute(runs["avg_cadence"]),
                      speed=runs["distance_km"] * 1000 / runs["moving_s"].where(runs["moving_s"] > 0))
    return out.dropna(subset=["spm", "speed"])


class Cadence(RunsOnlyRule):
    id = "stride.cadence"
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

    def detect(self, frames: Frames, config: Mapping[str, Any]) -> list[Warning]:
        recent_first = frames.as_of - timedelta(days=int(config["recent_days"]) - 1)
        base_first = recent_first - timedelta(days=int(config["base_days"]))
        runs = with_rate(frames.days_between(base_first, frames.as_of))
        recent = runs[runs["day"] >= pd.Timestamp(recent_first)]
        base = runs[runs["day"] < pd.Timestamp(recent_first)]
        if recent.empty or len(base) < config["min_base_runs"]:
            return []
        expected = expected_rate(base)
        recent = recent.assign(expected=expected.at(recent["speed"]))
        recent = recent.assign(drop=1 - recent["spm"] / recent["expected"])
        out: list[Warning] = []
        if len(recent) >= config["min_recent_runs"] and reaches(recent["drop"].median(), config["week_drop"]):
            out.append(self._week(frames, recent, expected, config))
        long = ((recent["distance_km"] >= config["long_factor"] * expected.median_km)
                | (recent["elev_m"] >= config["hilly_m_per_km"] * recent["distance_km"]))
        low = recent["drop"].map(lambda drop: reaches(drop, config["long_drop"]))
        for row in recent[long & low].itertuples():
            out.append(self._long_run(row, expected, config))
        return out

    def _week(self, frames: Frames, recent: pd.DataFrame, expected: Expected, config) -> Warning:
        spm, pred = recent["spm"].median(), recent["expected"].median()
        message = (
            f"Your {len(recent)} runs of the {config['recent_days']} days to {frames.as_of.isoformat()} averaged "
            f"{spm:.0f} steps a minute, {recent['drop'].median():.0%} below the {pred:.0f} your runs of the "
            f"{config['base_days']} days before took at the same pace ({expected.median_spm:.0f} at your usual "
            f"pace): a longer stride than usual, most likely."
        )
        return build_warning(self.id, Severity.INFO, frames.as_of, iso_week(frames.as_of), message, {
            "steps_per_minute": r1(spm), "expected_steps_per_minute": r1(pred),
            "drop_pct": r1(recent["drop"].median() * 100), "runs": len(recent), "base_runs": expected.runs,
            "thresholds": {"week_drop": config["week_drop"], "long_drop": config["long_drop"]},
        })

    def _long_run(self, row: Any, expected: Expected, config) -> Warning:
        day = row.day.date()
        name = f"'{row.name}' " if row.name else ""
        kind = "long" if row.distance_km >= config["long_factor"] * expected.median_km else "hilly"
        message = (
            f"Run {name}on {day.isoformat()} ({row.distance_km:.1f} km, {kind}): {row.spm:.0f} steps a minute, "
            f"{row.drop:.0%} below your usual {row.expected:.0f} at that pace."
        )
        return build_warning(self.id, Severity.INFO, day, str(row.id), message, {
            "activity_id": int(row.id), "steps_per_minute": r1(row.spm),
            "expected_steps_per_minute": r1(row.expected), "drop_pct": r1(row.drop * 100), "kind": kind,
            "thresholds": {"week_drop": config["week_drop"], "long_drop": config["long_drop"]},
        })
