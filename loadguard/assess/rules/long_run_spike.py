"""The long-run spike rule: one run longer than the longest of the month before
(Frandsen et al. 2025), with races judged in their own words (`races`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Mapping

import numpy as np
import pandas as pd

from loadguard import numbers as num
from loadguard.advice import RACE_RECOVERY, RULES
from loadguard.assess.frames import Frames
from loadguard.assess.rules.common import (
    Dated,
    Line,
    SpanRule,
    build_warning,
    history_days,
    nan_as_zero,
    require_order,
    require_positive,
)
from loadguard.assess.rules.races import untagged_races
from loadguard.config import SettingError
from loadguard.model import Severity, Warning

# Frandsen et al. 2025: hazard rate ratios of a run this much longer than the
# longest of the previous 30 days, against runs no longer than it. Observational,
# per session: worded as "runs like this were followed by injury more often".
SPIKE_BANDS = ((1.00, 2.28, "over 100%"), (0.30, 1.52, "30-100%"), (0.10, 1.64, "10-30%"))

class LongRunSpike(SpanRule):
    id = "volume.long_run_spike"
    about = RULES[id]   # title, advice and the study behind it: loadguard.advice
    careful = {"info_over": "long_run_info_over", "warn_over": "long_run_warn_over",
               "alert_over": "long_run_alert_over"}   # see weekly_load.WeeklyLoad.careful
    # Its line (`line`) holds for one run, not for km summed over days: `ahead` asks it
    # only for the runs it names.
    one_run_line = True
    # Speaks first: the single-run spike has the strongest evidence behind it
    # (Frandsen et al. 2025, 5,205 runners); see weekly_load.WeeklyLoad.precedence.
    precedence = 0

    @staticmethod
    def phrase(warning: Warning) -> str:
        ev = warning.evidence
        if "increase_pct" in ev:
            return f"a run {ev['increase_pct']}% over your 30-day longest ({num.km_text(ev['distance_km'])})"
        return warning.title[0].lower() + warning.title[1:]
    defaults: Mapping[str, Any] = {
        # Longer than the reference (below) by more than these shares. Runs 10-30% over
        # are routine in a training block, so they are info (digest), not mail.
        "info_over": 0.10,
        "warn_over": 0.30,
        "alert_over": 1.00,
        # ...and by at least this many km: 5.0 -> 5.9 km is not a spike.
        "min_increase_km": 2.0,
        "lookback_days": 30,  # local days before the run's day (and earlier runs that day)
        # The reference is the larger of the 30-day longest and this share of the longest
        # of `memory_days`: a 17.7 km run five weeks after a 22.6 km one is no spike (on
        # real histories 38% of spike mails were such runs).
        "memory_days": 60,
        "memory_share": 0.9,
        # An alert needs a run this long and this far past its reference: "396% longer
        # than 1.0 km" is arithmetic, not a hazard.
        "alert_min_km": 10.0,
        "alert_min_increase_km": 5.0,
        # A run at least 1.5x and 5 km past the 30-day longest (the study's own window) is
        # mailed whatever came before it, a race too: far beyond what the runner prepared for.
        "clear_over": 0.5,
        "clear_increase_km": 5.0,
        "recent_days": 7,     # a run is a finding for this many days, so a daily cron sees it
        "min_history_days": 30,
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_order(config, "info_over", "warn_over", "alert_over")
        require_positive(config, "lookback_days", "recent_days", "memory_days")
        if not 0 <= config["memory_share"] <= 1:
            raise SettingError("memory_share", f"must be 0 to 1, got {config['memory_share']!r}")

    def evaluate(self, frames: Frames, config: Mapping[str, Any], first: date, last: date) -> Dated:
        recent = int(config["recent_days"])
        reach = max(int(config["lookback_days"]), int(config["memory_days"]))
        runs = frames.days_between(first - timedelta(days=recent - 1 + reach), last)
        if runs.empty:
            return []
        # The runs told on [first, last] with a run to compare with, and of them only those
        # that may be spikes: past their reference or their 30-day longest by (within a hair
        # of) the least gain either of `spike_level`'s tests asks. It decides; most runs are
        # neither.
        told = np.flatnonzero(runs["day"].to_numpy() >= np.datetime64(first - timedelta(days=recent - 1)))
        longest30, _, reference = references(runs, config, told)
        km = runs["distance_km"].to_numpy(dtype=float)[told]
        maybe = (longest30 > 0) & ((km - reference > config["min_increase_km"] - 1e-6)
                                   | (km - longest30 > config["clear_increase_km"] - 1e-6))
        if not maybe.any():
            return []
        judged = with_references(runs, config, told[maybe])
        out = []
        for row in judged.itertuples():
            if spike_level(row.distance_km, row.reference, row.previous_max, bool(row.race), config) is None:
                continue
            day = row.day.date()
            if history_days(frames, day) - 1 < config["min_history_days"]:
                continue
            warning = None
            for shown in range(recent):
                on = day + timedelta(days=shown)
                if on > last:
                    break
                if on >= first:
                    warning = warning or self._warning(runs, row, config)
                    out.append((on, warning))
        return out

    def line(self, frames: Frames, config: Mapping[str, Any], day: date) -> Line | None:
        """The run on `day` (after the runs the frames hold that day) from which this rule
        speaks: the shortest that `spike_level` (the rule's own test) calls a spike
        against the references the rule gives a run there. None while there is too
        little history or no run to compare with."""
        if frames.first_day is None or history_days(frames, day) - 1 < config["min_history_days"]:
            return None
        reach = max(int(config["lookback_days"]), int(config["memory_days"]))
        runs = frames.days_between(day - timedelta(days=reach), day)
        if runs.empty:
            return None
        # a run of no length placed last on `day`: the references the rule gives it
        probe = runs.iloc[[-1]].assign(id=PROBE_ID, day=pd.Timestamp(day), distance_km=0.0, race=False,
                                       moving_s=float("nan"),
                                       start_local=pd.Timestamp(day) + pd.Timedelta(days=1, microseconds=-1))
        probed = pd.concat([runs, probe], ignore_index=True)
        row = next(with_references(probed, config, np.array([len(probed) - 1])).itertuples())
        reference, longest30 = float(row.reference), float(row.previous_max)
        if not round(longest30, num.NOISE_PLACES) > 0:
            return None  # no run in the 30 days before (`ahead`'s runs of no length aside): none judged

        def spike(km: float, longest: float = longest30) -> bool:
            return spike_level(km, reference, longest, False, config) is not None

        low, high = 0.0, 2 * max(reference, longest30) * (2 + config["info_over"]) + 2 * (
            config["min_increase_km"] + config["clear_increase_km"])
        while high - low > 1e-7:   # spike_level rises with the run's length: its first spike
            mid = (low + high) / 2
            low, high = (low, mid) if spike(mid) else (mid, high)
        lookback, memory = int(config["lookback_days"]), int(config["memory_days"])
        on30 = longest_on(runs, row, lookback)
        of = (f"your longest run of the {lookback} days before, {num.km_text(longest30)} on {on30.isoformat()}")
        if reference > longest30:
            on60 = longest_on(runs, row, memory)
            of = (f"{num.percent_text(config['memory_share'])} of the {num.km_text(row.memory_max)} you ran on "
                  f"{on60.isoformat()} ({num.km_text(reference)}; the longest of the {lookback} days before is "
                  f"{num.km_text(longest30)})")
        if spike(high, 0.0):
            why = (f"more than {num.percent_text(config['info_over'])} and "
                   f"{num.limit_km_text(config['min_increase_km'])} past {of}")
        else:   # told only as a clear spike against the 30-day longest
            why = (f"{num.percent_text(config['clear_over'])} and {num.limit_km_text(config['clear_increase_km'])} "
                   f"past the {lookback}-day longest, {num.km_text(longest30)}, whatever came before")
        return Line(self.id, high, True, why, {
            "reference_km": num.km(reference), "previous_longest_km": num.km(longest30),
            "previous_longest_on": on30.isoformat(), "spike_from_km": round(high, 2),
            "info_over": config["info_over"], "min_increase_km": config["min_increase_km"],
            "lookback_days": lookback, "memory_days": memory, "memory_share": config["memory_share"]},
            sums=False)

    def _warning(self, runs: pd.DataFrame, row: Any, config: Mapping[str, Any]) -> Warning:
        day = row.day.date()
        lookback = int(config["lookback_days"])
        race = bool(row.race)
        severity = spike_level(row.distance_km, row.reference, row.previous_max, race, config)
        over = row.distance_km / row.reference - 1
        over30 = row.distance_km / row.previous_max - 1
        on30 = longest_on(runs, row, lookback)
        name = f"'{row.name}' " if row.name else ""
        numbers = (f"{num.km_text(row.distance_km)}, {past_text(row.distance_km, row.previous_max)} than your "
                   f"longest run of the previous {lookback} days ({num.km_text(row.previous_max)} on "
                   f"{on30.isoformat()})")
        if row.reference > row.previous_max:   # the longer memory sets the reference
            on60 = longest_on(runs, row, int(config["memory_days"]))
            longest60 = num.km_text(row.memory_max)
            numbers += (f"; against {num.percent_text(config['memory_share'])} of the {longest60} you ran on "
                        f"{on60.isoformat()} it is {past_text(row.distance_km, row.reference)}"
                        if row.distance_km > row.reference else
                        f"; you ran {longest60} on {on60.isoformat()}, {(day - on60).days} days before")
        band = next((b for b in SPIKE_BANDS if num.percent(over30) > 100 * b[0]), None)
        evidence = {
            "activity_id": int(row.id),
            "distance_km": num.km(row.distance_km),
            "previous_longest_km": num.km(row.previous_max),
            "previous_longest_on": on30.isoformat(),
            "increase_pct": num.percent(over30),
            "reference_km": num.km(row.reference),
            "reference_increase_pct": num.percent(over),
            "hazard_ratio": band[1] if band else None,
            "race": race,
            "race_tagged": bool(row.race_tagged),
            "thresholds": {k: config[k] for k in ("info_over", "warn_over", "alert_over")},
        }
        if race:
            # A planned race is not an unexplained spike; what it needs is recovery. It
            # is mailed only when far beyond what the runner prepared for.
            kind = "Race" if row.race_tagged else "Race-distance run at race pace"
            far = " far beyond your preparation" if severity >= Severity.WARN else ""
            message = f"{kind} {name}on {day.isoformat()}{far}: {numbers}. Give it the recovery a race asks for."
            return build_warning(self, severity, day, str(row.id), message, evidence, RACE_RECOVERY)
        band_text = (f"; in a study of 5,205 runners, runs {band[2]} over the 30-day longest were "
                     f"followed by injury about {band[1]}x as often" if band else "")
        message = f"Run {name}on {day.isoformat()}: {numbers}{band_text}."
        return build_warning(self, severity, day, str(row.id), message, evidence)


# The id of the run of no length a line is drawn for (never a stored run's).
PROBE_ID = -(2**63) + 1

# Below this the reference is a fragment of a run: a percentage against it says nothing.
FRAGMENT_KM = 5.0


def past_text(km: float, reference: float) -> str:
    """'55% longer' or, against a fragment of a run, '3.5 km more'."""
    if reference < FRAGMENT_KM:
        return f"{num.km_text(km - reference)} more"
    return f"{num.percent_text(km / reference - 1)} longer"


def spike_level(km: float, reference: float, longest30: float, race: bool,
                config: Mapping[str, Any]) -> Severity | None:
    """The spike's severity for a run of `km` against its reference (see `reference_km`) and
    the longest of the 30 days before; None when it is no spike. Shares are judged as
    shown (whole percents), so a message never reads "100% longer" beside "over 100%"."""
    if reference <= 0:
        return None
    shown = num.percent(km / reference - 1)
    gain = round(km - reference, 6)
    clear = (longest30 > 0 and num.percent(km / longest30 - 1) >= 100 * config["clear_over"]
             and round(km - longest30, 6) >= config["clear_increase_km"])
    level = None
    if gain >= config["min_increase_km"]:
        for line, severity in ((config["info_over"], Severity.INFO), (config["warn_over"], Severity.WARN),
                               (config["alert_over"], Severity.ALERT)):
            if shown > round(100 * line, 6):
                level = severity
        if level is Severity.ALERT and (km < config["alert_min_km"] or gain < config["alert_min_increase_km"]):
            level = Severity.WARN
    if race:
        return Severity.WARN if clear else (Severity.INFO if level or clear else None)
    if clear:
        return max(level or Severity.WARN, Severity.WARN)
    return level


def with_references(runs: pd.DataFrame, config: Mapping[str, Any], rows: np.ndarray | None = None) -> pd.DataFrame:
    """`runs` (those at the positions `rows`, default all; the others are only compared
    with) with each run's `previous_max` (the longest of `lookback_days`), `reference`
    (what the spike rule measures it against: the larger of that and `memory_share` of the
    longest of `memory_days`), and `race` (tagged, or a race distance at race pace)."""
    rows = np.arange(len(runs)) if rows is None else rows
    longest30, longest60, reference = references(runs, config, rows)
    picked = runs.iloc[rows]
    tagged = picked["race"].to_numpy(dtype=bool)
    return picked.assign(previous_max=longest30, memory_max=longest60, reference=reference,
                         race_tagged=tagged, race=tagged | untagged_races(runs, rows))


def references(runs: pd.DataFrame, config: Mapping[str, Any],
               rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For the runs at the positions `rows`: the longest of `lookback_days` and of
    `memory_days` before each (0 where none), and its reference (see `with_references`)."""
    longest30 = nan_as_zero(previous_longest(runs, int(config["lookback_days"]), rows))
    longest60 = nan_as_zero(previous_longest(runs, int(config["memory_days"]), rows))
    return longest30, longest60, np.fmax(longest30, config["memory_share"] * longest60)


def reference_km(frames: Frames, config: Mapping[str, Any], day: date | None = None) -> float:
    """The distance a run on `day` (default the as-of day) is measured against: a run
    longer than it by `info_over` / `warn_over` / `alert_over` (and `min_increase_km`) is
    a spike at that level (`ahead` computes the lines from it)."""
    day = day or frames.as_of

    def longest(days: int) -> float:
        km = frames.days_between(day - timedelta(days=days), day - timedelta(days=1))["distance_km"]
        return float(km.max()) if not km.empty else 0.0

    return max(longest(int(config["lookback_days"])), config["memory_share"] * longest(int(config["memory_days"])))


def longest_on(runs: pd.DataFrame, row: Any, days: int) -> date:
    """The day of the longest run of the `days` days before `row`'s day (or earlier that day)."""
    prior = runs[((runs["day"] >= row.day - pd.Timedelta(days=days)) & (runs["day"] < row.day))
                 | ((runs["day"] == row.day) & (runs["start_local"] < row.start_local))]
    return prior.loc[prior["distance_km"].idxmax()]["day"].date()


def previous_longest(runs: pd.DataFrame, lookback_days: int, rows: np.ndarray | None = None) -> np.ndarray:
    """For each run (of the positions `rows`, default all), the longest run of the
    `lookback_days` local days before its day, or earlier that same day; NaN where there
    is none. `runs` are in start order (as the frames hold them): those before a run and
    at most `lookback_days` days before its day are the rows just above it."""
    days = runs["day"].to_numpy()
    rows = np.arange(len(days)) if rows is None else np.asarray(rows, dtype=np.intp)
    out = np.full(len(rows), np.nan)
    start = np.searchsorted(days, days[rows] - np.timedelta64(lookback_days, "D"), "left")
    some = start < rows
    if some.any():
        # the longest of the rows [start, row) of each run: reduceat over (start, row) pairs
        bounds = np.column_stack([start[some], rows[some]]).ravel()
        out[some] = np.fmax.reduceat(runs["distance_km"].to_numpy(dtype=float), bounds)[::2]
    return out
