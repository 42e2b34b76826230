"""The digest's "Next week" box: the lines for the 7 days after the digest's last day,
and the planned sessions of those days that would cross one.

Self-contained on purpose, like the symptoms section: `weekly.build` adds one field,
the templates include `next_week.md` / `next_week.html`, and nothing else depends on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from loadguard.config import Config
    from loadguard.store import Store

DAYS = 7


@dataclass(frozen=True)
class NextWeek:
    first: date
    last: date
    sentence: str                                    # the `ahead` sentence
    crossing: list[str] = field(default_factory=list)   # one line per planned session over a line


def build(store: "Store", config: "Config", as_of: date) -> NextWeek:
    from loadguard.ahead import lines_ahead
    from loadguard.plan.replay import judge_plan
    from loadguard.render.ahead_out import sentence

    ahead = lines_ahead(store, config, as_of, DAYS)
    last = as_of + timedelta(days=DAYS)
    sessions = [s for s in store.planned_sessions(after=as_of) if s.day <= last]
    crossing = []
    if sessions:
        from loadguard import numbers as num
        from loadguard.frames import HORIZON_DAYS
        from loadguard.frames import build as build_frames

        frames = build_frames(store, config, as_of, since=as_of - timedelta(days=HORIZON_DAYS))
        for j in judge_plan(frames, config, sessions):
            for c in j.crosses:
                line = f", line {num.km_text(c.line_km)}" if c.line_km is not None else ""
                crossing.append(f"{j.session.day:%a} {j.session.day.isoformat()}: {j.session.title} "
                                f"({num.km_text(j.session.km)}) crosses {c.warning.rule} "
                                f"({c.warning.severity.label}{line})")
    return NextWeek(ahead.first, ahead.last, sentence(ahead), crossing)
