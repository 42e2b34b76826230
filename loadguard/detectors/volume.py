"""Volume rules: the weekly load ratio, the comeback after a break, the single-run spike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

import numpy as np
import pandas as pd

from loadguard import numbers as num
from loadguard.detectors.common import (
    Windows, build_warning, exceeds, history_days, reaches, require_choice, require_order,
    require_positive,
)
from loadguard.frames import Frames
from loadguard.model import Severity, Warning, iso_week

# Frandsen et al. 2025: hazard rate ratios of a run this much longer than the
# longest of the previous 30 days, against runs no longer than it. Observational,
# per session: worded as "runs like this were followed by injury more often".
SPIKE_BANDS = ((1.00, 2.28, "over 100%"), (0.30, 1.52, "30-100%"), (0.10, 1.64, "10-30%"))

# EWMA decay for 7- and 28-day loads (Williams et al. 2017): lambda = 2 / (N + 1).
EWMA_ACUTE_SPAN = 7
EWMA_CHRONIC_SPAN = 28


@dataclass(frozen=True)
class LoadRatio:
    acute_km: float          # distance of the 7 days ending on the day
    chronic_week_km: float   # average weekly distance of the 28 days before them
    ratio: float | None      # None where the base is empty
    method: str


def load_ratio(frames: Frames, day: date | None = None, method: str = "rolling") -> LoadRatio:
    """The acute:chronic ratio as of `day` (default the as-of day).

    rolling: last 7 days ÷ (the 28 days before them ÷ 4), uncoupled.
    ewma:    7-day EWMA ÷ 28-day EWMA of daily distance, both as of the day.
    """
    day = day or frames.as_of
    win = Windows.ending(day)
    acute = float(frames.days_between(win.acute_first, win.acute_last)["distance_km"].sum())
    chronic_week = float(frames.days_between(win.chronic_first, win.chronic_last)["distance_km"].sum()) / 4
    if method == "ewma":
        daily = frames.daily_km()
        daily = daily[daily.index <= pd.Timestamp(day)]
        if daily.empty:
            return LoadRatio(acute, chronic_week, None, method)
        a = daily.ewm(alpha=2 / (EWMA_ACUTE_SPAN + 1), adjust=False).mean().iloc[-1]
        c = daily.ewm(alpha=2 / (EWMA_CHRONIC_SPAN + 1), adjust=False).mean().iloc[-1]
        return LoadRatio(acute, chronic_week, float(a / c) if c > 0 else None, method)
    if method != "rolling":
        raise ValueError(f"unknown method {method!r}")
    return LoadRatio(acute, chronic_week, acute / chronic_week if chronic_week > 0 else None, method)


def longest_break(frames: Frames, first: date, last: date) -> int:
    """The longest run of days without running inside [first, last]."""
    daily = frames.daily_km()
    span = daily[(daily.index >= pd.Timestamp(first)) & (daily.index <= pd.Timestamp(last))]
    if span.empty:
        return (last - first).days + 1
    rest = (span == 0).astype(int)
    # consecutive-zero lengths: cumulative count reset at every running day
    streak = rest.groupby((rest == 0).cumsum()).cumsum()
    return int(streak.max())


class Silence:
    """Why the weekly-load rule has no ratio to judge on a day."""

    HISTORY = "no 4-week base yet"
    SMALL_BASE = "base too small to compare with"

    @staticmethod
    def break_in_base(days: int) -> str:
        return f"a break of {days} days or more in the base; see volume.comeback"


@dataclass(frozen=True)
class LoadVerdict:
    """The weekly-load rule's judgement of one day, shared with the digest."""

    load: LoadRatio
    ratio: float | None           # None when the rule is silent
    severity: Severity | None     # None below the warn threshold or when silent
    silence: str | None           # why the rule is silent


def assess_weekly_load(frames: Frames, config: Mapping[str, Any], day: date | None = None) -> LoadVerdict:
    """Ratio and severity of `volume.weekly_load` as of `day`, or why it stays silent.

    `config` is the rule's settings as `Config.detector` merged and checked them.
    """
    day = day or frames.as_of
    load = load_ratio(frames, day, method=config["method"])
    silence = None
    win = Windows.ending(day)
    if history_days(frames, day) < config["min_history_days"] or load.ratio is None:
        silence = Silence.HISTORY
    elif longest_break(frames, win.chronic_first, win.acute_last) >= frames.break_days:
        silence = Silence.break_in_base(frames.break_days)
    elif load.chronic_week_km < config["min_chronic_km"]:
        silence = Silence.SMALL_BASE
    if silence:
        return LoadVerdict(load, None, None, silence)
    if reaches(load.ratio, config["alert"]):
        severity = Severity.ALERT
    elif reaches(load.ratio, config["warn"]):
        severity = Severity.WARN
    else:
        severity = None
    return LoadVerdict(load, load.ratio, severity, None)


class WeeklyLoad:
    id = "volume.weekly_load"
    defaults: Mapping[str, Any] = {
        "warn": 1.3,
        "alert": 1.5,
        "method": "rolling",
        # The 4-week base must lie inside the history, or a beginner's second
        # week looks like a spike.
        "min_history_days": 35,
        # Below this weekly base a ratio is noise (two short jogs vs one).
        "min_chronic_km": 5.0,
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_order(config, "warn", "alert")
        require_choice(config, "method", ("rolling", "ewma"))

    def detect(self, frames: Frames, config: Mapping[str, Any]) -> list[Warning]:
        verdict = assess_weekly_load(frames, config)
        severity, load = verdict.severity, verdict.load
        if severity is None:
            return []
        win = Windows.ending(frames.as_of)
        band = (f"at or above the {config['alert']} alert line" if severity is Severity.ALERT
                else f"in the {config['warn']}-{config['alert']} caution band")
        if load.method == "rolling":
            ratio_text = (f"({num.change_text(load.acute_km, load.chronic_week_km)}): "
                          f"load ratio {num.ratio_text(verdict.ratio)}")
        else:  # the EWMA ratio is not the ratio of the two sums shown, so no percentage
            ratio_text = f": EWMA load ratio {num.ratio_text(verdict.ratio)} (7 d / 28 d)"
        message = (
            f"{num.km_text(load.acute_km)} in the 7 days to {frames.as_of.isoformat()} against "
            f"{num.km_text(load.chronic_week_km)} a week over the 4 weeks before {ratio_text}, {band}."
        )
        return [build_warning(self.id, severity, frames.as_of, iso_week(frames.as_of), message, {
            "acute_km": num.km(load.acute_km),
            "chronic_weekly_km": num.km(load.chronic_week_km),
            "ratio": num.ratio(verdict.ratio),
            "method": load.method,
            "window": {"acute": [win.acute_first.isoformat(), win.acute_last.isoformat()],
                       "chronic": [win.chronic_first.isoformat(), win.chronic_last.isoformat()]},
            "thresholds": {"warn": config["warn"], "alert": config["alert"]},
        })]


class Comeback:
    id = "volume.comeback"
    defaults: Mapping[str, Any] = {
        # The first week back may hold this share of the pre-break weekly average.
        # How long a break is: the global `break_days` in config.toml.
        "max_share": 0.5,
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_positive(config, "max_share")

    def detect(self, frames: Frames, config: Mapping[str, Any]) -> list[Warning]:
        runs = frames.runs
        if runs.empty:
            return []
        days = runs["day"].drop_duplicates()
        gaps = (days.diff().dt.days - 1).fillna(0)
        win = Windows.ending(frames.as_of)
        # The latest return from a break that falls inside the acute week.
        returns = days[(gaps >= frames.break_days) & (days >= pd.Timestamp(win.acute_first))]
        if returns.empty:
            return []
        back = returns.iloc[-1].date()
        prev = days[days < returns.iloc[-1]].iloc[-1].date()
        if history_days(frames, prev) < 28:
            return []  # no settled routine before the break to compare against
        base_week = float(frames.days_between(prev - timedelta(days=27), prev)["distance_km"].sum()) / 4
        week_last = min(frames.as_of, back + timedelta(days=6))
        back_km = float(frames.days_between(back, week_last)["distance_km"].sum())
        if base_week <= 0 or reaches(base_week * config["max_share"], back_km):
            return []
        gap = (back - prev).days - 1
        message = (
            f"Back on {back.isoformat()} after {gap} days without running: {num.km_text(back_km)} since then, "
            f"more than {num.percent_text(config['max_share'])} of the {num.km_text(base_week)} a week you ran "
            f"in the 4 weeks before the break ({num.percent_text(back_km / base_week)} of it)."
        )
        return [build_warning(self.id, Severity.WARN, frames.as_of, iso_week(frames.as_of), message, {
            "break_days": gap,
            "last_run_before": prev.isoformat(),
            "back_on": back.isoformat(),
            "km_since_back": num.km(back_km),
            "pre_break_weekly_km": num.km(base_week),
            "share_of_pre_break": num.share(back_km / base_week),
            "max_share": config["max_share"],
        })]


class LongRunSpike:
    id = "volume.long_run_spike"
    defaults: Mapping[str, Any] = {
        "warn_over": 0.10,    # longer than the 30-day longest by more than this share
        "alert_over": 1.00,
        "lookback_days": 30,  # local days before the run's day (and earlier runs that day)
        "recent_days": 7,     # runs of these last days are judged, so a daily cron sees each once
        "min_history_days": 30,
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_order(config, "warn_over", "alert_over")
        require_positive(config, "lookback_days", "recent_days")

    def detect(self, frames: Frames, config: Mapping[str, Any]) -> list[Warning]:
        recent_first = frames.as_of - timedelta(days=int(config["recent_days"]) - 1)
        lookback = int(config["lookback_days"])
        # Only runs that can be a recent run's "previous 30 days" are searched.
        runs = frames.days_between(recent_first - timedelta(days=lookback), frames.as_of)
        if runs.empty:
            return []
        runs = runs.assign(previous_max=previous_longest(runs, lookback))
        out = []
        for row in runs[runs["day"] >= pd.Timestamp(recent_first)].itertuples():
            day = row.day.date()
            base = row.previous_max
            if history_days(frames, day) - 1 < config["min_history_days"] or not base > 0:
                continue  # no base (NaN): a return after a break is the comeback rule's
            over = row.distance_km / base - 1
            if not exceeds(over, config["warn_over"]):
                continue  # "by more than 10%": exactly 10% is not
            severity = Severity.ALERT if exceeds(over, config["alert_over"]) else Severity.WARN
            prior = runs[((runs["day"] >= row.day - pd.Timedelta(days=lookback)) & (runs["day"] < row.day))
                         | ((runs["day"] == row.day) & (runs["start_local"] < row.start_local))]
            longest = prior.loc[prior["distance_km"].idxmax()]
            band = next((b for b in SPIKE_BANDS if over > b[0]), None)
            band_text = (f"; in a study of 5,205 runners, runs {band[2]} over the 30-day longest were "
                         f"followed by injury about {band[1]}x as often" if band else "")
            name = f"'{row.name}' " if row.name else ""
            message = (
                f"Run {name}on {day.isoformat()}: {num.km_text(row.distance_km)}, {num.percent_text(over)} longer "
                f"than your longest run of the previous {lookback} days ({num.km_text(base)} on "
                f"{longest['day'].date().isoformat()}){band_text}."
            )
            out.append(build_warning(self.id, severity, day, str(row.id), message, {
                "activity_id": int(row.id),
                "distance_km": num.km(row.distance_km),
                "previous_longest_km": num.km(base),
                "previous_longest_on": longest["day"].date().isoformat(),
                "increase_pct": num.percent(over),
                "hazard_ratio": band[1] if band else None,
                "thresholds": {"warn_over": config["warn_over"], "alert_over": config["alert_over"]},
            }))
        return out


def previous_longest(runs: pd.DataFrame, lookback_days: int) -> pd.Series:
    """For each run, the longest run of the `lookback_days` local days before its day,
    or earlier that same day; NaN where there is none."""
    per_day = runs.groupby("day")["distance_km"].max()
    per_day = per_day.reindex(pd.date_range(per_day.index[0], per_day.index[-1], freq="D"))
    before_day = per_day.rolling(lookback_days, min_periods=1).max().shift(1)
    earlier_today = runs.groupby("day")["distance_km"].cummax().groupby(runs["day"]).shift()
    from_days = before_day.reindex(runs["day"]).to_numpy()
    return pd.Series(np.fmax(from_days, earlier_today.to_numpy()), index=runs.index)
