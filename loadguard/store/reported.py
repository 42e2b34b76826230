"""Warnings already reported, so `check --new` tells only what is new or clearly worse."""

from __future__ import annotations

from typing import Iterable

from loadguard.store.connection import StoreConnection, utc_now


class Reported(StoreConnection):
    def reported(self) -> dict[str, tuple[int, float | None, str | None]]:
        """Finding id -> (highest severity reported, the magnitude last reported or None, the
        day it was last told as of, YYYY-MM-DD, or None for reports from before that was kept)."""
        return {r["id"]: (r["severity"], r["magnitude"], r["told_on"])
                for r in self.conn.execute("SELECT id, severity, magnitude, told_on FROM reported")}

    def record_reported(self, items: Iterable[tuple[str, str, str, int, float | None, str]]) -> None:
        """Remember (id, rule, subject, severity, magnitude, told_on) as reported, keeping the
        highest severity and the magnitude and day of this report."""
        now = utc_now()
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO reported (id, rule, subject, severity, first_reported, last_reported, magnitude, "
                "told_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "severity = max(severity, excluded.severity), last_reported = excluded.last_reported, "
                "magnitude = coalesce(excluded.magnitude, magnitude), told_on = excluded.told_on",
                [(i, r, s, sev, now, now, m, day) for i, r, s, sev, m, day in items],
            )
