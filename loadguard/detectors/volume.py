"""Volume rules: the weekly load ratio, the comeback after a break, the single-run spike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

import pandas as pd

from loadguard.detectors.common import Windows, build_warning, history_days, r1, r2
from loadguard.frames import Frames
from loadguard.model import Severity, Warning, iso_week

# A ratio against a base that holds a break this long compares with an empty
# base; `volume.comeback` speaks for those weeks instead.
BREAK_DAYS = 14

# Frandsen et al. 2025: hazard rate ratios of a run this much longer than the
# longest of the previous 30 days, against runs no longer than it.
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
    BREAK = f"a break of {BREAK_DAYS} days or more in the base; see volume.comeback"
    SMALL_BASE = "base too small to compare with"


@dataclass(frozen=True)
class LoadVerdict:
    """The weekly-load rule's judgement of one day, shared with the digest."""

    load: LoadRatio
    ratio: float | None           # None when the rule is silent
    severity: Severity | None     # None below the warn threshold or when silent
    silence: str | None           # a Silence text when silent


def assess_weekly_load(frames: Frames, config: Mapping[str, Any], day: date | None = None) -> LoadVerdict:
    """Ratio and severity of `volume.weekly_load` as of `day`, or why it stays silent."""
    if config["method"] not in ("rolling", "ewma"):
        from loadguard.errors import LoadguardError

        raise LoadguardError(
            f'config: detectors.volume.weekly_load.method must be "rolling" or "ewma", got {config["method"]!r}')
    day = day or frames.as_of
    load = load_ratio(frames, day, method=config["method"])
    silence = None
    win = Windows.ending(day)
    if history_days(frames, day) < config["min_history_days"] or load.ratio is None:
        silence = Silence.HISTORY
    elif longest_break(frames, win.chronic_first, win.acute_last) >= BREAK_DAYS:
        silence = Silence.BREAK
    elif load.chronic_week_km < config["min_chronic_km"]:
        silence = Silence.SMALL_BASE
    if silence:
        return LoadVerdict(load, None, None, silence)
    # Six decimals absorb float noise (52/40 is 1.3, not 1.2999…) without
    # letting 1.297 pass for 1.30.
    ratio = round(load.ratio, 6)
    if ratio >= config["alert"]:
        severity = Severity.ALERT
    elif ratio >= config["warn"]:
        severity = Severity.WARN
    else:
        severity = None
    return LoadVerdict(load, ratio, severity, None)


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

    def detect(self, frames: Frames, config: Mapping[str, Any]) -> list[Warning]:
        verdict = assess_weekly_load(frames, config)
        severity, load = verdict.severity, verdict.load
        if severity is None:
            return []
        ratio = verdict.ratio
        win = Windows.ending(frames.as_of)
        change = (load.acute_km / load.chronic_week_km - 1) * 100
        method = "rolling 7 d / 28 d" if load.method == "rolling" else "EWMA 7 d / 28 d"
        band = (f"at or above {config['alert']}" if severity is Severity.ALERT
                else f"between {config['warn']} and {config['alert']}")
        message = (
            f"{load.acute_km:.1f} km in the 7 days to {frames.as_of.isoformat()} against "
            f"{load.chronic_week_km:.1f} km a week over the 4 weeks before ({change:+.0f}%): "
            f"load ratio {ratio:.2f} ({method}), {band}."
        )
        return [build_warning(self.id, severity, frames.as_of, iso_week(frames.as_of), message, {
            "acute_km": r1(load.acute_km),
            "chronic_weekly_km": r1(load.chronic_week_km),
            "ratio": r2(ratio),
            "method": load.method,
            "window": {"acute": [win.acute_first.isoformat(), win.acute_last.isoformat()],
                       "chronic": [win.chronic_first.isoformat(), win.chronic_last.isoformat()]},
            "thresholds": {"warn": config["warn"], "alert": config["alert"]},
        })]


class Comeback:
    id = "volume.comeback"
    defaults: Mapping[str, Any] = {
        "break_days": BREAK_DAYS,
        # The first week back may hold this share of the pre-break weekly average.
        "max_share": 0.5,
    }

    def detect(self, frames: Frames, config: Mapping[str, Any]) -> list[Warning]:
        runs = frames.runs
        if runs.empty:
            return []
        days = runs["day"].drop_duplicates()
        gaps = (days.diff().dt.days - 1).fillna(0)
        win = Windows.ending(frames.as_of)
        # The latest return from a break that falls inside the acute week.
        returns = days[(gaps >= config["break_days"]) & (days >= pd.Timestamp(win.acute_first))]
        back = prev = None
        if not returns.empty:
            back = returns.iloc[-1].date()
            prev = days[days < returns.iloc[-1]].iloc[-1].date()
        if back is None:
            return []
        base_last = prev
        base_first = prev - timedelta(days=27)
        if history_days(frames, base_last) < 28:
            return []  # no settled routine before the break to compare against
        base_week = float(frames.days_between(base_first, base_last)["distance_km"].sum()) / 4
        week_last = min(frames.as_of, back + timedelta(days=6))
        back_km = float(frames.days_between(back, week_last)["distance_km"].sum())
        allowed = base_week * config["max_share"]
        if base_week <= 0 or back_km <= allowed:
            return []
        gap = (back - prev).days - 1
        message = (
            f"Back on {back.isoformat()} after {gap} days without running: {back_km:.1f} km since then, "
            f"more than {config['max_share']:.0%} of the {base_week:.1f} km a week you ran in the 4 weeks "
            f"before the break ({back_km / base_week:.0%} of it)."
        )
        return [build_warning(self.id, Severity.WARN, frames.as_of, iso_week(frames.as_of), message, {
            "break_days": gap,
            "last_run_before": prev.isoformat(),
            "back_on": back.isoformat(),
            "km_since_back": r1(back_km),
            "pre_break_weekly_km": r1(base_week),
            "share_of_pre_break": r2(back_km / base_week),
            "max_share": config["max_share"],
        })]


class LongRunSpike:
    id = "volume.long_run_spike"
    defaults: Mapping[str, Any] = {
        "warn_over": 0.10,    # longer than the 30-day longest by more than this share
        "alert_over": 1.00,
        "lookback_days": 30,
        "recent_days": 7,     # runs of these last days are judged, so a daily cron sees each once
        "min_history_days": 30,
    }

    def detect(self, frames: Frames, config: Mapping[str, Any]) -> list[Warning]:
        runs = frames.runs
        if runs.empty:
            return []
        recent_first = frames.as_of - timedelta(days=int(config["recent_days"]) - 1)
        lookback = pd.Timedelta(days=int(config["lookback_days"]))
        # Only runs that can be a recent run's "previous 30 days" are searched.
        runs = runs[runs["start_local"] >= pd.Timestamp(recent_first) - lookback]
        # The longest run in [start - 30 days, start) for every run at once.
        previous_max = runs.set_index("start_local")["distance_km"].rolling(lookback, closed="left").max()
        runs = runs.assign(previous_max=previous_max.to_numpy())
        out = []
        for row in runs[runs["day"] >= pd.Timestamp(recent_first)].itertuples():
            day = row.day.date()
            if history_days(frames, day) - 1 < config["min_history_days"]:
                continue
            base = row.previous_max
            if not base > 0:
                continue  # nothing to compare with (NaN): the comeback rule covers a return
            over = round(row.distance_km / base - 1, 6)
            if over <= config["warn_over"]:
                continue
            prior = runs[(runs["start_local"] >= row.start_local - lookback) & (runs["start_local"] < row.start_local)]
            longest = prior.loc[prior["distance_km"].idxmax()]
            severity = Severity.ALERT if over > config["alert_over"] else Severity.WARN
            band = next((b for b in SPIKE_BANDS if over > b[0]), None)
            band_text = f"; runners in that band ({band[2]}) had {band[1]}x the injury rate" if band else ""
            name = f"'{row.name}' " if row.name else ""
            message = (
                f"Run {name}on {day.isoformat()}: {row.distance_km:.1f} km, {over:.0%} longer than your longest "
                f"run of the previous {int(config['lookback_days'])} days ({base:.1f} km on "
                f"{longest['day'].date().isoformat()}){band_text}."
            )
            out.append(build_warning(self.id, severity, day, str(row.id), message, {
                "activity_id": int(row.id),
                "distance_km": r1(row.distance_km),
                "previous_longest_km": r1(base),
                "previous_longest_on": longest["day"].date().isoformat(),
                "increase_pct": r1(over * 100),
                "hazard_ratio": band[1] if band else None,
                "thresholds": {"warn_over": config["warn_over"], "alert_over": config["alert_over"]},
            }))
        return out
