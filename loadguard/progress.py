"""Progress of long work (an import of many files, a first sync) on a terminal's stderr.

A person at a terminal sees the count, the rate and, where the total is known, the
time left; cron, a pipe or `--quiet` get nothing at all, so no mail ever carries a
progress bar. The bar is tqdm's (no dependencies of its own, and ~0.1 s to import,
the same as rich's progress on this machine): it is imported only when a bar is
really drawn, never by `--help` or a cron run. It appears only after a second, so
quick work stays silent, and it is erased when done, leaving the summary line alone.
"""

from __future__ import annotations

import sys
from typing import Any

# Work shorter than this draws no bar at all.
SHOW_AFTER_S = 1.0


class Progress:
    """One bar at a time; every method is a no-op when the bar is not wanted."""

    def __init__(self, label: str = "", *, enabled: bool = False):
        self.label = label
        self.enabled = enabled
        self._bar: Any = None

    @classmethod
    def off(cls) -> "Progress":
        return cls()

    @classmethod
    def for_terminal(cls, label: str, *, quiet: bool) -> "Progress":
        """Drawn only on a terminal's stderr, and never with --quiet."""
        return cls(label, enabled=not quiet and _is_terminal(sys.stderr))

    def start(self, total: int | None, unit: str) -> None:
        """Begin counting `total` items (None: not known, so no time left is shown)."""
        if not self.enabled:
            return
        self.close()
        from tqdm import tqdm

        self._bar = tqdm(total=total, desc=self.label, unit=f" {unit}", file=sys.stderr, leave=False,
                         delay=SHOW_AFTER_S, mininterval=0.5, dynamic_ncols=True)

    def advance(self, count: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(count)

    def reach(self, count: int) -> None:
        """Set the count done so far (for work counted by someone else, such as sync's pages)."""
        if self._bar is not None and count > self._bar.n:
            self._bar.update(count - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False
