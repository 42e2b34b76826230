"""Replay the cron line over a span of history: what `check --new` would have mailed.

The rules judge the whole span at once (`Assessment.by_day`); the days are
then walked in order with an in-memory ledger of what was told, exactly as a
daily `check --new [--min-severity L]` would have grown the real `reported`
table, which is never read or written here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from loadguard.assess.assessment import Assessment, at_least
from loadguard.assess.prior_findings import LOOKBACK_DAYS
from loadguard.config import Config
from loadguard.model import Severity, Warning
from loadguard.store import Store
from loadguard.symptoms.log import between as symptoms_between


@dataclass
class Month:
    month: str                       # YYYY-MM
    running_days: int = 0
    mail_days: int = 0
    lines: Counter = field(default_factory=Counter)   # (rule, severity label) -> lines mailed


@dataclass(frozen=True)
class SymptomMark:
    """A logged symptom on the replayed timeline, with the mails of the weeks before it."""

    day: date
    text: str                              # the entry as `symptom list` shows it
    before: list[tuple[date, Warning]]     # mailed in the `days` days up to and including its day


@dataclass
class Replay:
    first: date
    last: date
    min_severity: Severity
    mailed: list[tuple[date, Warning]]
    months: list[Month]
    symptoms: list[SymptomMark] = field(default_factory=list)

    @property
    def running_months(self) -> int:
        return sum(1 for m in self.months if m.running_days)

    @property
    def mail_days(self) -> int:
        return sum(m.mail_days for m in self.months)

    @property
    def lines(self) -> Counter:
        total: Counter = Counter()
        for m in self.months:
            total.update(m.lines)
        return total

    @property
    def mail_days_per_running_month(self) -> float | None:
        return self.mail_days / self.running_months if self.running_months else None


def replay(store: Store, config: Config, first: date, last: date, min_severity: str = "info") -> Replay:
    level = Severity.parse(min_severity)
    assessment = Assessment(store, config, first, last)
    by_day = assessment.by_day
    ledger = assessment.ledger()
    mailed: list[tuple[date, Warning]] = []
    months: dict[str, Month] = {}
    day = first
    while day <= last:
        month = months.setdefault(day.strftime("%Y-%m"), Month(day.strftime("%Y-%m")))
        news = ledger.news(at_least(by_day.get(day, []), level))
        if news:
            ledger.record(news)
            month.mail_days += 1
            month.lines.update((w.rule, w.severity.label) for w in news)
            mailed.extend((day, w) for w in news)
        day += timedelta(days=1)
    for day in store.running_days(config["running_types"], first, last):
        months[day.strftime("%Y-%m")].running_days += 1
    return Replay(first, last, level, mailed, list(months.values()), symptom_marks(store, first, last, mailed))


# issue 9: what a runner asks of the timeline when a symptom shows up: what was I told
# before it, over the same window the symptom rules look back.
SYMPTOM_LOOKBACK_DAYS = LOOKBACK_DAYS


def symptom_marks(store: Store, first: date, last: date,
                  mailed: list[tuple[date, Warning]]) -> list[SymptomMark]:
    return [SymptomMark(e.day, e.describe(), [(d, w) for d, w in mailed if w.family != "symptoms"
                                               and 0 <= (e.day - d).days <= SYMPTOM_LOOKBACK_DAYS])
            for e in symptoms_between(store, first, last)]


