"""Where a digest goes: the `{week}` placeholder, parent folders, atomic writes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from loadguard.errors import LoadguardError

HTML_SUFFIXES = (".html", ".htm")


def target(template: str, week_label: str) -> Path:
    """`-o` with `{week}` replaced and `~` expanded (cron passes the path as it was typed)."""
    return Path(template.replace("{week}", week_label)).expanduser()


def format_for(path: Path | None) -> str:
    """The format a file name asks for: html for .html/.htm, otherwise Markdown."""
    return "html" if path is not None and path.suffix.lower() in HTML_SUFFIXES else "md"


def chart_path(markdown_path: Path) -> Path:
    """The SVG beside a Markdown digest: `x.md` -> `x.svg`."""
    return markdown_path.with_suffix(".svg")


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename it into place, so a
    reader (or a browser tab reloading) never sees half a digest."""
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
        os.chmod(tmp, 0o644 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise LoadguardError(f"cannot write {path}: {exc.strerror or exc}") from None


def _umask() -> int:
    # mkstemp creates files 0600; a digest is an ordinary document, so honour the umask
    current = os.umask(0)
    os.umask(current)
    return current
