"""Replacing a file whole: a reader, or a crash, never sees half of it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from loadguard.errors import LoadguardError


def write_atomic(path: Path, text: str, mode: int) -> None:
    """Write `text` to a temporary file beside `path`, then rename it into place.

    The temporary file is created 0600 and only then given `mode`, so a secret
    (token.json) is never readable by others, not even for a moment. The folder is
    created when missing. Any refusal of the file system is one LoadguardError.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise LoadguardError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise LoadguardError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise
    fsync_dir(path.parent)


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
