"""What the built-in detectors share: windows over the frames, and building a Warning."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Mapping

import numpy as np
import pandas as pd

from loadguard.advice import Rule
from loadguard.assess.frames import Frames
from loadguard.config import SettingError
from loadguard.model import Severity, Warning
from loadguard.numbers import NOISE_PLACES

ACUTE_DAYS = 7
CHRONIC_DAYS = 28
# The chronic window in weeks: the base a week is compared with.
BASE_WEEKS = CHRONIC_DAYS // ACUTE_DAYS


@dataclass(frozen=True)
class Windows:
    """The acute week ending on the as-of day and the four weeks before it."""

    acute_first: date
    acute_last: date
    chronic_first: date
    chronic_last: date

    @classmethod
    def ending(cls, last: date) -> "Windows":
        acute_first = last - timedelta(days=ACUTE_DAYS - 1)
        chronic_last = acute_first - timedelta(days=1)
        return cls(acute_first, last, chronic_last - timedelta(days=CHRONIC_DAYS - 1), chronic_last)


def daily_table(frames: Frames) -> pd.DataFrame:
    """Per local day, from 35 days before the first run to the as-of day: running km,
    trail km, climb, km and runs without a shoe, runs. Windows ending on any day
    are sums over it, so a rule judges every day of a history at once."""
    if "daily" in frames.cache:
        return frames.cache["daily"]
    runs = frames.runs
    if runs.empty:
        table = pd.DataFrame(columns=DAILY_COLUMNS, index=pd.DatetimeIndex([], name="day"), dtype=float)
    else:
        # arrays, then one groupby: its sums are the ones the rules have always shown
        km = runs["distance_km"].to_numpy(dtype=float)
        bare = runs["gear_id"].isna().to_numpy()
        columns = {"km": km, "trail_km": np.where(runs["trail"].to_numpy(dtype=bool), km, 0.0),
                   "elev_m": runs["elev_m"].to_numpy(dtype=float), "bare_km": np.where(bare, km, 0.0),
                   "bare_runs": bare.astype(float), "runs": np.ones(len(km))}
        per_day = pd.DataFrame(np.column_stack([columns[c] for c in DAILY_COLUMNS])).groupby(
            runs["day"].to_numpy()).sum()
        first = runs["day"].iloc[0] - pd.Timedelta(days=CHRONIC_DAYS + ACUTE_DAYS)
        index = pd.date_range(first, max(frames.as_of_ts, runs["day"].iloc[-1]), freq="D", name="day")
        values = np.zeros((len(index), len(DAILY_COLUMNS)))
        values[index.get_indexer(per_day.index)] = per_day.to_numpy()
        table = pd.DataFrame(values, index=index, columns=list(DAILY_COLUMNS))
    frames.cache["daily"] = table
    return table


DAILY_COLUMNS = ("km", "trail_km", "elev_m", "bare_km", "bare_runs", "runs")


@dataclass(frozen=True)
class Line:
    """Where a rule starts to speak on a day, in km: what `ahead` and `plan check` read.

    A run (for the weekly rule: the 7-day sum) of `km` crosses the line when
    `at_line` is true (reaching it is enough), and only a longer one otherwise.
    `why` says in words what the line is drawn from; `evidence` the same figures
    for JSON. `sums` tells a line on km summed over days (a week, a first week
    back), which running on the days before also fills, from a line on one run.
    `terrain` names the only runs the line holds for ("trail"); None for any run.
    `by_lag` is for a line on averages that weigh a run less each day after it (the
    EWMA ratio): entry t is the km of a run t days before the line's day that crosses
    it there (None: no run that long ago does); `km` is entry 0, the day's own run.
    """

    rule: str
    km: float
    at_line: bool
    why: str
    evidence: dict
    sums: bool = True
    terrain: str | None = None
    by_lag: tuple[float | None, ...] = ()

    def crossed_by(self, km: float) -> bool:
        return reaches(km, self.km) if self.at_line else exceeds(km, self.km)

    def for_run_days_before(self, lag: int) -> "Line | None":
        """This line as it holds for a run `lag` days before its day: itself for a sum
        line (the run's km stays in the sums), None where the run no longer counts."""
        if self.by_lag:
            km = self.by_lag[lag] if lag < len(self.by_lag) else None
            return None if km is None else replace(self, km=km)
        return self if self.sums or lag == 0 else None


@dataclass(frozen=True)
class ClimbLine:
    """Where a climb rule starts to speak on a day: the 7 days' metres of climb per km.

    The 7 days before the day already hold `climb_m` of climb in `week_km`; a run of
    x km on the day makes the rule speak when the 7 days' climb per km reaches
    `m_per_km` and they hold at least `min_km`.
    """

    rule: str
    m_per_km: float
    climb_m: float
    week_km: float
    min_km: float
    why: str
    evidence: dict

    def most_climb(self, km: float) -> float | None:
        """The climb a run of `km` on the day may have before the rule speaks (below
        zero: the 7 days are already over); None when no climb makes it speak."""
        if not reaches(self.week_km + km, self.min_km):
            return None
        return self.m_per_km * (self.week_km + km) - self.climb_m


# What a rule judging a span gives: each day's warning, as (day, warning).
Dated = list[tuple[date, Warning]]


class SpanRule:
    """A rule that judges a span of days at once (its `evaluate(frames, config, first,
    last)` gives (day, warning) pairs); `detect` is its as-of day."""

    def detect(self, frames: Frames, config: Mapping[str, Any]) -> list[Warning]:
        return [w for _, w in self.evaluate(frames, config, frames.as_of, frames.as_of)]


class EpisodeRule(SpanRule):
    """A span rule whose condition is a table over every day of the history (`compute`,
    with a boolean `holds` column), kept on the frames; its findings are episodes."""

    def compute(self, frames: Frames, config: Mapping[str, Any]) -> pd.DataFrame:
        raise NotImplementedError

    def table(self, frames: Frames, config: Mapping[str, Any]) -> pd.DataFrame:
        key = (self.id, settings_key(config))
        if key not in frames.cache:
            frames.cache[key] = self.compute(frames, config)
        return frames.cache[key]

    def holds(self, frames: Frames, config: Mapping[str, Any]) -> pd.Series:
        return self.table(frames, config)["holds"]

    def span(self, frames: Frames, config: Mapping[str, Any], first: date, last: date) -> pd.DataFrame:
        """The table's days in [first, last] on which the condition held."""
        t = days_of(self.table(frames, config), first, last)
        held = t["holds"].to_numpy()
        return t[held] if held.any() else t.iloc[:0]


def days_of(table: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    """The rows of a table by day (the daily table's days, in order) in [first, last]."""
    lo = table.index.searchsorted(pd.Timestamp(first), side="left")
    hi = table.index.searchsorted(pd.Timestamp(last), side="right")
    return table.iloc[lo:hi]


def settings_key(config: Mapping[str, Any]) -> tuple:
    """A rule's settings as a key for results kept on the frames."""
    return tuple(sorted((k, v) for k, v in config.items() if not isinstance(v, (dict, list))))


def window(series: pd.Series, days: int, lag: int = 0) -> pd.Series:
    """Sum of the `days` days ending `lag` days before each day."""
    out = series.rolling(days, min_periods=1).sum()
    return out.shift(lag, fill_value=0.0) if lag else out


def sums(frames: Frames, column: str, days: int, lag: int = 0) -> np.ndarray:
    """`window` of a column of the daily table, for each of its days, as a read-only array.

    Kept on the frames: the weekly and terrain rules sum the same columns over the same
    weeks, and a rolling sum is the one pandas call their tables keep (its compensated
    sums are the figures every rule has always shown); the rest is arithmetic on arrays.
    """
    key = ("sums", column, days)
    if key not in frames.cache:
        out = window(daily_table(frames)[column], days).to_numpy()
        out.setflags(write=False)
        frames.cache[key] = out
    return lagged(frames.cache[key], lag)


def lagged(values: np.ndarray, lag: int, fill: Any = 0) -> np.ndarray:
    """Each day's value of `lag` days before it (Series.shift), `fill` where there is none."""
    if not lag:
        return values
    out = np.full_like(values, fill)
    if lag < len(values):
        out[lag:] = values[:-lag]
    return out


def nan_as_zero(values: np.ndarray) -> np.ndarray:
    """`values` with 0 for NaN (Series.fillna(0.0) for an array)."""
    return np.where(np.isnan(values), 0.0, values)


def history_days_of(frames: Frames) -> np.ndarray:
    """`history_days` for every day of the daily table (read-only, kept on the frames)."""
    if "history days" not in frames.cache:
        index, first = daily_table(frames).index, frames.first_day
        if first is None:
            days = np.zeros(len(index), dtype=np.int64)
        else:
            days = np.maximum((index.to_numpy() - np.datetime64(first)) // np.timedelta64(1, "D") + 1, 0)
        days.setflags(write=False)
        frames.cache["history days"] = days
    return frames.cache["history days"]


def history_days(frames: Frames, day: date | None = None) -> int:
    """Days from the first run to `day` (default the as-of day), both included; 0 when none."""
    first = frames.first_day
    day = day or frames.as_of
    return 0 if first is None or first > day else (day - first).days + 1


def build_warning(rule: Any, severity: Severity, day: date, subject: str, message: str,
                  evidence: dict[str, Any], text: Rule | None = None) -> Warning:
    """A warning of `rule` with the title, advice and reference it declares (`about`), or
    those of `text`."""
    text = text or rule.about
    return Warning(
        rule=rule.id, severity=severity, date=day, subject=subject, title=text.title,
        message=message, evidence=evidence, advice=text.advice, reference=text.reference,
    )


def reaches(value: float, threshold: float) -> bool:
    """value >= threshold, with float noise absorbed: 1.5 x 4.4 km must reach 6.6 km.

    Six decimals are far below anything a runner's data can tell apart; the
    difference is rounded, since either side may carry the noise.
    """
    return round(float(value) - float(threshold), NOISE_PLACES) >= 0


def exceeds(value: float, threshold: float) -> bool:
    """value > threshold, with the same float-noise allowance as `reaches`."""
    return round(float(value) - float(threshold), NOISE_PLACES) > 0


def reached(values: Any, line: Any) -> Any:
    """`reaches` for each day of a Series (or array) at once."""
    return np.round(values - line, NOISE_PLACES) >= 0


def exceeded(values: Any, line: Any) -> Any:
    """`exceeds` for each day of a Series (or array) at once."""
    return np.round(values - line, NOISE_PLACES) > 0


# -- checks of a detector's merged settings (raise SettingError naming the key) --------


def require_positive(settings: Mapping[str, Any], *keys: str) -> None:
    for key in keys:
        if not settings[key] > 0:
            raise SettingError(key, f"must be above zero, got {settings[key]!r}")


def require_order(settings: Mapping[str, Any], *keys: str) -> None:
    """Thresholds that must rise strictly in the order given (e.g. warn below alert)."""
    require_positive(settings, *keys)
    for low, high in zip(keys, keys[1:]):
        if not settings[low] < settings[high]:
            raise SettingError(low, f"({settings[low]}) must be below {high} ({settings[high]})")


def require_choice(settings: Mapping[str, Any], key: str, choices: tuple[str, ...]) -> None:
    if settings[key] not in choices:
        raise SettingError(key, f"must be one of {', '.join(repr(c) for c in choices)}, got {settings[key]!r}")
