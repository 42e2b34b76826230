"""The weekly load rule: the last 7 days against the runner's usual weeks (the base),
and the figures the digest and `ahead` read of it (`assess_weekly_load`, `kept_weeks`).

It judges a whole span of days at once (`evaluate`), from sums over the daily table;
`detect` is the same judgement for the as-of day alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from loadguard import numbers as num
from loadguard.advice import RULES
from loadguard.assess.frames import Frames
from loadguard.assess.rules.common import (
    ACUTE_DAYS,
    BASE_WEEKS,
    CHRONIC_DAYS,
    Dated,
    Line,
    SpanRule,
    Windows,
    build_warning,
    daily_table,
    days_of,
    history_days_of,
    lagged,
    require_choice,
    require_order,
    settings_key,
    sums,
)
from loadguard.config import SettingError
from loadguard.model import EPISODE, Severity, Warning

# EWMA decay for 7- and 28-day loads (Williams et al. 2017): lambda = 2 / (N + 1).
EWMA_ACUTE_SPAN = 7
EWMA_CHRONIC_SPAN = 28
EWMA_ACUTE_ALPHA = 2 / (EWMA_ACUTE_SPAN + 1)
EWMA_CHRONIC_ALPHA = 2 / (EWMA_CHRONIC_SPAN + 1)


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


def base_weeks(acute: np.ndarray, lightest_dropped: int, light_share: float = 0.0) -> np.ndarray:
    """The weekly base behind each day (of the 7-day sums `acute`, one per day): the mean
    of the four 7-day blocks before its week, leaving out blocks under `light_share` of
    the busiest of them and the `lightest_dropped` lightest.

    A holiday or a sick week is far under the others; left in, it shrinks the base and
    makes an ordinary week look like a jump. Steady weeks (each within 25% of their
    mean) all stay in at 0.6, so two busy weeks among them cannot hide a jump.
    """
    blocks = np.sort(np.column_stack([lagged(acute, ACUTE_DAYS * k) for k in range(1, BASE_WEEKS + 1)]), axis=1)
    kept = _kept(blocks, lightest_dropped, light_share)
    return (blocks * kept).sum(axis=1) / kept.sum(axis=1)


def _kept(blocks: np.ndarray, lightest_dropped: int, light_share: float) -> np.ndarray:
    """Which blocks of each row (sorted, lightest first) the base keeps."""
    kept = np.round(blocks - light_share * blocks[:, -1:], 6) >= 0
    kept[:, :lightest_dropped] = False
    kept[:, -1] = True     # the busiest block always counts
    return kept


def kept_weeks(week_km: Sequence[float], config: Mapping[str, Any]) -> list[bool]:
    """Which of these weeks the weekly base keeps, in their own order: the rule's own
    choice, so the digest's usual week is the base the rule judged against."""
    order = np.argsort(np.asarray(week_km, dtype=float), kind="stable")
    mask = _kept(np.asarray(week_km, dtype=float)[order][None, :],
                 int(config["lightest_weeks_dropped"]), float(config["light_week_share"]))[0]
    out = [False] * len(week_km)
    for position, index in enumerate(order):
        out[index] = bool(mask[position])
    return out


def load_table(frames: Frames, config: Mapping[str, Any]) -> pd.DataFrame:
    """The weekly-load rule's numbers and verdict for every day of the daily table."""
    key = ("load", settings_key(config))
    if key in frames.cache:
        return frames.cache[key]
    daily = daily_table(frames)
    if daily.empty:
        return pd.DataFrame(columns=["acute", "base", "ratio", "severity", "silence"], index=daily.index)
    km, index = daily["km"], daily.index
    acute = sums(frames, "km", ACUTE_DAYS)
    base = base_weeks(acute, int(config["lightest_weeks_dropped"]), float(config["light_week_share"]))
    ewma = {}
    if config["method"] == "ewma":
        from_first = km[km.index >= pd.Timestamp(frames.first_day)] if frames.first_day else km
        a = from_first.ewm(alpha=EWMA_ACUTE_ALPHA, adjust=False).mean()
        c = from_first.ewm(alpha=EWMA_CHRONIC_ALPHA, adjust=False).mean()
        ratio = (a / c.where(c > 0)).reindex(km.index).to_numpy()
        ewma = {"ewma_acute": a.reindex(km.index), "ewma_chronic": c.reindex(km.index)}
    else:
        ratio = acute / np.where(base > 0, base, np.nan)
    # A break: `break_days` run-free days lying inside the 35 days (days before the
    # first run are no break; the history check speaks for them).
    rest = (km.to_numpy() == 0) & (index >= pd.Timestamp(frames.first_day or index[0]))
    day_no = np.arange(1, len(rest) + 1)
    streak = day_no - np.maximum.accumulate(np.where(rest, 0, day_no))   # rest days in a row up to each day
    span = ACUTE_DAYS + CHRONIC_DAYS
    within = max(span - frames.break_days + 1, 1)   # the days a break may end on and lie inside the 35
    long_rests = np.concatenate(([0], np.cumsum(streak >= frames.break_days)))
    breaks = long_rests[1:] - long_rests[np.maximum(day_no - within, 0)] > 0
    history = history_days_of(frames)
    silence = np.full(len(index), None, dtype=object)
    # The most telling reason last, so it wins: a runner with years behind them is
    # told of the break in their base, never that they have no base yet.
    silence[np.isnan(ratio)] = Silence.SMALL_BASE
    silence[base < config["min_chronic_km"]] = Silence.SMALL_BASE
    silence[breaks] = Silence.break_in_base(frames.break_days)
    silence[history < config["min_history_days"]] = Silence.HISTORY
    judged = np.round(ratio, 6)
    severity = np.zeros(len(index), dtype=np.int64)
    for level in (Severity.INFO, Severity.WARN, Severity.ALERT):
        severity[judged >= round(float(config[level_key(level)]), 6)] = int(level)
    # A few km more is not a jump, whatever the ratio of two small weeks says.
    severity[np.round(acute - base, 6) < config["min_increase_km"]] = 0
    severity[silence.astype(bool)] = 0
    table = pd.DataFrame({"acute": acute, "base": base, "ratio": ratio, "severity": severity,
                          "silence": pd.Series(silence, index=index, dtype=object), **ewma}, index=index)
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
    weeks = (f"the {BASE_WEEKS} weeks before" if not dropped else
             f"the {BASE_WEEKS - dropped} busiest of the {BASE_WEEKS} weeks before")
    return weeks + (", light weeks left out" if config["light_week_share"] > 0 else "")


class WeeklyLoad(SpanRule):
    id = "volume.weekly_load"
    about = RULES[id]   # title, advice and the study behind it: loadguard.advice
    # While a symptom is recent these lines become the lower of the runner's and
    # the [symptoms] setting named here.
    careful = {"caution": "weekly_load_caution", "warn": "weekly_load_warn", "alert": "weekly_load_alert"}
    # A finding told once is told again when this evidence number grows by WORSE_BY
    # (loadguard.assess.ledger), whatever its severity does. The 7 days' km, not the
    # ratio: a ratio that rises only because the base falls (the weeks of a holiday
    # entering the base) is no new load.
    magnitude = "acute_km"
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
        # The base is the mean of the four weeks before, leaving out weeks under this
        # share of the busiest of them: a holiday, a sick week or two must not make an ordinary
        # week look like a jump. (The two busiest of the four, as before, let two big
        # weeks hide a jump from steady ones: a 108.9 km week against 66-78 km weeks
        # was only info.)
        "light_week_share": 0.6,
        # ...and these lightest of the four weeks besides.
        "lightest_weeks_dropped": 0,
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
        if not 0 <= config["light_week_share"] <= 1:
            raise SettingError("light_week_share", f"must be 0 to 1, got {config['light_week_share']!r}")

    def holds(self, frames: Frames, config: Mapping[str, Any]) -> pd.Series:
        return load_table(frames, config)["severity"] > 0

    def line(self, frames: Frames, config: Mapping[str, Any], day: date) -> Line | None:
        """The km a run on `day` may add to the 7 days ending then before the caution band
        starts: the line is the caution ratio of the day's base, and at least
        `min_increase_km` above it. None where the rule is silent. With the EWMA method,
        the km of a run on that day or the 6 before it (`_ewma_line`)."""
        table = load_table(frames, config)
        at = pd.Timestamp(day)
        if at not in table.index or isinstance(table.at[at, "silence"], str):
            return None
        if config["method"] == "ewma":
            return self._ewma_line(table.loc[at], config, day)
        acute, base = float(table.at[at, "acute"]), float(table.at[at, "base"])
        caution, gain = config["caution"], config["min_increase_km"]
        week = max(base * caution, base + gain)
        drawn = (f"{caution} times" if base * caution >= base + gain else f"{num.limit_km_text(gain)} above")
        why = (f"the 7 days to {day.isoformat()} kept under {num.km_text(week)}: {drawn} your weekly base of "
               f"{num.km_text(base)} ({base_weeks_text(config)})")
        return Line(self.id, week - acute, True, why, {
            "week_line_km": num.km(week), "base_weekly_km": num.km(base), "caution": caution,
            "min_increase_km": gain, "km_already_in_window": num.km(acute)})

    def _ewma_line(self, row: pd.Series, config: Mapping[str, Any], day: date) -> Line | None:
        """The line of `day` under the EWMA method, for a run on it or up to 6 days before.

        A run of x km t days before adds alpha (1 - alpha)^t x to each average, so where
        the day's 7-day average reaches `caution` times its 28-day one is solved for in
        one step per t. The rule also asks the 7 days' km to be `min_increase_km` over the
        weekly base, which a run in them fills whole. A run long ago enough lifts the
        28-day average more than the 7-day one times `caution`: no run then crosses
        (None), unless the day is over already without it (0).
        """
        acute, chronic = float(row["ewma_acute"]), float(row["ewma_chronic"])
        caution, gain = config["caution"], config["min_increase_km"]
        by_gain = float(row["base"]) + gain - float(row["acute"])
        short = caution * chronic - acute   # what the 7-day average lacks of the line
        by_lag: list[float | None] = []
        for t in range(ACUTE_DAYS):
            slope = (EWMA_ACUTE_ALPHA * (1 - EWMA_ACUTE_ALPHA) ** t
                     - caution * EWMA_CHRONIC_ALPHA * (1 - EWMA_CHRONIC_ALPHA) ** t)
            if slope > 0:
                by_lag.append(max(short / slope, by_gain))
            else:
                by_lag.append(None if short > 0 else max(0.0, by_gain))
        if by_lag[0] is None:
            return None   # the slope only falls with t: no run of any day crosses
        why = (f"the 7-day average load on {day.isoformat()} kept under {caution} times the 28-day one "
               f"(EWMA), or the 7 days under {num.limit_km_text(gain)} above your weekly base (it speaks at both)")
        return Line(self.id, by_lag[0], True, why, {
            "method": "ewma", "caution": caution, "min_increase_km": gain,
            "acute_ewma_km": num.km(acute), "chronic_ewma_km": num.km(chronic)},
            sums=False, by_lag=tuple(by_lag))

    def evaluate(self, frames: Frames, config: Mapping[str, Any], first: date, last: date) -> Dated:
        span = days_of(load_table(frames, config), first, last)
        told = span["severity"].to_numpy() > 0
        if not told.any():
            return []
        return [(day.date(), self._warning(day.date(), row, config)) for day, row in span[told].iterrows()]

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
