"""The cron line's news as one push message: a title a lock screen can show, and a
body of one line per finding, most severe first."""

from __future__ import annotations

from datetime import date

from loadguard.model import Warning
from loadguard.render.printable import printable


def news(as_of: date, warnings: list[Warning]) -> tuple[str, str]:
    """(title, body) for the findings not reported before, as `check --new` prints them."""
    top = warnings[0]
    more = len(warnings) - 1
    title = f"loadguard: {printable(top.title)}" + (f" (+{more} more)" if more else "")
    lines = [f"{w.severity.label.upper()}: {printable(w.title)}. {printable(w.message)}" for w in warnings]
    lines.append(f"As of {as_of:%a} {as_of.day} {as_of:%b}; `loadguard check` gives the advice and sources.")
    return title, "\n\n".join(lines)
