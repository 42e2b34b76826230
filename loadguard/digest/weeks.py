"""ISO weeks as the digest names them: `2026-W47`, Monday to Sunday in local dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from loadguard.model import iso_week


def day_text(day: date) -> str:
    """A day as the digest writes it in sentences: "Sun 22 Nov" (an ISO date wraps badly)."""
    return f"{day:%a} {day.day} {day:%b}"


_PATTERN = re.compile(r"(\d{4})-?W(\d{1,2})", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def of(cls, day: date) -> "IsoWeek":
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @classmethod
    def parse(cls, text: str) -> "IsoWeek":
        """`2026-W47` (also `2026W47`, any case); ValueError for anything else or a week the year lacks."""
        match = _PATTERN.fullmatch(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not an ISO week like 2026-W47")
        year, week = int(match[1]), int(match[2])
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"{year} has no ISO week {week}") from None
        return cls(year, week)

    @classmethod
    def last_complete(cls, today: date) -> "IsoWeek":
        """The latest week whose Sunday lies before `today`: on a Sunday that is the week before."""
        return cls.of(today - timedelta(days=today.isoweekday()))

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def label(self) -> str:
        return iso_week(self.monday)

    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    def shifted(self, weeks: int) -> "IsoWeek":
        return IsoWeek.of(self.monday + timedelta(weeks=weeks))

    def __str__(self) -> str:
        return self.label


def resolve(spec: "str | IsoWeek", today: date) -> IsoWeek:
    """`last` (the last complete week), `this` (the week holding today, partial) or `YYYY-Www`."""
    if isinstance(spec, IsoWeek):
        return spec
    word = spec.strip().lower()
    if word == "last":
        return IsoWeek.last_complete(today)
    if word == "this":
        return IsoWeek.of(today)
    return IsoWeek.parse(spec)
