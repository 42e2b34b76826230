"""The training plan: rows of planned sessions, one plan at a time (an import replaces
it); loadguard.plan.stored makes them sessions."""

from __future__ import annotations

from collections.abc import Iterable

from loadguard.store.connection import StoreConnection, utc_now

# A planned session's row: local day (YYYY-MM-DD), km, kind (race, trail or run), title.
PlanRow = tuple[str, float, str, str]


class PlanRows(StoreConnection):
    def replace_plan(self, rows: Iterable[PlanRow], source: str) -> None:
        """Store `rows` as the plan, in place of any plan stored before."""
        now = utc_now()
        with self.transaction() as conn:
            conn.execute("DELETE FROM planned_sessions")
            conn.executemany(
                "INSERT INTO planned_sessions (day, km, kind, title, source, imported_at) VALUES (?, ?, ?, ?, ?, ?)",
                [(*row, source, now) for row in rows])

    def plan_rows(self, after: str = "") -> list[PlanRow]:
        """The stored plan's rows on days after `after` (YYYY-MM-DD; all when empty), by day."""
        return list(self.conn.execute(
            "SELECT day, km, kind, title FROM planned_sessions WHERE day > ? ORDER BY day, id", (after,)))
