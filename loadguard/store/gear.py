"""Gear: the runner's shoes (and other gear) as Strava or an export names them."""

from __future__ import annotations

from typing import Any, Iterable

from loadguard.errors import LoadguardError
from loadguard.store.connection import StoreConnection, utc_now
from loadguard.store.schema import GEAR_COLUMNS


class Gear(StoreConnection):
    def upsert_gear(self, rows: Iterable[dict[str, Any]]) -> tuple[int, int]:
        rows = [_gear_row(r) for r in rows]
        if not rows:
            return 0, 0
        existing = self._existing("gear", GEAR_COLUMNS, [r["id"] for r in rows])
        changed, new = [], 0
        for row in rows:
            values = tuple(row[c] for c in GEAR_COLUMNS)
            old = existing.get(row["id"])
            if old is None:
                new += 1
                changed.append(values)
            elif tuple(old) != values:
                changed.append(values)
        cols = ", ".join(GEAR_COLUMNS)
        marks = ", ".join("?" for _ in GEAR_COLUMNS)
        sets = ", ".join(f"{c} = excluded.{c}" for c in GEAR_COLUMNS[1:])
        now = utc_now()
        with self.transaction() as conn:
            conn.executemany(
                f"INSERT INTO gear ({cols}, updated_at) VALUES ({marks}, ?) "
                f"ON CONFLICT(id) DO UPDATE SET {sets}, updated_at = excluded.updated_at",
                [v + (now,) for v in changed],
            )
        return new, len(changed) - new

    def gear_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT id FROM gear")}

    def gear_rows(self) -> dict[str, dict[str, Any]]:
        """Every stored gear row (GEAR_COLUMNS) by id."""
        cols = ", ".join(GEAR_COLUMNS)
        return {r["id"]: dict(r) for r in self.conn.execute(f"SELECT {cols} FROM gear")}

    def gear_names(self, source: str) -> list[tuple[str, str]]:
        """(id, name) of the gear stored from `source`."""
        return [(r[0], r[1]) for r in self.conn.execute("SELECT id, name FROM gear WHERE source = ?", (source,))]

    def drop_unused_gear(self, ids: Iterable[str], *, keep_source: str) -> None:
        """Delete these gear rows where no activity points at them; rows from `keep_source` stay."""
        with self.transaction() as conn:
            conn.executemany(
                "DELETE FROM gear WHERE id = ? AND source != ? AND NOT EXISTS "
                "(SELECT 1 FROM activities WHERE gear_id = gear.id)",
                [(gid, keep_source) for gid in ids],
            )


def _gear_row(row: dict[str, Any]) -> dict[str, Any]:
    out = {c: row.get(c) for c in GEAR_COLUMNS}
    if not out["id"] or not out["name"] or not out["source"]:
        raise LoadguardError(f"gear {row.get('id')!r} lacks an id, name or source")
    out["kind"] = out["kind"] or "shoe"
    for flag in ("retired", "is_primary"):
        out[flag] = int(bool(out[flag]))
    return out
