"""The digest's "Next week" box: the lines for the 7 days after the digest's last day,
and the planned sessions of those days that would cross one.

Self-contained on purpose, like the symptoms section: `weekly.build` adds one field,
the templates include `next_week.md` / `next_week.html`, and nothing else depends on it.
Its numbers are `loadguard ahead`'s, read from the digest's Assessment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from loadguard import numbers as num
from loadguard.assess.assessment import Assessment
from loadguard.assess.rules.common import ACUTE_DAYS
from loadguard.plan.stored import sessions_after
from loadguard.render.ahead_out import sentence


@dataclass(frozen=True)
class NextWeek:
    first: date
    last: date
    sentence: str                                    # the `ahead` sentence
    crossing: list[str] = field(default_factory=list)   # one line per planned session over a line


def build(assessment: Assessment) -> NextWeek:
    ahead = assessment.lines(ACUTE_DAYS)
    crossing = []
    for j in assessment.plan(sessions_after(assessment.store, assessment.last, ahead.last)):
        for c in j.crosses:
            line = f", line {num.km_text(c.line_km)}" if c.line_km is not None else ""
            crossing.append(f"{j.session.day:%a} {j.session.day.isoformat()}: {j.session.title} "
                            f"({num.km_text(j.session.km)}) crosses {c.warning.rule} "
                            f"({c.warning.severity.label}{line})")
    return NextWeek(ahead.first, ahead.last, sentence(ahead), crossing)
