"""Activities: upserts that never downgrade, deletions, notes, and runs that arrived twice."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterable, Sequence

from loadguard.errors import LoadguardError
from loadguard.store.connection import StoreConnection, utc_now
from loadguard.store.running import running
from loadguard.store.schema import ACTIVITY_COLUMNS, NOTE_COLUMNS

# One run arriving from Strava (API or export) and from its own file is one activity
# when the starts lie this close and the distances agree within the larger of these.
# Devices and Strava agree on the start to the second; a phone app's upload can be a
# minute off. GPS distance of one recording differs between tools by a few per cent.
SAME_RUN_START_S = 120
SAME_RUN_DISTANCE_M = 250.0
SAME_RUN_DISTANCE_SHARE = 0.05


class Activities(StoreConnection):
    def upsert_activities(self, rows: Iterable[dict[str, Any]], *, keep_source: str | None = None) -> tuple[int, int]:
        """Insert or update activities; returns (new, updated).

        Unchanged rows are left alone, so importing the same data twice changes
        nothing. With `keep_source`, rows already stored from that source are not
        overwritten (an export never downgrades what the API delivered), except
        that such a row without notes takes the notes offered. The notes
        (NOTE_COLUMNS) change only for rows that carry them: Strava's activity list
        has none, and must not erase what an export or a detail call brought.
        """
        raw = list(rows)
        rows = [_activity_values(r) for r in raw]
        if not rows:
            return 0, 0
        notes = {values[0]: tuple(r.get(c) for c in NOTE_COLUMNS)
                 for r, values in zip(raw, rows) if any(map(r.__contains__, NOTE_COLUMNS))}
        existing = self._existing("activities", ACTIVITY_COLUMNS + (NOTE_COLUMNS if notes else ()),
                                  [values[0] for values in rows])
        inserts, updates, note_updates = [], [], []
        for values in rows:
            ident = values[0]
            old = existing.get(ident)
            if old is None:
                inserts.append(values)
            elif keep_source and old["source"] == keep_source:
                # the kept row gains notes it never had (an export's, for a run synced from the API)
                if ident in notes and tuple(old)[len(ACTIVITY_COLUMNS):] == (None,) * len(NOTE_COLUMNS) \
                        and any(notes[ident]):
                    note_updates.append(notes[ident] + (ident,))
                continue
            elif tuple(old)[:len(ACTIVITY_COLUMNS)] != values:
                updates.append(values)
            if ident in notes and (old is None or tuple(old)[len(ACTIVITY_COLUMNS):] != notes[ident]):
                note_updates.append(notes[ident] + (ident,))
        now = utc_now()
        cols = ", ".join(ACTIVITY_COLUMNS)
        marks = ", ".join("?" for _ in ACTIVITY_COLUMNS)
        sets = ", ".join(f"{c} = excluded.{c}" for c in ACTIVITY_COLUMNS[1:])
        sql = (
            f"INSERT INTO activities ({cols}, updated_at) VALUES ({marks}, ?) "
            f"ON CONFLICT(id) DO UPDATE SET {sets}, updated_at = excluded.updated_at"
        )
        note_sets = ", ".join(f"{c} = ?" for c in NOTE_COLUMNS)
        with self.transaction() as conn:
            conn.executemany(sql, [v + (now,) for v in inserts + updates])
            if note_updates:
                conn.executemany(f"UPDATE activities SET {note_sets}, updated_at = ? WHERE id = ?",
                                 [n[:-1] + (now, n[-1]) for n in note_updates])
        changed = {v[0] for v in updates} | {n[-1] for n in note_updates}
        return len(inserts), len(changed - {v[0] for v in inserts})

    def mark_deleted(self, ids: Sequence[int]) -> int:
        """Flag activities that Strava no longer returns; they leave detection."""
        if not ids:
            return 0
        with self.transaction() as conn:
            cur = conn.executemany(
                "UPDATE activities SET deleted = 1, updated_at = ? WHERE id = ? AND deleted = 0",
                [(utc_now(), i) for i in ids],
            )
        return cur.rowcount

    def set_track_figures(self, rows: Iterable[dict[str, Any]]) -> None:
        """Store what a recorded track adds to each row that carries it; absent figures keep the old ones."""
        values = [(row.get("cadence_spm"), row.get("steep_share"), row["id"]) for row in rows]
        values = [(cadence, steep, int(ident)) for cadence, steep, ident in values
                  if cadence is not None or steep is not None]
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE activities SET cadence_spm = COALESCE(?, cadence_spm), "
                "steep_share = COALESCE(?, steep_share) WHERE id = ?", values)

    def fold_file_copies(self) -> list[int]:
        """Merge runs known only from a file (negative ids) into the same run from Strava.

        The Strava row keeps its figures and gains the track's; the file's row goes, and
        a pair the register assigned to it moves to the Strava row.
        Returns the ids of the file rows merged.
        """
        pairs = self.conn.execute(
            """SELECT f.id AS file_id, s.id AS strava_id FROM activities f
               JOIN activities s ON s.id > 0 AND s.deleted = 0
                AND s.start_utc BETWEEN strftime('%Y-%m-%dT%H:%M:%SZ', f.start_utc, :before)
                                    AND strftime('%Y-%m-%dT%H:%M:%SZ', f.start_utc, :after)
                AND abs(s.distance_m - f.distance_m)
                    <= max(:metres, :share * max(s.distance_m, f.distance_m))
               WHERE f.id < 0 AND f.deleted = 0
               ORDER BY f.id, abs(julianday(s.start_utc) - julianday(f.start_utc)), s.id""",
            {"before": f"-{SAME_RUN_START_S} seconds", "after": f"+{SAME_RUN_START_S} seconds",
             "metres": SAME_RUN_DISTANCE_M, "share": SAME_RUN_DISTANCE_SHARE},
        ).fetchall()
        merged: dict[int, int] = {}
        for file_id, strava_id in pairs:
            merged.setdefault(file_id, strava_id)  # the closest start wins
        if not merged:
            return []
        with self.transaction() as conn:
            conn.executemany(
                """UPDATE activities SET
                     cadence_spm = COALESCE((SELECT cadence_spm FROM activities WHERE id = :f), cadence_spm),
                     steep_share = COALESCE((SELECT steep_share FROM activities WHERE id = :f), steep_share),
                     elev_gain_m = COALESCE(elev_gain_m, (SELECT elev_gain_m FROM activities WHERE id = :f))
                   WHERE id = :s""",
                [{"f": f, "s": s} for f, s in merged.items()])
            conn.executemany("DELETE FROM activities WHERE id = ?", [(f,) for f in merged])
            # the register's word on the file's run (`shoes assign`) goes with it, unless it
            # already spoke for the Strava run
            conn.executemany("UPDATE OR IGNORE shoe_assignments SET activity_id = ? WHERE activity_id = ?",
                             [(s, f) for f, s in merged.items()])
            conn.executemany("DELETE FROM shoe_assignments WHERE activity_id = ?", [(f,) for f in merged])
        return list(merged)

    def activity_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM activities WHERE deleted = 0").fetchone()[0]

    def newest_start(self) -> str | None:
        """start_utc of the latest activity from Strava not deleted, None when there is none.

        Runs known only from files (negative ids) do not count: Strava has not seen
        them, so they say nothing about how far a sync got.
        """
        return self.conn.execute("SELECT max(start_utc) FROM activities WHERE deleted = 0 AND id > 0").fetchone()[0]

    def ids_started_after(self, start_utc: str, source: str) -> list[int]:
        """Ids of activities from `source`, not deleted, that started after `start_utc`."""
        rows = self.conn.execute(
            "SELECT id FROM activities WHERE source = ? AND deleted = 0 AND start_utc > ?", (source, start_utc))
        return [r[0] for r in rows]

    def runs_started_after(self, start_utc: str, source: str, sport_types: Sequence[str]) -> list[int]:
        """Ids of runs from `source`, not deleted, started after `start_utc`, newest first."""
        where, params = running(sport_types)
        rows = self.conn.execute(
            f"SELECT id FROM activities WHERE source = ? AND start_utc > ? AND {where} "
            f"ORDER BY start_utc DESC, id DESC", (source, start_utc, *params))
        return [r[0] for r in rows]

    def running_days(self, sport_types: Sequence[str], first: date, last: date) -> list[date]:
        """The local days of [first, last] with a run."""
        where, params = running(sport_types)
        rows = self.conn.execute(
            f"SELECT DISTINCT substr(start_local, 1, 10) FROM activities WHERE {where} "
            f"AND +start_local >= ? AND +start_local < ?",
            [*params, first.isoformat(), (last + timedelta(days=1)).isoformat()]).fetchall()
        return [date.fromisoformat(r[0]) for r in rows]

    def set_notes(self, activity_id: int, description: str | None, private_note: str | None) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE activities SET description = ?, private_note = ?, updated_at = ? WHERE id = ?",
                         (description, private_note, utc_now(), activity_id))

    def gear_used(self, source: str, sport_types: Sequence[str]) -> list[str]:
        """Gear ids named by activities from `source` of these sport types, not deleted."""
        where, params = running(sport_types)
        rows = self.conn.execute(
            f"SELECT DISTINCT gear_id FROM activities WHERE gear_id IS NOT NULL AND source = ? AND {where} "
            f"ORDER BY gear_id", (source, *params))
        return [r[0] for r in rows]


_FLAGS = tuple(ACTIVITY_COLUMNS.index(c) for c in ("trainer", "manual", "deleted"))
_DISTANCE = ACTIVITY_COLUMNS.index("distance_m")


def _activity_values(row: dict[str, Any]) -> tuple:
    """The row's values in ACTIVITY_COLUMNS order (id first), as stored."""
    values = [row.get(c) for c in ACTIVITY_COLUMNS]
    missing = [c for c in ("id", "sport_type", "start_utc", "start_local", "source") if row.get(c) in (None, "")]
    if missing:
        raise LoadguardError(f"activity {row.get('id')!r} lacks {', '.join(missing)}")
    values[0] = int(values[0])
    values[_DISTANCE] = float(values[_DISTANCE] or 0.0)
    for at in _FLAGS:
        values[at] = int(bool(values[at]))
    return tuple(values)
