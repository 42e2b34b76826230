"""Warnings already reported, so `check --new` tells only what is new or clearly worse."""

from __future__ import annotations

from typing import Iterable

from loadguard.store.connection import StoreConnection, utc_now


class Reported(StoreConnection):
    def reported(self) -> dict[str, tuple[int, float | None]]:
        """Finding id -> (highest severity reported, the magnitude last reported or None)."""
        return {r["id"]: (r["severity"], r["magnitude"])
                for r in self.conn.execute("SELECT id, severity, magnitude FROM reported")}

    def record_reported(self, items: Iterable[tuple[str, str, str, int, float | None]]) -> None:
        """Remember (id, rule, subject, severity, magnitude) as reported, keeping the highest
        severity and the magnitude of this report."""
        now = utc_now()
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO reported (id, rule, subject, severity, first_reported, last_reported, magnitude) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "severity = max(severity, excluded.severity), last_reported = excluded.last_reported, "
                "magnitude = coalesce(excluded.magnitude, magnitude)",
                [(i, r, s, sev, now, now, m) for i, r, s, sev, m in items],
            )
