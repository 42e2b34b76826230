"""Finding activity files in a path and reading their bytes, within limits.

A watch folder or a zip may hold anything: only regular files are read (a FIFO
would block the import forever, a device file never ends), symlinked folders are
not followed (they can loop), and no file is inflated past MAX_FILE_BYTES, so a
gzip or zip bomb costs at most that much memory. The opening and capping is
loadguard.safe_open's, as for exports.
"""

from __future__ import annotations

import functools
import gzip
import io
import os
import posixpath
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from loadguard.errors import LoadguardError
from loadguard.safe_open import MIB, TooLarge, capped, open_regular_file, open_zip_member

# For one activity file, far above any real recording (a 24-hour FIT file at 1 s
# is ~5 MB, its GPX ~30 MB), and far below the export's own cap (safe_open).
MAX_FILE_BYTES = 64 * MIB
GZIP_MAGIC = b"\x1f\x8b"
ACTIVITY_SUFFIXES = (".fit", ".gpx", ".tcx")
ZIP_SEPARATOR = "::"


class Unreadable(Exception):
    """This one file cannot be read; the message is the reason, in a few words."""


@dataclass(frozen=True)
class FileJob:
    key: str             # how the store remembers it: absolute path, or ZIP::member
    label: str           # how messages name it
    size: int
    stamp: int           # mtime in ns, or the zip member's CRC-32
    path: str            # the file, or the zip holding it
    member: str | None = None
    regular: bool = True  # False for FIFOs, sockets and devices: never opened


def is_activity_name(name: str) -> bool:
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return lower.endswith(ACTIVITY_SUFFIXES)


def in_folder(folder: Path) -> tuple[list[FileJob], list[FileJob]]:
    """(activity files, other entries) under `folder`, recursively, sorted by path."""
    wanted, other = [], []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            if name.startswith("."):
                continue  # editor and OS leftovers (.DS_Store, ._run.fit)
            path = Path(root) / name
            job = file_job(path)
            (wanted if is_activity_name(name) else other).append(job)
    return wanted, other


def folder_for_files(folder: Path) -> bool:
    """Whether `folder` holds an activity file, or no file at all (an emptied watch folder).

    A folder of other files only is left to the export reader, whose error names
    what is missing, rather than getting a line for every file in it.
    """
    empty = True
    for _root, _dirs, names in os.walk(folder):
        names = [n for n in names if not n.startswith(".")]
        if any(is_activity_name(n) for n in names):
            return True
        empty = empty and not names
    return empty


def file_job(path: Path) -> FileJob:
    key, label = _text(path.absolute()), _text(path)
    try:
        info = path.stat()
    except OSError:
        return FileJob(key, label, -1, -1, str(path))  # e.g. a dangling symlink
    return FileJob(key, label, info.st_size, info.st_mtime_ns, str(path), regular=stat.S_ISREG(info.st_mode))


def _text(path: Path) -> str:
    """A path as text that can be stored and printed: a name that is not UTF-8 (latin-1
    from an old card) keeps its odd bytes as `\\xe9`, the same on every run."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def in_zip(path: Path) -> tuple[list[FileJob], list[FileJob]]:
    """(activity members, other members) of a zip, raising Unreadable for a broken zip."""
    wanted, other = [], []
    # Plain string work per member: pathlib objects for 20,000 members cost seconds.
    key, label = f"{path.absolute()}{ZIP_SEPARATOR}", f"{path}:"
    try:
        for info in _archive(str(path)).infolist():
            if info.is_dir() or posixpath.basename(info.filename).startswith("."):
                continue
            job = FileJob(key + info.filename, label + info.filename, info.file_size, info.CRC, str(path),
                          info.filename)
            (wanted if is_activity_name(info.filename) else other).append(job)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise Unreadable(f"cannot read the zip: {exc}") from None
    return wanted, other


@functools.lru_cache(maxsize=1)
def _open_archive(path: str, size: int, mtime_ns: int) -> zipfile.ZipFile:
    return zipfile.ZipFile(path)


def _archive(path: str) -> zipfile.ZipFile:
    """The zip at `path`, opened once for all its members: opening it per member reads
    its whole directory each time, and 20,000 tiny members made that hours."""
    info = os.stat(path)
    return _open_archive(path, info.st_size, info.st_mtime_ns)


def read_bytes(job: FileJob) -> bytes:
    """The file's content, gunzipped when it is gzip, never more than MAX_FILE_BYTES."""
    if not job.regular:
        raise Unreadable("not a regular file")
    if job.size < 0:
        raise Unreadable("cannot read it")
    try:
        if job.member is None:
            with open_regular_file(job.path) as raw, capped(raw, MAX_FILE_BYTES, job.label) as fh:
                data = fh.read()
        else:
            with open_zip_member(_archive(job.path), job.member, MAX_FILE_BYTES, job.label) as fh:
                data = fh.read()
        if data[:2] == GZIP_MAGIC:
            # Inflated through the same cap, so a bomb stops there rather than after filling memory.
            with capped(gzip.GzipFile(fileobj=io.BytesIO(data)), MAX_FILE_BYTES, job.label) as fh:
                data = fh.read()
    except TooLarge:
        raise Unreadable(f"inflates to more than {MAX_FILE_BYTES // MIB} MiB") from None
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise Unreadable(f"broken gzip data ({exc or 'it ends too soon'})") from None
    except LoadguardError as exc:  # a path swapped for a FIFO after the walk, or unreadable
        raise Unreadable(str(exc)) from None
    except (OSError, zipfile.BadZipFile, KeyError, NotImplementedError, RuntimeError) as exc:
        raise Unreadable(f"cannot read it: {getattr(exc, 'strerror', None) or exc}") from None
    return data
