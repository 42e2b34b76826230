"""Shoe rules: wear against a limit of distance or of age, rotation between pairs, runs without a shoe."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Mapping, NamedTuple

import numpy as np
import pandas as pd

from loadguard import numbers as num
from loadguard.advice import NO_PAIR_YET, RULES
from loadguard.assess.episodes import episode_starts
from loadguard.assess.frames import Frames
from loadguard.assess.rules.common import (
    Dated,
    EpisodeRule,
    SpanRule,
    build_warning,
    daily_table,
    exceeded,
    reached,
    reaches,
    require_order,
    require_positive,
    window,
)
from loadguard.model import EPISODE, Severity, Warning
from loadguard.shoe_keys import display_name, first_match


class Mileage(SpanRule):
    id = "shoes.mileage"
    about = RULES[id]   # title, advice and the study behind it: loadguard.advice
    defaults: Mapping[str, Any] = {
        "limit_km": 700.0,
        "info": 0.8,     # shares of the limit
        "warn": 1.0,
        "alert": 1.2,
        # Per-shoe limits: gear id, exact name, or a name pattern (`*Vaporfly*`) -> km.
        "limits": {},
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_positive(config, "limit_km")
        require_order(config, "info", "warn", "alert")

    def evaluate(self, frames: Frames, config: Mapping[str, Any], first: date, last: date) -> Dated:
        days = pd.date_range(first, last, freq="D")
        stamps = days.to_numpy()   # numpy compares a shoe's dates with each day far cheaper
        use = frames.gear_use if frames.gear_use is not None and first < frames.as_of else None
        by_shoe = dict(tuple(use.groupby("gear_id"))) if use is not None else {}
        table = shoe_table(frames, config)
        if table.empty:
            return []
        shoes = list(map(_Worn._make, zip(*(table[c].tolist() for c in _Worn._fields))))
        each = [_as_of_each(shoe, by_shoe.get(shoe.id), days, frames.as_of) for shoe in shoes]
        # every pair by every day at once: a few dozen pairs, where a pass per pair cost more
        km = shown_km(np.array([exact for exact, _ in each]))  # the share of life from the distance as shown
        life = km / table["limit_km"].to_numpy()[:, None]
        severities = (Severity.INFO, Severity.WARN, Severity.ALERT)
        level = np.zeros(km.shape, dtype=int)
        for severity, at in zip(severities, reached(life, np.array([config[sev.label] for sev in severities])[:, None, None])):
            level[at] = int(severity)
        level = np.where(in_use(table["first_used"].to_numpy(), table["retired_from"].to_numpy(), stamps, km), level, 0)
        out = []
        for s, i in changes(level, len(days)):
            day = days[i].date()
            out.append((day, self._warning(shoes[s], float(km[s, i]), float(life[s, i]), each[s][1][i], day, config)))
        return out

    def _warning(self, shoe: Any, km: float, life: float, last_run: Any, day: date,
                 config: Mapping[str, Any]) -> Warning:
        severity = mileage_severity(life, config)
        last_run = pd.Timestamp(last_run)
        last = f"; last run {last_run.date().isoformat()}" if pd.notna(last_run) else ""
        message = (
            f"'{shoe.name}' has {num.km_text(km)}, {num.percent_text(life)} "
            f"of its {num.limit_km_text(shoe.limit_km)} limit{last}."
        )
        return build_warning(self, severity, day, shoe.id, message, {
            "gear_id": shoe.id,
            "name": shoe.name,
            "distance_km": num.km(km),
            "limit_km": float(shoe.limit_km),
            "life_used": num.share(life),
            "thresholds": {k: config[k] for k in ("info", "warn", "alert")},
        })


class _Worn(NamedTuple):
    """What shoes.mileage reads of a row of `shoe_table`."""

    id: str
    name: str
    exact_km: float
    limit_km: float
    last_run: pd.Timestamp
    first_used: pd.Timestamp
    retired_from: pd.Timestamp


def _as_of_each(shoe: Any, use: pd.DataFrame | None, days: pd.DatetimeIndex,
                as_of: date) -> tuple[np.ndarray, Any]:
    """A shoe's exact distance and last run (a Timestamp, NaT or datetime64) on each of
    `days` (which end by `as_of`).

    Rewound from its exact distance as of `as_of`, never from the rounded one: the
    figure of a day must not depend on how far the judged span reaches. `use` is the
    shoe's activities from the span's first day (None: the span is `as_of` alone).
    """
    if use is None:
        return np.full(len(days), float(shoe.exact_km)), [shoe.last_run] * len(days)
    read = pd.date_range(days[0], as_of, freq="D")
    per_day = use.groupby("day")["distance_km"].sum().reindex(read, fill_value=0.0)
    after = per_day[::-1].cumsum()[::-1].shift(-1, fill_value=0.0)
    exact = (shoe.exact_km - after.reindex(days)).clip(lower=0.0).to_numpy()
    ran = use[use["running"]].groupby("day").size().reindex(read, fill_value=0)
    run_days = read.to_series().where(ran > 0).ffill().reindex(days)
    # a last run before the span is known only when it is the shoe's last run of all
    known = pd.Series(shoe.last_run if pd.notna(shoe.last_run) else pd.NaT, index=days)
    return exact, run_days.where(run_days.notna(), known.where(known <= days)).to_numpy()


def shown_km(exact: np.ndarray) -> np.ndarray:
    """Each distance as shown (numbers.km); a shoe's distance changes only on the days it
    ran, so each distinct value is rounded once (a decade of days times forty shoes)."""
    values, where = np.unique(exact, return_inverse=True)
    return np.array([num.km(v) for v in values], dtype=float)[where.reshape(exact.shape)]


def in_use(first_used: np.ndarray, retired_from: np.ndarray, days: np.ndarray, km: np.ndarray) -> np.ndarray:
    """Whether each pair (its first use and the day it is retired from, datetime64 or NaT)
    was in use on each of `days` (datetime64), `km` its distance on each: from its first
    run (or the register's `--from`, or any distance it had already) up to the day
    before it is retired."""
    started = np.isnat(first_used)[:, None] | (days >= first_used[:, None]) | (km > 0)
    alive = np.isnat(retired_from)[:, None] | (days < retired_from[:, None])
    return started & alive


def changes(level: np.ndarray, n: int) -> list:
    """Positions of the days a shoe finding must be told on when a span is judged: where
    it starts or changes, and the span's last day. A shoe's finding is news only when
    its severity rises, so the unchanged days between say nothing new and are left out
    (a decade of days times forty shoes would otherwise build a warning each).

    `level` is by day, or by pair and day: then (pair, day) positions, pair by pair."""
    if n == 0:
        return []
    before = np.concatenate((np.zeros_like(level[..., :1]), level[..., :-1]), axis=-1)
    keep = (level != before) & (level > 0)
    keep[..., -1] |= level[..., -1] > 0
    return np.flatnonzero(keep).tolist() if level.ndim == 1 else list(zip(*np.nonzero(keep)))


def mileage_severity(life: float | None, config: Mapping[str, Any]) -> Severity | None:
    """How worn a pair is, by its share of life used: None below the info threshold."""
    if life is None or life != life:  # NaN: a shoe without a limit
        return None
    for severity in (Severity.ALERT, Severity.WARN, Severity.INFO):
        if reaches(life, config[severity.label]):
            return severity
    return None


def shoe_limit(gear_id: str, name: str, config: Mapping[str, Any]) -> float:
    """A shoe's limit: by gear id, then exact name, then the first matching name pattern."""
    limits: Mapping[str, float] = config["limits"]
    key = first_match(limits, gear_id, name)
    return float(limits[key] if key is not None else config["limit_km"])


def shoe_table(frames: Frames, settings: Mapping[str, Any]) -> pd.DataFrame:
    """Every shoe in use by the as-of day (retired or not) with distance, limits, share
    of life used, last run and the day it is retired from.

    `settings` are the mileage detector's; a limit the register holds for a pair
    (`shoes add --limit`, `shoes set-limit`) wins over them.
    """
    shoes = frames.shoes
    # The rows are put in order first and each column taken once in that order (its
    # type kept): a few dozen pairs, where every pandas step costs more than the work.
    owned = np.flatnonzero(shoes["owned"].to_numpy())
    exact = shoes["distance_km"].to_numpy()[owned]
    ids, names = shoes["id"].array.take(owned), shoes["name"].array.take(owned)
    own_limit = shoes["limit_km"].to_numpy()[owned]
    limits = pd.Series(own_limit).where(pd.notna(own_limit),   # the column's own type kept
                                        [shoe_limit(i, n, settings) for i, n in zip(ids, names)]).to_numpy()
    # The share of life is taken from the distance as shown, so "840.0 km" of a
    # 700 km limit is always 120%, never 119%.
    distance = np.array([num.km(km) for km in exact], dtype=float)
    life = distance / limits
    retired = shoes["retired"].to_numpy()[owned]
    order = np.lexsort((-life, retired))   # in use first, then the most worn (stable, as sort_values)
    rows = owned[order]
    first_used = shoes["first_used"].array.take(rows)
    return pd.DataFrame({
        "id": ids.take(order),
        "name": names.take(order),
        "distance_km": distance[order],
        "exact_km": exact[order],
        "limit_km": limits[order],
        "life": life[order],
        "max_months": shoes["max_months"].array.take(rows),
        "months": np.array([months_between(f, frames.as_of) for f in first_used], dtype=float),
        "last_run": shoes["last_used"].array.take(rows),
        "first_used": first_used,
        "retired": retired[order],
        "retired_from": shoes["retired_from"].array.take(rows),
    })


def months_between(start: Any, day: date) -> float:
    """Whole months from `start` to `day` (NaN without a start): 2025-01-31 to 2025-02-28 is 0."""
    if pd.isna(start):
        return float("nan")
    start = start.date() if hasattr(start, "date") else start
    months = (day.year - start.year) * 12 + day.month - start.month - (day.day < start.day)
    return float(max(months, 0))


class Rotation(SpanRule):
    id = "shoes.rotation"
    about = RULES[id]   # title, advice and the study behind it: loadguard.advice
    defaults: Mapping[str, Any] = {
        "share": 0.9,     # one shoe carrying at least this share of the tracked distance
        "weeks": 8,
        "min_km": 40.0,   # too little running in the window says nothing about habits
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_positive(config, "share", "weeks")

    def evaluate(self, frames: Frames, config: Mapping[str, Any], first: date, last: date) -> Dated:
        days = int(config["weeks"]) * 7
        # the three columns of the window's shod runs, not a copy of every run's row
        since = (pd.Timestamp(first) - pd.Timedelta(days=days)).to_datetime64()
        shod = pd.notna(frames.runs["gear_id"].to_numpy()) & (frames.runs["day"].to_numpy() > since)
        runs = frames.runs.loc[shod, ["day", "gear_id", "distance_km"]]
        if runs.empty:
            return []
        index = pd.date_range(min(runs["day"].min(), pd.Timestamp(first)), pd.Timestamp(last), freq="D")
        per_shoe = (runs.groupby(["day", "gear_id"])["distance_km"].sum().unstack("gear_id")
                    .reindex(index, fill_value=0.0).fillna(0.0).rolling(days, min_periods=1).sum())
        per_shoe = per_shoe[per_shoe.index >= pd.Timestamp(first)]
        total = per_shoe.sum(axis=1).to_numpy()
        top_km = per_shoe.max(axis=1).to_numpy()
        share = top_km / np.where(total > 0, total, np.nan)
        holds = (total > 0) & reached(total, config["min_km"]) & reached(share, config["share"])
        # the top pair of each day it holds (per_shoe has no NaN: its first column on a tie, as idxmax)
        top = per_shoe.to_numpy().argmax(axis=1)
        codes = np.where(holds, top + 1, 0)
        told = changes(codes, len(codes))
        if not told:
            return []
        names = dict(zip(frames.shoes["id"], frames.shoes["name"]))
        active = frames.shoes[frames.shoes["owned"]]
        out = []
        for k in told:   # (not `i`: the pairs' ids below)
            ts = per_shoe.index[k]
            day = ts.date()
            top_id = str(per_shoe.columns[top[k]])
            in_use = active[(active["first_used"].isna() | (active["first_used"] <= ts))
                            & ~(active["retired_from"] <= ts)]
            # With another active pair the advice is to rotate it in; without one (the
            # rest retired, or never a second pair), to get one.
            others = [(n, float(per_shoe.at[ts, i]) if i in per_shoe.columns else 0.0)
                      for i, n in zip(in_use["id"], in_use["name"]) if i != top_id]
            out.append((day, self._warning(day, top_id, display_name(top_id, names.get(top_id)), float(share[k]),
                                           float(top_km[k]), float(total[k]), others, config)))
        return out

    def _warning(self, day: date, top_id: str, top_name: str, share: float, top_km: float, total: float,
                 others: list[tuple[str, float]], config: Mapping[str, Any]) -> Warning:
        # dated: a digest shows the finding of one day beside the whole week's runs
        message = (
            f"'{top_name}' carried {num.percent_text(share)} of your {num.km_text(total)} of shod running in the "
            f"{int(config['weeks'])} weeks to {day.isoformat()}, {_rotation_tail(others)}."
        )
        # One finding per shoe, like every shoes.* rule: the same habit is not news every week.
        return build_warning(self, Severity.INFO, day, top_id, message, {
            "gear_id": top_id,
            "name": top_name,
            "share": num.share(share),
            "km": num.km(top_km),
            "tracked_km": num.km(total),
            "other_active_shoes": [name for name, _ in others],
        })


def _rotation_tail(others: list[tuple[str, float]]) -> str:
    """How the other active pairs were used: "not worn" only when they ran nothing in the window."""
    if not others:
        return "and it is your only active pair"
    used = [f"{name!r} ran only {num.km_text(km)}" for name, km in others if km > 0]
    idle = [repr(name) for name, km in others if km <= 0]
    parts = []
    if used:
        parts.append(", ".join(used[:3]))
    if idle:
        parts.append(f"{', '.join(idle[:3])} {'was' if len(idle) == 1 else 'were'} not worn")
    return "while " + " and ".join(parts)


# shoes.untracked's subject while no pair is known at all.
NO_PAIR = "no-pair"


class Untracked(EpisodeRule):
    id = "shoes.untracked"
    about = RULES[id]   # title, advice and the study behind it: loadguard.advice
    defaults: Mapping[str, Any] = {
        "share": 0.2,     # more than this share of the distance without a shoe
        "weeks": 4,
        "min_km": 10.0,
        # A runner who does not set shoes is told for this many days of it, then left
        # alone: "313.3 of 313.3 km (100%)" on every check and digest is clutter.
        "told_days": 28,
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_positive(config, "share", "weeks", "told_days")

    def compute(self, frames: Frames, config: Mapping[str, Any]) -> pd.DataFrame:
        daily = daily_table(frames)
        days = int(config["weeks"]) * 7
        total = window(daily["km"], days)
        bare = window(daily["bare_km"], days)
        share = bare / total.where(total > 0)
        holds = (total > 0) & reached(total, config["min_km"]) & exceeded(share, config["share"])
        return pd.DataFrame({"total": total, "bare": bare, "runs": window(daily["bare_runs"], days),
                             "share": share, "holds": holds.astype(bool)}, index=daily.index)

    def evaluate(self, frames: Frames, config: Mapping[str, Any], first: date, last: date) -> Dated:
        t = self.span(frames, config, first, last)
        if t.empty:   # no day of the span to tell: its episodes need not be found
            return []
        starts = episode_starts(self.holds(frames, config)).reindex(t.index)
        t = t[(t.index.to_series() - starts).dt.days < int(config["told_days"])]
        days = int(config["weeks"]) * 7
        total, bare, runs, share = t["total"], t["bare"], t["runs"], t["share"]
        # A runner no pair is known of at all (activity files only) is told once how to
        # name one: one subject for as long as that lasts, not one per episode.
        no_pair = frames.shoes.empty
        out = []
        for ts in t.index:
            day = ts.date()
            n = int(runs[ts])
            message = (
                f"{num.km_text(bare[ts])} of {num.km_text(total[ts])} ({num.percent_text(share[ts])}) in the last "
                f"{int(config['weeks'])} weeks ran with no shoe set ({num.count_text(n, 'run')}), "
                "so their wear is not counted."
            )
            start = day - timedelta(days=days - 1)
            # Runs without a shoe have no gear id to be the subject: the episode is.
            out.append((day, build_warning(self, Severity.INFO, day, NO_PAIR if no_pair else EPISODE, message, {
                "untracked_km": num.km(bare[ts]),
                "total_km": num.km(total[ts]),
                "share": num.share(share[ts]),
                "runs": n,
                "window": [start.isoformat(), day.isoformat()],
            }, NO_PAIR_YET if no_pair else None)))
        return out
