"""Where a digest goes: the `{week}` placeholder, parent folders, atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

from loadguard import atomic_file

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


def is_stream(path: Path) -> bool:
    """A device or FIFO (`/dev/stdout`): written straight, and with no room for a chart beside it."""
    return atomic_file.is_stream(path)


def check_target(path: Path) -> None:
    """Refuse (LoadguardError) a path the digest cannot be written to, before anything is written."""
    atomic_file.check_target(path)


def write_beside(path: Path, text: str, chart_path: Path, chart: str) -> None:
    """A Markdown digest and its chart: both, or neither when either is refused."""
    check_target(path)
    had_chart = os.path.lexists(chart_path)
    write_atomic(chart_path, chart)
    try:
        write_atomic(path, text)
    except BaseException:
        if not had_chart:
            atomic_file.remove(chart_path)
        raise


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` whole, so a reader (or a browser tab reloading) never sees half a
    digest; a digest is an ordinary document, so it gets the umask's usual mode."""
    atomic_file.write_atomic(path, text, 0o644 & ~_umask())


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
