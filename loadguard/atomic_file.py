"""Replacing a file whole: a reader, or a crash, never sees half of it.

Only a regular file (or a path where nothing is yet) is replaced by a rename. A
symbolic link is followed and its target replaced, so the link stays a link and
no old copy stays behind at the target (a symlinked token.json must not keep the
old token there). A character device or a FIFO (`/dev/null`, `/dev/stdout`, a
named pipe) is written straight, since renaming over it would destroy it; so is
a file reached through `/dev/stdout`, `/dev/fd/N` or `/proc/` (a shell's
redirection). Anything else is refused with one line.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import tempfile
from pathlib import Path

from loadguard.errors import LoadguardError

# Paths that name an open file of this process (a shell's redirection), not a place
# to keep a file; /dev/shm and the like hold ordinary files and are not among them.
_STREAM_FOLDERS = ("/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/")


def write_atomic(path: Path, text: str, mode: int) -> None:
    """Write `text` to `path`: atomically for a file, straight for a stream.

    The temporary file is created 0600 and only then given `mode`, so a secret
    (token.json) is never readable by others, not even for a moment. The folder is
    created when missing. Any refusal of the file system is one LoadguardError.
    """
    if is_stream(path):
        _write_stream(path, text)
        return
    target = check_target(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise LoadguardError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise LoadguardError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise
    fsync_dir(target.parent)


def real_path(path: Path) -> Path:
    """`path` with every symbolic link followed (a dangling link names where its file would be)."""
    return Path(os.path.realpath(path))


def is_stream(path: Path) -> bool:
    """True when `path` is a character device or FIFO, or a file reached through /dev/stdout & co."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    if stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        return True
    return stat.S_ISREG(info.st_mode) and str(Path(path).absolute()).startswith(_STREAM_FOLDERS)


def check_target(path: Path) -> Path:
    """Where writing `path` would land, its folders made; LoadguardError when it must not be written.

    Only the folders of the path as given are created: a symbolic link dangling into
    a folder that does not exist is refused, not followed there by a mkdir.
    """
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LoadguardError(f"cannot write {path}: {exc.strerror or exc}") from None
    target = real_path(path)
    if not target.parent.is_dir():
        raise LoadguardError(f"cannot write {path}: it is a symbolic link to {target}, "
                             "in a folder that does not exist")
    _require_file_or_nothing(path, target)
    return target


def _require_file_or_nothing(path: Path, target: Path) -> None:
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise LoadguardError(f"cannot write {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise LoadguardError(f"cannot write {path}: it is a folder")
    if not stat.S_ISREG(info.st_mode):
        raise LoadguardError(f"cannot write {path}: it is neither a regular file nor a device or FIFO to write to")


def _write_stream(path: Path, text: str) -> None:
    # Non-blocking only to open: a FIFO nobody reads would otherwise hang here for
    # ever. Appending, so a `>>` redirection behind /dev/stdout keeps what it had.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise LoadguardError(f"cannot write {path}: no program is reading from it") from None
        raise LoadguardError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fd = -1
            fh.write(text)
    except OSError as exc:
        raise LoadguardError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if fd != -1:
            os.close(fd)


def remove(path: Path) -> bool:
    """Delete the file at `path`, and when `path` is a symbolic link the file it points
    to as well (a secret must not survive at the link's target); False when there was none."""
    target = real_path(path)
    found = False
    for victim in dict.fromkeys([target, Path(path)]):
        try:
            os.unlink(victim)
            found = True
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise LoadguardError(f"cannot delete {victim}: {exc.strerror or exc}") from None
        fsync_dir(victim.parent)
    return found


def fsync_dir(folder: Path) -> None:
    """Make a rename or unlink in `folder` durable; some file systems refuse, harmlessly."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
