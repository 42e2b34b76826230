"""The import engine: what a source read goes into the store in one transaction.

Rows synced from the Strava API are never overwritten by an import (the API is
the fresher word); runs known only from a file are merged into the same run from
Strava when both are stored (Store.fold_file_copies); every file read, readable
or not, is remembered so that an unchanged file is not read again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice

from loadguard.progress import Progress
from loadguard.sources import API_SOURCE, Batch, ImportContext, Source
from loadguard.sources.export import gear_key
from loadguard.store import Store

# Rows written per statement batch: big enough to be quick, small enough that a
# streamed export of a million activities never sits in memory.
CHUNK_ROWS = 5000


@dataclass
class ImportResult:
    source: str
    read: int = 0           # activities the source delivered
    new: int = 0
    updated: int = 0
    merged: int = 0         # file runs folded into the same run from Strava
    shoes: int = 0
    skipped: int = 0        # files seen before
    ignored: int = 0        # files plainly not activities, left alone
    problems: list[str] = field(default_factory=list)
    note: str = ""              # the source's own addition to the summary line


def context_for(store: Store | None, zone, running_types, progress: Progress | None = None) -> ImportContext:
    """What sources may know of the store (None: there is no store yet)."""
    shown = progress or Progress.off()
    if store is None:
        return ImportContext(zone=zone, running_types=tuple(running_types), progress=shown)
    known_gear = {gear_key(name): gid for gid, name in store.gear_names(API_SOURCE)}
    return ImportContext(zone=zone, running_types=tuple(running_types),
                         known_files=store.known_files(), known_gear=known_gear, progress=shown)


def write(store: Store, source: Source, batch: Batch, progress: Progress | None = None) -> ImportResult:
    """Everything a source read, in one transaction; rows go in chunks, so a source
    that streams them is never held whole (and `progress` counts them)."""
    progress = progress or Progress.off()
    progress.start(None, "activities")
    result = ImportResult(source=source.name, skipped=batch.skipped, problems=list(batch.problems),
                          note=batch.note, ignored=batch.ignored)
    file_ids: set[int] = set()
    with store.transaction():
        rows = iter(batch.activities)
        while chunk := list(islice(rows, CHUNK_ROWS)):
            for row in chunk:
                row.setdefault("source", source.name)
            new, updated = store.upsert_activities(chunk, keep_source=API_SOURCE)
            store.set_track_figures(chunk)
            result.read += len(chunk)
            progress.advance(len(chunk))
            result.new += new
            result.updated += updated
            file_ids.update(int(r["id"]) for r in chunk if int(r["id"]) < 0)
        if batch.finish is not None:
            batch.finish(batch)
        result.note = batch.note
        store.upsert_gear(g for g in batch.gear if not g.get("adopted"))
        # Gear this source stored earlier under an id it now replaced would show
        # twice; its old row goes once nothing points at it.
        store.drop_unused_gear(batch.replaced_gear, keep_source=API_SOURCE)
        merged = store.fold_file_copies()
        result.merged = len(merged)
        # A file run stored and merged in the same breath was never a new activity.
        result.new = max(result.new - len(file_ids.intersection(merged)), 0)
        store.remember_files((f.key, f.size, f.stamp, f.problem) for f in batch.files)
    result.shoes = sum(1 for g in batch.gear if g.get("kind") == "shoe")
    return result
