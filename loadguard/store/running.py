"""What a running activity is, in SQL: the one definition every query of runs uses."""

from __future__ import annotations

from typing import Sequence


def running(sport_types: Sequence[str], table: str = "") -> tuple[str, list[str]]:
    """The condition (and its parameters) for an activity that counts as running: not
    deleted, and of one of the runner's `running_types`."""
    prefix = f"{table}." if table else ""
    marks = ", ".join("?" for _ in sport_types)
    return f"{prefix}deleted = 0 AND {prefix}sport_type IN ({marks})", list(sport_types)
