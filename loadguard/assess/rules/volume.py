"""Volume rules: the weekly load ratio, the comeback after a break, the single-run spike.

Each rule judges a whole span of days at once (`evaluate`), from sums over the
daily table; `detect` is the same judgement for the as-of day alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

import numpy as np
import pandas as pd

from loadguard import numbers as num
from loadguard.advice import RACE_RECOVERY, RULES
from loadguard.assess.frames import Frames
from loadguard.assess.rules.common import (
    ACUTE_DAYS,
    BASE_WEEKS,
    CHRONIC_DAYS,
    Dated,
    SpanRule,
    Windows,
    build_warning,
    daily_table,
    exceeds,
    history_days,
    history_series,
    require_choice,
    require_order,
    require_positive,
    settings_key,
    window,
)
from loadguard.config import SettingError
from loadguard.model import EPISODE, Severity, Warning

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
    chronic_week_km: float   # the weekly base the week is compared with (see `base_weeks`)
    ratio: float | None      # None where the base is empty
    method: str


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
    severity: Severity | None     # None below the caution line, under the km floor, or when silent
    silence: str | None           # why the rule is silent


def base_weeks(acute: pd.Series, lightest_dropped: int) -> pd.Series:
    """The weekly base behind each day: the mean of the four 7-day blocks before its
    week, the `lightest_dropped` lightest of them left out.

    A holiday or a sick week is the lightest block; left in, it shrinks the base and
    makes an ordinary week look like a jump.
    """
    blocks = np.column_stack([acute.shift(ACUTE_DAYS * k, fill_value=0.0).to_numpy()
                              for k in range(1, BASE_WEEKS + 1)])
    kept = np.sort(blocks, axis=1)[:, lightest_dropped:]
    return pd.Series(kept.mean(axis=1), index=acute.index)


def load_table(frames: Frames, config: Mapping[str, Any]) -> pd.DataFrame:
    """The weekly-load rule's numbers and verdict for every day of the daily table."""
    key = ("load", settings_key(config))
    if key in frames.cache:
        return frames.cache[key]
    daily = daily_table(frames)
    if daily.empty:
        return pd.DataFrame(columns=["acute", "base", "ratio", "severity", "silence"], index=daily.index)
    km = daily["km"]
    acute = window(km, ACUTE_DAYS)
    base = base_weeks(acute, int(config["lightest_weeks_dropped"]))
    if config["method"] == "ewma":
        from_first = km[km.index >= pd.Timestamp(frames.first_day)] if frames.first_day else km
        a = from_first.ewm(alpha=2 / (EWMA_ACUTE_SPAN + 1), adjust=False).mean()
        c = from_first.ewm(alpha=2 / (EWMA_CHRONIC_SPAN + 1), adjust=False).mean()
        ratio = (a / c.where(c > 0)).reindex(km.index)
    else:
        ratio = acute / base.where(base > 0)
    # A break: `break_days` run-free days lying inside the 35 days (days before the
    # first run are no break; the history check speaks for them).
    rest = ((km == 0) & (km.index >= pd.Timestamp(frames.first_day or km.index[0]))).astype(int)
    streak = rest.groupby((rest == 0).cumsum()).cumsum()
    span = ACUTE_DAYS + CHRONIC_DAYS
    breaks = (streak >= frames.break_days).astype(float).rolling(max(span - frames.break_days + 1, 1),
                                                                  min_periods=1).max()
    history = history_series(frames, km.index)
    silence = pd.Series(None, index=km.index, dtype=object)
    # The most telling reason last, so it wins: a runner with years behind them is
    # told of the break in their base, never that they have no base yet.
    silence[ratio.isna()] = Silence.SMALL_BASE
    silence[base < config["min_chronic_km"]] = Silence.SMALL_BASE
    silence[breaks > 0] = Silence.break_in_base(frames.break_days)
    silence[history < config["min_history_days"]] = Silence.HISTORY
    judged = ratio.round(6)
    severity = pd.Series(0, index=km.index)
    for level in (Severity.INFO, Severity.WARN, Severity.ALERT):
        severity[judged >= round(float(config[level_key(level)]), 6)] = int(level)
    # A few km more is not a jump, whatever the ratio of two small weeks says.
    severity[(acute - base).round(6) < config["min_increase_km"]] = 0
    severity[silence.notna()] = 0
    table = pd.DataFrame({"acute": acute, "base": base, "ratio": ratio, "severity": severity,
                          "silence": silence})
    frames.cache[key] = table
    return table


def level_key(level: Severity) -> str:
    """The weekly-load setting that starts a severity: info is the caution band."""
    return {Severity.INFO: "caution", Severity.WARN: "warn", Severity.ALERT: "alert"}[level]


def assess_weekly_load(frames: Frames, config: Mapping[str, Any], day: date | None = None) -> LoadVerdict:
    """Ratio and severity of `volume.weekly_load` as of `day`, or why it stays silent.

    `config` is the rule's settings as `Config.detector` merged and checked them.
    """
    day = day or frames.as_of
    table = load_table(frames, config)
    at = pd.Timestamp(day)
    if at not in table.index:  # before any run, or an empty history
        return LoadVerdict(LoadRatio(0.0, 0.0, None, config["method"]), None, None, Silence.HISTORY)
    row = table.loc[at]
    ratio = None if pd.isna(row["ratio"]) else float(row["ratio"])
    load = LoadRatio(float(row["acute"]), float(row["base"]), ratio, config["method"])
    if isinstance(row["silence"], str):
        return LoadVerdict(load, None, None, row["silence"])
    return LoadVerdict(load, ratio, Severity(row["severity"]) if row["severity"] else None, None)


def base_weeks_text(config: Mapping[str, Any]) -> str:
    """Which weeks the weekly base averages, in words (the rule's message and the digest)."""
    dropped = int(config["lightest_weeks_dropped"])
    return (f"the {BASE_WEEKS} weeks before" if not dropped else
            f"the {BASE_WEEKS - dropped} busiest of the {BASE_WEEKS} weeks before")


class WeeklyLoad(SpanRule):
    id = "volume.weekly_load"
    about = RULES[id]   # title, advice and the study behind it: loadguard.advice
    # While a symptom is recent these lines become the lower of the runner's and
    # the [symptoms] setting named here.
    careful = {"caution": "weekly_load_caution", "warn": "weekly_load_warn", "alert": "weekly_load_alert"}
    # A finding told once is told again when this evidence number grows by WORSE_BY
    # (loadguard.assess.ledger); its severity alone does not follow the ratio.
    magnitude = "ratio"
    # Which rule speaks first, lowest first: in one message for one cause
    # (loadguard.assess.one_cause) and when a symptom's earlier load is named.
    # The ratio has the weakest evidence behind it (Frandsen et al. 2025).
    precedence = 2

    @staticmethod
    def phrase(warning: Warning) -> str:
        """This rule's finding as a few words, when a symptom is said to follow it."""
        if "ratio" in warning.evidence:
            return f"a week at {num.ratio_text(warning.evidence['ratio'])}x your usual weekly distance"
        return warning.title[0].lower() + warning.title[1:]
    defaults: Mapping[str, Any] = {
        # Ratio lines: the caution band is info (digest and plain `check`), a week at
        # `warn` or more is mailed. Frandsen et al. 2025 found no link between weekly
        # ratios and injury in runners, so the rule's alert line sits far out.
        "caution": 1.3,
        "warn": 1.5,
        "alert": 3.0,
        "method": "rolling",
        # The base is the mean of the two busiest of the four weeks before: a holiday,
        # a sick week or two light ones must not make an ordinary week look like a jump.
        "lightest_weeks_dropped": 2,
        # The week must exceed its base by at least this much: 9 km against 6 is no jump
        # (low enough that a 7 km-a-week novice going to 12.6 km is still told).
        "min_increase_km": 4.0,
        # The 4-week base must lie inside the history, or a beginner's second
        # week looks like a spike.
        "min_history_days": 35,
        # Below this weekly base a ratio is noise (two short jogs vs one).
        "min_chronic_km": 5.0,
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_order(config, "caution", "warn", "alert")
        require_choice(config, "method", ("rolling", "ewma"))
        if config["lightest_weeks_dropped"] not in range(BASE_WEEKS):
            raise SettingError("lightest_weeks_dropped",
                               f"must be 0 to {BASE_WEEKS - 1}, got {config['lightest_weeks_dropped']!r}")

    def holds(self, frames: Frames, config: Mapping[str, Any]) -> pd.Series:
        return load_table(frames, config)["severity"] > 0

    def evaluate(self, frames: Frames, config: Mapping[str, Any], first: date, last: date) -> Dated:
        table = load_table(frames, config)
        span = table[(table.index >= pd.Timestamp(first)) & (table.index <= pd.Timestamp(last))]
        out = []
        for day, row in span[span["severity"] > 0].iterrows():
            out.append((day.date(), self._warning(day.date(), row, config)))
        return out

    def _warning(self, day: date, row: pd.Series, config: Mapping[str, Any]) -> Warning:
        severity = Severity(int(row["severity"]))
        acute, base, ratio = float(row["acute"]), float(row["base"]), float(row["ratio"])
        win = Windows.ending(day)
        band = {Severity.ALERT: f"at or above the {config['alert']} alert line",
                Severity.WARN: f"at or above the {config['warn']} line",
                Severity.INFO: f"in the {config['caution']}-{config['warn']} caution band"}[severity]
        if config["method"] == "rolling":
            ratio_text = f"({num.change_text(acute, base)}): load ratio {num.ratio_text(ratio)}"
        else:  # the EWMA ratio is not the ratio of the two sums shown, so no percentage
            ratio_text = f": EWMA load ratio {num.ratio_text(ratio)} (7 d / 28 d)"
        message = (f"{num.km_text(acute)} in the 7 days to {day.isoformat()} against {num.km_text(base)} "
                   f"a week over {base_weeks_text(config)} "
                   f"{ratio_text}, {band}.")
        return build_warning(self, severity, day, EPISODE, message, {
            "acute_km": num.km(acute),
            "chronic_weekly_km": num.km(base),
            "ratio": num.ratio(ratio),
            "method": config["method"],
            "window": {"acute": [win.acute_first.isoformat(), win.acute_last.isoformat()],
                       "chronic": [win.chronic_first.isoformat(), win.chronic_last.isoformat()]},
            "thresholds": {k: config[k] for k in ("caution", "warn", "alert")},
        })


class Comeback(SpanRule):
    id = "volume.comeback"
    about = RULES[id]   # title, advice and the study behind it: loadguard.advice
    precedence = 1   # which rule speaks first: see WeeklyLoad.precedence

    @staticmethod
    def phrase(warning: Warning) -> str:
        return "a big first week back after a break"
    defaults: Mapping[str, Any] = {
        # The first week back may hold this share of the pre-break weekly average.
        # How long a break is: the global `break_days` in config.toml.
        "max_share": 0.5,
        # Below this pre-break weekly average there was no routine to come back to.
        "min_base_km": 5.0,
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_positive(config, "max_share")

    def evaluate(self, frames: Frames, config: Mapping[str, Any], first: date, last: date) -> Dated:
        """One finding per return from a break, keyed on the day back: it holds from the
        day the first week back passes the share until that week ends."""
        runs = frames.runs
        if runs.empty:
            return []
        days = runs["day"].drop_duplicates()
        gaps = (days.diff().dt.days - 1).fillna(0)
        starts = days[(gaps >= frames.break_days) & (days >= pd.Timestamp(first) - pd.Timedelta(days=ACUTE_DAYS))]
        km = daily_table(frames)["km"]
        out = []
        for back_ts in starts:
            back = back_ts.date()
            prev = days[days < back_ts].iloc[-1].date()
            if history_days(frames, prev) < CHRONIC_DAYS:
                continue  # no settled routine before the break to compare against
            base = km[pd.Timestamp(prev - timedelta(days=CHRONIC_DAYS - 1)):pd.Timestamp(prev)]
            base_week = float(base.sum()) / BASE_WEEKS
            if base_week <= 0 or base_week < config["min_base_km"]:
                continue
            since = km[back_ts:pd.Timestamp(back + timedelta(days=ACUTE_DAYS - 1))].cumsum()
            over = since[since.round(6) > round(base_week * config["max_share"], 6)]
            for day_ts, back_km in over.items():
                day = day_ts.date()
                if first <= day <= last:
                    out.append((day, self._warning(day, back, prev, float(back_km), base_week, config)))
        return out

    def _warning(self, day: date, back: date, prev: date, back_km: float, base_week: float,
                 config: Mapping[str, Any]) -> Warning:
        gap = (back - prev).days - 1
        message = (
            f"Back on {back.isoformat()} after {gap} days without running: {num.km_text(back_km)} since then, "
            f"more than {num.percent_text(config['max_share'])} of the {num.km_text(base_week)} a week you ran "
            f"in the {BASE_WEEKS} weeks before the break ({num.percent_text(back_km / base_week)} of it)."
        )
        return build_warning(self, Severity.WARN, day, back.isoformat(), message, {
            "break_days": gap,
            "last_run_before": prev.isoformat(),
            "back_on": back.isoformat(),
            "km_since_back": num.km(back_km),
            "pre_break_weekly_km": num.km(base_week),
            "share_of_pre_break": num.share(back_km / base_week),
            "max_share": config["max_share"],
        })


class LongRunSpike(SpanRule):
    id = "volume.long_run_spike"
    about = RULES[id]   # title, advice and the study behind it: loadguard.advice
    careful = {"info_over": "long_run_info_over", "warn_over": "long_run_warn_over",
               "alert_over": "long_run_alert_over"}   # see WeeklyLoad.careful
    # Speaks first: the single-run spike has the strongest evidence behind it
    # (Frandsen et al. 2025, 5,205 runners); see WeeklyLoad.precedence.
    precedence = 0

    @staticmethod
    def phrase(warning: Warning) -> str:
        ev = warning.evidence
        if "increase_pct" in ev:
            return f"a run {ev['increase_pct']}% over your 30-day longest ({num.km_text(ev['distance_km'])})"
        return warning.title[0].lower() + warning.title[1:]
    defaults: Mapping[str, Any] = {
        # Longer than the 30-day longest by more than these shares. Runs 10-30% over are
        # routine in a training block, so they are info (digest), not mail.
        "info_over": 0.10,
        "warn_over": 0.30,
        "alert_over": 1.00,
        # ...and by at least this many km: 5.0 -> 5.9 km is not a spike.
        "min_increase_km": 2.0,
        "lookback_days": 30,  # local days before the run's day (and earlier runs that day)
        "recent_days": 7,     # a run is a finding for this many days, so a daily cron sees it
        "min_history_days": 30,
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_order(config, "info_over", "warn_over", "alert_over")
        require_positive(config, "lookback_days", "recent_days")

    def evaluate(self, frames: Frames, config: Mapping[str, Any], first: date, last: date) -> Dated:
        recent = int(config["recent_days"])
        lookback = int(config["lookback_days"])
        runs = frames.days_between(first - timedelta(days=recent - 1 + lookback), last)
        if runs.empty:
            return []
        runs = runs.assign(previous_max=previous_longest(runs, lookback))
        judged = runs[(runs["day"] >= pd.Timestamp(first - timedelta(days=recent - 1)))
                      & (runs["previous_max"] > 0)]
        over = judged["distance_km"] / judged["previous_max"] - 1
        gain = judged["distance_km"] - judged["previous_max"]
        spikes = judged[(over.round(6) > round(config["info_over"], 6))
                        & (gain.round(6) >= round(config["min_increase_km"], 6))]
        out = []
        for row in spikes.itertuples():
            day = row.day.date()
            if history_days(frames, day) - 1 < config["min_history_days"]:
                continue
            warning = None
            for shown in range(recent):
                on = day + timedelta(days=shown)
                if on > last:
                    break
                if on >= first:
                    warning = warning or self._warning(runs, row, config)
                    out.append((on, warning))
        return out

    def _warning(self, runs: pd.DataFrame, row: Any, config: Mapping[str, Any]) -> Warning:
        day = row.day.date()
        lookback = int(config["lookback_days"])
        base = row.previous_max
        over = row.distance_km / base - 1
        levels = [(config["alert_over"], Severity.ALERT), (config["warn_over"], Severity.WARN),
                  (config["info_over"], Severity.INFO)]
        severity = next(s for line, s in levels if exceeds(over, line))
        prior = runs[((runs["day"] >= row.day - pd.Timedelta(days=lookback)) & (runs["day"] < row.day))
                     | ((runs["day"] == row.day) & (runs["start_local"] < row.start_local))]
        longest = prior.loc[prior["distance_km"].idxmax()]
        name = f"'{row.name}' " if row.name else ""
        numbers = (f"{num.km_text(row.distance_km)}, {num.percent_text(over)} longer than your longest run of the "
                   f"previous {lookback} days ({num.km_text(base)} on {longest['day'].date().isoformat()})")
        band = next((b for b in SPIKE_BANDS if over > b[0]), None)
        evidence = {
            "activity_id": int(row.id),
            "distance_km": num.km(row.distance_km),
            "previous_longest_km": num.km(base),
            "previous_longest_on": longest["day"].date().isoformat(),
            "increase_pct": num.percent(over),
            "hazard_ratio": band[1] if band else None,
            "race": bool(row.race),
            "thresholds": {k: config[k] for k in ("info_over", "warn_over", "alert_over")},
        }
        if row.race:
            # A planned race is not an unexplained spike; what it needs is recovery. It
            # is mailed only when far beyond the month's longest run.
            severity = Severity.WARN if severity is Severity.ALERT else Severity.INFO
            message = f"Race {name}on {day.isoformat()}: {numbers}. Give it the recovery a race asks for."
            return build_warning(self, severity, day, str(row.id), message, evidence, RACE_RECOVERY)
        band_text = (f"; in a study of 5,205 runners, runs {band[2]} over the 30-day longest were "
                     f"followed by injury about {band[1]}x as often" if band else "")
        message = f"Run {name}on {day.isoformat()}: {numbers}{band_text}."
        return build_warning(self, severity, day, str(row.id), message, evidence)


def previous_longest(runs: pd.DataFrame, lookback_days: int) -> pd.Series:
    """For each run, the longest run of the `lookback_days` local days before its day,
    or earlier that same day; NaN where there is none."""
    per_day = runs.groupby("day")["distance_km"].max()
    per_day = per_day.reindex(pd.date_range(per_day.index[0], per_day.index[-1], freq="D"))
    before_day = per_day.rolling(lookback_days, min_periods=1).max().shift(1)
    earlier_today = runs.groupby("day")["distance_km"].cummax().groupby(runs["day"]).shift()
    from_days = before_day.reindex(runs["day"]).to_numpy()
    return pd.Series(np.fmax(from_days, earlier_today.to_numpy()), index=runs.index)
