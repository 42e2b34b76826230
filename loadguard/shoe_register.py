"""The shoe register's rules: naming a pair, its own ids, and config.toml's default pairs.

A pair is named on the command line (and in `[shoes.default]`) by its gear id or
its name, whoever described it: Strava, an export, or the register itself
(`shoes add`). The store keeps the register apart from what sources said
(loadguard.store.shoes).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from loadguard.errors import EXIT_USAGE, LoadguardError
from loadguard.shoe_keys import display_name
from loadguard.store.shoes import Attribution, ConfigDefault

if TYPE_CHECKING:
    from loadguard.config import Config
    from loadguard.store import Store

# The prefix of a pair only the register knows: never one of Strava's ids (g…, b…)
# nor an export's (export-…).
OWN_PREFIX = "pair-"


class NoSuchPair(LoadguardError):
    """A pair named on the command line that the store does not hold: the runner's mistake."""

    def __init__(self, message: str):
        super().__init__(message, EXIT_USAGE)


@dataclass(frozen=True)
class Pair:
    id: str
    name: str          # as shown: the register's name, the source's, or "shoe <id>"
    own: bool          # known only to the register
    in_use_from: str | None
    retired_on: str | None


def pairs(store: "Store", running: tuple[str, ...]) -> list[Pair]:
    """Every shoe a pair can be named from: described gear, the register's own, and bare gear ids runs carry."""
    settings = store.pair_settings()
    gear = {gid: row for gid, row in store.gear_rows().items() if row["kind"] == "shoe"}
    out = []
    for gid in sorted(set(gear) | set(settings) | set(store.undescribed_gear(running))):
        mine = settings.get(gid, {})
        name = mine.get("name") or (gear[gid]["name"] if gid in gear else None)
        out.append(Pair(gid, display_name(gid, name), bool(mine.get("own")), mine.get("in_use_from"),
                        mine.get("retired_on")))
    return out


def find(store: "Store", key: str, running: tuple[str, ...]) -> Pair:
    """The pair `key` names: a gear id, else a name (ignoring case); one line when none or several."""
    known = pairs(store, running)
    for pair in known:
        if pair.id == key:
            return pair
    folded = " ".join(key.split()).casefold()
    named = [p for p in known if " ".join(p.name.split()).casefold() == folded]
    if len(named) == 1:
        return named[0]
    if named:
        raise NoSuchPair(f"{len(named)} pairs are called {key!r}; name one by its id: "
                         f"{', '.join(p.id for p in named)}")
    raise NoSuchPair(f"no pair is called {key!r}; `loadguard shoes` lists them, `loadguard shoes add` adds one")


def new_id(name: str) -> str:
    """An id for a pair of the register's own: readable, and never reused after a rename."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:24].strip("-") or "pair"
    return f"{OWN_PREFIX}{slug}-{secrets.token_hex(4)}"


def attribution(store: "Store", config: "Config") -> Attribution:
    """How runs get their pair: the running sport types and config.toml's `[shoes.default]`, resolved."""
    defaults = []
    for key, pair_key in config["shoes"]["default"].items():
        try:
            pair = find(store, pair_key, tuple(config["running_types"]))
        except NoSuchPair as exc:
            raise LoadguardError(f"{config.path or 'config.toml'}: shoes.default.{key}: {exc}") from None
        until = pair.retired_on
        sport = key if key[:1].isupper() else None
        defaults.append(ConfigDefault(pair.id, sport_type=sport, source=None if sport else key,
                                      since=pair.in_use_from, until=until))
    return Attribution(tuple(config["running_types"]), tuple(defaults))
