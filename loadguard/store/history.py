"""The engine's reads of the store, as pandas frames: runs, shoe use, symptoms, shoes.

Kept out of `Store` (and so off every command's start-up): only the engine's frames
(loadguard.assess.frames) import it, and with it pandas.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from loadguard.store import Store
from loadguard.store.running import running, running_type
from loadguard.store.shoes import ATTRIBUTED, Attribution, effective


def first_run_start(store: Store, sport_types: list[str], end: str) -> str | None:
    """start_local of the first run before `end`, or None."""
    where, params = running(sport_types)
    return store.conn.execute(f"SELECT min(start_local) FROM activities WHERE {where} AND start_local < ?",
                              [*params, end]).fetchone()[0]


def runs(store: Store, how: Attribution, end: str, since: date | None, whole: bool) -> pd.DataFrame:
    """Runs before `end`, from `since` on (all when None), each with the pair it was in
    (`gear_id`, as the shoe register attributes it).

    `whole`: most of the history is wanted, and one table scan beats walking the
    start-time index row by row (`+` keeps SQLite off the index). Else a recent
    slice: its ids from the index, then the rows in id order, so each table page is
    read once however the rows were written.
    """
    expr, params = effective(how)
    is_run, _ = running_type(how.running, "a")
    params.update(end=end, since=since.isoformat() if since else "")
    span = "+a.start_local < :end AND +a.start_local >= :since" if whole else \
        "a.id IN (SELECT id FROM activities WHERE start_local < :end AND start_local >= :since)"
    return pd.read_sql_query(
        f"""SELECT a.id, a.name, a.sport_type, a.start_local, a.distance_m, a.moving_s,
                   a.elev_gain_m, {expr} AS gear_id, a.trainer, a.manual, a.workout_type, a.cadence_spm,
                   a.steep_share, a.avg_cadence, a.description, a.private_note
            FROM {ATTRIBUTED}
            WHERE a.deleted = 0 AND {is_run} AND {span}""",
        store.conn, params=params)


def gear_use(store: Store, how: Attribution, first: date, end: str) -> pd.DataFrame:
    """Activities (any sport) in a pair from `first` to before `end`: gear_id (the pair, as
    the register attributes it), start_local, distance_m, running (whether a run)."""
    expr, params = effective(how)
    is_run, _ = running_type(how.running, "a")
    params.update(first=first.isoformat(), end=end)
    return pd.read_sql_query(
        f"""SELECT pair AS gear_id, start_local, distance_m, running FROM (
                SELECT {expr} AS pair, a.start_local, COALESCE(a.distance_m, 0) AS distance_m, {is_run} AS running
                FROM {ATTRIBUTED} WHERE a.deleted = 0 AND +a.start_local >= :first AND +a.start_local < :end)
            WHERE pair IS NOT NULL""",
        store.conn, params=params)


def symptoms(store: Store, columns: list[str], since: date | None, end_day: str) -> pd.DataFrame:
    """Logged symptoms from `since` (all when None) to before `end_day`, oldest first."""
    return pd.read_sql_query(
        f"SELECT {', '.join(columns)} FROM symptoms WHERE day >= ? AND day < ? ORDER BY day, id",
        store.conn, params=[since.isoformat() if since else "", end_day])


def shoes(store: Store, how: Attribution, end: str) -> pd.DataFrame:
    """Every shoe with its use before and from `end`.

    The shoes: gear Strava or an export described as a shoe, the register's own
    pairs, and gear ids runs carry that nobody described (Strava answers 404 for
    them; flagged retired, as Strava's list of the athlete's shoes, which holds
    every active pair, never names them). Per shoe: its source's total (`total_m`, Strava's, which holds runs from
    before the first sync), what its source put on it in the store (`source_m`),
    the distance the register attributes to it before `end`, and its first and last
    *run* (a hike in it keeps no pair in use).
    """
    expr, params = effective(how)
    is_run, _ = running_type(how.running, "a")
    params["end"] = end
    # What the register leaves as the source said, per gear id: its sums in one pass over the
    # (gear_id, deleted, sport_type, start_local, distance_m) index (a subquery per sum walks
    # each pair's rows once per sum), adding the rows in that index's order, so no total
    # moves by a float's last bit; the few activities the register assigned are skipped by
    # rowid, looked up only when it assigned any. A pair's first and last run: a short walk
    # of the index per running sport type.
    free = "(NOT EXISTS (SELECT 1 FROM shoe_assignments) OR a.id NOT IN (SELECT activity_id FROM shoe_assignments))"
    mine = f"a.gear_id = g.pair AND a.deleted = 0 AND {is_run} AND {free}"
    # and what it decides: activities it assigned, and runs with no gear
    per_pair = """SUM(CASE WHEN start_local < :end THEN distance_m ELSE 0 END) AS upto_m,
                  MAX(CASE WHEN running AND start_local < :end THEN start_local END) AS last_run,
                  MIN(CASE WHEN running THEN start_local END) AS first_run,
                  MAX(CASE WHEN running THEN start_local END) AS last_run_ever,
                  MAX(running) AS ran"""
    return pd.read_sql_query(
        f"""WITH as_said AS MATERIALIZED (
                SELECT pair, source_m, upto_m,
                  (SELECT MAX(a.start_local) FROM activities a WHERE {mine} AND a.start_local < :end) AS last_run,
                  (SELECT MIN(a.start_local) FROM activities a WHERE {mine}) AS first_run,
                  (SELECT MAX(a.start_local) FROM activities a WHERE {mine}) AS last_run_ever
                FROM (SELECT a.gear_id AS pair, SUM(a.distance_m) AS source_m,
                             SUM(CASE WHEN a.start_local < :end AND {free} THEN a.distance_m END) AS upto_m
                      FROM activities a WHERE a.gear_id IS NOT NULL AND a.deleted = 0 GROUP BY a.gear_id) g),
            decided AS MATERIALIZED (
                SELECT pair, {per_pair} FROM (
                    SELECT {expr} AS pair, a.start_local, COALESCE(a.distance_m, 0) AS distance_m,
                           {is_run} AS running
                    -- CROSS JOIN: the few assignments lead, never a walk through every activity
                    FROM shoe_assignments s CROSS JOIN activities a ON a.id = s.activity_id
                    WHERE a.deleted = 0
                    UNION ALL
                    SELECT {expr}, a.start_local, COALESCE(a.distance_m, 0), 1
                    FROM {ATTRIBUTED}
                    WHERE a.gear_id IS NULL AND a.deleted = 0 AND {is_run}
                    AND s.activity_id IS NULL)
                WHERE pair IS NOT NULL GROUP BY pair),
            per AS MATERIALIZED (
                SELECT pair, SUM(upto_m) AS upto_m, MAX(last_run) AS last_run,
                       MIN(first_run) AS first_run, MAX(last_run_ever) AS last_run_ever, MAX(ran) AS ran
                FROM (SELECT pair, upto_m, last_run, first_run, last_run_ever,
                             last_run_ever IS NOT NULL AS ran FROM as_said
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
                   u.last_run, u.first_run, u.last_run_ever,
                   r.limit_km, r.max_months, r.in_use_from, r.retired_on
            FROM pairs p LEFT JOIN per u ON u.pair = p.id LEFT JOIN as_said src ON src.pair = p.id
            LEFT JOIN shoe_pairs r ON r.gear_id = p.id
            ORDER BY name, p.id""", store.conn, params=params)
