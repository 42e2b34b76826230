"""The runner's symptom log: rows of the symptoms table (loadguard.symptoms.log checks
the values and makes them entries)."""

from __future__ import annotations

from typing import Any, Sequence

from loadguard.store.connection import StoreConnection


class SymptomRows(StoreConnection):
    def insert_symptom(self, values: Sequence[Any], now: str) -> int:
        """Add (day, place, side, kind, timing, intensity, note); returns its id."""
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO symptoms (day, place, side, kind, timing, intensity, note, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (*values, now, now))
        return int(cur.lastrowid)

    def symptom_row(self, columns: Sequence[str], symptom_id: int) -> tuple | None:
        return self.conn.execute(f"SELECT {', '.join(columns)} FROM symptoms WHERE id = ?",
                                 (symptom_id,)).fetchone()

    def symptom_rows(self, columns: Sequence[str], first: str, last: str) -> list[tuple]:
        """Rows whose day lies in [first, last], oldest first."""
        return list(self.conn.execute(
            f"SELECT {', '.join(columns)} FROM symptoms WHERE day >= ? AND day <= ? ORDER BY day, id",
            (first, last)))

    def update_symptom(self, symptom_id: int, changes: dict[str, Any], now: str) -> None:
        sets = ", ".join(f"{k} = ?" for k in changes)
        with self.transaction() as conn:
            conn.execute(f"UPDATE symptoms SET {sets}, updated_at = ? WHERE id = ?",
                         (*changes.values(), now, symptom_id))

    def delete_symptom(self, symptom_id: int) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM symptoms WHERE id = ?", (symptom_id,))
