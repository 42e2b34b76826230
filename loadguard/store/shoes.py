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
    """The SQL expression for an activity's pair (over `activities a LEFT JOIN shoe_assignments s`)."""
    params: dict[str, Any] = {}
    running = []
    for n, sport in enumerate(how.running):
        params[f"run{n}"] = sport
        running.append(f":run{n}")
    cases = [
        "WHEN s.activity_id IS NOT NULL THEN s.gear_id",
        "WHEN a.gear_id IS NOT NULL THEN a.gear_id",
        f"WHEN a.sport_type NOT IN ({', '.join(running)}) THEN NULL",
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


_ATTRIBUTED = "activities a LEFT JOIN shoe_assignments s ON s.activity_id = a.id"


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
        marks = ", ".join("?" for _ in running)
        return [r[0] for r in self.conn.execute(
            f"SELECT DISTINCT gear_id FROM activities WHERE deleted = 0 AND gear_id IS NOT NULL "
            f"AND sport_type IN ({marks}) AND gear_id NOT IN (SELECT id FROM gear)", list(running))]

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
            where.append(f"a.sport_type IN ({', '.join(f':run{n}' for n in range(len(how.running)))})")
        rows = self.conn.execute(f"SELECT a.id, {expr} FROM {_ATTRIBUTED} WHERE {' AND '.join(where)} "
                                 "ORDER BY a.start_local, a.id", params)
        return [(r[0], r[1]) for r in rows]

    def pair_use(self, gear_id: str, how: Attribution) -> tuple[int, float]:
        """(runs, metres) of every activity in this pair, as the register attributes them."""
        expr, params = effective(how)
        params["gear"] = gear_id
        row = self.conn.execute(
            f"SELECT count(*), COALESCE(SUM(distance_m), 0) FROM (SELECT a.distance_m, {expr} AS pair "
            f"FROM {_ATTRIBUTED} WHERE a.deleted = 0) WHERE pair = :gear", params).fetchone()
        return int(row[0]), float(row[1])

    def run_rows(self, how: Attribution, end: str, since: str | None, whole: bool) -> tuple[list[str], list[tuple]]:
        """Runs starting before `end` (and from `since`), with the pair each was in; (columns, rows).

        `whole`: most of the history is wanted, so one table scan beats walking the
        start-time index (`+` keeps SQLite off it); else the slice's ids come from the
        index and the rows in id order, so each table page is read once.
        """
        expr, params = effective(how)
        params.update(end=end, since=since or "")
        running = ", ".join(f":run{n}" for n in range(len(how.running)))
        span = "+a.start_local < :end AND +a.start_local >= :since" if whole else \
            "a.id IN (SELECT id FROM activities WHERE start_local < :end AND start_local >= :since)"
        cur = self.conn.execute(
            f"""SELECT a.id, a.name, a.sport_type, a.start_local, a.distance_m, a.moving_s,
                       a.elev_gain_m, {expr} AS gear_id, a.trainer, a.manual, a.workout_type, a.cadence_spm,
                       a.steep_share, a.avg_cadence, a.description, a.private_note
                FROM {_ATTRIBUTED}
                WHERE a.deleted = 0 AND a.sport_type IN ({running}) AND {span}""", params)
        return [d[0] for d in cur.description], cur.fetchall()

    def first_run_start(self, running: Sequence[str], end: str) -> str | None:
        marks = ", ".join("?" for _ in running)
        return self.conn.execute(
            f"SELECT min(start_local) FROM activities WHERE deleted = 0 AND sport_type IN ({marks}) "
            "AND start_local < ?", [*running, end]).fetchone()[0]

    def gear_use_rows(self, how: Attribution, first: str, end: str) -> list[tuple[str, str, float, int]]:
        """(pair, start_local, metres, is a run) of every activity in a pair starting in [first, end)."""
        expr, params = effective(how)
        running = ", ".join(f":run{n}" for n in range(len(how.running)))
        params.update(first=first, end=end)
        return self.conn.execute(
            f"""SELECT pair, start_local, distance_m, running FROM (
                    SELECT {expr} AS pair, a.start_local, COALESCE(a.distance_m, 0) AS distance_m,
                           a.sport_type IN ({running}) AS running
                    FROM {_ATTRIBUTED} WHERE a.deleted = 0 AND +a.start_local >= :first AND +a.start_local < :end)
                WHERE pair IS NOT NULL""", params).fetchall()

    def shoe_rows(self, how: Attribution, end: str) -> tuple[list[str], list[tuple]]:
        """Every shoe with its use before and from `end`; (columns, rows).

        The shoes: gear Strava or an export described as a shoe, the register's own
        pairs, and gear ids runs carry that nobody described (Strava answers 404 for
        them; flagged retired, as Strava's list of the athlete's shoes, which holds
        every active pair, never names them). Per shoe: its source's total (`total_m`, Strava's, which holds runs from
        before the first sync), what its source put on it in the store (`source_m`),
        the distance the register attributes to it before `end` and from `end` on, and
        its first and last *run* (a hike in it keeps no pair in use).
        """
        expr, params = effective(how)
        running = ", ".join(f":run{n}" for n in range(len(how.running)))
        params["end"] = end
        # What the register leaves as the source said (most rows, read from the gear index
        # alone), and what it decides: activities it assigned, and runs with no gear.
        per_pair = """SUM(CASE WHEN start_local < :end THEN distance_m ELSE 0 END) AS upto_m,
                      SUM(CASE WHEN start_local >= :end THEN distance_m ELSE 0 END) AS after_m,
                      MAX(CASE WHEN running AND start_local < :end THEN start_local END) AS last_run,
                      MIN(CASE WHEN running THEN start_local END) AS first_run,
                      MAX(CASE WHEN running THEN start_local END) AS last_run_ever,
                      MAX(running) AS ran"""
        cur = self.conn.execute(
            f"""WITH as_said AS MATERIALIZED (
                    SELECT gear_id AS pair, SUM(all_m) AS source_m, {per_pair} FROM (
                        SELECT a.gear_id, a.start_local, a.distance_m AS all_m,
                               CASE WHEN s.activity_id IS NULL THEN a.distance_m ELSE 0 END AS distance_m,
                               a.sport_type IN ({running}) AND s.activity_id IS NULL AS running
                        FROM activities a LEFT JOIN shoe_assignments s ON s.activity_id = a.id
                        WHERE a.gear_id IS NOT NULL AND a.deleted = 0)
                    GROUP BY gear_id),
                decided AS MATERIALIZED (
                    SELECT pair, {per_pair} FROM (
                        SELECT {expr} AS pair, a.start_local, COALESCE(a.distance_m, 0) AS distance_m,
                               a.sport_type IN ({running}) AS running
                        -- CROSS JOIN: the few assignments lead, never a walk through every activity
                        FROM shoe_assignments s CROSS JOIN activities a ON a.id = s.activity_id
                        WHERE a.deleted = 0
                        UNION ALL
                        SELECT {expr}, a.start_local, COALESCE(a.distance_m, 0), 1
                        FROM activities a LEFT JOIN shoe_assignments s ON s.activity_id = a.id
                        WHERE a.gear_id IS NULL AND a.deleted = 0 AND a.sport_type IN ({running})
                        AND s.activity_id IS NULL)
                    WHERE pair IS NOT NULL GROUP BY pair),
                per AS MATERIALIZED (
                    SELECT pair, SUM(upto_m) AS upto_m, SUM(after_m) AS after_m, MAX(last_run) AS last_run,
                           MIN(first_run) AS first_run, MAX(last_run_ever) AS last_run_ever, MAX(ran) AS ran
                    FROM (SELECT pair, upto_m, after_m, last_run, first_run, last_run_ever, ran FROM as_said
                          UNION ALL SELECT * FROM decided) GROUP BY pair),
                pairs AS (
                    SELECT id, name, brand, model, retired, is_primary, distance_m AS total_m
                    FROM gear WHERE kind = 'shoe'
                    UNION ALL
                    SELECT gear_id, name, brand, model, 0, 0, NULL FROM shoe_pairs
                    WHERE own = 1 AND gear_id NOT IN (SELECT id FROM gear)
                    UNION ALL
                    SELECT pair, NULL, NULL, NULL, 1, 0, NULL FROM per
                    WHERE ran AND pair NOT IN (SELECT id FROM gear) AND pair NOT IN (SELECT gear_id FROM shoe_pairs
                                                                                     WHERE own = 1))
                SELECT p.id, COALESCE(r.name, p.name, '') AS name, COALESCE(r.brand, p.brand) AS brand,
                       COALESCE(r.model, p.model) AS model, p.retired, p.is_primary, p.total_m,
                       COALESCE(src.source_m, 0) AS source_m, COALESCE(u.upto_m, 0) AS upto_m,
                       COALESCE(u.after_m, 0) AS after_m, u.last_run, u.first_run, u.last_run_ever,
                       r.limit_km, r.max_months, r.in_use_from, r.retired_on
                FROM pairs p LEFT JOIN per u ON u.pair = p.id LEFT JOIN as_said src ON src.pair = p.id
                LEFT JOIN shoe_pairs r ON r.gear_id = p.id
                ORDER BY name, p.id""", params)
        return [d[0] for d in cur.description], cur.fetchall()
