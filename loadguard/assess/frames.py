"""pandas frames built from the store, as of one day: what every detector reads."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Mapping

import numpy as np
import pandas as pd

from loadguard.config import Config
from loadguard.errors import LoadguardError
from loadguard.shoe_keys import display_name, first_match
from loadguard.shoe_register import attribution
from loadguard.store import Store
from loadguard.store import history as reads
from loadguard.store.shoes import Attribution
from loadguard.symptoms.log import COLUMNS as SYMPTOM_LOG_COLUMNS

# Runs older than this before the first day judged are read only when a finding's
# episode reaches back that far (`Assessment`): every rule looks back
# at most a few months, and reading a decade of runs would cost more than the
# whole check. A break longer than this reads as a fresh start.
HORIZON_DAYS = 400

RUN_COLUMNS = [
    "id", "name", "sport_type", "start_local", "day", "distance_km", "moving_s",
    "elev_m", "gear_id", "trainer", "manual", "trail", "race", "cadence_spm", "steep_share", "avg_cadence",
    "description", "private_note",
]
SYMPTOM_COLUMNS = list(SYMPTOM_LOG_COLUMNS)

# Strava's workout_type for a run entered as a race.
RACE_WORKOUT_TYPE = 1


@dataclass
class Frames:
    """Running history up to and including `as_of` (local days).

    runs:  one row per run from `since` (default: the first on record), sorted by
           start time; `day` is the local calendar day.
    shoes: one row per shoe with its distance as of `as_of`, its first and last
           run, the day it is retired from, whether it was in use by then, and the
           register's own limits for it (NaN where it has none).
    gear_use: activities (any sport; `running` marks runs) with a shoe from `rewind_from` on: what
           `shoes_on` takes off each shoe's total to see it as it was on an
           earlier day. Empty unless asked for.
    symptoms: the runner's logged symptoms (loadguard.symptoms.log) up to `as_of`,
           oldest first, `day` as a local day.
    """

    as_of: date
    runs: pd.DataFrame
    shoes: pd.DataFrame
    break_days: int                 # config's `break_days`: this many run-free days are a break
    first_run: date | None = None   # the first run on record, which may predate `runs`
    since: date | None = None       # runs before this day were not read
    gear_use: pd.DataFrame | None = None
    gear_use_from: date | None = None   # the first day `gear_use` was read for
    cache: dict = field(default_factory=dict)  # per-frames results shared by rules and the digest
    symptoms: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SYMPTOM_COLUMNS))

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
        """Runs whose local day lies in [first, last], both ends included: a slice found by
        bisection, as the runs (and so their days) are in start order."""
        day = self.runs["day"].to_numpy()
        lo, hi = np.searchsorted(day, [np.datetime64(first), np.datetime64(last + timedelta(days=1))])
        return self.runs.iloc[lo:hi]

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

    def at(self, day: date) -> "Frames":
        """These frames as they were on an earlier `day` (for plugins judged day by day)."""
        return replace(self, as_of=day, runs=self.runs[self.runs["day"] <= pd.Timestamp(day)],
                       shoes=self.shoes_on(day), cache={})

    def shoes_on(self, day: date) -> pd.DataFrame:
        """`shoes` as of an earlier day: distance, last run and ownership rewound."""
        if day >= self.as_of:
            return self.shoes
        use = self.gear_use
        # Rewinding to `day` takes off every use after it: it needs what was read from the
        # next day on, whether or not a shoe was worn on the first days read.
        if use is None or self.gear_use_from is None or self.gear_use_from > day + timedelta(days=1):
            raise ValueError(f"frames were not built to rewind shoes to {day}")
        ts = pd.Timestamp(day)
        later = use[use["day"] > ts].groupby("gear_id")["distance_km"].sum()
        before = use[(use["day"] <= ts) & use["running"]].groupby("gear_id")["day"].max()
        shoes = self.shoes.copy()
        shoes["distance_km"] = (shoes["distance_km"] - shoes["id"].map(later.to_dict()).fillna(0.0)).clip(lower=0.0)
        last = pd.to_datetime(shoes["id"].map(before.to_dict()))
        # a last run before the rewound span is known only when it is the shoe's last run at all
        shoes["last_used"] = last.where(last.notna(), shoes["last_used"].where(shoes["last_used"] <= ts))
        shoes["retired"] = shoes["retired_from"] <= ts
        shoes["owned"] = shoes["first_used"].isna() | (shoes["first_used"] <= ts) | (shoes["distance_km"] > 0)
        return shoes


def build(store: Store, config: Config, as_of: date, rewind_from: date | None = None,
          since: date | None = None) -> Frames:
    """Frames as of `as_of`; a store whose rows cannot be read gives one clear error.

    `rewind_from`: also read what `Frames.shoes_on` needs for days from then on.
    `since`: read runs from this day on only (the first run on record is still known).
    """
    try:
        return _build(store, config, as_of, rewind_from, since)
    except (sqlite3.Error, pd.errors.DatabaseError, ValueError, TypeError) as exc:
        # A damaged file or rows written by hand ("7am" as a start time) must not
        # end in a traceback; the message says which store.
        cause = exc.__cause__ or exc  # pandas wraps SQLite's own words with the whole query
        raise LoadguardError(f"store {store.path} cannot be read: {cause}") from None


def _build(store: Store, config: Config, as_of: date, rewind_from: date | None, since: date | None) -> Frames:
    how = attribution(store, config)
    end = (as_of + timedelta(days=1)).isoformat()
    first = reads.first_run_start(store, list(how.running), end)
    # Most of the history wanted: read it whole (see store.history.runs); the rows are
    # sorted by start when shaped either way.
    whole = first is None or since is None or (as_of - since) * 2 > as_of - date.fromisoformat(first[:10])
    runs = _shape_runs(reads.runs(store, how, end, since, whole), config)
    shoes = _shoes(store, how, as_of, config["shoes"])
    gear_use = None
    if rewind_from is not None and rewind_from < as_of:
        use = reads.gear_use(store, how, rewind_from, end)
        gear_use = pd.DataFrame({
            "gear_id": use["gear_id"].astype(str),
            "day": pd.to_datetime(use["start_local"], format="ISO8601").dt.normalize(),
            "distance_km": use["distance_m"].astype(float).fillna(0.0) / 1000.0,
            "running": use["running"].astype(bool),
        })
    symptoms = reads.symptoms(store, SYMPTOM_COLUMNS, since, end[:10])
    symptoms["day"] = pd.to_datetime(symptoms["day"], format="ISO8601")
    return Frames(as_of=as_of, runs=runs, shoes=shoes,
                  first_run=date.fromisoformat(first[:10]) if first else None, since=since,
                  break_days=int(config["break_days"]), gear_use=gear_use,
                  gear_use_from=rewind_from if gear_use is not None else None, symptoms=symptoms)


def _shape_runs(raw: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The runs frame, each column typed, in order of start time and id.

    Built as one frame from its columns (a column set at a time costs a copy each).
    """
    start = pd.to_datetime(raw["start_local"], format="ISO8601")
    runs = {
        "id": raw["id"].astype("int64"),
        "name": raw["name"].fillna("").astype(str),
        "sport_type": raw["sport_type"].astype(str),
        "start_local": start,
        "day": start.dt.normalize(),
        "distance_km": raw["distance_m"].astype(float).fillna(0.0) / 1000.0,
        "moving_s": pd.to_numeric(raw["moving_s"], errors="coerce"),
        "elev_m": pd.to_numeric(raw["elev_gain_m"], errors="coerce").fillna(0.0),
        "gear_id": raw["gear_id"].astype(object).where(raw["gear_id"].notna(), None),
        "trainer": raw["trainer"].astype(bool),
        "manual": raw["manual"].astype(bool),
        # From a recorded track only; NaN for runs no file was read for.
        "cadence_spm": pd.to_numeric(raw["cadence_spm"], errors="coerce"),
        "steep_share": pd.to_numeric(raw["steep_share"], errors="coerce"),
        "race": pd.to_numeric(raw["workout_type"], errors="coerce").eq(RACE_WORKOUT_TYPE),
        "avg_cadence": pd.to_numeric(raw["avg_cadence"], errors="coerce"),
        **{note: raw[note].astype(object).where(raw[note].notna(), None) for note in ("description", "private_note")},
    }
    runs["trail"] = is_trail(runs, config)
    frame = pd.DataFrame(runs, columns=RUN_COLUMNS).reset_index(drop=True)
    # Rows come in the store's order; most histories are written oldest first, and then
    # nothing moves.
    order = np.lexsort((frame["id"].to_numpy(), frame["start_local"].to_numpy()))
    if (order != np.arange(len(order))).any():
        frame = frame.take(order).reset_index(drop=True)
    return frame


def is_trail(runs: Mapping[str, pd.Series], config: Config) -> pd.Series:
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
    trail |= _steep_track(runs, trail_cfg)
    return trail & ~runs["trainer"] & ~runs["manual"]


def _steep_track(runs: pd.DataFrame, trail_cfg) -> pd.Series:
    """Trail by the recorded track, where there is one: enough of the distance on steep grades.

    Labels lie (a phone app files a mountain run under `street`); a third of the way
    at 10% or more does not happen on road. Runs without a track (no file read) have
    no share and are left to the rules above.
    """
    threshold = float(trail_cfg["steep_share"])
    if threshold <= 0:
        return pd.Series(False, index=runs["steep_share"].index)
    return runs["steep_share"].fillna(0.0) >= threshold


# A pair retired by a flag (Strava's, or `[shoes] retired`) that never ran: retired all along.
ALWAYS = pd.Timestamp("1900-01-01")


def _shoes(store: Store, how: Attribution, as_of: date, shoe_cfg) -> pd.DataFrame:
    """Shoes with their distance as of `as_of`, the span they are in use, and the register's limits.

    A shoe's distance is its source's own total (Strava's holds runs from before the
    first sync) less what that source put on it in the store, plus what the register
    attributes to it up to `as_of`; so a past day sees the shoe as it was then.

    In use from `in_use_from` (the register) or its first run, to `retired_from`, the
    first day it is retired: the register's `--on`; else, retired by Strava or
    `[shoes] retired` (which say so without a date), the day after its last *run*.
    """
    shoes = reads.shoes(store, how, (as_of + timedelta(days=1)).isoformat())
    # Worked in numpy, column by column: a few dozen pairs, where each pandas step costs
    # more than its arithmetic.
    total = pd.to_numeric(shoes["total_m"], errors="coerce").to_numpy(dtype=float)
    offset = total - shoes["source_m"].to_numpy(dtype=float)
    offset[np.isnan(offset)] = 0.0
    distance = offset + shoes["upto_m"].to_numpy(dtype=float)
    distance_km = np.where(np.isnan(distance) | (distance >= 0.0), distance, 0.0) / 1000.0
    ids, names = shoes["id"].astype(str), shoes["name"].tolist()
    flagged = shoes["retired"].to_numpy().astype(bool) | np.array(
        [first_match(shoe_cfg["retired"], i, n) is not None for i, n in zip(shoes["id"], names)], dtype=bool)
    after_last_run = _days(shoes["last_run_ever"]) + np.timedelta64(1, "D")
    after_last_run = np.where(np.isnat(after_last_run), ALWAYS.to_datetime64(), after_last_run)
    retired_on = _days(shoes["retired_on"])
    retired_from = np.where(shoes["retired_on"].notna().to_numpy(), retired_on,
                            np.where(flagged, after_last_run, np.datetime64("NaT"))).astype(retired_on.dtype)
    in_use_from = _days(shoes["in_use_from"])
    first_used = np.where(shoes["in_use_from"].notna().to_numpy(), in_use_from,
                          _days(shoes["first_run"])).astype(in_use_from.dtype)
    as_of_day = np.datetime64(as_of)
    return pd.DataFrame({
        "id": ids,
        "name": [display_name(i, n) for i, n in zip(ids, names)],
        "brand": shoes["brand"],
        "model": shoes["model"],
        "retired": retired_from <= as_of_day,
        "retired_from": retired_from,
        "primary": shoes["is_primary"].to_numpy().astype(bool),
        "distance_km": distance_km,
        "last_used": _days(shoes["last_run"]),
        "first_used": first_used,
        # A shoe with no distance by `as_of` and in use only after it was not owned yet then.
        "owned": np.isnat(first_used) | (first_used <= as_of_day) | (distance_km > 0),
        "limit_km": pd.to_numeric(shoes["limit_km"], errors="coerce"),
        "max_months": pd.to_numeric(shoes["max_months"], errors="coerce").where(
            shoes["max_months"].notna(), [_max_months(i, n, shoe_cfg) for i, n in zip(shoes["id"], names)]),
    })


# A day or a time as the store writes them ("2026-11-22", "2026-11-22T07:05:00").
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(T([01]\d|2[0-3]):[0-5]\d:[0-5]\d)?")


def _days(texts: pd.Series) -> np.ndarray:
    """The local days of a column of ISO days or times (NaT where none), as
    `pd.to_datetime(texts, format="ISO8601").dt.normalize()` gives them, in its unit
    (seconds when the column has none), at a fraction of its cost. Anything else (a
    time written by hand) goes through pandas, which parses it or says why not.
    """
    values = texts.tolist()
    given = [v for v in values if isinstance(v, str)]
    if all(v is None or v != v or isinstance(v, str) for v in values) and all(map(_ISO_TIME.fullmatch, given)):
        try:
            days = np.array([v if isinstance(v, str) else "NaT" for v in values], dtype="datetime64[s]")
        except ValueError:   # no such day (2026-02-30): pandas says so
            pass
        else:
            return days.astype("datetime64[D]").astype("datetime64[us]" if given else "datetime64[s]")
    days = pd.to_datetime(texts, format="ISO8601").dt.normalize()
    if days.dt.tz is not None:
        # The store keeps wall-clock times without a zone; one written with a zone has
        # no local day to compare with the others.
        zoned = next((repr(v) for v in given if not _ISO_TIME.fullmatch(v)), f"a time in {days.dt.tz}")
        raise ValueError(f"{zoned} carries a time zone (the store keeps wall-clock times)")
    return days.to_numpy()


def _max_months(gear_id: str, name: str, shoe_cfg) -> float:
    """config.toml's age limit for a pair: by gear id, name or pattern, else `max_months`; NaN when off."""
    key = first_match(shoe_cfg["max_months_for"], gear_id, name)
    months = shoe_cfg["max_months_for"][key] if key is not None else shoe_cfg["max_months"]
    return float(months) if months else float("nan")
