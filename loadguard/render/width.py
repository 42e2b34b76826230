"""How wide text output may be: the terminal's width, or `COLUMNS`, and 80 when not a terminal.

A cron mail, a pipe or a file gets 80 columns, readable anywhere; a person at a
terminal gets lines that fit it. Too narrow a width (a misset `COLUMNS`) is raised
to MIN_WIDTH, where words still fit.
"""

from __future__ import annotations

import shutil
import textwrap

NOT_A_TERMINAL = 80
MIN_WIDTH = 40


def columns() -> int:
    # shutil reads COLUMNS first, then the terminal on stdout, else the fallback.
    return max(MIN_WIDTH, shutil.get_terminal_size((NOT_A_TERMINAL, 24)).columns)


def wrap(text: str, indent: str = "", hanging: str | None = None) -> list[str]:
    """`text` as lines that fit the width, the first starting with `indent` and the
    others with `hanging` (default: `indent` and two spaces)."""
    rest = indent + "  " if hanging is None else hanging
    return textwrap.wrap(text, width=columns(), initial_indent=indent, subsequent_indent=rest,
                         break_on_hyphens=False) or [indent]


def fill(text: str, indent: str = "", hanging: str | None = None) -> str:
    return "\n".join(wrap(text, indent, hanging))
