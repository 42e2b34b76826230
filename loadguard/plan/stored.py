"""The plan in the store: sessions written as rows, and read back."""

from __future__ import annotations

from datetime import date

from loadguard.plan.sessions import Session
from loadguard.store import Store


def save(store: Store, sessions: list[Session], source: str) -> None:
    """Store `sessions` (read from the file named `source`) as the plan, replacing the one before."""
    store.replace_plan([(s.day.isoformat(), float(s.km), s.kind, s.title) for s in sessions], source)


def sessions_after(store: Store, day: date, last: date | None = None) -> list[Session]:
    """The stored sessions after `day` (up to `last` when given), by day."""
    out = [Session(date.fromisoformat(d), float(km), kind, title)
           for d, km, kind, title in store.plan_rows(day.isoformat())]
    return [s for s in out if last is None or s.day <= last]
