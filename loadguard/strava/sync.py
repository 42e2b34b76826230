"""The sync engine: pages of activities into the store, then shoes, then deletions.

It knows nothing of HTTP or stravalib; it talks to a `Client` (the Strava
adapter in `loadguard.strava.api`, or a fake in tests). What it guarantees:

- Each page is committed, together with the checkpoint saying how far the run
  got, in one transaction. A run stopped by a rate limit, a dead network or
  SIGKILL leaves the store consistent, and the next run resumes from the
  checkpoint: no gap, and no duplicate (activities are keyed by Strava's id).
- Activities are requested with `after` (oldest first), from the newest stored
  start minus an overlap window, so edits made on Strava inside the window are
  picked up, and stored activities in the window that Strava no longer returns
  are marked deleted once the whole window has been read.
- A run that read its whole window but stopped in the gear step is not
  resumed as such: its deletions are applied and a fresh window is read, so a
  gear step that keeps failing can never hold back new activities. A fault
  that concerns one piece of gear only (`ItemFault`) skips that gear and the
  run carries on.
- Each activity row is checked (`sources.validate`) before it is stored; one
  whose values cannot be true is skipped and named in the summary, so it can
  never stop this or any later sync.
- A run ends: at an overall deadline (`[sync] max_seconds`, enforced by the
  source on every read as well), and when a page brings no activity not seen
  on an earlier page (a server repeating itself). The ids seen are saved once
  per page under their own key, so the checkpoint stays a few bytes and no
  list grows and is rewritten page after page.
- One sync at a time: an fcntl lock on a file in the home, which the kernel
  releases when the process dies, so a killed sync never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol

from loadguard.config import DEFAULTS
from loadguard.errors import LoadguardError
from loadguard.safe_open import kind_of
from loadguard.shoe_keys import display_name
from loadguard.sources import API_SOURCE as SOURCE
from loadguard.sources import validate
from loadguard.store import Store
from loadguard.strava.faults import BadResponse, Deadline, Interrupted, ItemFault, RemoteStop

LOCK_FILE = "sync.lock"
CHECKPOINT_KEY = "strava.sync.checkpoint"
# The ids one page brought, under this prefix plus the page number.
SEEN_KEY = "strava.sync.seen."
# Gear ids Strava answered 404 for: asking again every hour would only burn requests.
MISSING_GEAR_KEY = "strava.sync.missing_gear"
# Of those, the ones a printed sync summary has named: the runner is told once.
TOLD_MISSING_KEY = "strava.sync.missing_gear_told"
# Runs whose notes were read with a detail call (one request each), so each is asked once.
NOTES_READ_KEY = "strava.sync.notes_read"
SETTINGS = DEFAULTS["sync"]   # config.toml's [sync] defaults: what `run` does when not told


class Client(Protocol):
    page_size: int

    def activities_page(self, after: int, page: int) -> list[dict[str, Any]]:
        """Store-ready activity rows started after `after` (epoch s), oldest first."""

    def athlete_shoes(self) -> list[dict[str, Any]] | None:
        """Store-ready rows of the shoes Strava lists for the athlete (None: not visible)."""

    def gear(self, gear_id: str) -> dict[str, Any] | None:
        """Store-ready row of one piece of gear with brand and model, None if unknown.

        Raises ItemFault for a failure of this gear alone; anything that stops
        every request (rate limit, outage, refused access) raises as usual.
        """

    def check_budget(self) -> None:
        """Raise RemoteStop when the next request would break the rate limit."""

    # Optional: `activity_notes(activity_id) -> {"description", "private_note"} | None`
    # (None: the activity is gone), raising ItemFault for a failure of that one.


@dataclass
class SyncResult:
    new: int = 0
    updated: int = 0
    deleted: int = 0
    shoes: int = 0
    new_shoes: int = 0
    pages: int = 0
    resumed: bool = False
    unread: list[str] = field(default_factory=list)  # why a piece of gear was skipped
    undescribed: list[str] = field(default_factory=list)  # gear Strava does not know, not yet told
    skipped: validate.Skips = field(default_factory=validate.Skips)
    repeated_page: int | None = None  # a page that brought nothing new, where reading stopped

    def summary(self) -> str:
        shoes = f"{self.shoes} shoe{'s' if self.shoes != 1 else ''}"
        if self.new_shoes:
            shoes += f" ({self.new_shoes} new)"
        resumed = " (resumed an interrupted sync)" if self.resumed else ""
        unread = "".join(f"; not read this time: {why}" for why in self.unread)
        skipped = self.skipped.summary(" (fix or delete on Strava)")
        return (f"synced from Strava: {self.new} new, {self.updated} updated, "
                f"{self.deleted} deleted activities; {shoes}{resumed}{skipped}{self._repeated()}{unread}"
                f"{self._undescribed()}")

    def _repeated(self) -> str:
        if self.repeated_page is None:
            return ""
        return (f"; Strava sent page {self.repeated_page} of the activity list with nothing new, "
                "so reading stopped there and no deletions were applied")

    def _undescribed(self) -> str:
        if not self.undescribed:
            return ""
        shown = repr(display_name(self.undescribed[0])) if len(self.undescribed) == 1 else \
            f"each as {display_name('NNNN')!r} by its id's last digits"
        return f"; Strava does not describe gear {', '.join(self.undescribed)}: its runs still count, shown {shown}"


Progress = Callable[[str, int], None]


def _no_progress(stage: str, count: int) -> None:
    pass


# -- the lock ------------------------------------------------------------------------


@contextmanager
def lock(home: Path) -> Iterator[None]:
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LoadguardError(f"cannot write {home}: {exc.strerror or exc}") from None
    path = home / LOCK_FILE
    try:
        # Non-blocking to open, and only a regular file kept: a FIFO put there must not hang sync.
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK, 0o600)
    except OSError as exc:
        raise LoadguardError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise LoadguardError(f"{path}: it is {kind_of(mode)}, not the sync lock file; remove it")
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


def run(store: Store, source: Client, *, running_types: list[str] | tuple[str, ...],
        overlap_days: int = SETTINGS["overlap_days"], full: bool = False, progress: Progress = _no_progress,
        deadline: Deadline | None = None, notes_days: int = SETTINGS["notes_days"],
        notes_per_sync: int = SETTINGS["notes_per_sync"]) -> SyncResult:
    result = SyncResult()
    deadline = deadline or Deadline(float("inf"))
    checkpoint = _load_checkpoint(store)
    if checkpoint is not None and checkpoint["activities_done"]:
        # The last run read its whole window and stopped in the gear step. Its
        # deletions are certain already; a fresh window brings what is new since.
        with store.transaction():
            result.deleted = store.mark_deleted(_vanished(store, checkpoint))
            _clear_checkpoint(store)
        checkpoint = None
        result.resumed = True
    if checkpoint is not None and (not full or checkpoint["after"] == 0):
        # An interrupted run: carry on with the same window. A full run left
        # half done is finished even by a plain `sync`, since it covers more.
        result.resumed = True
    else:
        # Saved with the first page, so a run that fails before it changes nothing.
        checkpoint = {"after": 0 if full else _window_start(store, overlap_days),
                      "page": 0, "activities_done": False, "complete": True}
        if store.get_state(CHECKPOINT_KEY) or store.states(SEEN_KEY):
            # A fresh window: what an abandoned run saw must not count as seen in this one.
            with store.transaction():
                _clear_checkpoint(store)

    try:
        _fetch_activities(store, source, checkpoint, result, progress, deadline)
        deadline.check()
        source.check_budget()
        _fetch_gear(store, source, running_types, result, progress, deadline)
    except RemoteStop as stop:
        raise RemoteStop(f"{stop}; {_kept(result)}") from None
    except BadResponse as bad:
        raise BadResponse(f"{bad}; {_kept(result)}") from None
    except KeyboardInterrupt:
        # A page is stored with its checkpoint in one transaction, so a stop between
        # or inside them leaves whole pages only, and the next sync resumes.
        raise Interrupted(f"sync interrupted; {_kept(result)}") from None

    with store.transaction():
        result.deleted += store.mark_deleted(_vanished(store, checkpoint))
        _clear_checkpoint(store)
    _fetch_notes(store, source, running_types, result, days=notes_days, budget=notes_per_sync, deadline=deadline)
    progress("done", result.new + result.updated)
    return result


def _fetch_notes(store: Store, source: Client, running_types, result: SyncResult, *, days: int,
                 budget: int, deadline: Deadline) -> None:
    """Descriptions and private notes of the newest runs, where symptoms get written down.

    Strava's activity list carries neither, so each costs a detail request: only
    runs of the last `days` days, each once, at most `budget` a sync, and never
    past the rate limit or the deadline — the notes wait for the next sync
    instead of failing this one.
    """
    read_notes = getattr(source, "activity_notes", None)
    if read_notes is None or budget <= 0 or days <= 0:
        return
    since = datetime.now(timezone.utc).timestamp() - days * 86400
    recent = store.runs_started_after(_iso(int(since)), SOURCE, running_types)
    done = _id_set(store, NOTES_READ_KEY)
    for activity_id in [i for i in recent if i not in done][:budget]:
        try:
            deadline.check()
            source.check_budget()
            notes = read_notes(activity_id)
        except RemoteStop:  # the rate limit, an outage or the deadline (OutOfTime)
            return
        except ItemFault as fault:
            result.unread.append(str(fault))
            continue
        with store.transaction():
            if notes is not None:
                store.set_notes(activity_id, notes["description"], notes["private_note"])
            done.add(activity_id)
            # only ids still in the window are kept, so the list stays short
            _put_id_set(store, NOTES_READ_KEY, done & set(recent))


def _kept(result: SyncResult) -> str:
    """What a stopped run leaves behind, said as it is."""
    if not (result.pages or result.deleted):
        return "the store is as it was"
    return (f"what was fetched is kept ({result.new} new and {result.updated} updated activities), "
            "the next sync carries on from there")


def _window_start(store: Store, overlap_days: int) -> int:
    """Epoch seconds to ask from: the newest stored start minus the overlap; 0 for an empty store."""
    newest = store.newest_start()
    if newest is None:
        return 0
    start = _epoch(newest) - int(overlap_days * 86400)
    return max(start, 0)


def _fetch_activities(store: Store, source: Client, checkpoint: dict[str, Any],
                      result: SyncResult, progress: Progress, deadline: Deadline) -> None:
    # A resumed run reads its last committed page again: if an activity was
    # deleted on Strava meanwhile, everything after it moved one place up, and
    # re-reading that page is what keeps the first of them from falling in a gap.
    page = max(checkpoint["page"], 1)
    pages = _seen_pages(store) or {}
    earlier = set().union(*(ids for number, ids in pages.items() if number < page))
    latest = None  # the latest start the pages read so far brought
    while True:
        deadline.check()
        source.check_budget()
        rows = source.activities_page(checkpoint["after"], page)
        ids = {r["id"] for r in rows}
        # Only a server repeating itself sends a page with nothing beyond earlier pages:
        # a deletion on Strava shifts one activity back a page, never a whole page.
        repeated = page > 1 and bool(rows) and ids <= earlier
        good = []
        for row in rows:
            reason = validate.problem(row)
            if reason is None:
                good.append(row)
                continue
            result.skipped.add(validate.Skipped(row["id"], reason))
        if not repeated:
            latest = _moves_forward(good, checkpoint["after"], latest, page)
        with store.transaction():
            new, updated = store.upsert_activities(good)
            store.fold_file_copies()  # a run first imported from its file becomes this Strava row
            store.set_state(f"{SEEN_KEY}{page}", json.dumps(sorted(r["id"] for r in good)))
            checkpoint["page"] = page
            checkpoint["activities_done"] = len(rows) < source.page_size or repeated
            if repeated:
                checkpoint["complete"] = False
            _save_checkpoint(store, checkpoint)
        result.new += new
        result.updated += updated
        result.pages += 1
        earlier |= ids
        progress("activities", len(earlier))
        if repeated:
            result.repeated_page = page
        if checkpoint["activities_done"]:
            return
        page += 1


def _moves_forward(rows: list[dict[str, Any]], after: int, latest: str | None, page: int) -> str | None:
    """The latest start of `rows`, once they are known to move the list forward in time.

    Pages asked `after` a moment come oldest first, so each starts past that moment
    and ends later than the page before. One that does not is a broken answer (a
    server paging for ever through the same days), refused before it is stored.
    """
    if not rows:
        return latest
    starts = [row["start_utc"] for row in rows]
    newest = max(starts)
    if (after and min(starts) < _iso(after)) or (latest is not None and newest <= latest):
        raise BadResponse(f"Strava sent page {page} of the activity list with activities no later than "
                          "those before it, which is not how the list moves; reading stopped there")
    return newest


def _fetch_gear(store: Store, source: Client, running_types, result: SyncResult, progress: Progress,
               deadline: Deadline) -> None:
    known = store.gear_rows()
    missing = _id_set(store, MISSING_GEAR_KEY)

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
    referenced = store.gear_used(SOURCE, running_types)
    wanted = [gid for gid in listed_rows if gid not in known]
    wanted += [gid for gid in referenced
               if gid not in known and gid not in listed_rows and gid not in missing]
    for gid in wanted:
        deadline.check()
        source.check_budget()
        try:
            detail = source.gear(gid)
        except ItemFault as fault:
            # Not remembered, unlike a 404: the fault may be Strava's passing
            # trouble, and asking again next run costs one request. A listed
            # shoe is stored from the list now and so is not asked again.
            kept = " (kept from the athlete's shoe list, without brand and model)" if gid in listed_rows else ""
            result.unread.append(f"{fault}{kept}")
            detail = None
        else:
            if detail is None:
                missing.add(gid)
                _put_id_set(store, MISSING_GEAR_KEY, missing)
        if detail is None:
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
    stored = store.gear_rows()
    result.undescribed = _untold(store, {gid for gid in missing if gid not in stored})


def _untold(store: Store, missing: set[str]) -> list[str]:
    told = _id_set(store, TOLD_MISSING_KEY)
    return sorted(missing - told)


def mark_told(store: Store, gear_ids: list[str]) -> None:
    """Record that a printed summary named these gear ids, so the next one does not."""
    if gear_ids:
        told = _id_set(store, TOLD_MISSING_KEY)
        with store.transaction():
            _put_id_set(store, TOLD_MISSING_KEY, told | set(gear_ids))


def _vanished(store: Store, checkpoint: dict[str, Any]) -> list[int]:
    """Stored API activities inside the window just read that Strava did not return.

    Nothing when the list was not read to its real end, or what was seen cannot be
    read back: absence then proves nothing.
    """
    pages = _seen_pages(store)
    if not checkpoint["complete"] or pages is None:
        return []
    seen = set().union(*pages.values())
    return [i for i in store.ids_started_after(_iso(checkpoint["after"]), SOURCE) if i not in seen]


# -- checkpoint ----------------------------------------------------------------------------


def _load_checkpoint(store: Store) -> dict[str, Any] | None:
    raw = store.get_state(CHECKPOINT_KEY)
    if not raw:
        return None
    try:
        data = json.loads(raw)
        if "seen" in data:
            return None  # written by an older loadguard, which kept the ids inside: start afresh
        checkpoint = {"after": int(data["after"]), "page": int(data["page"]),
                      "activities_done": bool(data["activities_done"]), "complete": bool(data.get("complete", True))}
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # unreadable bookkeeping: start a fresh window, which is always safe
    return checkpoint


def _seen_pages(store: Store) -> dict[int, set[int]] | None:
    """The ids each page of the current run brought, by page number; None if any is unreadable."""
    pages: dict[int, set[int]] = {}
    for key, value in store.states(SEEN_KEY).items():
        try:
            pages[int(key[len(SEEN_KEY):])] = {int(i) for i in json.loads(value or "[]")}
        except (ValueError, TypeError):
            return None
    return pages


def _id_set(store: Store, key: str) -> set:
    """The ids kept under `key` as a JSON list (activity ids or gear ids)."""
    return set(json.loads(store.get_state(key) or "[]"))


def _put_id_set(store: Store, key: str, ids: set) -> None:
    store.set_state(key, json.dumps(sorted(ids)))


def _clear_checkpoint(store: Store) -> None:
    store.set_state(CHECKPOINT_KEY, None)
    store.delete_states(SEEN_KEY)


def _save_checkpoint(store: Store, checkpoint: dict[str, Any]) -> None:
    store.set_state(CHECKPOINT_KEY, json.dumps(checkpoint, separators=(",", ":")))


def _epoch(utc: str) -> int:
    return int(datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
