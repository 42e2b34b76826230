"""The sync engine: pages of activities into the store, then shoes, then deletions.

It knows nothing of HTTP or stravalib; it talks to a `Source` (the Strava
adapter in `loadguard.sources.strava`, or a fake in tests). What it guarantees:

- Each page is committed, together with the checkpoint saying how far the run
  got, in one transaction. A run stopped by a rate limit, a dead network or
  SIGKILL leaves the store consistent, and the next run resumes from the
  checkpoint: no gap, and no duplicate (activities are keyed by Strava's id).
- Activities are requested with `after` (oldest first), from the newest stored
  start minus an overlap window, so edits made on Strava inside the window are
  picked up, and stored activities in the window that Strava no longer returns
  are marked deleted once the whole window has been read.
- One sync at a time: an fcntl lock on a file in the home, which the kernel
  releases when the process dies, so a killed sync never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol

from loadguard.errors import LoadguardError
from loadguard.store import GEAR_COLUMNS, Store

LOCK_FILE = "sync.lock"
CHECKPOINT_KEY = "strava.sync.checkpoint"
LAST_SYNC_KEY = "strava.sync.last_success"
# Gear ids Strava answered 404 for: asking again every hour would only burn requests.
MISSING_GEAR_KEY = "strava.sync.missing_gear"
SOURCE = "strava"


class RemoteStop(LoadguardError):
    """Strava stopped answering usefully (rate limit, outage); what was fetched is kept."""


class BadResponse(LoadguardError):
    """Strava answered with something loadguard cannot read; nothing of it is stored."""


class Source(Protocol):
    page_size: int

    def activities_page(self, after: int, page: int) -> list[dict[str, Any]]:
        """Store-ready activity rows started after `after` (epoch s), oldest first."""

    def athlete_shoes(self) -> list[dict[str, Any]] | None:
        """Store-ready rows of the shoes Strava lists for the athlete (None: not visible)."""

    def gear(self, gear_id: str) -> dict[str, Any] | None:
        """Store-ready row of one piece of gear with brand and model, None if unknown."""

    def check_budget(self) -> None:
        """Raise RemoteStop when the next request would break the rate limit."""


@dataclass
class SyncResult:
    new: int = 0
    updated: int = 0
    deleted: int = 0
    shoes: int = 0
    new_shoes: int = 0
    pages: int = 0
    resumed: bool = False

    def summary(self) -> str:
        shoes = f"{self.shoes} shoe{'s' if self.shoes != 1 else ''}"
        if self.new_shoes:
            shoes += f" ({self.new_shoes} new)"
        resumed = " (resumed an interrupted sync)" if self.resumed else ""
        return (f"synced from Strava: {self.new} new, {self.updated} updated, "
                f"{self.deleted} deleted activities; {shoes}{resumed}")


Progress = Callable[[str, int], None]


def _no_progress(stage: str, count: int) -> None:
    pass


# -- the lock ------------------------------------------------------------------------


@contextmanager
def lock(home: Path) -> Iterator[None]:
    home.mkdir(parents=True, exist_ok=True)
    path = home / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LoadguardError(
                "another `loadguard sync` is running on this home; nothing was changed, try again later"
            ) from None
        yield
    finally:
        os.close(fd)  # closing drops the lock


# -- the run ---------------------------------------------------------------------------


def run(store: Store, source: Source, *, overlap_days: int = 30, full: bool = False,
        running_types: list[str] | tuple[str, ...] = ("Run", "TrailRun", "VirtualRun"),
        progress: Progress = _no_progress) -> SyncResult:
    result = SyncResult()
    checkpoint = _load_checkpoint(store)
    if checkpoint is not None and (not full or checkpoint["after"] == 0):
        # An interrupted run: carry on with the same window. A full run left
        # half done is finished even by a plain `sync`, since it covers more.
        result.resumed = True
    else:
        # Saved with the first page, so a run that fails before it changes nothing.
        checkpoint = {"after": 0 if full else _window_start(store, overlap_days),
                      "page": 0, "seen": [], "activities_done": False}

    try:
        _fetch_activities(store, source, checkpoint, result, progress)
        source.check_budget()
        _fetch_gear(store, source, running_types, result, progress)
    except RemoteStop as stop:
        raise RemoteStop(f"{stop}; {_kept(result)}, the next sync resumes from there") from None
    except BadResponse as bad:
        raise BadResponse(f"{bad}; {_kept(result)}") from None

    with store.transaction():
        result.deleted = store.mark_deleted(_vanished(store, checkpoint))
        store.set_state(CHECKPOINT_KEY, None)
        store.set_state(LAST_SYNC_KEY, datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    progress("done", result.new + result.updated)
    return result


def _kept(result: SyncResult) -> str:
    if result.new or result.updated:
        return f"{result.new} new and {result.updated} updated activities from this run are saved"
    return "the store is as it was"


def _window_start(store: Store, overlap_days: int) -> int:
    """Epoch seconds to ask from: the newest stored start minus the overlap; 0 for an empty store."""
    newest = store.conn.execute("SELECT max(start_utc) FROM activities WHERE deleted = 0").fetchone()[0]
    if newest is None:
        return 0
    start = _epoch(newest) - int(overlap_days * 86400)
    return max(start, 0)


def _fetch_activities(store: Store, source: Source, checkpoint: dict[str, Any],
                      result: SyncResult, progress: Progress) -> None:
    if checkpoint["activities_done"]:
        return
    # A resumed run reads its last committed page again: if an activity was
    # deleted on Strava meanwhile, everything after it moved one place up, and
    # re-reading that page is what keeps the first of them from falling in a gap.
    page = max(checkpoint["page"], 1)
    seen = set(checkpoint["seen"])
    while True:
        source.check_budget()
        rows = source.activities_page(checkpoint["after"], page)
        with store.transaction():
            new, updated = store.upsert_activities(rows)
            seen.update(int(r["id"]) for r in rows)
            checkpoint["page"] = page
            checkpoint["seen"] = sorted(seen)
            checkpoint["activities_done"] = len(rows) < source.page_size
            _save_checkpoint(store, checkpoint)
        result.new += new
        result.updated += updated
        result.pages += 1
        progress("activities", len(seen))
        if checkpoint["activities_done"]:
            return
        page += 1


def _fetch_gear(store: Store, source: Source, running_types, result: SyncResult, progress: Progress) -> None:
    cols = ", ".join(GEAR_COLUMNS)
    known = {row["id"]: dict(row) for row in store.conn.execute(f"SELECT {cols} FROM gear")}
    missing = set(json.loads(store.get_state(MISSING_GEAR_KEY) or "[]"))

    listed = source.athlete_shoes()
    listed_rows = {row["id"]: row for row in listed or ()}
    refreshed = []
    for gid, row in listed_rows.items():
        old = known.get(gid)
        if old is not None:
            # Brand and model come only from the gear endpoint, asked once per shoe.
            refreshed.append({**row, "brand": old["brand"], "model": old["model"]})
    if listed is not None:
        # Strava lists only active shoes: one that left the list was retired
        # (or deleted) on Strava, and must stop counting as in use.
        refreshed += [{**old, "retired": True} for gid, old in known.items()
                      if gid not in listed_rows and old["source"] == SOURCE and not old["retired"]]
    store.upsert_gear(refreshed)
    result.shoes = len(refreshed)

    # New shoes: those listed that we never stored, and those only activities
    # mention (retired shoes are not listed, but their runs still count).
    marks = ", ".join("?" for _ in running_types)
    referenced = [r[0] for r in store.conn.execute(
        f"SELECT DISTINCT gear_id FROM activities WHERE deleted = 0 AND gear_id IS NOT NULL "
        f"AND source = ? AND sport_type IN ({marks}) ORDER BY gear_id", (SOURCE, *running_types))]
    wanted = [gid for gid in listed_rows if gid not in known]
    wanted += [gid for gid in referenced
               if gid not in known and gid not in listed_rows and gid not in missing]
    for gid in wanted:
        source.check_budget()
        detail = source.gear(gid)
        if detail is None:
            missing.add(gid)
            store.set_state(MISSING_GEAR_KEY, json.dumps(sorted(missing)))
            if gid not in listed_rows:
                continue
            detail = listed_rows[gid]  # a listed shoe is kept, only without brand and model
        row = detail
        if gid in listed_rows:
            # The athlete list is the fresher word on distance and flags.
            row = {**detail, **{k: v for k, v in listed_rows[gid].items() if k not in ("brand", "model")}}
        store.upsert_gear([row])
        result.new_shoes += 1
        result.shoes += 1
        progress("shoes", result.shoes)


def _vanished(store: Store, checkpoint: dict[str, Any]) -> list[int]:
    """Stored API activities inside the window just read that Strava did not return."""
    after = _iso(checkpoint["after"])
    seen = set(checkpoint["seen"])
    rows = store.conn.execute(
        "SELECT id FROM activities WHERE source = ? AND deleted = 0 AND start_utc > ?", (SOURCE, after))
    return [r[0] for r in rows if r[0] not in seen]


# -- checkpoint ----------------------------------------------------------------------------


def _load_checkpoint(store: Store) -> dict[str, Any] | None:
    raw = store.get_state(CHECKPOINT_KEY)
    if not raw:
        return None
    try:
        data = json.loads(raw)
        checkpoint = {"after": int(data["after"]), "page": int(data["page"]),
                      "seen": [int(i) for i in data["seen"]], "activities_done": bool(data["activities_done"])}
    except (ValueError, KeyError, TypeError):
        return None  # unreadable bookkeeping: start a fresh window, which is always safe
    return checkpoint


def _save_checkpoint(store: Store, checkpoint: dict[str, Any]) -> None:
    store.set_state(CHECKPOINT_KEY, json.dumps(checkpoint, separators=(",", ":")))


def last_success(store: Store) -> str | None:
    return store.get_state(LAST_SYNC_KEY)


def _epoch(utc: str) -> int:
    return int(datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
