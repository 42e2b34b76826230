"""The digest's "Next week: up to … km, long run up to … km", and the planned sessions
of those days that would cross a line.

The one place the digest asks how far the runner may go next, and it asks
`loadguard ahead` (`Assessment.lines`), as of the digest's last day: the most the 7
days after it may hold, spread evenly, under every day's weekly line (in whole km,
rounded down so the figure never reaches the line); and the spike rule's own line
for the next run. The long-run line as it stood the day before the digest's week is
`ahead` as of that day: where to return after a spike. The sessions are those of the
stored plan (`loadguard plan import`) in the 7 days, judged by `Assessment.plan`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from loadguard import numbers as num
from loadguard.assess.ahead import Ahead
from loadguard.assess.assessment import Assessment
from loadguard.assess.rules.common import ACUTE_DAYS
from loadguard.plan.stored import sessions_after

SPIKE = "volume.long_run_spike"


@dataclass(frozen=True)
class NextWeek:
    week_km: float | None      # None where no weekly line is drawn (no base yet, a break)
    long_run_km: float | None  # None before any run in the lookback
    # the long-run line as it stood before the week: where to return after a spike
    long_run_before_km: float | None = None
    crossing: list[str] = field(default_factory=list)   # one line per planned session over a line


def lines(assessment: Assessment, week_first: date | None = None) -> NextWeek:
    """The lines for the 7 days after the assessment's last day (the stricter ones after
    a symptom); `week_first`, the digest week's Monday, also gives the long-run line as
    it stood before that week."""
    ahead = assessment.lines(ACUTE_DAYS)
    before = None
    if week_first is not None:
        day = week_first - timedelta(days=1)
        before = _long_run(Assessment(assessment.store, assessment.config, day, day).lines(1))
    week_km = None if ahead.week_km is None else float(math.floor(round(ahead.week_km, num.NOISE_PLACES)))
    return NextWeek(week_km, _long_run(ahead), before, _crossing(assessment, ahead))


def _long_run(ahead: Ahead) -> float | None:
    """The spike rule's line for the next run, as `ahead` draws it."""
    return next((s.km for s in ahead.run_lines if s.rule == SPIKE), None)


def _crossing(assessment: Assessment, ahead: Ahead) -> list[str]:
    out = []
    for j in assessment.plan(sessions_after(assessment.store, assessment.last, ahead.last)):
        for c in j.crosses:
            line = f", line {num.km_text(c.line_km)}" if c.line_km is not None else ""
            out.append(f"{j.session.day:%a} {j.session.day.isoformat()}: {j.session.title} "
                       f"({num.km_text(j.session.km)}) crosses {c.warning.rule} ({c.warning.severity.label}{line})")
    return out
