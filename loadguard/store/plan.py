"""The training plan: planned sessions, one plan at a time (an import replaces it)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Iterable

from loadguard.store.connection import StoreConnection, utc_now

if TYPE_CHECKING:
    from loadguard.plan.sessions import Session


class Plan(StoreConnection):
    def replace_plan(self, sessions: Iterable["Session"], source: str) -> None:
        """Store `sessions` as the plan, in place of any plan stored before."""
        now = utc_now()
        with self.transaction() as conn:
            conn.execute("DELETE FROM planned_sessions")
            conn.executemany(
                "INSERT INTO planned_sessions (day, km, kind, title, source, imported_at) VALUES (?, ?, ?, ?, ?, ?)",
                [(s.day.isoformat(), float(s.km), s.kind, s.title, source, now) for s in sessions])

    def planned_sessions(self, after: date | None = None) -> list["Session"]:
        """The stored plan's sessions after `after` (all when None), by day."""
        from loadguard.plan.sessions import Session

        rows = self.conn.execute(
            "SELECT day, km, kind, title FROM planned_sessions WHERE day > ? ORDER BY day, id",
            (after.isoformat() if after else "",))
        return [Session(date.fromisoformat(d), float(km), kind, title) for d, km, kind, title in rows]
