"""Finding a Strava bulk export's CSV files: in the zip, its unpacked folder, or beside activities.csv.

Only regular files are read (see `safe_open`), each up to MAX_FILE_BYTES once
inflated, so a device, a FIFO or a zip bomb given as the export is refused with
one line instead of filling memory or hanging.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterator

from loadguard.errors import LoadguardError
from loadguard.safe_open import MAX_FILE_BYTES, capped, kind_of, open_regular_file, open_zip_member
from loadguard.sources.csv_table import NOT_TEXT, CsvFile

ACTIVITIES_CSV = "activities.csv"
SHOES_CSV = "shoes.csv"
BIKES_CSV = "bikes.csv"

# What zipfile raises for a damaged, unsupported or locked archive; RuntimeError
# is its word for a password-protected member.
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, zlib.error,
               RuntimeError)


@dataclass
class ExportFiles:
    activities: CsvFile
    shoes: CsvFile | None = None
    bikes: CsvFile | None = None


def locate(path: Path, limit: int | None = None) -> ExportFiles:
    """The export's files at `path`, each read up to `limit` bytes (default MAX_FILE_BYTES).

    LoadguardError in one line when there are none to read.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise LoadguardError(f"cannot read {path}: no such file or folder") from None
    except OSError as exc:
        raise LoadguardError(f"cannot read {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        return _from_folder(path, limit)
    if not stat.S_ISREG(mode):
        raise LoadguardError(f"cannot read {path}: it is {kind_of(mode)}, not an export")
    with open_regular_file(path) as fh:
        is_zip = zipfile.is_zipfile(fh)
        fh.seek(0)
        # named .zip, or starting as a zip does: an archive zipfile cannot open is damaged,
        # and reading it as a CSV would only say "missing columns"
        damaged_zip = not is_zip and (path.suffix.lower() == ".zip" or fh.read(4) == b"PK\x03\x04")
    if is_zip:
        return _from_zip(path, limit)
    if damaged_zip:
        raise LoadguardError(f"{path}: the zip is damaged (cut short, or not a zip file at all); "
                             "download the export again")
    files = ExportFiles(_plain(path, limit))
    if path.name.lower() == ACTIVITIES_CSV:
        # An unpacked export's activities.csv: its gear lists sit beside it.
        files.shoes = _optional(path.parent / SHOES_CSV, limit)
        files.bikes = _optional(path.parent / BIKES_CSV, limit)
    return files


def _plain(path: Path, limit: int) -> CsvFile:
    @contextmanager
    def open_file() -> Iterator[BinaryIO]:
        with capped(open_regular_file(path), limit, str(path), binary_error=NOT_TEXT) as stream:
            yield stream

    return CsvFile(str(path), open_file)


def _optional(path: Path, limit: int) -> CsvFile | None:
    # lexists: a gear list that is there but unreadable (a FIFO, a dangling
    # link) is refused when read, not silently left out.
    return _plain(path, limit) if os.path.lexists(path) else None


def _from_folder(folder: Path, limit: int) -> ExportFiles:
    found = folder / ACTIVITIES_CSV
    if not os.path.lexists(found):
        # Unpacking a zip often adds one folder level (export_12345/activities.csv).
        try:
            nested = sorted(folder.glob(f"*/{ACTIVITIES_CSV}"))
        except OSError as exc:
            raise LoadguardError(f"cannot read {folder}: {exc.strerror or exc}") from None
        if len(nested) != 1:
            raise LoadguardError(f"{folder}: no {ACTIVITIES_CSV} in this folder; is it an unpacked Strava export?")
        found = nested[0]
    return ExportFiles(_plain(found, limit), _optional(found.parent / SHOES_CSV, limit),
                       _optional(found.parent / BIKES_CSV, limit))


@contextmanager
def _zip_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except _ZIP_ERRORS as exc:
        raise LoadguardError(f"{path}: cannot read the zip: {exc}") from None


def _from_zip(path: Path, limit: int) -> ExportFiles:
    with _zip_errors(path), open_regular_file(path) as fh, zipfile.ZipFile(fh) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
    candidates = [n for n in names if PurePosixPath(n).name.lower() == ACTIVITIES_CSV]
    if not candidates:
        raise LoadguardError(f"{path}: the zip has no {ACTIVITIES_CSV}; is it a Strava bulk export?")
    # The export's own activities.csv sits at the top (or one folder down);
    # deeper ones would be something else the runner zipped along.
    depth = min(n.count("/") for n in candidates)
    top = [n for n in candidates if n.count("/") == depth]
    if len(top) > 1:
        raise LoadguardError(f"{path}: the zip holds more than one {ACTIVITIES_CSV} ({', '.join(top)})")
    member = top[0]
    folder = str(PurePosixPath(member).parent)
    prefix = "" if folder == "." else folder + "/"

    def entry(name: str) -> CsvFile:
        label = f"{path}:{name}"

        @contextmanager
        def open_member() -> Iterator[BinaryIO]:
            # Errors of the inflating stream surface while the CSV is read, inside this block.
            with _zip_errors(path), open_regular_file(path) as fh, zipfile.ZipFile(fh) as archive, \
                    open_zip_member(archive, name, limit, label, binary_error=NOT_TEXT) as stream:
                yield stream

        return CsvFile(label, open_member)

    def sibling(filename: str) -> CsvFile | None:
        match = [n for n in names if n.lower() == (prefix + filename).lower()]
        return entry(match[0]) if match else None

    return ExportFiles(entry(member), sibling(SHOES_CSV), sibling(BIKES_CSV))
