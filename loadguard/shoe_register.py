"""The shoe register's rules: naming a pair, its own ids, config.toml's default pairs, and
the changes `loadguard shoes add/assign/retire/…` make, each told as one before -> after line.

A pair is named on the command line (and in `[shoes.default]`) by its gear id or
its name, whoever described it: Strava, an export, or the register itself
(`shoes add`). The store keeps the register apart from what sources said
(loadguard.store.shoes).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from loadguard import numbers as num
from loadguard.errors import EXIT_USAGE, LoadguardError
from loadguard.shoe_keys import display_name, first_match
from loadguard.store.shoes import Attribution, ConfigDefault

if TYPE_CHECKING:
    from loadguard.config import Config
    from loadguard.store import Store

# The prefix of a pair only the register knows: never one of Strava's ids (g…, b…)
# nor an export's (export-…).
OWN_PREFIX = "pair-"


class BadShoeValue(LoadguardError):
    """A pair or value given to a `shoes` subcommand that cannot be used: a usage error, one line."""

    def __init__(self, message: str):
        super().__init__(message, EXIT_USAGE)


def limit_value(value: str | None, option: str, kind: type) -> float | int | None:
    """A limit given as text: a number above zero, or "default" (None: config.toml's again)."""
    if value is None or value == "default":
        return None
    try:
        number = kind(value)
    except ValueError:
        number = None
    if number is None or not number > 0 or number != number or number == float("inf"):
        what = "a whole number" if kind is int else "a number"
        raise BadShoeValue(f"shoes {option} must be {what} above zero (or 'default'), got {value!r}")
    return number


@dataclass(frozen=True)
class Pair:
    id: str
    name: str          # as shown: the register's name, the source's, or "shoe <id>"
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
        out.append(Pair(gid, display_name(gid, name), mine.get("in_use_from"), mine.get("retired_on")))
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
        raise BadShoeValue(f"{len(named)} pairs are called {key!r}; name one by its id: "
                         f"{', '.join(p.id for p in named)}")
    raise BadShoeValue(f"no pair is called {key!r}; `loadguard shoes` lists them, `loadguard shoes add` adds one")


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
        except BadShoeValue as exc:
            raise LoadguardError(f"{config.path or 'config.toml'}: shoes.default.{key}: {exc}") from None
        until = pair.retired_on
        sport = key if key[:1].isupper() else None
        defaults.append(ConfigDefault(pair.id, sport_type=sport, source=None if sport else key,
                                      since=pair.in_use_from, until=until))
    return Attribution(tuple(config["running_types"]), tuple(defaults))


@dataclass(frozen=True)
class Change:
    """One pair before and after a change: what `shoes add/assign/…` print, one line each.

    `before` and `after` are the pair's state in parts (its use first); the line shows
    its use and whatever else changed, so it stays short.
    """

    name: str
    before: tuple[str, ...]
    after: tuple[str, ...]

    def line(self) -> str:
        def told(parts: tuple[str, ...], other: tuple[str, ...]) -> str:
            return ", ".join(parts[:1] + tuple(p for p in parts[1:] if p not in other)) or "-"

        return f"'{self.name}': {told(self.before, self.after)} -> {told(self.after, self.before)}"


class Register:
    """The `shoes` subcommands' work on one store; each returns the Changes to print."""

    def __init__(self, store: "Store", config: "Config"):
        self.store = store
        self.config = config
        self.running = tuple(config["running_types"])

    @property
    def how(self) -> Attribution:
        return attribution(self.store, self.config)   # asked anew: a change may alter a default's pair

    def find(self, key: str) -> Pair:
        return find(self.store, key, self.running)

    def state(self, gear_id: str) -> tuple[str, ...]:
        """What a pair is now, in words: its activities and km as attributed, then the register's settings."""
        runs, metres = self.store.pair_use(gear_id, self.how)
        mine = self.store.pair_settings().get(gear_id, {})
        parts = [f"{runs} {'activity' if runs == 1 else 'activities'}, {num.km_text(metres / 1000.0)}"]
        if mine.get("limit_km"):
            parts.append(f"limit {num.limit_km_text(mine['limit_km'])}")
        if mine.get("max_months"):
            parts.append(f"at most {mine['max_months']} months")
        if mine.get("in_use_from"):
            parts.append(f"in use from {mine['in_use_from']}")
        if mine.get("retired_on"):
            parts.append(f"retired on {mine['retired_on']}")
        defaults = [since for since, gid in self.store.register_defaults() if gid == gear_id]
        if defaults:
            parts.append(f"default from {defaults[-1]}")
        return tuple(parts)

    def _changed(self, pair: Pair, change) -> Change:
        before = self.state(pair.id)
        with self.store.transaction():
            change()
        return Change(self.find(pair.id).name, before, self.state(pair.id))

    def add(self, name: str, *, limit_km: float | None, max_months: int | None, since: str | None,
            default: bool, brand: str | None, model: str | None, today: str) -> Change:
        name = " ".join(name.split())
        if not name:
            raise BadShoeValue("shoes add needs a name for the pair")
        self._name_free(name)
        gear_id = new_id(name)

        def change() -> None:
            self.store.put_pair(gear_id, own=1, name=name, brand=brand, model=model, limit_km=limit_km,
                                max_months=max_months, in_use_from=since)
            if default:
                self.store.set_register_default(gear_id, since or today)

        with self.store.transaction():
            change()
        return Change(name, ("not in the register",), self.state(gear_id) + (f"id {gear_id}",))

    def _name_free(self, name: str, but: str | None = None) -> None:
        folded = name.casefold()
        for pair in pairs(self.store, self.running):
            if pair.id != but and " ".join(pair.name.split()).casefold() == folded:
                raise BadShoeValue(f"a pair is already called {name!r} (id {pair.id}); pick another name")

    def make_default(self, key: str, since: str) -> Change:
        pair = self.find(key)
        if pair.retired_on and pair.retired_on <= since:
            raise BadShoeValue(f"'{pair.name}' is retired on {pair.retired_on}, before {since}")
        return self._changed(pair, lambda: self.store.set_register_default(pair.id, since))

    def assign(self, key: str, *, ids: list[int], first: str | None, last: str | None,
               only_unassigned: bool) -> tuple[Change, int]:
        """Put these activities (or the runs of [first, last]) in the pair; returns the change and
        how many activities it moved."""
        pair = self.find(key)
        chosen = [a for a, gid in self._activities(ids, first, last)
                  if gid != pair.id and not (only_unassigned and gid is not None)]
        return self._changed(pair, lambda: self.store.set_assignments(chosen, pair.id)), len(chosen)

    def unassign(self, *, ids: list[int], first: str | None, last: str | None,
                 key: str | None) -> list[Change]:
        """Take these activities (or the runs of [first, last]) out of their pair, or of `key`'s only."""
        only = self.find(key).id if key else None
        found = [(a, gid) for a, gid in self._activities(ids, first, last)
                 if gid is not None and (only is None or gid == only)]
        if not found:
            return []
        touched = sorted({gid for _, gid in found})
        before = {gid: self.state(gid) for gid in touched}
        self.store.set_assignments([a for a, _ in found], None)
        return [Change(self.find(gid).name, before[gid], self.state(gid)) for gid in touched]

    def _activities(self, ids: list[int], first: str | None, last: str | None) -> list[tuple[int, str | None]]:
        if ids:
            found = self.store.activity_pairs(self.how, ids=ids)
            missing = sorted(set(ids) - {a for a, _ in found})
            if missing:
                raise BadShoeValue(f"no activity {missing[0]} in the store")
            return found
        if not first or not last:
            raise BadShoeValue("name the runs: --run ID, or --from DAY and --to DAY")
        if last < first:
            raise BadShoeValue(f"--to {last} is before --from {first}")
        until = (date.fromisoformat(last) + timedelta(days=1)).isoformat()
        return self.store.activity_pairs(self.how, first=first, until=until, running_only=True)

    def retire(self, key: str, on: str) -> Change:
        pair = self.find(key)
        if pair.in_use_from and on < pair.in_use_from:
            raise BadShoeValue(f"'{pair.name}' is in use from {pair.in_use_from}; it cannot retire on {on}")
        return self._changed(pair, lambda: self.store.put_pair(pair.id, retired_on=on))

    def unretire(self, key: str) -> Change:
        """Take back `retire`: the pair is in use again, its default and limits with it."""
        pair = self.find(key)
        if not pair.retired_on:
            raise BadShoeValue(self._not_retired_here(pair))
        before = self.state(pair.id)
        self.store.put_pair(pair.id, retired_on=None)
        return Change(pair.name, before, self.state(pair.id) + ("in use",))

    def _not_retired_here(self, pair: Pair) -> str:
        """Why the register cannot un-retire a pair it never retired: who else retired it, if anyone."""
        gear = self.store.gear_rows().get(pair.id)
        if first_match(self.config["shoes"]["retired"], pair.id, pair.name) is not None:
            return f"'{pair.name}' is retired by [shoes] retired in config.toml; take it off that list"
        if gear is not None and gear["retired"]:
            return f"'{pair.name}' is retired on Strava; mark it active there and sync"
        if gear is None and not pair.id.startswith(OWN_PREFIX):
            return (f"'{pair.name}' is not among the shoes Strava lists, so it counts as retired after its "
                    "last run; `shoes retire PAIR --on DAY` sets another day")
        return f"'{pair.name}' is not retired"

    def rename(self, key: str, name: str) -> Change:
        pair = self.find(key)
        name = " ".join(name.split())
        if not name:
            raise BadShoeValue("shoes rename needs the new name")
        self._name_free(name, but=pair.id)
        with self.store.transaction():
            self.store.put_pair(pair.id, name=name)
        return Change(pair.name, (f"'{pair.name}'",), (f"'{name}'",))

    def set_limit(self, key: str, **limits: float | int | None) -> Change:
        """Set `limit_km` and/or `max_months` (None: back to config.toml's)."""
        if not limits:
            raise BadShoeValue("shoes set-limit needs --km or --max-months")
        pair = self.find(key)
        return self._changed(pair, lambda: self.store.put_pair(pair.id, **limits))
