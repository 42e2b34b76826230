"""Where activities come from: sources found through the `loadguard.sources` entry-point group.

Built-ins: `strava` (the API, pulled by `loadguard sync`), `files` (FIT, GPX and
TCX files) and `strava-export` (the bulk export, which takes whatever no other
source claims, so its errors explain a wrong path). `loadguard import PATH` hands
PATH to the first source that claims it. A source reads and validates; only the
import engine (loadguard.importer) writes to the store, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Callable, Iterable, Mapping, Protocol, runtime_checkable

from loadguard import plugins
from loadguard.errors import LoadguardError
from loadguard.progress import Progress

ENTRY_POINT_GROUP = "loadguard.sources"
# The `source` of rows synced from Strava's API: the fresher word, never overwritten by an import.
API_SOURCE = "strava"
# Sources shipped with loadguard; any other claims a path first, so a plugin can
# take over a format.
BUILTIN = (API_SOURCE, "files", "strava-export")


@dataclass(frozen=True)
class FileSeen:
    """A file a source read (or failed to read): remembered so an unchanged one is skipped next time."""

    key: str                    # absolute path, or 'ZIP::member'
    size: int
    stamp: int                  # mtime in ns, or a zip member's CRC-32
    problem: str | None = None  # the one line said about it, None when it was read


@dataclass
class ImportContext:
    """What a source may need to know from loadguard while it reads."""

    zone: tzinfo | None                                 # for local times of files that give only UTC
    running_types: tuple[str, ...]
    known_files: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # key -> (size, stamp)
    known_gear: Mapping[str, str] = field(default_factory=dict)  # gear_key(name) -> id, gear not from this source
    # Counts files as they are read, on a terminal only (`start(total, unit)`, `advance()`).
    progress: Progress = field(default_factory=Progress.off)

    def is_new(self, key: str, size: int, stamp: int) -> bool:
        return self.known_files.get(key) != (size, stamp)


@dataclass
class Batch:
    """What a source yields for one path.

    activities: store rows (a list, or an iterable read while the rows are written) — id, sport_type, start_utc ('YYYY-MM-DDTHH:MM:SSZ'),
      start_local (wall clock, no zone), source, and optionally name, distance_m,
      moving_s, elapsed_s, elev_gain_m, gear_id, avg_cadence, trainer, manual, and
      from a recorded track cadence_spm and steep_share (0-1). Ids are Strava's
      when the source knows them; runs known only from a file take a negative id
      (see loadguard.sources.files.activity_id), so they never collide.
    gear: gear rows (id, name, kind 'shoe' or 'bike', …) when the source knows any;
      a row flagged `adopted` is already in the store under that id and is not written.
    """

    activities: Iterable[dict] = field(default_factory=list)  # a list, or rows streamed while written
    gear: list[dict] = field(default_factory=list)
    files: list[FileSeen] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line each; the rest was read
    replaced_gear: list[str] = field(default_factory=list)  # this source's gear ids now stored under another id
    skipped: int = 0                                   # files skipped as seen before
    ignored: int = 0                                   # new files plainly not activities (README.md, settings.fit)
    note: str = ""                                     # added to the summary line, e.g. rows left out
    # Called once `activities` have all been read, inside the import's transaction: a
    # source that checks its rows as they stream sets gear, replaced_gear and note here.
    finish: Callable[[Batch], None] | None = None


@runtime_checkable
class Source(Protocol):
    """What a source plugin provides: a name (stored as each row's `source`), and for
    `loadguard import` whether it reads a path and the Batch it reads from it."""

    name: str

    def claims(self, path: Path) -> bool: ...

    def read(self, path: Path, context: ImportContext) -> Batch: ...


def load_sources() -> list[Source]:
    """Every installed source, plugins first, then the built-ins in BUILTIN order."""
    found = plugins.load(ENTRY_POINT_GROUP, "source", Source, "name", "name", "name, claims() or read()")
    if not all(name in found for name in BUILTIN):
        raise LoadguardError(
            "the built-in sources are not installed (the loadguard.sources entry points are missing); "
            "reinstall loadguard")
    others = sorted(n for n in found if n not in BUILTIN)
    return [found[n] for n in others] + [found[n] for n in BUILTIN]


def source_named(name: str) -> Source:
    for source in load_sources():
        if source.name == name:
            return source
    raise LoadguardError(f"no source named {name!r} is installed")


def source_for(path: Path) -> Source:
    """The first source that claims `path`."""
    if not path.exists():
        raise LoadguardError(f"cannot read {path}: no such file or folder")
    sources = load_sources()
    for source in sources:
        if source.claims(path):
            return source
    raise LoadguardError(
        f"{path}: no source reads this (expected a Strava export, a FIT, GPX or TCX file, "
        "or a folder or zip of them)")
