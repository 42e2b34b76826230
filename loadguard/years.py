"""The years a running log can hold: what `--as-of`, `--week` and a stored start accept.

Bounded so that date arithmetic (a 400-day look-back, a week's Monday) never
overflows, and so that a start in the year 9999 is told as broken, not stored.
"""

from __future__ import annotations

FIRST_YEAR, LAST_YEAR = 1900, 2999


def within(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def outside(what: str) -> str:
    """The one wording for a value beyond those years."""
    return f"{what} is outside the years {FIRST_YEAR}-{LAST_YEAR}"
