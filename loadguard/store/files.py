"""Activity files already read, so a folder read every hour costs only a stat per file."""

from __future__ import annotations

from typing import Iterable

from loadguard.store.connection import StoreConnection, utc_now


class ImportedFiles(StoreConnection):
    def known_files(self) -> dict[str, tuple[int, int]]:
        """key -> (size, stamp) of every file read before, readable or not."""
        return {r[0]: (r[1], r[2]) for r in self.conn.execute("SELECT key, size, stamp FROM imported_files")}

    def remember_files(self, marks: Iterable[tuple[str, int, int, str | None]]) -> None:
        """Record (key, size, stamp, problem) for files just read."""
        now = utc_now()
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO imported_files (key, size, stamp, problem, imported_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET size = excluded.size, stamp = excluded.stamp, "
                "problem = excluded.problem, imported_at = excluded.imported_at",
                [(k, size, stamp, problem, now) for k, size, stamp, problem in marks])
