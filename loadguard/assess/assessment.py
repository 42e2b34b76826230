"""The engine's one object: an Assessment of one store and config over a span of days.

`check` judges one day, `replay` a span, the digest a week and `shoes` one day's
shoes; each builds one Assessment and reads only it. It owns the frames, the rules
and their merged settings, the careful days after a symptom, the episode starts,
the earlier findings the symptom rules look back at, and the ledger of what was
told — so what replay says cron would have mailed is what `check --new` mails.

What the engine needs to know of a rule it reads from the rule itself (see
`loadguard.assess.rules.Detector`): `careful`, `magnitude`, `precedence`, `phrase`,
`looks_back`, and the title, advice and reference on each Warning.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, Iterable

import pandas as pd

from loadguard.assess import frames as history
from loadguard.assess.episodes import GAP_DAYS, episode_starts, name_episodes
from loadguard.assess.frames import Frames
from loadguard.assess.ledger import Ledger
from loadguard.assess.one_cause import one_message_per_cause
from loadguard.assess.prior_findings import PriorFindings, precedence
from loadguard.assess.rules import load_detectors
from loadguard.assess.rules.common import ACUTE_DAYS, reaches
from loadguard.assess.rules.shoes import Mileage, mileage_severity, shoe_table
from loadguard.assess.rules.symptoms import AfterLoad, Event, events
from loadguard.assess.rules.weekly_load import (
    LoadVerdict,
    WeeklyLoad,
    assess_weekly_load,
    base_weeks_text,
    kept_weeks,
)
from loadguard.config import Config
from loadguard.errors import LoadguardError
from loadguard.model import Severity, Warning
from loadguard.store import Store

if TYPE_CHECKING:
    from loadguard.assess import ahead, plan_check
    from loadguard.plan.sessions import Session

# The longest window a built-in rule sums over (8 weeks of rotation, plus a week):
# where runs were read from a later day, the first this-many days are not judged.
WARMUP_DAYS = 63


class Assessment:
    """What the rules find in `store` with `config` on the days [first, last].

    Nothing is read until asked for: `shoes` needs only the frames of `last`, and a
    check reads the rules, its frames and the findings.
    """

    def __init__(self, store: Store, config: Config, first: date, last: date):
        self.store, self.config, self.first, self.last = store, config, first, last
        self._without_plan: dict[tuple, set] = {}   # findings ahead of the history alone

    # -- the rules and their settings ---------------------------------------------

    @cached_property
    def rules(self) -> list[Any]:
        """Every installed rule (the loadguard.detectors entry points), in rule-id order."""
        rules = load_detectors()
        self.config.check_detector_ids({r.id for r in rules})
        return rules

    @cached_property
    def settings(self) -> dict[str, dict]:
        """Rule id -> its settings: defaults merged with config.toml, checked by the rule."""
        return {r.id: detector_settings(self.config, r) for r in self.rules}

    @cached_property
    def careful_settings(self) -> dict[str, dict]:
        """The settings while a symptom is recent; checked on every run, so a bad
        [symptoms] line is told at once."""
        return tightened(self.rules, self.settings, self.config)

    @cached_property
    def enabled(self) -> list[Any]:
        return [r for r in self.rules if self.settings[r.id]["enabled"]]

    # -- the frames -----------------------------------------------------------------

    @cached_property
    def frames(self) -> Frames:
        """The frames the rules judge: runs from HORIZON_DAYS before `first` (all of them
        when an episode of a judged day reaches back that far), shoes rewindable to `first`."""
        self._read()
        return self._frames

    @cached_property
    def careful_days(self) -> set[date]:
        """The days of [first, last] on which a symptom (logged or noted) is at most
        `[symptoms] careful_days` old: the volume rules judge with stricter lines then."""
        return self.careful_between(self.first, self.last)

    def careful_between(self, first: date, last: date) -> set[date]:
        """`careful_days` of any span, the days after `last` included (with the symptoms
        known by `last`: what `ahead` and a plan are judged with)."""
        span = int(self.config["symptoms"]["careful_days"])
        if span <= 0:
            return set()
        out: set[date] = set()
        for e in events(self._recent_frames, first - timedelta(days=span - 1), last):
            out.update(e.day + timedelta(days=i) for i in range(span) if first <= e.day + timedelta(days=i) <= last)
        return out

    @cached_property
    def episode_starts(self) -> dict[str, pd.Series]:
        """Rule id -> the first day of the episode of each day its condition held."""
        self._read()
        return self._starts

    @cached_property
    def prior(self) -> PriorFindings:
        """The load findings of earlier days, as the symptom rules look back at them
        (with the usual settings: what came before a symptom is judged as it was told)."""
        return PriorFindings(self.frames, self.enabled, self.settings)

    @cached_property
    def _recent_frames(self) -> Frames:
        """The runs of HORIZON_DAYS before `first` on: enough for every rule but a long episode."""
        _ = self.enabled  # the rules and their settings are checked before the store is read
        rewind = self.first if self.first < self.last else None
        since = self.first - timedelta(days=history.HORIZON_DAYS)
        return history.build(self.store, self.config, self.last, rewind_from=rewind, since=since)

    def _read(self) -> None:
        if hasattr(self, "_frames"):
            return
        first, last, config = self.first, self.last, self.config
        rewind = first if first < last else None
        since = first - timedelta(days=history.HORIZON_DAYS)
        frames = self._recent_frames
        careful_on = self.careful_days
        usual, careful = self.settings, self.careful_settings
        settings = careful if last in careful_on else usual   # names the episodes
        enabled = self.enabled
        starts = _guarded(lambda: episode_starts_of(enabled, settings, frames))
        reach = pd.Timestamp(since + timedelta(days=WARMUP_DAYS + GAP_DAYS + 1))
        judged = (pd.Timestamp(first), pd.Timestamp(last))
        if any(reaches_back(s, judged, reach) for s in starts.values()):
            # An episode of a judged day reaches back to where the runs read begin: read them
            # all, so its first day (the finding's subject) is the true one, not the edge of
            # what was read. Episodes that ended before the span name no finding.
            frames = history.build(self.store, config, last, rewind_from=rewind)
            starts = _guarded(lambda: episode_starts_of(enabled, settings, frames))
        self._frames, self._starts = frames, starts

    # -- the findings ---------------------------------------------------------------

    @cached_property
    def by_day(self) -> dict[date, list[Warning]]:
        """Each day's warnings from `first` to `last`, as `check --as-of DAY` shows them.

        A rule with `evaluate(frames, settings, first, last)` judges the span at
        once; one with only `detect` is asked day by day. A rule with `holds(frames,
        settings)` says on which days of the whole history its condition held, so an
        episode's first day (its subject) is the same whichever day it is looked at from.
        """
        first, last = self.first, self.last
        dated = self._dated(self.enabled, self.frames, first, last, self.careful_days)
        by_day: dict[date, list[Warning]] = {}
        for day, w in name_episodes(dated, self.episode_starts):
            if first <= day <= last:
                by_day.setdefault(day, []).append(w)
        speaks_first = {r.id: precedence(r) for r in self.rules}
        return {day: sort_warnings(one_message_per_cause(ws, speaks_first)) for day, ws in by_day.items()}

    def findings(self, day: date) -> list[Warning]:
        """The warnings of one day of the span."""
        return self.by_day.get(day, [])

    def _dated(self, rules: list[Any], frames: Frames, first: date, last: date,
               careful_on: set[date]) -> list[tuple[date, Warning]]:
        """(day, warning) pairs of `rules` over [first, last] of `frames`, each day with the
        stricter settings when it is one of `careful_on`."""
        usual, careful = self.settings, self.careful_settings
        dated: list[tuple[date, Warning]] = []
        for rule in rules:
            if getattr(rule, "careful", None) and careful_on:
                dated += [(day, w) for day, w in self._judged(rule, usual[rule.id], frames, first, last)
                          if day not in careful_on]
                dated += [(day, _said_careful(w)) for day, w in
                          self._judged(rule, careful[rule.id], frames, first, last) if day in careful_on]
            else:
                dated += self._judged(rule, usual[rule.id], frames, first, last)
        return dated

    def _judged(self, rule: Any, cfg: dict, frames: Frames, first: date, last: date) -> list[tuple[date, Warning]]:
        """(day, warning) pairs of one rule over [first, last]."""
        if hasattr(rule, "evaluate"):
            extra = {"prior": self.prior} if getattr(rule, "looks_back", False) else {}
            return _guarded(lambda: rule.evaluate(frames, cfg, first, last, **extra), rule.id)
        out = []
        day = first
        while day <= last:
            found = _guarded(lambda day=day: rule.detect(frames if day == last else frames.at(day), cfg), rule.id)
            out += [(day, w) for w in found]
            day += timedelta(days=1)
        return out

    # -- the lines ahead, and a plan judged ahead (issue 16) ------------------------

    @cached_property
    def line_rules(self) -> list[Any]:
        """The enabled rules that draw a line (`line` or `climb_line(frames, settings, day)`)."""
        return [r for r in self.enabled if hasattr(r, "line") or hasattr(r, "climb_line")]

    def settings_on(self, careful_on: set[date]) -> ahead.SettingsOn:
        """Each day's settings: the stricter ones on the days of `careful_on`."""
        usual, careful = self.settings, self.careful_settings
        return lambda day: careful if day in careful_on else usual

    def lines(self, days: int = ACUTE_DAYS) -> ahead.Ahead:
        """Where each rule would start to speak on the `days` days after `last`: the
        longest next run and the most those days may hold (`loadguard ahead`)."""
        from loadguard.assess import ahead  # the lines ahead: off a check's start-up

        first = self.last + timedelta(days=1)
        # a run's km stays in the sums of the 7 days from its own: lines are drawn that far
        last = self.last + timedelta(days=max(days, ACUTE_DAYS))
        careful_on = self.careful_between(first, last)
        return _guarded(lambda: ahead.lines_ahead(self._recent_frames, self.line_rules,
                                                  self.settings_on(careful_on), careful_on, days, self.raised))

    def raised(self, sessions: list[Session], last: date, rules: set[str] | None = None) -> set[str]:
        """The rules (of `rules`, default every line-drawing rule) with a finding on the
        days after `self.last` up to `last` that `sessions` bring about: one the history
        alone does not have."""
        def told(found: dict[date, list[Warning]]) -> set[tuple[date, str, str]]:
            return {(day, w.rule, w.subject) for day, ws in found.items() for w in ws}

        key = (last, frozenset(rules or ()))
        if key not in self._without_plan:
            self._without_plan[key] = told(self.findings_with([], last, rules))
        return {rule for _, rule, _ in told(self.findings_with(sessions, last, rules)) - self._without_plan[key]}

    def plan(self, sessions: list[Session]) -> list[plan_check.Judged]:
        """`sessions` after `last` judged on top of the history, as `check` would judge them
        once run: each with the lines it would cross (`loadguard plan check`)."""
        from loadguard.assess import plan_check  # a plan judged: off a check's start-up

        if not sessions:
            return []
        last = max(s.day for s in sessions)
        careful_on = self.careful_between(self.last + timedelta(days=1), last)
        # what the plan brings about: a finding the history alone has on that day is no session's
        alone = {(day, w.rule, w.subject) for day, ws in self.findings_with([], last).items() for w in ws}
        findings = {day: kept for day, ws in self.findings_with(sessions, last).items()
                    if (kept := [w for w in ws if (day, w.rule, w.subject) not in alone])}
        return _guarded(lambda: plan_check.judge_plan(self._recent_frames, sessions, findings, self.line_rules,
                                                      self.settings_on(careful_on)))

    def findings_with(self, sessions: list[Session], last: date,
                      rules: set[str] | None = None) -> dict[date, list[Warning]]:
        """The line-drawing rules' (or those of `rules`) findings on each day after
        `self.last` up to `last`, with `sessions` run as planned (each after that day's
        runs), as `check` would judge those days: the stricter settings while a symptom
        is recent."""
        from loadguard.assess.planned_runs import carried  # off a check's start-up

        first = self.last + timedelta(days=1)
        future = carried(self._recent_frames, sessions, last)
        judged = [r for r in self.line_rules if rules is None or r.id in rules]
        findings: dict[date, list[Warning]] = {}
        for day, w in self._dated(judged, future, first, last, self.careful_between(first, last)):
            findings.setdefault(day, []).append(w)
        return {day: sort_warnings(ws) for day, ws in findings.items()}

    # -- what was told --------------------------------------------------------------

    def ledger(self, told: dict | None = None) -> Ledger:
        """A ledger of what was told (`told`: the store's rows, or none for replay's own)."""
        return Ledger({r.id: r.magnitude for r in self.rules if getattr(r, "magnitude", None)}, told)

    def only_new(self, warnings: list[Warning], day: date) -> list[Warning]:
        """Warnings as of `day` never reported, reported at a lower severity, or clearly
        worse than reported a week or more before."""
        return self.ledger(self.store.reported()).news(warnings, day)

    def mark_reported(self, warnings: list[Warning], day: date) -> None:
        self.store.record_reported(self.ledger().record(warnings, day))

    # -- the history as of `last`, for the digest and the shoe table ----------------

    @cached_property
    def history(self) -> Frames:
        """All runs and shoes as of `last` (the digest's totals, chart and shoes)."""
        return history.build(self.store, self.config, self.last)

    @cached_property
    def history_prior(self) -> PriorFindings:
        """Earlier load findings on `history`, with every rule's usual settings."""
        rules = load_detectors()
        return PriorFindings(self.history, rules, {r.id: detector_settings(self.config, r) for r in rules})

    @cached_property
    def load_settings(self) -> dict:
        return detector_settings(self.config, WeeklyLoad())

    @cached_property
    def shoe_settings(self) -> dict:
        return detector_settings(self.config, Mileage())

    def weekly_load(self, day: date) -> LoadVerdict:
        """`volume.weekly_load`'s ratio on `day` of the history, or why it stays silent."""
        return assess_weekly_load(self.history, self.load_settings, day)

    def load_reaches(self, ratio: float, line: str) -> bool:
        return reaches(ratio, self.load_settings[line])

    def kept_weeks(self, week_km: list[float], settings: dict | None = None) -> list[bool]:
        """Which of these weeks' km the weekly-load rule keeps for its base."""
        return kept_weeks(week_km, settings or self.load_settings)

    def base_weeks_text(self) -> str:
        return base_weeks_text(self.load_settings)

    def shoe_table(self) -> pd.DataFrame:
        """Each shoe as of `last`: distance, limit, share of life used, last run, retired."""
        return shoe_table(self.history, self.shoe_settings)

    def shoe_level(self, life: float | None) -> str:
        severity = mileage_severity(life, self.shoe_settings)
        return severity.label if severity else "ok"

    def symptom_events(self, first: date, last: date) -> list[Event]:
        """Symptoms logged or noted on the days [first, last] of the history."""
        return events(self.history, first, last)

    @cached_property
    def symptom_lookback_days(self) -> int:
        return int(detector_settings(self.config, AfterLoad())["lookback_days"])


def tightened(rules: Iterable[Any], settings: dict[str, dict], config: Config) -> dict[str, dict]:
    """The settings made stricter while a symptom is recent; the one place that does it.

    A rule declares `careful`: its setting -> the [symptoms] setting (or a number)
    that tightens it. Each line becomes the lower of the runner's own and the careful
    one, so the lines keep their order.
    """
    careful = config["symptoms"]
    declared = {r.id: r.careful for r in rules if getattr(r, "careful", None)}
    for keys in declared.values():
        names = [c for c in keys.values() if isinstance(c, str)]
        for low, high in zip([None, *names], names):
            if not (careful[low] if low else 0) < careful[high]:
                below = f"above symptoms.{low} ({careful[low]})" if low else "above zero"
                raise LoadguardError(f"{config.path or 'config.toml'}: symptoms.{high} ({careful[high]}) "
                                     f"must be {below}")
    out = dict(settings)
    for rule, keys in declared.items():
        out[rule] = {**settings[rule], **{k: min(settings[rule][k], careful[c] if isinstance(c, str) else c)
                                          for k, c in keys.items()}}
    return out


def _said_careful(warning: Warning) -> Warning:
    return replace(warning, message=f"{warning.message} Stricter thresholds while a symptom is recent.")


def episode_starts_of(rules, settings, frames: Frames) -> dict[str, pd.Series]:
    """Rule id -> the first day of the episode of each day its condition held."""
    out = {}
    for d in rules:
        if hasattr(d, "holds"):
            holds = d.holds(frames, settings[d.id])
            if frames.since is not None and frames.first_day is not None and frames.first_day < frames.since:
                holds = holds.iloc[holds.index.searchsorted(pd.Timestamp(frames.since + timedelta(days=WARMUP_DAYS))):]
            out[d.id] = episode_starts(holds)
    return out


def reaches_back(starts, judged: tuple, reach) -> bool:
    """Whether an episode holding on a day of `judged` (first, last) began at or before `reach`."""
    lo = starts.index.searchsorted(judged[0], side="left")
    hi = starts.index.searchsorted(judged[1], side="right")
    return lo < hi and starts.iloc[lo:hi].min() <= reach


def _guarded(call, rule: str | None = None):
    """A rule's fault as one line naming it, not a traceback."""
    try:
        return call()
    except LoadguardError:
        raise
    except Exception as exc:
        name = f"detector {rule}" if rule else "a detector"
        raise LoadguardError(f"{name} failed: {type(exc).__name__}: {exc}") from exc


def detector_settings(config: Config, detector) -> dict:
    """A rule's merged settings, checked by the rule itself when it can."""
    return config.detector(detector.id, detector.defaults, getattr(detector, "validate", None))


def sort_warnings(warnings: Iterable[Warning]) -> list[Warning]:
    return sorted(warnings, key=lambda w: (-int(w.severity), w.rule, w.date, w.subject))


def at_least(warnings: list[Warning], level: Severity) -> list[Warning]:
    return [w for w in warnings if w.severity >= level]


def at_or_above(warnings: list[Warning], level: Severity) -> bool:
    return any(w.severity >= level for w in warnings)
