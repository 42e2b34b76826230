"""Opening files a user hands to an importer, without trusting what they are.

A path given to `loadguard import` may name a device (`/dev/zero` never ends),
a FIFO (opening one with no writer blocks for ever), or a zip whose members
inflate to gigabytes. Everything here refuses those with one clear line
(LoadguardError) before memory or time runs out:

- `open_regular_file` opens without blocking and refuses anything that is not a
  regular file; it checks the opened descriptor, so a path swapped between a
  check and the open cannot slip through.
- `capped` wraps a binary stream so that reading more than a cap refuses the
  file instead of filling memory; zip members are checked against the cap by
  their declared size first (`open_zip_member`), and by what they actually
  inflate to while being read, since a declared size can lie.

Any importer of user files (exports, activity files) uses these, and so do the
reads of config.toml and the token file: outside the sources package, so reading
a config does not load the importers' plugin machinery.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path
from typing import BinaryIO

from loadguard.errors import LoadguardError

MIB = 1024 * 1024
# How much one file inside an import may hold once read (inflated, for zips).
# Strava's activities.csv takes about 230 bytes per activity: 512 MiB holds
# over two million, ten times a lifetime of twice-daily training; a zip bomb
# inflating to gigabytes is refused at this size.
MAX_FILE_BYTES = 512 * MIB


class TooLarge(LoadguardError):
    """A file (or zip member) holds more than the importer's cap."""


def _mib(size: int) -> str:
    return f"{size / MIB:,.0f} MiB"


def too_large(label: str, limit: int) -> TooLarge:
    return TooLarge(f"{label}: larger than {_mib(limit)} once unpacked; refusing it "
                    "(a genuine Strava export is far smaller; is it a zip bomb?)")


def kind_of(mode: int) -> str:
    """Words for what a stat mode says a path is."""
    for test, words in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                        (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                        (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return words
    return "not a regular file"


def open_regular_file(path: Path | str) -> BinaryIO:
    """Open `path` for reading in binary; refuse anything but a regular file.

    O_NONBLOCK keeps the open of a FIFO without a writer from hanging; it
    changes nothing for a regular file, the only kind read afterwards.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise LoadguardError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise LoadguardError(f"cannot read {path}: it is {kind_of(mode)}, not a file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_small_text(path: Path, limit: int) -> str:
    """A small text file of the home (config.toml, token.json), decoded as UTF-8.

    FileNotFoundError (or NotADirectoryError) when there is none, as `open` says;
    a FIFO, a device or a folder in its place, or more than `limit` bytes, is one
    LoadguardError: every command reads these, so a `/dev/zero` or a named pipe
    there must not hang them all or fill memory.
    """
    os.stat(path)  # a missing file is the caller's to judge (defaults, not connected)
    with open_regular_file(path) as raw:
        data = raw.read(limit + 1)
    if len(data) > limit:
        raise LoadguardError(f"cannot read {path}: larger than {limit // 1024} KiB, far beyond what it holds")
    return data.decode("utf-8")


class _Capped(io.RawIOBase):
    """A read-only stream that refuses its source once more than `limit` bytes came out."""

    def __init__(self, raw: BinaryIO, limit: int, label: str, binary_error: str | None):
        self.raw, self.limit, self.label, self.count = raw, limit, label, 0
        self.binary_error = binary_error

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self.raw.read(len(buffer))
        self.count += len(data)
        if self.count > self.limit:
            raise too_large(self.label, self.limit)
        if self.binary_error and b"\x00" in data:
            raise LoadguardError(f"{self.label}: {self.binary_error}")
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self.raw.close()
        finally:
            super().close()


def capped(raw: BinaryIO, limit: int, label: str, *, binary_error: str | None = None) -> io.BufferedReader:
    """`raw` as a buffered stream that raises TooLarge past `limit` bytes.

    With `binary_error`, a NUL byte anywhere refuses the file with that text
    (text formats never hold one; binary files almost always do).
    """
    return io.BufferedReader(_Capped(raw, limit, label, binary_error), buffer_size=1024 * 1024)


def open_zip_member(archive: zipfile.ZipFile, name: str, limit: int, label: str, *,
                    binary_error: str | None = None) -> io.BufferedReader:
    """A zip member's inflated bytes, refused by declared size and again while read."""
    if archive.getinfo(name).file_size > limit:
        raise too_large(label, limit)
    return capped(archive.open(name), limit, label, binary_error=binary_error)
