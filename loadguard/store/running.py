"""What a running activity is, in SQL: the one definition every query of runs uses."""

from __future__ import annotations

from typing import Sequence


def running(sport_types: Sequence[str], table: str = "") -> tuple[str, list[str]]:
    """The condition (and its parameters) for an activity that counts as running: not
    deleted, and of one of the runner's `running_types`."""
    prefix = f"{table}." if table else ""
    marks = ", ".join("?" for _ in sport_types)
    return f"{prefix}deleted = 0 AND {prefix}sport_type IN ({marks})", list(sport_types)


def running_type(sport_types: Sequence[str], table: str = "") -> tuple[str, dict[str, str]]:
    """Whether an activity is of a running sport type, with named parameters (`:run0`, …),
    for queries that name theirs: the shoe register's (loadguard.store.shoes)."""
    prefix = f"{table}." if table else ""
    params = {f"run{n}": sport for n, sport in enumerate(sport_types)}
    return f"{prefix}sport_type IN ({', '.join(':' + k for k in params)})", params
