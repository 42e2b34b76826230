"""Opening the store: creating or migrating it, the read-only fallback, and transactions.

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
from typing import Any, Iterator, Self, Sequence

from loadguard.errors import LoadguardError
from loadguard.store import schema

SQLITE_MAGIC = b"SQLite format 3\x00"


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class StoreConnection:
    """One open store; the table families (activities, gear, …) build on it."""

    def __init__(self, path: Path, conn: sqlite3.Connection, read_only: str | None = None):
        self.path = path
        self.conn = conn
        # Why this store could only be opened for reading (None: it can be written).
        self.read_only = read_only

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> Self:
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
    def _open_writable(cls, path: Path) -> Self:
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
    def _open_read_only(cls, path: Path, why: str) -> Self:
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
        # looked up in schema.py at each call, so a store built from a shortened list
        # (as the tests of old stores do) is migrated by this same code
        migrations, schema_version = schema.MIGRATIONS, schema.SCHEMA_VERSION
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version < schema_version and self.read_only:
            raise LoadguardError(f"{self.path} needs an upgrade by this loadguard, but cannot be written "
                                 f"({self.read_only})")
        if version > schema_version:
            raise LoadguardError(
                f"{self.path} was written by a newer loadguard (schema {version}, "
                f"this one knows {schema_version}); upgrade loadguard"
            )
        if version == 0:
            tables = self.conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
            if tables:
                raise LoadguardError(f"{self.path} is an SQLite database, but not a loadguard store")
        while version < schema_version:
            with self.transaction():
                for statement in _statements(migrations[version]):
                    self.conn.execute(statement)
                version += 1
                self.conn.execute(f"PRAGMA user_version = {version}")

    def discard(self) -> None:
        """Close the store and delete its files: for a store the failed command itself
        created, so that a refused import leaves no trace."""
        self.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
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
