"""How config.toml names a shoe: by gear id, by exact name, or by a name pattern."""

from __future__ import annotations

import fnmatch
from typing import Iterable


def display_name(gear_id: str, name: str | None = None) -> str:
    """What to call a shoe: its name, or for gear Strava will not describe, "unnamed pair
    ending 0183": the id's last digits tell two such pairs apart without a raw id in a sentence."""
    return name if name else f"unnamed pair ending {gear_id[-4:]}"


def first_match(keys: Iterable[str], gear_id: str, name: str) -> str | None:
    """The key that names this shoe, trying gear ids first, then exact names, then patterns.

    Names and patterns ignore case, since Strava shows the names as typed.
    """
    keys = list(keys)
    if gear_id in keys:
        return gear_id
    folded = name.casefold()
    for key in keys:
        if key.casefold() == folded:
            return key
    for key in keys:
        if fnmatch.fnmatchcase(folded, key.casefold()):
            return key
    return None
