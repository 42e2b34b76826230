"""Run the enabled detectors over a span of days, and pick the warnings not reported yet.

`check` judges one day and `replay` a span; both go through `findings_by_day`, so
what replay says cron would have mailed is what `check --new` mails.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Iterable

from loadguard.errors import LoadguardError
from loadguard.model import Severity, Warning

if TYPE_CHECKING:
    from loadguard.config import Config
    from loadguard.store import Store


def run_detectors(store: "Store", config: "Config", as_of: date) -> list[Warning]:
    return findings_by_day(store, config, as_of, as_of).get(as_of, [])


def findings_by_day(store: "Store", config: "Config", first: date, last: date) -> dict[date, list[Warning]]:
    """Each day's warnings from `first` to `last`, as `check --as-of DAY` shows them.

    A detector with `evaluate(frames, settings, first, last)` judges the span at
    once; one with only `detect` is asked day by day. A rule with `holds(frames,
    settings)` says on which days of the whole history its condition held, so an
    episode's first day (its subject) is the same whichever day it is looked at from.
    """
    import pandas as pd

    from loadguard import frames as frames_mod
    from loadguard.detectors import load_detectors
    from loadguard.episodes import GAP_DAYS, name_episodes
    from loadguard.findings import one_message_per_cause

    detectors = load_detectors()
    config.check_detector_ids({d.id for d in detectors})
    settings = {d.id: detector_settings(config, d) for d in detectors}
    enabled = [d for d in detectors if settings[d.id]["enabled"]]
    rewind = first if first < last else None
    since = first - timedelta(days=frames_mod.HORIZON_DAYS)
    frames = frames_mod.build(store, config, last, rewind_from=rewind, since=since)
    # While a symptom is recent the volume rules judge with stricter lines, day by day;
    # what came before a symptom is judged as it was told then, with the usual ones.
    usual = settings
    careful_on = careful_days(config, frames, first, last)
    careful = tightened(usual, config)   # checked on every run, so a bad [symptoms] line is told at once
    settings = careful if last in careful_on else usual   # names the episodes
    starts = _guarded(lambda: episode_starts_of(enabled, settings, frames))
    reach = pd.Timestamp(since + timedelta(days=WARMUP_DAYS + GAP_DAYS + 1))
    judged = (pd.Timestamp(first), pd.Timestamp(last))
    if any(reaches_back(s, judged, reach) for s in starts.values()):
        # An episode of a judged day reaches back to where the runs read begin: read them
        # all, so its first day (the finding's subject) is the true one, not the edge of
        # what was read. Episodes that ended before the span name no finding.
        frames = frames_mod.build(store, config, last, rewind_from=rewind)
        starts = _guarded(lambda: episode_starts_of(enabled, settings, frames))
    with_load_findings(frames, enabled, usual)
    dated: list[tuple[date, Warning]] = []
    for detector in enabled:
        if detector.id in CAREFUL and careful_on:
            dated += [(day, w) for day, w in _judged(detector, usual[detector.id], frames, first, last)
                      if day not in careful_on]
            dated += [(day, _said_careful(w)) for day, w in _judged(detector, careful[detector.id], frames, first, last)
                      if day in careful_on]
        else:
            dated += _judged(detector, usual[detector.id], frames, first, last)
    by_day: dict[date, list[Warning]] = {}
    for day, w in name_episodes(dated, starts):
        if first <= day <= last:
            by_day.setdefault(day, []).append(w)
    return {day: sort_warnings(one_message_per_cause(ws)) for day, ws in by_day.items()}


def _judged(detector, cfg: dict, frames, first: date, last: date) -> list[tuple[date, Warning]]:
    """(day, warning) pairs of one detector over [first, last]."""
    if hasattr(detector, "evaluate"):
        return _guarded(lambda: detector.evaluate(frames, cfg, first, last), detector.id)
    out = []
    day = first
    while day <= last:
        found = _guarded(lambda: detector.detect(frames if day == last else frames.at(day), cfg), detector.id)
        out += [(day, w) for w in found]
        day += timedelta(days=1)
    return out


# rule id -> {its setting: the [symptoms] setting that tightens it while symptoms are recent}
CAREFUL = {
    "volume.weekly_load": {"caution": "weekly_load_caution", "warn": "weekly_load_warn",
                           "alert": "weekly_load_alert"},
    "volume.long_run_spike": {"info_over": "long_run_info_over", "warn_over": "long_run_warn_over",
                              "alert_over": "long_run_alert_over"},
}


def careful_days(config: "Config", frames, first: date, last: date) -> set[date]:
    """The days of [first, last] on which a symptom (logged or noted) is at most
    `[symptoms] careful_days` old."""
    from loadguard.detectors.symptoms import events

    span = int(config["symptoms"]["careful_days"])
    if span <= 0:
        return set()
    out: set[date] = set()
    for e in events(frames, first - timedelta(days=span - 1), last):
        out.update(e.day + timedelta(days=i) for i in range(span) if first <= e.day + timedelta(days=i) <= last)
    return out


def tightened(settings: dict[str, dict], config: "Config") -> dict[str, dict]:
    """The volume rules' settings made stricter while a symptom is recent; the one place that does it.

    Each line becomes the lower of the runner's own and the careful one, so the
    lines keep their order.
    """
    careful = config["symptoms"]
    for keys in CAREFUL.values():
        names = list(keys.values())
        for low, high in zip([None, *names], names):
            if not (careful[low] if low else 0) < careful[high]:
                below = f"above symptoms.{low} ({careful[low]})" if low else "above zero"
                raise LoadguardError(f"{config.path or 'config.toml'}: symptoms.{high} ({careful[high]}) "
                                     f"must be {below}")
    out = dict(settings)
    for rule, keys in CAREFUL.items():
        if rule in settings:
            out[rule] = {**settings[rule], **{k: min(settings[rule][k], careful[c]) for k, c in keys.items()}}
    return out


def _said_careful(warning: Warning) -> Warning:
    return replace(warning, message=f"{warning.message} Stricter thresholds while a symptom is recent.")


def with_load_findings(frames, detectors, settings: dict[str, dict]) -> None:
    """Give the frames their look back at earlier load findings (see loadguard.prior_findings)."""
    from loadguard.prior_findings import load_findings

    cache: dict = {}
    frames.load_findings = lambda first, last: load_findings(frames, detectors, settings, first, last, cache)


# The longest window a built-in rule sums over (8 weeks of rotation, plus a week):
# where runs were read from a later day, the first this-many days are not judged.
WARMUP_DAYS = 63


def episode_starts_of(detectors, settings, frames) -> dict:
    """Rule id -> the first day of the episode of each day its condition held."""
    import pandas as pd

    from loadguard.episodes import episode_starts

    out = {}
    for d in detectors:
        if hasattr(d, "holds"):
            holds = d.holds(frames, settings[d.id])
            if frames.since is not None and frames.first_day is not None and frames.first_day < frames.since:
                holds = holds[holds.index >= pd.Timestamp(frames.since + timedelta(days=WARMUP_DAYS))]
            out[d.id] = episode_starts(holds)
    return out


def reaches_back(starts, judged: tuple, reach) -> bool:
    """Whether an episode holding on a day of `judged` (first, last) began at or before `reach`."""
    days = starts[(starts.index >= judged[0]) & (starts.index <= judged[1])]
    return not days.empty and days.min() <= reach


def _guarded(call, rule: str | None = None):
    """A detector's fault as one line naming it, not a traceback."""
    try:
        return call()
    except LoadguardError:
        raise
    except Exception as exc:
        name = f"detector {rule}" if rule else "a detector"
        raise LoadguardError(f"{name} failed: {type(exc).__name__}: {exc}") from exc


def detector_settings(config: "Config", detector) -> dict:
    """A detector's merged settings, checked by the detector itself when it can."""
    return config.detector(detector.id, detector.defaults, getattr(detector, "validate", None))


def sort_warnings(warnings: Iterable[Warning]) -> list[Warning]:
    return sorted(warnings, key=lambda w: (-int(w.severity), w.rule, w.date, w.subject))


def at_least(warnings: list[Warning], level: Severity) -> list[Warning]:
    return [w for w in warnings if w.severity >= level]


def only_new(store: "Store", warnings: list[Warning], day: date) -> list[Warning]:
    """Warnings never reported, reported at a lower severity, or clearly worse than reported."""
    from loadguard.reported import Ledger

    return Ledger(store.reported()).news(warnings, day)


def mark_reported(store: "Store", warnings: list[Warning], day: date) -> None:
    from loadguard.reported import Ledger

    store.record_reported(Ledger().record(warnings, day))


def at_or_above(warnings: list[Warning], level: Severity) -> bool:
    return any(w.severity >= level for w in warnings)
