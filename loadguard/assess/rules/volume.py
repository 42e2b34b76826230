"""Volume rules: the weekly load ratio, the comeback after a break, the single-run spike.

Each rule judges a whole span of days at once (`evaluate`), from sums over the
daily table; `detect` is the same judgement for the as-of day alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping, Sequence

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
    Line,
    SpanRule,
    Windows,
    build_warning,
    daily_table,
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


def base_weeks(acute: pd.Series, lightest_dropped: int, light_share: float = 0.0) -> pd.Series:
    """The weekly base behind each day: the mean of the four 7-day blocks before its
    week, leaving out blocks under `light_share` of the busiest of them and the
    `lightest_dropped` lightest.

    A holiday or a sick week is far under the others; left in, it shrinks the base and
    makes an ordinary week look like a jump. Steady weeks (each within 25% of their
    mean) all stay in at 0.6, so two busy weeks among them cannot hide a jump.
    """
    blocks = np.sort(np.column_stack([acute.shift(ACUTE_DAYS * k, fill_value=0.0).to_numpy()
                                      for k in range(1, BASE_WEEKS + 1)]), axis=1)
    kept = _kept(blocks, lightest_dropped, light_share)
    return pd.Series((blocks * kept).sum(axis=1) / kept.sum(axis=1), index=acute.index)


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
    km = daily["km"]
    acute = window(km, ACUTE_DAYS)
    base = base_weeks(acute, int(config["lightest_weeks_dropped"]), float(config["light_week_share"]))
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
        `min_increase_km` above it. None where the rule is silent, and for the EWMA
        method, whose ratio is not one of two sums."""
        if config["method"] != "rolling":
            return None
        table = load_table(frames, config)
        at = pd.Timestamp(day)
        if at not in table.index or isinstance(table.at[at, "silence"], str):
            return None
        acute, base = float(table.at[at, "acute"]), float(table.at[at, "base"])
        caution, gain = config["caution"], config["min_increase_km"]
        week = max(base * caution, base + gain)
        drawn = (f"{caution} times" if base * caution >= base + gain else f"{num.limit_km_text(gain)} above")
        why = (f"the 7 days to {day.isoformat()} kept under {num.km_text(week)}: {drawn} your weekly base of "
               f"{num.km_text(base)} ({base_weeks_text(config)})")
        return Line(self.id, week - acute, True, why, {
            "week_line_km": num.km(week), "base_weekly_km": num.km(base), "caution": caution,
            "min_increase_km": gain, "km_already_in_window": num.km(acute)})

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
        "max_share": 0.5,
        # Below this pre-break weekly average there was no routine to come back to
        # (measured: most comeback mails came from 5-10 km weeks and one short run).
        "min_base_km": 10.0,
        # Days without running that make a break to come back from; a shorter break
        # (from the global `break_days`, which silences the weekly ratio) counts only
        # when the first week back reaches `large_share` of the weeks before it.
        "min_break_days": 21,
        "large_share": 1.0,
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_positive(config, "max_share", "min_break_days")
        require_order(config, "max_share", "large_share")

    def evaluate(self, frames: Frames, config: Mapping[str, Any], first: date, last: date) -> Dated:
        """One finding per return from a break, keyed on the day back: it holds from the
        day the first week back passes the share until that week ends. A single easy run
        that passes it (no longer than the longest before the break) is told on the
        week's last day, unless a second run or a return past `large_share` comes first."""
        runs = frames.runs
        if runs.empty:
            return []
        days = runs["day"].drop_duplicates()
        gaps = (days.diff().dt.days - 1).fillna(0)
        shortest = min(frames.break_days, int(config["min_break_days"]))
        starts = days[(gaps >= shortest) & (days >= pd.Timestamp(first) - pd.Timedelta(days=ACUTE_DAYS))]
        daily = daily_table(frames)
        out = []
        for back_ts in starts:
            back = back_ts.date()
            prev = days[days < back_ts].iloc[-1].date()
            base_week = self._pre_break_week(frames, daily["km"], prev, config)
            if base_week is None:
                continue
            before = runs[(runs["day"] > pd.Timestamp(prev - timedelta(days=CHRONIC_DAYS)))
                          & (runs["day"] <= pd.Timestamp(prev))]
            longest_before = float(before["distance_km"].max())
            week = daily[back_ts:pd.Timestamp(back + timedelta(days=ACUTE_DAYS - 1))].assign(
                longest=runs[(runs["day"] >= back_ts)].groupby("day")["distance_km"].max())
            week["longest"] = week["longest"].fillna(0.0)
            since, runs_since = week["km"].cumsum(), week["runs"].cumsum()
            limit, at_limit = self.first_week_line(back, prev, base_week, config)
            over = since.round(6) >= round(limit, 6) if at_limit else since.round(6) > round(limit, 6)
            large = since.round(6) >= round(base_week * config["large_share"], 6)
            # one run no longer than the longest before the break is an easy start, not yet a
            # return: told when the week ends if nothing else came
            easy = week["longest"].cummax() <= longest_before
            told = over & ((runs_since >= 2) | large | ~easy)
            if over.any() and not told.any():
                told.iloc[-1] = True  # one easy run that passed the line: told as the week ends
            if not told.any():
                continue
            start = told.idxmax()
            for day_ts, back_km in since[since.index >= start].items():
                day = day_ts.date()
                if first <= day <= last:
                    out.append((day, self._warning(day, back, prev, float(back_km), base_week, config)))
        return out

    @staticmethod
    def first_week_line(back: date, prev: date, base_week: float, config: Mapping[str, Any]) -> tuple[float, bool]:
        """The km the first week back may hold before the rule speaks, and whether reaching
        it is enough: past `max_share` of the weeks before a break of `min_break_days` or
        more; a shorter break speaks only for a full return (`large_share`, reached)."""
        if (back - prev).days - 1 < config["min_break_days"]:
            return base_week * config["large_share"], True
        return base_week * config["max_share"], False

    @staticmethod
    def _pre_break_week(frames: Frames, km: pd.Series, prev: date, config: Mapping[str, Any]) -> float | None:
        """The weekly average of the 4 weeks up to the last run before a break; None when
        there was no settled routine to come back to."""
        if history_days(frames, prev) < CHRONIC_DAYS:
            return None
        base = km[pd.Timestamp(prev - timedelta(days=CHRONIC_DAYS - 1)):pd.Timestamp(prev)]
        base_week = float(base.sum()) / BASE_WEEKS
        return None if base_week <= 0 or base_week < config["min_base_km"] else base_week

    def line(self, frames: Frames, config: Mapping[str, Any], day: date) -> Line | None:
        """The km a run on `day` may add when it falls in a first week back: the share of
        the pre-break weekly average, less what was run since the day back. None when
        no return is under way (or would begin with the run)."""
        km = daily_table(frames)["km"]
        at = pd.Timestamp(day)
        if at not in km.index:
            return None
        # The days with running up to `day`, `day` itself counted as one (the run in question).
        ran = km.index[(km.to_numpy() > 0) & (km.index < at)]
        days = pd.Series(ran.append(pd.DatetimeIndex([at])))
        gaps = (days.diff().dt.days - 1).fillna(0)
        shortest = min(frames.break_days, int(config["min_break_days"]))
        starts = days[(gaps >= shortest) & (days > at - pd.Timedelta(days=ACUTE_DAYS))]
        if starts.empty:
            return None
        back_ts = starts.iloc[-1]
        prev = days[days < back_ts].iloc[-1].date()
        base_week = self._pre_break_week(frames, km, prev, config)
        if base_week is None:
            return None
        since = float(km[back_ts:pd.Timestamp(day)].sum())
        back = back_ts.date()
        allowed, at_limit = self.first_week_line(back, prev, base_week, config)
        share = config["large_share"] if at_limit else config["max_share"]
        why = (f"back on {back.isoformat()} after {(back - prev).days - 1} days without running: the first week "
               f"back kept {'under' if at_limit else 'to'} {num.percent_text(share)} of the "
               f"{num.km_text(base_week)} a week you ran in the {BASE_WEEKS} weeks before the break, "
               f"{num.km_text(allowed)}")
        return Line(self.id, allowed - since, at_limit, why, {
            "back_on": back.isoformat(), "pre_break_weekly_km": num.km(base_week),
            "max_share": share, "first_week_km": num.km(allowed),
            "first_week_until": (back + timedelta(days=ACUTE_DAYS - 1)).isoformat(),
            "km_since_back": num.km(since)})

    def _warning(self, day: date, back: date, prev: date, back_km: float, base_week: float,
                 config: Mapping[str, Any]) -> Warning:
        gap = (back - prev).days - 1
        line = (f"more than {num.percent_text(config['max_share'])}" if gap >= config["min_break_days"] else
                f"at least {num.percent_text(config['large_share'])}")   # a short break told only when large
        message = (
            f"Back on {back.isoformat()} after {gap} days without running: {num.km_text(back_km)} since then, "
            f"{line} of the {num.km_text(base_week)} a week you ran "
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
    # Its line (`line`) holds for one run, not for km summed over days: `ahead` asks it
    # only for the runs it names.
    one_run_line = True
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
        # Longer than the reference (below) by more than these shares. Runs 10-30% over
        # are routine in a training block, so they are info (digest), not mail.
        "info_over": 0.10,
        "warn_over": 0.30,
        "alert_over": 1.00,
        # ...and by at least this many km: 5.0 -> 5.9 km is not a spike.
        "min_increase_km": 2.0,
        "lookback_days": 30,  # local days before the run's day (and earlier runs that day)
        # The reference is the larger of the 30-day longest and this share of the longest
        # of `memory_days`: a 17.7 km run five weeks after a 22.6 km one is no spike (on
        # real histories 38% of spike mails were such runs).
        "memory_days": 60,
        "memory_share": 0.9,
        # An alert needs a run this long and this far past its reference: "396% longer
        # than 1.0 km" is arithmetic, not a hazard.
        "alert_min_km": 10.0,
        "alert_min_increase_km": 5.0,
        # A run at least 1.5x and 5 km past the 30-day longest (the study's own window) is
        # mailed whatever came before it, a race too: far beyond what the runner prepared for.
        "clear_over": 0.5,
        "clear_increase_km": 5.0,
        "recent_days": 7,     # a run is a finding for this many days, so a daily cron sees it
        "min_history_days": 30,
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_order(config, "info_over", "warn_over", "alert_over")
        require_positive(config, "lookback_days", "recent_days", "memory_days")
        if not 0 <= config["memory_share"] <= 1:
            raise SettingError("memory_share", f"must be 0 to 1, got {config['memory_share']!r}")

    def evaluate(self, frames: Frames, config: Mapping[str, Any], first: date, last: date) -> Dated:
        recent = int(config["recent_days"])
        reach = max(int(config["lookback_days"]), int(config["memory_days"]))
        runs = frames.days_between(first - timedelta(days=recent - 1 + reach), last)
        if runs.empty:
            return []
        runs = with_references(runs, config)
        judged = runs[(runs["day"] >= pd.Timestamp(first - timedelta(days=recent - 1)))
                      & (runs["previous_max"] > 0)]
        out = []
        for row in judged.itertuples():
            if spike_level(row.distance_km, row.reference, row.previous_max, bool(row.race), config) is None:
                continue
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

    def line(self, frames: Frames, config: Mapping[str, Any], day: date) -> Line | None:
        """The run on `day` (after the runs the frames hold that day) from which this rule
        speaks: the shortest that `spike_level` (the rule's own test) calls a spike
        against the references the rule gives a run there. None while there is too
        little history or no run to compare with."""
        if frames.first_day is None or history_days(frames, day) - 1 < config["min_history_days"]:
            return None
        reach = max(int(config["lookback_days"]), int(config["memory_days"]))
        runs = frames.days_between(day - timedelta(days=reach), day)
        if runs.empty:
            return None
        # a run of no length placed last on `day`: the references the rule gives it
        probe = runs.iloc[[-1]].assign(id=PROBE_ID, day=pd.Timestamp(day), distance_km=0.0, race=False,
                                       moving_s=float("nan"),
                                       start_local=pd.Timestamp(day) + pd.Timedelta(days=1, microseconds=-1))
        row = next(with_references(pd.concat([runs, probe], ignore_index=True), config).tail(1).itertuples())
        reference, longest30 = float(row.reference), float(row.previous_max)
        if not round(longest30, num.NOISE_PLACES) > 0:
            return None  # no run in the 30 days before (`ahead`'s runs of no length aside): none judged

        def spike(km: float, longest: float = longest30) -> bool:
            return spike_level(km, reference, longest, False, config) is not None

        low, high = 0.0, 2 * max(reference, longest30) * (2 + config["info_over"]) + 2 * (
            config["min_increase_km"] + config["clear_increase_km"])
        while high - low > 1e-7:   # spike_level rises with the run's length: its first spike
            mid = (low + high) / 2
            low, high = (low, mid) if spike(mid) else (mid, high)
        lookback, memory = int(config["lookback_days"]), int(config["memory_days"])
        on30 = longest_on(runs, row, lookback)
        of = (f"your longest run of the {lookback} days before, {num.km_text(longest30)} on {on30.isoformat()}")
        if reference > longest30:
            on60 = longest_on(runs, row, memory)
            of = (f"{num.percent_text(config['memory_share'])} of the {num.km_text(row.memory_max)} you ran on "
                  f"{on60.isoformat()} ({num.km_text(reference)}; the longest of the {lookback} days before is "
                  f"{num.km_text(longest30)})")
        if spike(high, 0.0):
            why = (f"more than {num.percent_text(config['info_over'])} and "
                   f"{num.limit_km_text(config['min_increase_km'])} past {of}")
        else:   # told only as a clear spike against the 30-day longest
            why = (f"{num.percent_text(config['clear_over'])} and {num.limit_km_text(config['clear_increase_km'])} "
                   f"past the {lookback}-day longest, {num.km_text(longest30)}, whatever came before")
        return Line(self.id, high, True, why, {
            "reference_km": num.km(reference), "previous_longest_km": num.km(longest30),
            "previous_longest_on": on30.isoformat(), "spike_from_km": round(high, 2),
            "info_over": config["info_over"], "min_increase_km": config["min_increase_km"],
            "lookback_days": lookback, "memory_days": memory, "memory_share": config["memory_share"]},
            sums=False)

    def _warning(self, runs: pd.DataFrame, row: Any, config: Mapping[str, Any]) -> Warning:
        day = row.day.date()
        lookback = int(config["lookback_days"])
        race = bool(row.race)
        severity = spike_level(row.distance_km, row.reference, row.previous_max, race, config)
        over = row.distance_km / row.reference - 1
        over30 = row.distance_km / row.previous_max - 1
        on30 = longest_on(runs, row, lookback)
        name = f"'{row.name}' " if row.name else ""
        numbers = (f"{num.km_text(row.distance_km)}, {past_text(row.distance_km, row.previous_max)} than your "
                   f"longest run of the previous {lookback} days ({num.km_text(row.previous_max)} on "
                   f"{on30.isoformat()})")
        if row.reference > row.previous_max:   # the longer memory sets the reference
            on60 = longest_on(runs, row, int(config["memory_days"]))
            longest60 = num.km_text(row.memory_max)
            numbers += (f"; against {num.percent_text(config['memory_share'])} of the {longest60} you ran on "
                        f"{on60.isoformat()} it is {past_text(row.distance_km, row.reference)}"
                        if row.distance_km > row.reference else
                        f"; you ran {longest60} on {on60.isoformat()}, {(day - on60).days} days before")
        band = next((b for b in SPIKE_BANDS if num.percent(over30) > 100 * b[0]), None)
        evidence = {
            "activity_id": int(row.id),
            "distance_km": num.km(row.distance_km),
            "previous_longest_km": num.km(row.previous_max),
            "previous_longest_on": on30.isoformat(),
            "increase_pct": num.percent(over30),
            "reference_km": num.km(row.reference),
            "reference_increase_pct": num.percent(over),
            "hazard_ratio": band[1] if band else None,
            "race": race,
            "race_tagged": bool(row.race_tagged),
            "thresholds": {k: config[k] for k in ("info_over", "warn_over", "alert_over")},
        }
        if race:
            # A planned race is not an unexplained spike; what it needs is recovery. It
            # is mailed only when far beyond what the runner prepared for.
            kind = "Race" if row.race_tagged else "Race-distance run at race pace"
            far = " far beyond your preparation" if severity >= Severity.WARN else ""
            message = f"{kind} {name}on {day.isoformat()}{far}: {numbers}. Give it the recovery a race asks for."
            return build_warning(self, severity, day, str(row.id), message, evidence, RACE_RECOVERY)
        band_text = (f"; in a study of 5,205 runners, runs {band[2]} over the 30-day longest were "
                     f"followed by injury about {band[1]}x as often" if band else "")
        message = f"Run {name}on {day.isoformat()}: {numbers}{band_text}."
        return build_warning(self, severity, day, str(row.id), message, evidence)


# The id of the run of no length a line is drawn for (never a stored run's).
PROBE_ID = -(2**63) + 1

# Below this the reference is a fragment of a run: a percentage against it says nothing.
FRAGMENT_KM = 5.0


def past_text(km: float, reference: float) -> str:
    """'55% longer' or, against a fragment of a run, '3.5 km more'."""
    if reference < FRAGMENT_KM:
        return f"{num.km_text(km - reference)} more"
    return f"{num.percent_text(km / reference - 1)} longer"


def spike_level(km: float, reference: float, longest30: float, race: bool,
                config: Mapping[str, Any]) -> Severity | None:
    """The spike's severity for a run of `km` against its reference (see `reference_km`) and
    the longest of the 30 days before; None when it is no spike. Shares are judged as
    shown (whole percents), so a message never reads "100% longer" beside "over 100%"."""
    if reference <= 0:
        return None
    shown = num.percent(km / reference - 1)
    gain = round(km - reference, 6)
    clear = (longest30 > 0 and num.percent(km / longest30 - 1) >= 100 * config["clear_over"]
             and round(km - longest30, 6) >= config["clear_increase_km"])
    level = None
    if gain >= config["min_increase_km"]:
        for line, severity in ((config["info_over"], Severity.INFO), (config["warn_over"], Severity.WARN),
                               (config["alert_over"], Severity.ALERT)):
            if shown > round(100 * line, 6):
                level = severity
        if level is Severity.ALERT and (km < config["alert_min_km"] or gain < config["alert_min_increase_km"]):
            level = Severity.WARN
    if race:
        return Severity.WARN if clear else (Severity.INFO if level or clear else None)
    if clear:
        return max(level or Severity.WARN, Severity.WARN)
    return level


def with_references(runs: pd.DataFrame, config: Mapping[str, Any]) -> pd.DataFrame:
    """`runs` with each run's `previous_max` (the longest of `lookback_days`), `reference`
    (what the spike rule measures it against: the larger of that and `memory_share` of the
    longest of `memory_days`), and `race` (tagged, or a race distance at race pace)."""
    longest30 = previous_longest(runs, int(config["lookback_days"])).fillna(0.0)
    longest60 = previous_longest(runs, int(config["memory_days"])).fillna(0.0)
    tagged = runs["race"].astype(bool)
    return runs.assign(previous_max=longest30, memory_max=longest60,
                       reference=np.fmax(longest30, config["memory_share"] * longest60),
                       race_tagged=tagged, race=tagged | untagged_races(runs))


def reference_km(frames: Frames, config: Mapping[str, Any], day: date | None = None) -> float:
    """The distance a run on `day` (default the as-of day) is measured against: a run
    longer than it by `info_over` / `warn_over` / `alert_over` (and `min_increase_km`) is
    a spike at that level (`ahead` computes the lines from it)."""
    day = day or frames.as_of

    def longest(days: int) -> float:
        km = frames.days_between(day - timedelta(days=days), day - timedelta(days=1))["distance_km"]
        return float(km.max()) if not km.empty else 0.0

    return max(longest(int(config["lookback_days"])), config["memory_share"] * longest(int(config["memory_days"])))


def longest_on(runs: pd.DataFrame, row: Any, days: int) -> date:
    """The day of the longest run of the `days` days before `row`'s day (or earlier that day)."""
    prior = runs[((runs["day"] >= row.day - pd.Timedelta(days=days)) & (runs["day"] < row.day))
                 | ((runs["day"] == row.day) & (runs["start_local"] < row.start_local))]
    return prior.loc[prior["distance_km"].idxmax()]["day"].date()


# Race distances a run without Strava's race tag is recognised by (km, from-to), and the
# weeks whose median pace a race must match or beat: a half marathon at the runner's
# usual pace or faster was raced (39 of 147 spike mails on real histories were such runs).
RACE_DISTANCES_KM = ((21.0, 21.6), (42.0, 43.0))
RACE_PACE_WEEKS = 8


def untagged_races(runs: pd.DataFrame) -> pd.Series:
    """Runs at a race distance and at or under the median pace of the 8 weeks before."""
    km = runs["distance_km"].to_numpy(dtype=float)
    at_distance = np.logical_or.reduce([(km >= lo) & (km <= hi) for lo, hi in RACE_DISTANCES_KM])
    out = np.zeros(len(runs), dtype=bool)
    if not at_distance.any():
        return pd.Series(out, index=runs.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        pace = np.where(km > 0, runs["moving_s"].to_numpy(dtype=float) / km, np.nan)
    # the 8 weeks before each candidate, found by bisection in day order: a mask over every
    # run per candidate cost seconds on a store with thousands of half-marathon-long runs
    days = runs["day"].to_numpy()
    order = np.argsort(days, kind="stable")
    sorted_days, sorted_pace = days[order], pace[order]
    weeks = np.timedelta64(RACE_PACE_WEEKS * 7, "D")
    for i in np.flatnonzero(at_distance):
        lo, hi = np.searchsorted(sorted_days, [days[i] - weeks, days[i]], side="left")
        before = sorted_pace[lo:hi]
        before = before[~np.isnan(before)]
        out[i] = before.size > 0 and pace[i] <= np.median(before)
    return pd.Series(out, index=runs.index)


def previous_longest(runs: pd.DataFrame, lookback_days: int) -> pd.Series:
    """For each run, the longest run of the `lookback_days` local days before its day,
    or earlier that same day; NaN where there is none."""
    per_day = runs.groupby("day")["distance_km"].max()
    per_day = per_day.reindex(pd.date_range(per_day.index[0], per_day.index[-1], freq="D"))
    before_day = per_day.rolling(lookback_days, min_periods=1).max().shift(1)
    earlier_today = runs.groupby("day")["distance_km"].cummax().groupby(runs["day"]).shift()
    from_days = before_day.reindex(runs["day"]).to_numpy()
    return pd.Series(np.fmax(from_days, earlier_today.to_numpy()), index=runs.index)
