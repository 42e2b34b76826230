"""Terrain rules: a sudden switch to trail, and a jump in climbing.

Both judge every day of the history at once from window sums of the daily table
(cached on the frames), and their findings are episodes (`loadguard.assess.episodes`):
one finding while the week stays changed, not one per calendar week.
"""

from __future__ import annotations

from datetime import date
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
    ClimbLine,
    Dated,
    EpisodeRule,
    Line,
    build_warning,
    daily_table,
    history_days,
    history_days_of,
    lagged,
    nan_as_zero,
    reached,
    require_positive,
    sums,
)
from loadguard.model import EPISODE, Severity, Warning


class TrailSwitch(EpisodeRule):
    id = "terrain.trail_switch"
    about = RULES[id]   # title, advice and the study behind it: loadguard.advice
    one_run_line = True   # its line holds for one trail run: see long_run_spike.LongRunSpike.one_run_line
    precedence = 3   # which rule speaks first: see weekly_load.WeeklyLoad.precedence

    @staticmethod
    def phrase(warning: Warning) -> str:
        return "a move to trail"
    defaults: Mapping[str, Any] = {
        "share_points": 30.0,   # rise of the trail share, in percentage points
        "growth": 1.5,          # trail km of the week ÷ trail km per week of the 4 before
        "road_weeks": 6,        # a first trail run after this many weeks on road only
        "min_trail_km": 5.0,    # below this much trail in the week, nothing is said
        "min_history_days": 35,
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_positive(config, "share_points", "growth", "road_weeks")

    def compute(self, frames: Frames, config: Mapping[str, Any]) -> pd.DataFrame:
        """The rule's numbers for every day of the daily table, and whether it fires."""
        daily = daily_table(frames)
        road_days = int(config["road_weeks"]) * 7
        trail = sums(frames, "trail_km", ACUTE_DAYS)
        week = sums(frames, "km", ACUTE_DAYS)
        base_trail = sums(frames, "trail_km", CHRONIC_DAYS, ACUTE_DAYS)
        base_km = sums(frames, "km", CHRONIC_DAYS, ACUTE_DAYS)
        earlier_runs = sums(frames, "runs", road_days, ACUTE_DAYS)
        earlier_trail = sums(frames, "trail_km", road_days, ACUTE_DAYS)
        history = history_days_of(frames)
        share = trail / _positive(week) * 100
        base_share = nan_as_zero(base_trail / _positive(base_km) * 100)
        base_week = base_trail / BASE_WEEKS
        by_share = reached(share - base_share, config["share_points"])
        by_growth = (base_week > 0) & reached(trail, config["growth"] * base_week)
        first_in_weeks = (lagged(history, ACUTE_DAYS) >= road_days) & (earlier_runs > 0) & (earlier_trail == 0)
        holds = (reached(trail, config["min_trail_km"]) & (history >= config["min_history_days"])
                 & (by_share | by_growth | first_in_weeks))
        # the last day with trail before each day's week (NaT before the first)
        days = daily.index.to_numpy()
        last = np.maximum.accumulate(np.where(daily["trail_km"].to_numpy() > 0, np.arange(len(days)), -1))
        trail_days = np.where(last >= 0, days[last], np.datetime64("NaT"))
        return pd.DataFrame({"trail": trail, "week": week, "share": share, "base_share": base_share,
                             "base_km": base_km,
                             "base_week": base_week, "by_share": by_share, "by_growth": by_growth,
                             "first_in_weeks": first_in_weeks,
                             "last_trail": lagged(trail_days, ACUTE_DAYS, np.datetime64("NaT")),
                             "holds": holds}, index=daily.index)

    def line(self, frames: Frames, config: Mapping[str, Any], day: date) -> Line | None:
        """The km of trail a trail run on `day` may add before this rule speaks that day (a road
        run never makes it speak): the nearest of its three conditions, and at least
        `min_trail_km` of trail in the 7 days."""
        t = self.table(frames, config)
        at = pd.Timestamp(day)
        if at not in t.index or history_days(frames, day) < config["min_history_days"]:
            return None
        row = t.loc[at]
        trail, week, base_share, base_week = (float(row["trail"]), float(row["week"]), float(row["base_share"]),
                                              float(row["base_week"]))
        needs = []
        if row["first_in_weeks"]:
            needs.append((0.0, f"your first trail after {int(config['road_weeks'])}+ weeks on road"))
        rise = (base_share + config["share_points"]) / 100
        if rise < 1:   # the share of the 7 days once a run of x km of trail is added: (trail + x) / (week + x)
            needs.append(((rise * week - trail) / (1 - rise),
                          f"the 7 days' trail share {config['share_points']:g} points above the "
                          f"{num.pct_text(base_share)} of the {BASE_WEEKS} weeks before"))
        if base_week > 0:
            needs.append((config["growth"] * base_week - trail,
                          f"{num.times_text(config['growth'])} your {num.km_text(base_week)} of trail a week"))
        if not needs:
            return None
        x, why = min(needs)
        floor = config["min_trail_km"] - trail
        if floor > x:
            x, why = floor, f"{num.km_text(config['min_trail_km'])} of trail in 7 days, when {why}"
        return Line(self.id, x, True, f"a trail run kept under {why}", {
            "trail_km_in_window": num.km(trail), "week_km_in_window": num.km(week),
            "base_trail_share_pct": num.pct(base_share), "base_trail_weekly_km": num.km(base_week),
            "first_trail_after_road_weeks": bool(row["first_in_weeks"])}, sums=False, terrain="trail")

    def evaluate(self, frames: Frames, config: Mapping[str, Any], first: date, last: date) -> Dated:
        t = self.span(frames, config, first, last)
        if t.empty:
            return []
        trail, week, share, base_share, base_week = t["trail"], t["week"], t["share"], t["base_share"], t["base_week"]
        by_share, by_growth = t["by_share"], t["by_growth"]
        first_in_weeks, last_trail = t["first_in_weeks"], t["last_trail"]
        out = []
        for ts in t.index:
            reasons = []
            if by_share[ts] and t["base_km"][ts] > 0:
                reasons.append(f"trail share {num.pct_text(share[ts])} against {num.pct_text(base_share[ts])} "
                               f"over the {BASE_WEEKS} weeks before")
            elif by_share[ts]:  # a share of nothing is no 0%
                reasons.append(f"trail share {num.pct_text(share[ts])}, with no running in the "
                               f"{BASE_WEEKS} weeks before")
            if by_growth[ts]:
                reasons.append(f"{num.times_text(trail[ts] / base_week[ts])} your {num.km_text(base_week[ts])} "
                               "of trail a week")
            before = last_trail[ts]
            if first_in_weeks[ts]:
                since = (f"the first since {before.date().isoformat()}" if pd.notna(before) else "your first on record")
                reasons.append(f"first trail running after {int(config['road_weeks'])}+ weeks on road ({since})")
            day = ts.date()
            message = (f"{num.km_text(trail[ts])} of trail out of {num.km_text(week[ts])} in the last 7 days: "
                       + "; ".join(reasons) + ".")
            out.append((day, build_warning(self, Severity.WARN, day, EPISODE, message, {
                "trail_km": num.km(trail[ts]),
                "week_km": num.km(week[ts]),
                "trail_share_pct": num.pct(share[ts]),
                "base_trail_share_pct": num.pct(base_share[ts]),
                "base_trail_weekly_km": num.km(base_week[ts]),
                "first_trail_after_road_weeks": bool(first_in_weeks[ts]),
                "last_trail_before": None if pd.isna(before) else before.date().isoformat(),
            })))
        return out


class ClimbJump(EpisodeRule):
    id = "terrain.climb_jump"
    about = RULES[id]   # title, advice and the study behind it: loadguard.advice
    precedence = 4   # which rule speaks first: see weekly_load.WeeklyLoad.precedence

    @staticmethod
    def phrase(warning: Warning) -> str:
        return "much more climbing than usual"
    defaults: Mapping[str, Any] = {
        "ratio": 1.5,            # climb per km of the week ÷ that of the 4 weeks before
        "min_m_per_km": 15.0,    # and at least this steep on average
        "min_km": 5.0,           # a single short hill session is not a pattern
        "min_history_days": 35,
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_positive(config, "ratio", "min_m_per_km")

    def compute(self, frames: Frames, config: Mapping[str, Any]) -> pd.DataFrame:
        daily = daily_table(frames)
        week = sums(frames, "km", ACUTE_DAYS)
        climb = sums(frames, "elev_m", ACUTE_DAYS)
        base_km = sums(frames, "km", CHRONIC_DAYS, ACUTE_DAYS)
        base_climb = sums(frames, "elev_m", CHRONIC_DAYS, ACUTE_DAYS)
        per_km = climb / _positive(week)
        base_per_km = nan_as_zero(base_climb / _positive(base_km))
        history = history_days_of(frames)
        holds = ((week > 0) & reached(week, config["min_km"]) & reached(per_km, config["min_m_per_km"])
                 & ((base_per_km <= 0) | reached(per_km, config["ratio"] * base_per_km))
                 & (history >= config["min_history_days"]))
        return pd.DataFrame({"week": week, "climb": climb, "per_km": per_km, "base_per_km": base_per_km,
                             "base_km": base_km, "holds": holds}, index=daily.index)

    def climb_line(self, frames: Frames, config: Mapping[str, Any], day: date) -> ClimbLine | None:
        """The 7 days' climb per km a run on `day` may bring them to before this rule
        speaks: `ratio` times that of the 4 weeks before, and at least `min_m_per_km`."""
        t = self.table(frames, config)
        at = pd.Timestamp(day)
        if at not in t.index or history_days(frames, day) < config["min_history_days"]:
            return None
        row = t.loc[at]
        base = float(row["base_per_km"])
        by_ratio = config["ratio"] * base if base > 0 else 0.0
        line = max(by_ratio, float(config["min_m_per_km"]))
        drawn = (f"{num.times_text(config['ratio'])} the {num.m_per_km_text(base)} of the {BASE_WEEKS} weeks before"
                 if by_ratio >= config["min_m_per_km"] else "the least climb per km it speaks at")
        return ClimbLine(self.id, line, float(row["climb"]), float(row["week"]), float(config["min_km"]),
                         f"the 7 days kept under {num.m_per_km_text(line)} of climb: {drawn}", {
                             "m_per_km_line": round(line, 1), "base_m_per_km": num.m_per_km(base),
                             "climb_m_in_window": num.metres(float(row["climb"])),
                             "week_km_in_window": num.km(float(row["week"]))})

    def evaluate(self, frames: Frames, config: Mapping[str, Any], first: date, last: date) -> Dated:
        t = self.span(frames, config, first, last)
        if t.empty:
            return []
        week, climb, per_km, base_per_km = t["week"], t["climb"], t["per_km"], t["base_per_km"]
        out = []
        for ts in t.index:
            day = ts.date()
            base = base_per_km[ts]
            if base > 0:
                against = f"{num.times_text(per_km[ts] / base)} the {num.m_per_km_text(base)} of"
            elif t["base_km"][ts] > 0:
                against = "up from flat running in"
            else:  # no "up from none the 0 m/km": there was nothing to climb
                against = "with no running in"
            message = (f"{num.m_per_km(per_km[ts])} m of climb per km over the last 7 days "
                       f"({num.metres_text(climb[ts])} in {num.km_text(week[ts])}), {against} "
                       f"the {BASE_WEEKS} weeks before.")
            out.append((day, build_warning(self, Severity.INFO, day, EPISODE, message, {
                "climb_m": num.metres(climb[ts]),
                "week_km": num.km(week[ts]),
                "m_per_km": num.m_per_km(per_km[ts]),
                "base_m_per_km": num.m_per_km(base),
                "ratio": num.times(per_km[ts] / base) if base > 0 else None,
            })))
        return out


def _positive(values: np.ndarray) -> np.ndarray:
    """`values` with NaN where they are not above zero: a share of nothing is no share."""
    return np.where(values > 0, values, np.nan)
