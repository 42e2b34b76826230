"""Terrain rules: a sudden switch to trail, and a jump in climbing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Mapping

from loadguard import numbers as num
from loadguard.detectors.common import (
    Windows, build_warning, history_days, reaches, require_positive,
)
from loadguard.frames import Frames
from loadguard.model import Severity, Warning, iso_week


class TrailSwitch:
    id = "terrain.trail_switch"
    defaults: Mapping[str, Any] = {
        "share_points": 30.0,   # rise of the trail share, in percentage points
        "growth": 1.5,          # trail km of the week ÷ trail km per week of the 4 before
        "road_weeks": 6,        # a first trail run after this many weeks on road only
        "min_trail_km": 5.0,    # below this much trail in the week, nothing is said
        "min_history_days": 35,
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_positive(config, "share_points", "growth", "road_weeks")

    def detect(self, frames: Frames, config: Mapping[str, Any]) -> list[Warning]:
        win = Windows.ending(frames.as_of)
        week = frames.days_between(win.acute_first, win.acute_last)
        trail_km = float(week.loc[week["trail"], "distance_km"].sum())
        if not reaches(trail_km, config["min_trail_km"]) or history_days(frames) < config["min_history_days"]:
            return []
        week_km = float(week["distance_km"].sum())
        base = frames.days_between(win.chronic_first, win.chronic_last)
        base_km = float(base["distance_km"].sum())
        base_trail_km = float(base.loc[base["trail"], "distance_km"].sum())
        share = trail_km / week_km * 100
        base_share = base_trail_km / base_km * 100 if base_km > 0 else 0.0
        base_trail_week = base_trail_km / 4

        reasons = []
        if reaches(share - base_share, config["share_points"]):
            reasons.append(f"trail share {num.pct_text(share)} against {num.pct_text(base_share)} "
                           "over the 4 weeks before")
        if base_trail_week > 0 and reaches(trail_km, config["growth"] * base_trail_week):
            reasons.append(f"{num.times_text(trail_km / base_trail_week)} your {num.km_text(base_trail_week)} "
                           "of trail a week")
        road_first = win.acute_first - timedelta(weeks=int(config["road_weeks"]))
        earlier = frames.days_between(road_first, win.chronic_last)
        last_trail = frames.runs.loc[frames.runs["trail"] & (frames.runs["day"] < week["day"].min()), "day"]
        first_in_weeks = (
            history_days(frames, win.chronic_last) >= int(config["road_weeks"]) * 7
            and not earlier.empty and not earlier["trail"].any()
        )
        if first_in_weeks:
            since = (f"the first since {last_trail.max().date().isoformat()}" if not last_trail.empty
                     else "your first on record")
            reasons.append(f"first trail running after {int(config['road_weeks'])}+ weeks on road ({since})")
        if not reasons:
            return []
        message = (f"{num.km_text(trail_km)} of trail out of {num.km_text(week_km)} in the last 7 days: "
                   + "; ".join(reasons) + ".")
        return [build_warning(self.id, Severity.WARN, frames.as_of, iso_week(frames.as_of), message, {
            "trail_km": num.km(trail_km),
            "week_km": num.km(week_km),
            "trail_share_pct": num.pct(share),
            "base_trail_share_pct": num.pct(base_share),
            "base_trail_weekly_km": num.km(base_trail_week),
            "first_trail_after_road_weeks": first_in_weeks,
            "last_trail_before": None if last_trail.empty else last_trail.max().date().isoformat(),
        })]


class ClimbJump:
    id = "terrain.climb_jump"
    defaults: Mapping[str, Any] = {
        "ratio": 1.5,            # climb per km of the week ÷ that of the 4 weeks before
        "min_m_per_km": 15.0,    # and at least this steep on average
        "min_km": 5.0,           # a single short hill session is not a pattern
        "min_history_days": 35,
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_positive(config, "ratio", "min_m_per_km")

    def detect(self, frames: Frames, config: Mapping[str, Any]) -> list[Warning]:
        if history_days(frames) < config["min_history_days"]:
            return []
        win = Windows.ending(frames.as_of)
        week = frames.days_between(win.acute_first, win.acute_last)
        base = frames.days_between(win.chronic_first, win.chronic_last)
        week_km = float(week["distance_km"].sum())
        if week_km <= 0 or not reaches(week_km, config["min_km"]):
            return []
        per_km = float(week["elev_m"].sum()) / week_km
        base_km = float(base["distance_km"].sum())
        base_per_km = float(base["elev_m"].sum()) / base_km if base_km > 0 else 0.0
        if not reaches(per_km, config["min_m_per_km"]):
            return []
        if base_per_km > 0 and not reaches(per_km, config["ratio"] * base_per_km):
            return []
        times = num.times_text(per_km / base_per_km) if base_per_km > 0 else "up from none"
        message = (
            f"{num.m_per_km(per_km)} m of climb per km over the last 7 days ({num.metres_text(week['elev_m'].sum())} "
            f"in {num.km_text(week_km)}), {times} the {num.m_per_km_text(base_per_km)} of the 4 weeks before."
        )
        return [build_warning(self.id, Severity.INFO, frames.as_of, iso_week(frames.as_of), message, {
            "climb_m": num.metres(week["elev_m"].sum()),
            "week_km": num.km(week_km),
            "m_per_km": num.m_per_km(per_km),
            "base_m_per_km": num.m_per_km(base_per_km),
            "ratio": num.times(per_km / base_per_km) if base_per_km > 0 else None,
        })]
