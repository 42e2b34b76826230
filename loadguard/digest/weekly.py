"""A week's digest as plain data: totals against the usual week, the load ratio,
12 weeks for the chart, the week's warnings and the shoe table.

The usual week is one figure, the weekly-load rule's own base: the mean of the
weeks the rule keeps of the 4 before (by default the 2 busiest). The table, the
cards, the chart and the ratio all compare with it, so the page never shows two
baselines.

Everything is read from one Assessment (the engine's frames and the rules' own
findings and lines), so the digest can never disagree with `loadguard check` or
`loadguard shoes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from loadguard.advice import CHECKLIST, DISCLAIMER, FAMILY_HEADINGS
from loadguard.assess.assessment import Assessment, sort_warnings
from loadguard.assess.frames import Frames
from loadguard.assess.rules.shoes import NO_PAIR
from loadguard.config import Config
from loadguard.digest import next_week, symptoms_section
from loadguard.digest.next_week import NextWeek
from loadguard.digest.symptoms_section import SymptomSection
from loadguard.digest.weeks import IsoWeek
from loadguard.model import Severity, Warning
from loadguard.shoe_keys import display_name
from loadguard.store import Store

BASE_WEEKS = 4
CHART_WEEKS = 12
# Families whose findings describe a state the digest shows as of its last day.
STATE_FAMILIES = ("shoes",)
# Below this ratio the week was lighter than usual; the upper bands are the
# weekly-load detector's own warn and alert thresholds.
LIGHT_BELOW = 0.8


@dataclass(frozen=True)
class Metric:
    """One week total and the usual week before it.

    `base` is None when the history does not cover the 4 weeks before.
    `change` is a percentage for amounts and percentage points for shares.
    """

    key: str
    label: str
    kind: str                 # km | duration | count | m | share
    value: float | None
    base: float | None

    @property
    def change(self) -> float | None:
        if self.value is None or self.base is None:
            return None
        if self.kind == "share":
            return self.value - self.base
        if self.base <= 0:
            return None
        return (self.value / self.base - 1) * 100


@dataclass(frozen=True)
class LoadBand:
    ratio: float | None       # None where the weekly-load rule is silent
    acute_km: float
    chronic_week_km: float
    method: str
    band: str                 # light | steady | caution | high | none
    warn: float               # where the caution band starts (the rule's `caution` line)
    alert: float              # where "well above" starts (the rule's `warn` line: mailed)
    silence: str | None = None  # why the rule is silent, in its own words
    base_weeks: str = ""        # which weeks the base averages, in the rule's own words

    @property
    def band_text(self) -> str:
        return {
            "light": f"under {LIGHT_BELOW}: lighter than your recent weeks",
            "steady": f"{LIGHT_BELOW}-{self.warn}: in line with your recent weeks",
            "caution": f"{self.warn}-{self.alert}: caution band",
            "high": f"over {self.alert}: well above your recent weeks",
            "none": self.silence or "no 4-week base yet",
        }[self.band]


@dataclass(frozen=True)
class ChartWeek:
    week: IsoWeek
    road_km: float
    trail_km: float
    ratio: float | None


@dataclass(frozen=True)
class RunLine:
    day: date
    name: str
    km: float
    trail: bool


@dataclass
class ShoeLine:
    id: str
    name: str
    distance_km: float | None
    limit_km: float | None
    life: float | None        # share of the limit used, 1.0 = at the limit
    retired: bool
    level: str                # ok | info | warn | alert (for the bar's colour)
    runs: list[RunLine] = field(default_factory=list)

    @property
    def week_km(self) -> float:
        return sum(r.km for r in self.runs)


@dataclass(frozen=True)
class WarningGroup:
    family: str
    title: str
    warnings: list[Warning]


@dataclass
class Digest:
    week: IsoWeek
    first_day: date | None            # the first run on record up to the week's end
    last_day: date                    # the week's Sunday, or today in a week still running
    base_first: date
    base_last: date
    usual_weeks: list[IsoWeek]        # the weeks the usual week averages
    metrics: list[Metric]
    load: LoadBand
    chart: list[ChartWeek]
    groups: list[WarningGroup]
    shoes: list[ShoeLine]
    unshod: list[RunLine]
    checklist: tuple[str, ...]
    disclaimer: str = DISCLAIMER
    symptoms: SymptomSection | None = None  # loadguard.digest.symptoms_section
    next_week: NextWeek | None = None

    @property
    def usual_km(self) -> float | None:
        """The usual week's distance: the one baseline every part of the page names."""
        return self.metric("distance").base

    @property
    def has_base(self) -> bool:
        return self.metrics[0].base is not None

    def metric(self, key: str) -> Metric:
        return next(m for m in self.metrics if m.key == key)


def build(store: Store, config: Config, week: IsoWeek, today: date | None = None) -> Digest:
    """The digest of `week`; days after `today` (a week still running) are left out of
    everything: runs, totals, the load ratio, shoes and warnings alike."""
    last = week.sunday if today is None else min(week.sunday, today)
    assessment = Assessment(store, config, week.monday, last)
    frames = assessment.history
    _ = assessment.load_settings, assessment.shoe_settings   # a bad setting is told before anything is judged

    base_first = week.shifted(-BASE_WEEKS).monday
    base_last = week.shifted(-1).sunday
    has_base = frames.first_day is not None and frames.first_day <= base_first
    symptoms = symptoms_section.build(assessment, week.monday, last)
    warnings = week_warnings(assessment, week, last)
    if symptoms is not None:
        # the symptoms section tells these, each once, with the load before it
        warnings = [w for w in warnings if w.family != symptoms_section.FAMILY]
    groups = _warning_groups(warnings)
    usual = _usual_weeks(assessment, frames, week) if has_base else []
    return Digest(
        week=week,
        first_day=frames.first_day,
        last_day=last,
        base_first=base_first,
        base_last=base_last,
        usual_weeks=usual,
        metrics=_metrics(frames, week, usual),
        load=_load(assessment, last),
        chart=_chart(assessment, week, last),
        groups=groups,
        shoes=_shoes(assessment, week),
        unshod=[_run_line(r) for r in _week_runs(frames, week).itertuples() if r.gear_id is None],
        # a week with symptoms has its own, fuller routine in the symptoms section
        checklist=CHECKLIST if groups and symptoms is None else (),
        symptoms=symptoms,
        next_week=next_week.lines(assessment, week_first=week.monday),
    )


# -- totals ------------------------------------------------------------------------


def _week_runs(frames: Frames, week: IsoWeek) -> pd.DataFrame:
    return frames.days_between(week.monday, week.sunday)


def _totals(runs: pd.DataFrame) -> dict[str, float]:
    km = float(runs["distance_km"].sum())
    trail_km = float(runs.loc[runs["trail"], "distance_km"].sum())
    return {
        "distance": km,
        "moving": float(runs["moving_s"].fillna(0).sum()),
        "runs": float(len(runs)),
        "longest": float(runs["distance_km"].max()) if len(runs) else 0.0,
        "climb": float(runs["elev_m"].sum()),
        "trail_km": trail_km,
    }


def _usual_weeks(assessment: Assessment, frames: Frames, week: IsoWeek) -> list[IsoWeek]:
    """The weeks of the 4 before that the weekly-load rule keeps for its base."""
    before = [week.shifted(-i) for i in range(BASE_WEEKS, 0, -1)]
    kept = assessment.kept_weeks([float(_week_runs(frames, w)["distance_km"].sum()) for w in before])
    return [w for w, keep in zip(before, kept) if keep]


def _metrics(frames: Frames, week: IsoWeek, usual: list[IsoWeek]) -> list[Metric]:
    this = _totals(_week_runs(frames, week))
    base: dict[str, float | None] = dict.fromkeys(this, None)
    base_share = None
    if usual:
        weeks = [_totals(_week_runs(frames, w)) for w in usual]
        # the usual week: the kept weeks' totals averaged, and the mean of their longest runs
        base = {k: sum(w[k] for w in weeks) / len(weeks) for k in this}
        # a share over the whole base, weighted by distance, as the trail detector reads it
        base_share = base["trail_km"] / base["distance"] * 100 if base["distance"] else None
    share = this["trail_km"] / this["distance"] * 100 if this["distance"] else None
    return [
        Metric("distance", "Distance", "km", this["distance"], base["distance"]),
        Metric("moving", "Moving time", "duration", this["moving"], base["moving"]),
        Metric("runs", "Runs", "count", this["runs"], base["runs"]),
        Metric("longest", "Longest run", "km", this["longest"], base["longest"]),
        Metric("climb", "Climb", "m", this["climb"], base["climb"]),
        Metric("trail_share", "Trail share", "share", share, base_share),
    ]


# -- load ratio --------------------------------------------------------------------


def _load(assessment: Assessment, day: date) -> LoadBand:
    """The weekly-load rule's own ratio on `day`, put in bands by its lines."""
    verdict = assessment.weekly_load(day)
    load_cfg = assessment.load_settings
    if verdict.ratio is None:
        band = "none"
    elif assessment.load_reaches(verdict.ratio, "warn"):
        band = "high"
    elif assessment.load_reaches(verdict.ratio, "caution"):
        band = "caution"
    elif verdict.ratio < LIGHT_BELOW:
        band = "light"
    else:
        band = "steady"
    load = verdict.load
    return LoadBand(verdict.ratio, load.acute_km, load.chronic_week_km, load.method, band,
                    float(load_cfg["caution"]), float(load_cfg["warn"]), verdict.silence,
                    assessment.base_weeks_text())


def _chart(assessment: Assessment, week: IsoWeek, last: date) -> list[ChartWeek]:
    out = []
    for back in range(CHART_WEEKS - 1, -1, -1):
        w = week.shifted(-back)
        runs = _week_runs(assessment.history, w)
        trail = float(runs.loc[runs["trail"], "distance_km"].sum())
        road = float(runs["distance_km"].sum()) - trail
        out.append(ChartWeek(w, road, trail, _load(assessment, min(w.sunday, last)).ratio))
    return out


# -- warnings ----------------------------------------------------------------------


def week_warnings(assessment: Assessment, week: IsoWeek, last: date) -> list[Warning]:
    """What the rules found as of each day of the week up to `last`.

    A daily cron run of `check` may have reported a finding on Wednesday that is
    gone by Sunday (the 7-day window moved on), and the runner expects the digest
    to show it. Each finding (rule + subject) appears once, at its worst severity
    and, among equals, with its latest numbers.

    Shoe findings are a state, not an event: the digest's shoe table shows the
    shoes as they stand on the last day, so their findings are those of that day
    too (a pair said to sit idle on Monday may have run 40 km by Sunday).
    """
    best: dict[str, Warning] = {}
    end = min(last, week.sunday)
    by_day = assessment.by_day if end >= week.monday else {}
    for day in sorted(by_day):
        for w in by_day[day]:
            if w.family in STATE_FAMILIES and day != end:
                continue
            if _told_in_an_earlier_week(assessment, w, week):
                continue
            seen = best.get(w.id)
            if seen is None or (int(w.severity), w.date) >= (int(seen.severity), seen.date):
                best[w.id] = w
    # A finding told inside another's card later in the week (a big week folded into the
    # spike of its long run) is not a card of its own as well: one build-up, one card.
    folded = {also["id"]: int(Severity.parse(also["severity"])) for w in best.values()
              for also in w.evidence.get("also", ())}
    return sort_warnings(w for key, w in best.items() if folded.get(key, -1) < int(w.severity))


def _told_in_an_earlier_week(assessment: Assessment, w: Warning, week: IsoWeek) -> bool:
    """A runner no pair is known of is told how to name one in the digest of the week
    that began, not in each of the weeks the finding lasts (issue 17: once, not weekly)."""
    if w.subject != NO_PAIR:
        return False
    starts = assessment.episode_starts.get(w.rule)
    day = pd.Timestamp(w.date)
    return starts is not None and day in starts.index and starts[day].date() < week.monday


def _warning_groups(warnings: list[Warning]) -> list[WarningGroup]:
    families: dict[str, list[Warning]] = {}
    for w in warnings:
        families.setdefault(w.family, []).append(w)
    # the family holding the worst finding first, then by name
    order = sorted(families, key=lambda f: (-max(int(w.severity) for w in families[f]), f))
    return [WarningGroup(f, FAMILY_HEADINGS.get(f, f.capitalize()), families[f]) for f in order]


# -- shoes -------------------------------------------------------------------------


def _run_line(row: Any) -> RunLine:
    return RunLine(row.day.date(), row.name, float(row.distance_km), bool(row.trail))


def _shoes(assessment: Assessment, week: IsoWeek) -> list[ShoeLine]:
    """Active shoes and any retired pair that still ran this week, each with its week's runs."""
    runs = _week_runs(assessment.history, week)
    by_shoe: dict[str, list[RunLine]] = {}
    for row in runs.itertuples():
        if row.gear_id is not None:
            by_shoe.setdefault(str(row.gear_id), []).append(_run_line(row))
    out = []
    for shoe in assessment.shoe_table().itertuples():
        week_runs = by_shoe.pop(shoe.id, [])
        if shoe.retired and not week_runs:
            continue
        life = float(shoe.life) if pd.notna(shoe.life) else None
        out.append(ShoeLine(shoe.id, shoe.name, float(shoe.distance_km), float(shoe.limit_km), life,
                            bool(shoe.retired), assessment.shoe_level(life), week_runs))
    # runs naming gear the store does not know (not synced yet, or Strava will not describe it)
    for gear_id, week_runs in by_shoe.items():
        out.append(ShoeLine(gear_id, display_name(gear_id), None, None, None, False, "ok", week_runs))
    return out
