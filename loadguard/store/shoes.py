"""The shoe register: the runner's own pairs and settings, and which pair each run was in.

What Strava and an export say (the `gear` table, `activities.gear_id`) is kept as
they said it; the register lies over it in tables of its own, so no sync or import
can undo what the runner set. Which pair an activity was in is worked out here,
in one SQL expression every reader shares (`effective`):

1. the register's word for that activity (`shoes assign` / `unassign`);
2. else the source's gear id;
3. else, for a run only, a default pair of config.toml for its sport type, then
   for its source (`ConfigDefault`, each while its pair is in use);
4. else the register's default pair of that day (`shoes add --default`), unless
   that pair was retired by then.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from loadguard.store.connection import StoreConnection, utc_now
from loadguard.store.running import running as running_sql
from loadguard.store.running import running_type
from loadguard.store.schema import PAIR_COLUMNS


@dataclass(frozen=True)
class ConfigDefault:
    """A default pair from config.toml, resolved to its gear id: for runs of one sport type or one source."""

    gear_id: str
    sport_type: str | None = None
    source: str | None = None
    since: str | None = None   # first local day (the pair's in-use start), None: always
    until: str | None = None   # first local day it is retired, None: never


@dataclass(frozen=True)
class Attribution:
    """What decides which pair a run was in: the running sport types and config's defaults."""

    running: tuple[str, ...]
    defaults: tuple[ConfigDefault, ...] = ()


# The register's default of a run's day, unless its pair was retired by then.
_REGISTER_DEFAULT = """(SELECT CASE WHEN r.retired_on IS NULL OR r.retired_on > a.start_local THEN d.gear_id END
        FROM shoe_defaults d LEFT JOIN shoe_pairs r ON r.gear_id = d.gear_id
        WHERE d.since <= a.start_local ORDER BY d.since DESC LIMIT 1)"""


def effective(how: Attribution) -> tuple[str, dict[str, Any]]:
    """The SQL expression for an activity's pair (over ATTRIBUTED), and its named parameters."""
    is_run, params = running_type(how.running, "a")
    cases = [
        "WHEN s.activity_id IS NOT NULL THEN s.gear_id",
        "WHEN a.gear_id IS NOT NULL THEN a.gear_id",
        f"WHEN NOT {is_run} THEN NULL",
    ]
    # sport-type defaults before source defaults: a trail pair beats "every file run"
    ordered = sorted(how.defaults, key=lambda d: d.sport_type is None)
    for n, default in enumerate(ordered):
        test = ["a.sport_type = :dsport{n}" if default.sport_type else "a.source = :dsource{n}"]
        params[f"dsport{n}" if default.sport_type else f"dsource{n}"] = default.sport_type or default.source
        if default.since:
            test.append(f"a.start_local >= :dsince{n}")
            params[f"dsince{n}"] = default.since
        if default.until:
            test.append(f"a.start_local < :duntil{n}")
            params[f"duntil{n}"] = default.until
        cases.append(f"WHEN {' AND '.join(t.format(n=n) for t in test)} THEN :dgear{n}")
        params[f"dgear{n}"] = default.gear_id
    return f"CASE {' '.join(cases)} ELSE {_REGISTER_DEFAULT} END", params


# The activities with the register's word on each, which `effective` reads.
ATTRIBUTED = "activities a LEFT JOIN shoe_assignments s ON s.activity_id = a.id"


class ShoeRegister(StoreConnection):
    # -- the register's own rows ------------------------------------------------------

    def pair_settings(self) -> dict[str, dict[str, Any]]:
        """Every register row (PAIR_COLUMNS) by gear id."""
        cols = ", ".join(PAIR_COLUMNS)
        return {r["gear_id"]: dict(r) for r in self.conn.execute(f"SELECT {cols} FROM shoe_pairs")}

    def put_pair(self, gear_id: str, **fields: Any) -> None:
        """Create or change the register's row for a pair; fields not given stay as they were."""
        unknown = set(fields) - set(PAIR_COLUMNS[1:])
        if unknown:
            raise ValueError(f"shoe_pairs has no column {sorted(unknown)}")
        names = list(fields)
        sets = ", ".join(f"{c} = excluded.{c}" for c in names + ["updated_at"])
        cols = ", ".join(["gear_id", *names, "updated_at"])
        marks = ", ".join("?" for _ in range(len(names) + 2))
        with self.transaction() as conn:
            conn.execute(f"INSERT INTO shoe_pairs ({cols}) VALUES ({marks}) ON CONFLICT(gear_id) DO UPDATE SET {sets}",
                         (gear_id, *fields.values(), utc_now()))

    def register_defaults(self) -> list[tuple[str, str]]:
        """(since, gear id) of every register default, oldest first."""
        return [(r[0], r[1]) for r in self.conn.execute("SELECT since, gear_id FROM shoe_defaults ORDER BY since")]

    def set_register_default(self, gear_id: str, since: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO shoe_defaults (since, gear_id) VALUES (?, ?) "
                         "ON CONFLICT(since) DO UPDATE SET gear_id = excluded.gear_id", (since, gear_id))

    def set_assignments(self, activity_ids: Iterable[int], gear_id: str | None) -> None:
        """The register's word on which pair these activities were in (None: none at all)."""
        now = utc_now()
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO shoe_assignments (activity_id, gear_id, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(activity_id) DO UPDATE SET gear_id = excluded.gear_id, updated_at = excluded.updated_at",
                [(int(i), gear_id, now) for i in activity_ids])

    def undescribed_gear(self, running: Sequence[str]) -> list[str]:
        """Gear ids runs carry that no gear row describes (Strava answers 404 for them)."""
        where, params = running_sql(running)
        return [r[0] for r in self.conn.execute(
            f"SELECT DISTINCT gear_id FROM activities WHERE {where} AND gear_id IS NOT NULL "
            "AND gear_id NOT IN (SELECT id FROM gear)", params)]

    # -- which pair each activity was in --------------------------------------------------

    def activity_pairs(self, how: Attribution, *, ids: Sequence[int] = (), first: str | None = None,
                       until: str | None = None, running_only: bool = False) -> list[tuple[int, str | None]]:
        """(activity id, its pair) of the activities asked for: by id, or starting in [first, until)."""
        expr, params = effective(how)
        where = ["a.deleted = 0"]
        if ids:
            marks = ", ".join(f":id{n}" for n in range(len(ids)))
            params.update({f"id{n}": int(i) for n, i in enumerate(ids)})
            where.append(f"a.id IN ({marks})")
        if first is not None:
            where.append("a.start_local >= :first")
            params["first"] = first
        if until is not None:
            where.append("a.start_local < :until")
            params["until"] = until
        if running_only:
            where.append(running_type(how.running, "a")[0])
        rows = self.conn.execute(f"SELECT a.id, {expr} FROM {ATTRIBUTED} WHERE {' AND '.join(where)} "
                                 "ORDER BY a.start_local, a.id", params)
        return [(r[0], r[1]) for r in rows]

    def pair_use(self, gear_id: str, how: Attribution) -> tuple[int, float]:
        """(runs, metres) of every activity in this pair, as the register attributes them."""
        expr, params = effective(how)
        params["gear"] = gear_id
        row = self.conn.execute(
            f"SELECT count(*), COALESCE(SUM(distance_m), 0) FROM (SELECT a.distance_m, {expr} AS pair "
            f"FROM {ATTRIBUTED} WHERE a.deleted = 0) WHERE pair = :gear", params).fetchone()
        return int(row[0]), float(row[1])
