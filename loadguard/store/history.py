"""The engine's reads of the store, as pandas frames: runs, shoe use, symptoms, shoes.

Kept out of `Store` (and so off every command's start-up): only the engine's frames
(loadguard.assess.frames) import it, and with it pandas.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from loadguard.store import Store
from loadguard.store.running import running


def first_run_start(store: Store, sport_types: list[str], end: str) -> str | None:
    """start_local of the first run before `end`, or None."""
    where, params = running(sport_types)
    return store.conn.execute(f"SELECT min(start_local) FROM activities WHERE {where} AND start_local < ?",
                              [*params, end]).fetchone()[0]


def runs(store: Store, sport_types: list[str], end: str, since: date | None, whole: bool) -> pd.DataFrame:
    """Runs before `end`, from `since` on (all when None).

    `whole`: most of the history is wanted, and one table scan beats walking the
    start-time index row by row (`+` keeps SQLite off the index). Else a recent
    slice: its ids from the index, then the rows in id order, so each table page is
    read once however the rows were written.
    """
    where, params = running(sport_types)
    span = "+start_local < ? AND +start_local >= ?" if whole else \
        "id IN (SELECT id FROM activities WHERE start_local < ? AND start_local >= ?)"
    return pd.read_sql_query(
        f"""SELECT id, name, sport_type, start_local, distance_m, moving_s,
                   elev_gain_m, gear_id, trainer, manual, workout_type, cadence_spm, steep_share, avg_cadence,
                   description, private_note
            FROM activities
            WHERE {where} AND {span}""",
        store.conn,
        params=[*params, end, since.isoformat() if since else ""],
    )


def gear_use(store: Store, first: date, end: str) -> pd.DataFrame:
    """Activities (any sport) with a gear from `first` to before `end`: gear_id, start_local, distance_m."""
    return pd.read_sql_query(
        # `+`: the (gear_id, deleted, start_local, distance_m) index covers this
        """SELECT gear_id, start_local, distance_m FROM activities
           WHERE deleted = 0 AND gear_id IS NOT NULL AND +start_local >= ? AND +start_local < ?""",
        store.conn, params=[first.isoformat(), end])


def symptoms(store: Store, columns: list[str], since: date | None, end_day: str) -> pd.DataFrame:
    """Logged symptoms from `since` (all when None) to before `end_day`, oldest first."""
    return pd.read_sql_query(
        f"SELECT {', '.join(columns)} FROM symptoms WHERE day >= ? AND day < ? ORDER BY day, id",
        store.conn, params=[since.isoformat() if since else "", end_day])


_MINE = "a.gear_id = g.id AND a.deleted = 0"   # a shoe's activities, in shoes()


def shoes(store: Store, end: str) -> pd.DataFrame:
    """Every shoe with its stored total and the distance, first and last use of its
    activities before and after `end`."""
    return pd.read_sql_query(
        # Each figure a range of the (gear_id, deleted, start_local, distance_m) index: the
        # first and last runs are single look-ups, and the sums add no CASE per activity.
        f"""SELECT g.id, g.name, g.brand, g.model, g.retired, g.is_primary,
                  g.distance_m AS total_m,
                  COALESCE((SELECT SUM(a.distance_m) FROM activities a WHERE {_MINE} AND a.start_local >= :end), 0)
                      AS after_m,
                  COALESCE((SELECT SUM(a.distance_m) FROM activities a WHERE {_MINE} AND a.start_local < :end), 0)
                      AS upto_m,
                  (SELECT MAX(a.start_local) FROM activities a WHERE {_MINE} AND a.start_local < :end) AS last_used,
                  (SELECT MIN(a.start_local) FROM activities a WHERE {_MINE}) AS first_used,
                  (SELECT MAX(a.start_local) FROM activities a WHERE {_MINE}) AS last_ever
           FROM gear g
           WHERE g.kind = 'shoe'
           ORDER BY g.name, g.id""",
        store.conn,
        params={"end": end},
    )
