"""Sync state: key/value entries a repeated or interrupted sync carries on from (checkpoint, pages seen, …)."""

from __future__ import annotations

from loadguard.store.connection import StoreConnection


class SyncState(StoreConnection):
    def get_state(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_state(self, key: str, value: str | None) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO sync_state (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def states(self, prefix: str) -> dict[str, str | None]:
        """Every sync-state entry whose key starts with `prefix`."""
        rows = self.conn.execute("SELECT key, value FROM sync_state WHERE substr(key, 1, ?) = ?",
                                 (len(prefix), prefix))
        return {r[0]: r[1] for r in rows}

    def delete_states(self, prefix: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM sync_state WHERE substr(key, 1, ?) = ?", (len(prefix), prefix))
