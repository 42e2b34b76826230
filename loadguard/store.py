"""The embedded SQLite store: activities, gear, reported warnings, sync state.

Every write runs inside one transaction, so a crash or a bad input leaves the
store as it was before the command started.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from loadguard.errors import LoadguardError

SQLITE_MAGIC = b"SQLite format 3\x00"

# One run arriving from Strava (API or export) and from its own file is one activity
# when the starts lie this close and the distances agree within the larger of these.
# Devices and Strava agree on the start to the second; a phone app's upload can be a
# minute off. GPS distance of one recording differs between tools by a few per cent.
SAME_RUN_START_S = 120
SAME_RUN_DISTANCE_M = 250.0
SAME_RUN_DISTANCE_SHARE = 0.05
TRACK_COLUMNS = ("cadence_spm", "steep_share")

ACTIVITY_COLUMNS = (
    "id", "name", "sport_type", "start_utc", "start_local", "distance_m",
    "moving_s", "elapsed_s", "elev_gain_m", "gear_id", "avg_cadence",
    "trainer", "manual", "source", "deleted", "workout_type",
)
# The runner's own words on a run, read for symptom mentions; they never leave the machine.
NOTE_COLUMNS = ("description", "private_note")
GEAR_COLUMNS = (
    "id", "name", "brand", "model", "kind", "retired", "is_primary",
    "distance_m", "source",
)

# MIGRATIONS[n] takes a store from schema version n to n + 1. Append, never edit.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE activities (
        id          INTEGER PRIMARY KEY,      -- Strava's activity id
        name        TEXT,
        sport_type  TEXT NOT NULL,
        start_utc   TEXT NOT NULL,            -- ISO 8601, UTC, 'YYYY-MM-DDTHH:MM:SSZ'
        start_local TEXT NOT NULL,            -- wall-clock time where it was run, no zone
        distance_m  REAL NOT NULL DEFAULT 0,
        moving_s    INTEGER,
        elapsed_s   INTEGER,
        elev_gain_m REAL,
        gear_id     TEXT,
        avg_cadence REAL,
        trainer     INTEGER NOT NULL DEFAULT 0,
        manual      INTEGER NOT NULL DEFAULT 0,
        source      TEXT NOT NULL,            -- 'strava' (API) or 'export'
        deleted     INTEGER NOT NULL DEFAULT 0,
        updated_at  TEXT NOT NULL
    );
    CREATE INDEX activities_start_local ON activities (start_local);
    CREATE INDEX activities_gear ON activities (gear_id);
    CREATE TABLE gear (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        brand       TEXT,
        model       TEXT,
        kind        TEXT NOT NULL DEFAULT 'shoe',
        retired     INTEGER NOT NULL DEFAULT 0,
        is_primary  INTEGER NOT NULL DEFAULT 0,
        distance_m  REAL,                     -- Strava's own total, or summed from an export
        source      TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE reported (
        id             TEXT PRIMARY KEY,      -- the warning's fingerprint (rule + subject)
        rule           TEXT NOT NULL,
        subject        TEXT NOT NULL,
        severity       INTEGER NOT NULL,      -- the highest severity reported so far
        first_reported TEXT NOT NULL,
        last_reported  TEXT NOT NULL
    );
    CREATE TABLE sync_state (
        key   TEXT PRIMARY KEY,
        value TEXT
    );
    """,
    # 2: the shoe totals as of a day read only this index, not every activity row.
    """
    DROP INDEX activities_gear;
    CREATE INDEX activities_gear_use ON activities (gear_id, deleted, start_local, distance_m);
    """,
    # issue 7: Strava's workout type (1 = race, 2 = long run, 3 = workout) so a race is
    # not called an unexplained spike; the numbers a finding was reported with, so
    # `check --new` can tell "clearly worse" from "still the same".
    """
    ALTER TABLE activities ADD COLUMN workout_type INTEGER;
    ALTER TABLE reported ADD COLUMN magnitude REAL;
    """,
    # issue 10: activity files. What a recorded track adds to a run (steps per minute,
    # share of distance on steep grades); the files already read, so a folder read
    # every hour costs only a stat per file; start times looked up to find one run
    # that arrived from two sources.
    """
    ALTER TABLE activities ADD COLUMN cadence_spm REAL;
    ALTER TABLE activities ADD COLUMN steep_share REAL;
    CREATE TABLE imported_files (
        key         TEXT PRIMARY KEY,         -- absolute path, or 'ZIP::member'
        size        INTEGER NOT NULL,
        stamp       INTEGER NOT NULL,         -- mtime in ns, or a zip member's CRC-32
        problem     TEXT,                     -- why it could not be read, NULL when it was
        imported_at TEXT NOT NULL
    );
    CREATE INDEX activities_start_utc ON activities (start_utc);
    """,
    # issue 9: the runner's own notes on a run (read for symptom words, never sent
    # anywhere) and the symptom log. Self-contained: new columns and a new table only.
    """
    ALTER TABLE activities ADD COLUMN description TEXT;
    ALTER TABLE activities ADD COLUMN private_note TEXT;
    CREATE TABLE symptoms (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        day        TEXT NOT NULL,             -- local date, YYYY-MM-DD
        place      TEXT NOT NULL,             -- heel, arch, ball of foot, toes, inner ankle, calf, other
        side       TEXT NOT NULL,             -- left, right, both
        kind       TEXT NOT NULL,             -- tingling, numbness, burning, …
        timing     TEXT,                      -- during, after, night, morning
        intensity  INTEGER NOT NULL CHECK (intensity BETWEEN 0 AND 10),
        note       TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX symptoms_day ON symptoms (day);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
    def __init__(self, path: Path, conn: sqlite3.Connection, read_only: str | None = None):
        self.path = path
        self.conn = conn
        # Why this store could only be opened for reading (None: it can be written).
        self.read_only = read_only

    # -- opening ---------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> "Store":
        """Open (and create or migrate) the store at `path`.

        Anything that is not a loadguard store raises LoadguardError instead of
        being overwritten: the file might be the runner's own data. A store the
        user may read but not write (a read-only file or folder) is opened for
        reading, so `check` still works; any write then fails in one line.
        """
        path = Path(path)
        try:
            if path.is_dir():
                raise LoadguardError(f"{path} is a directory, not a loadguard store")
            exists = path.exists() and path.stat().st_size > 0
            if exists:
                with path.open("rb") as fh:
                    magic = fh.read(len(SQLITE_MAGIC))
                if magic != SQLITE_MAGIC:
                    raise LoadguardError(f"{path} is not a loadguard store (not an SQLite database)")
            elif not create:
                raise LoadguardError(f"no store at {path}")
        except OSError as exc:
            raise LoadguardError(f"cannot read store {path}: {exc.strerror or exc}") from None
        try:
            try:
                store = cls._open_writable(path)
            except (sqlite3.OperationalError, PermissionError) as exc:
                if not exists or not _is_permission_problem(exc):
                    raise
                store = cls._open_read_only(path, _why_read_only(path, exc))
            store._migrate()
        except sqlite3.DatabaseError as exc:
            raise LoadguardError(f"cannot open store {path}: {exc}") from None
        except OSError as exc:
            raise LoadguardError(f"cannot open store {path}: {exc.strerror or exc}") from None
        return store

    @classmethod
    def _open_writable(cls, path: Path) -> "Store":
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=10)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            conn.close()
            raise
        return cls(path, conn)

    @classmethod
    def _open_read_only(cls, path: Path, why: str) -> "Store":
        """Reading a WAL store needs its -shm file; where none can be made, the file is read as is.

        `immutable=1` is safe there: a folder nobody may write to holds no
        running sync, and no other writer can create the -wal it would miss.
        """
        uri = "file:" + urllib.parse.quote(str(path.resolve()))
        last: Exception | None = None
        for mode in ("mode=ro", "mode=ro&immutable=1"):
            conn = sqlite3.connect(f"{uri}?{mode}", uri=True, isolation_level=None, timeout=10)
            conn.row_factory = sqlite3.Row
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError as exc:
                conn.close()
                last = exc
                continue
            return cls(path, conn, read_only=why)
        assert last is not None
        raise last

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version < SCHEMA_VERSION and self.read_only:
            raise LoadguardError(f"{self.path} needs an upgrade by this loadguard, but cannot be written "
                                 f"({self.read_only})")
        if version > SCHEMA_VERSION:
            raise LoadguardError(
                f"{self.path} was written by a newer loadguard (schema {version}, "
                f"this one knows {SCHEMA_VERSION}); upgrade loadguard"
            )
        if version == 0:
            tables = self.conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
            if tables:
                raise LoadguardError(f"{self.path} is an SQLite database, but not a loadguard store")
        while version < SCHEMA_VERSION:
            with self.transaction():
                for statement in _statements(MIGRATIONS[version]):
                    self.conn.execute(statement)
                version += 1
                self.conn.execute(f"PRAGMA user_version = {version}")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception."""
        if self.conn.in_transaction:
            yield self.conn
            return
        if self.read_only:
            raise LoadguardError(f"cannot write the store {self.path}: {self.read_only}; "
                                 "reading commands (check, shoes, digest) still work")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- activities --------------------------------------------------------------

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
        rows = [_activity_row(r) for r in raw]
        if not rows:
            return 0, 0
        notes = {row["id"]: tuple(r.get(c) for c in NOTE_COLUMNS)
                 for r, row in zip(raw, rows) if any(c in r for c in NOTE_COLUMNS)}
        existing = self._existing("activities", ACTIVITY_COLUMNS + (NOTE_COLUMNS if notes else ()),
                                  [r["id"] for r in rows])
        inserts, updates, note_updates = [], [], []
        for row in rows:
            old = existing.get(row["id"])
            values = tuple(row[c] for c in ACTIVITY_COLUMNS)
            if old is None:
                inserts.append(values)
            elif keep_source and old["source"] == keep_source:
                # the kept row gains notes it never had (an export's, for a run synced from the API)
                if row["id"] in notes and tuple(old)[len(ACTIVITY_COLUMNS):] == (None,) * len(NOTE_COLUMNS) \
                        and any(notes[row["id"]]):
                    note_updates.append(notes[row["id"]] + (row["id"],))
                continue
            elif tuple(old)[:len(ACTIVITY_COLUMNS)] != values:
                updates.append(values)
            if row["id"] in notes and (old is None or tuple(old)[len(ACTIVITY_COLUMNS):] != notes[row["id"]]):
                note_updates.append(notes[row["id"]] + (row["id"],))
        now = _now()
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
                [(_now(), i) for i in ids],
            )
        return cur.rowcount

    def set_track_figures(self, rows: Iterable[dict[str, Any]]) -> None:
        """Store what a recorded track adds to each row that carries it; absent figures keep the old ones."""
        values = [(row.get("cadence_spm"), row.get("steep_share"), int(row["id"])) for row in rows
                  if any(row.get(c) is not None for c in TRACK_COLUMNS)]
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE activities SET cadence_spm = COALESCE(?, cadence_spm), "
                "steep_share = COALESCE(?, steep_share) WHERE id = ?", values)

    def fold_file_copies(self) -> list[int]:
        """Merge runs known only from a file (negative ids) into the same run from Strava.

        The Strava row keeps its figures and gains the track's; the file's row goes.
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
        marks = ", ".join("?" for _ in sport_types)
        rows = self.conn.execute(
            f"SELECT id FROM activities WHERE source = ? AND deleted = 0 AND start_utc > ? "
            f"AND sport_type IN ({marks}) ORDER BY start_utc DESC, id DESC", (source, start_utc, *sport_types))
        return [r[0] for r in rows]

    def set_notes(self, activity_id: int, description: str | None, private_note: str | None) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE activities SET description = ?, private_note = ?, updated_at = ? WHERE id = ?",
                         (description, private_note, _now(), activity_id))

    def gear_used(self, source: str, sport_types: Sequence[str]) -> list[str]:
        """Gear ids named by activities from `source` of these sport types, not deleted."""
        marks = ", ".join("?" for _ in sport_types)
        rows = self.conn.execute(
            f"SELECT DISTINCT gear_id FROM activities WHERE deleted = 0 AND gear_id IS NOT NULL "
            f"AND source = ? AND sport_type IN ({marks}) ORDER BY gear_id", (source, *sport_types))
        return [r[0] for r in rows]

    # -- gear ------------------------------------------------------------------

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
        now = _now()
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

    # -- reported warnings -------------------------------------------------------

    def reported(self) -> dict[str, tuple[int, float | None]]:
        """Finding id -> (highest severity reported, the magnitude last reported or None)."""
        return {r["id"]: (r["severity"], r["magnitude"])
                for r in self.conn.execute("SELECT id, severity, magnitude FROM reported")}

    def record_reported(self, items: Iterable[tuple[str, str, str, int, float | None]]) -> None:
        """Remember (id, rule, subject, severity, magnitude) as reported, keeping the highest
        severity and the magnitude of this report."""
        now = _now()
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO reported (id, rule, subject, severity, first_reported, last_reported, magnitude) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "severity = max(severity, excluded.severity), last_reported = excluded.last_reported, "
                "magnitude = coalesce(excluded.magnitude, magnitude)",
                [(i, r, s, sev, now, now, m) for i, r, s, sev, m in items],
            )

    # -- sync state --------------------------------------------------------------

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

    # -- files already read ----------------------------------------------------------

    def known_files(self) -> dict[str, tuple[int, int]]:
        """key -> (size, stamp) of every file read before, readable or not."""
        return {r[0]: (r[1], r[2]) for r in self.conn.execute("SELECT key, size, stamp FROM imported_files")}

    def remember_files(self, marks: Iterable[tuple[str, int, int, str | None]]) -> None:
        """Record (key, size, stamp, problem) for files just read."""
        now = _now()
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO imported_files (key, size, stamp, problem, imported_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET size = excluded.size, stamp = excluded.stamp, "
                "problem = excluded.problem, imported_at = excluded.imported_at",
                [(k, size, stamp, problem, now) for k, size, stamp, problem in marks])

    # -- helpers -------------------------------------------------------------------

    def _existing(self, table: str, columns: Sequence[str], ids: list[Any]) -> dict[Any, sqlite3.Row]:
        found: dict[Any, sqlite3.Row] = {}
        cols = ", ".join(columns)
        # SQLite caps the number of bound parameters, so look ids up in chunks.
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            for row in self.conn.execute(f"SELECT {cols} FROM {table} WHERE id IN ({marks})", chunk):
                found[row["id"]] = row
        return found


def _is_permission_problem(exc: BaseException) -> bool:
    """Whether opening for writing failed only because the user may not write there."""
    if isinstance(exc, PermissionError):
        return True
    text = str(exc).lower()
    return "readonly" in text or "read-only" in text or "unable to open database file" in text


def _why_read_only(path: Path, exc: BaseException) -> str:
    if not os.access(path.parent, os.W_OK):
        return f"this user may not write in {path.parent}"
    if not os.access(path, os.W_OK):
        return f"this user may not write {path.name}"
    return str(exc)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _activity_row(row: dict[str, Any]) -> dict[str, Any]:
    out = {c: row.get(c) for c in ACTIVITY_COLUMNS}
    missing = [c for c in ("id", "sport_type", "start_utc", "start_local", "source") if out[c] in (None, "")]
    if missing:
        raise LoadguardError(f"activity {row.get('id')!r} lacks {', '.join(missing)}")
    out["id"] = int(out["id"])
    out["distance_m"] = float(out["distance_m"] or 0.0)
    for flag in ("trainer", "manual", "deleted"):
        out[flag] = int(bool(out[flag]))
    return out


def _gear_row(row: dict[str, Any]) -> dict[str, Any]:
    out = {c: row.get(c) for c in GEAR_COLUMNS}
    if not out["id"] or not out["name"] or not out["source"]:
        raise LoadguardError(f"gear {row.get('id')!r} lacks an id, name or source")
    out["kind"] = out["kind"] or "shoe"
    for flag in ("retired", "is_primary"):
        out[flag] = int(bool(out[flag]))
    return out
