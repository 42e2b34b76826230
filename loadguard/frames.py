"""pandas frames built from the store, as of one day: what every detector reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import sqlite3

import pandas as pd

from loadguard.errors import LoadguardError
from loadguard.shoe_keys import first_match

if TYPE_CHECKING:
    from loadguard.config import Config
    from loadguard.store import Store

# Runs older than this are not loaded: every built-in rule looks back at most a
# few months (the digest 16 weeks), and reading a decade of runs would cost more
# than the whole check. A break longer than this reads as a fresh start.
HORIZON_DAYS = 400

RUN_COLUMNS = [
    "id", "name", "sport_type", "start_local", "day", "distance_km", "moving_s",
    "elev_m", "gear_id", "trainer", "manual", "trail",
]


@dataclass
class Frames:
    """Running history up to and including `as_of` (local days).

    runs:  one row per run of the last HORIZON_DAYS, sorted by start time; `day`
           is the local calendar day.
    shoes: one row per shoe with its distance as of `as_of`, its last run, and
           whether it was in use by then.
    """

    as_of: date
    runs: pd.DataFrame
    shoes: pd.DataFrame
    break_days: int                 # config's `break_days`: this many run-free days are a break
    first_run: date | None = None   # the first run on record, which may predate `runs`

    @property
    def as_of_ts(self) -> pd.Timestamp:
        return pd.Timestamp(self.as_of)

    @property
    def first_day(self) -> date | None:
        """The first local day with a run on record, or None for an empty history."""
        if self.first_run is not None:
            return self.first_run
        return None if self.runs.empty else self.runs["day"].iloc[0].date()

    def days_between(self, first: date, last: date) -> pd.DataFrame:
        """Runs whose local day lies in [first, last], both ends included."""
        day = self.runs["day"]
        return self.runs[(day >= pd.Timestamp(first)) & (day <= pd.Timestamp(last))]

    def last_days(self, days: int, end: date | None = None) -> pd.DataFrame:
        """Runs of the `days` days ending with `end` (default: the as-of day)."""
        end = end or self.as_of
        return self.days_between(end - timedelta(days=days - 1), end)

    def daily_km(self) -> pd.Series:
        """Distance per local day from the first run to `as_of`, zero on rest days."""
        if self.runs.empty:
            return pd.Series(dtype=float)
        per_day = self.runs.groupby("day")["distance_km"].sum()
        full = pd.date_range(per_day.index[0], self.as_of_ts, freq="D")
        return per_day.reindex(full, fill_value=0.0)


def build(store: "Store", config: "Config", as_of: date) -> Frames:
    """Frames as of `as_of`; a store whose rows cannot be read gives one clear error."""
    try:
        return _build(store, config, as_of)
    except (sqlite3.Error, pd.errors.DatabaseError, ValueError, TypeError) as exc:
        # A damaged file or rows written by hand ("7am" as a start time) must not
        # end in a traceback; the message says which store.
        cause = exc.__cause__ or exc  # pandas wraps SQLite's own words with the whole query
        raise LoadguardError(f"store {store.path} cannot be read: {cause}") from None


def _build(store: "Store", config: "Config", as_of: date) -> Frames:
    running = list(config["running_types"])
    end = (as_of + timedelta(days=1)).isoformat()
    start = (as_of - timedelta(days=HORIZON_DAYS)).isoformat()
    marks = ", ".join("?" for _ in running)
    where = f"deleted = 0 AND sport_type IN ({marks}) AND start_local < ?"
    runs = pd.read_sql_query(
        f"""SELECT id, name, sport_type, start_local, distance_m, moving_s,
                   elev_gain_m, gear_id, trainer, manual
            FROM activities
            WHERE {where} AND start_local >= ?
            ORDER BY start_local, id""",
        store.conn,
        params=[*running, end, start],
    )
    first = store.conn.execute(f"SELECT min(start_local) FROM activities WHERE {where}", [*running, end]).fetchone()[0]
    runs = _shape_runs(runs, config)
    shoes = _shoes(store, as_of, config["shoes"]["retired"])
    return Frames(as_of=as_of, runs=runs, shoes=shoes,
                  first_run=date.fromisoformat(first[:10]) if first else None,
                  break_days=int(config["break_days"]))


def _shape_runs(raw: pd.DataFrame, config: "Config") -> pd.DataFrame:
    runs = pd.DataFrame(index=raw.index)
    runs["id"] = raw["id"].astype("int64")
    runs["name"] = raw["name"].fillna("").astype(str)
    runs["sport_type"] = raw["sport_type"].astype(str)
    runs["start_local"] = pd.to_datetime(raw["start_local"], format="ISO8601")
    runs["day"] = runs["start_local"].dt.normalize()
    runs["distance_km"] = raw["distance_m"].astype(float).fillna(0.0) / 1000.0
    runs["moving_s"] = pd.to_numeric(raw["moving_s"], errors="coerce")
    runs["elev_m"] = pd.to_numeric(raw["elev_gain_m"], errors="coerce").fillna(0.0)
    runs["gear_id"] = raw["gear_id"].astype(object).where(raw["gear_id"].notna(), None)
    runs["trainer"] = raw["trainer"].astype(bool)
    runs["manual"] = raw["manual"].astype(bool)
    runs["trail"] = is_trail(runs, config)
    return runs.reset_index(drop=True)[RUN_COLUMNS]


def is_trail(runs: pd.DataFrame, config: "Config") -> pd.Series:
    """Trail by sport type, or by the optional name keywords and climb per km.

    Treadmill and manual entries are never trail: their terrain is unknown or flat.
    """
    trail_cfg = config["trail"]
    trail = runs["sport_type"].isin(trail_cfg["sport_types"])
    keywords = [k.lower() for k in trail_cfg["name_keywords"] if k]
    if keywords:
        names = runs["name"].str.lower()
        for word in keywords:
            trail |= names.str.contains(word, regex=False)
    climb = float(trail_cfg["climb_m_per_km"])
    if climb > 0:
        per_km = runs["elev_m"] / runs["distance_km"].where(runs["distance_km"] > 0)
        trail |= per_km.fillna(0.0) >= climb
    return trail & ~runs["trainer"] & ~runs["manual"]


def _shoes(store: "Store", as_of: date, retired_keys: list[str]) -> pd.DataFrame:
    """Shoes with their distance as of `as_of`; retired by Strava or by config.toml.

    A shoe's total (Strava's own, which includes runs from before the first sync)
    is rewound by every stored activity on it after `as_of`, so a check of a past
    day sees the shoe as it was then. Retired is today's word, without a date
    (from Strava or config.toml alike): a retired pair counts as in use up to and
    including the day of its last run.
    """
    end = (as_of + timedelta(days=1)).isoformat()
    shoes = pd.read_sql_query(
        """SELECT g.id, g.name, g.brand, g.model, g.retired, g.is_primary,
                  g.distance_m AS total_m,
                  COALESCE(SUM(CASE WHEN a.start_local >= :end THEN a.distance_m END), 0) AS after_m,
                  COALESCE(SUM(CASE WHEN a.start_local < :end THEN a.distance_m END), 0) AS upto_m,
                  MAX(CASE WHEN a.start_local < :end THEN a.start_local END) AS last_used,
                  MIN(a.start_local) AS first_used,
                  MAX(a.start_local) AS last_ever
           FROM gear g LEFT JOIN activities a ON a.gear_id = g.id AND a.deleted = 0
           WHERE g.kind = 'shoe'
           GROUP BY g.id
           ORDER BY g.name, g.id""",
        store.conn,
        params={"end": end},
    )
    total = shoes["total_m"].astype(float)
    summed = shoes["upto_m"].astype(float) + shoes["after_m"].astype(float)
    total = total.where(total.notna(), summed)
    distance_km = (total - shoes["after_m"].astype(float)).clip(lower=0.0) / 1000.0
    out = pd.DataFrame({
        "id": shoes["id"].astype(str),
        "name": shoes["name"].astype(str),
        "brand": shoes["brand"],
        "model": shoes["model"],
        "retired": (shoes["retired"].astype(bool) | pd.Series(
            [first_match(retired_keys, i, n) is not None for i, n in zip(shoes["id"], shoes["name"])],
            index=shoes.index, dtype=bool)) & (shoes["last_ever"].isna() | (shoes["last_ever"] < as_of.isoformat())),
        "primary": shoes["is_primary"].astype(bool),
        "distance_km": distance_km,
        "last_used": pd.to_datetime(shoes["last_used"], format="ISO8601").dt.normalize(),
        # A shoe with no distance by `as_of` and first used after it was not owned yet
        # then, as far as the data tells.
        "owned": shoes["first_used"].isna() | (shoes["first_used"] < end) | (distance_km > 0),
    })
    return out
