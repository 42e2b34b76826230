"""The comeback rule: the first week back after a break, against the weeks before it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Mapping

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
    build_warning,
    daily_table,
    history_days,
    require_order,
    require_positive,
)
from loadguard.model import Severity, Warning


class Comeback(SpanRule):
    id = "volume.comeback"
    about = RULES[id]   # title, advice and the study behind it: loadguard.advice
    precedence = 1   # which rule speaks first: see weekly_load.WeeklyLoad.precedence

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
        # the days with running (in order: the runs are) and the days back from a break on them
        ran = np.unique(runs["day"].to_numpy())
        gaps = np.concatenate(([0], np.diff(ran) // np.timedelta64(1, "D") - 1))
        shortest = min(frames.break_days, int(config["min_break_days"]))
        back_at = np.flatnonzero((gaps >= shortest) & (ran >= np.datetime64(first - timedelta(days=ACUTE_DAYS))))
        if not len(back_at):
            return []
        days = pd.Series(ran)
        starts = days.iloc[back_at]
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
