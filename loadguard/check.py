"""Run the enabled detectors as of a day, and pick the warnings not reported yet."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import TYPE_CHECKING, Iterable

from loadguard.errors import LoadguardError
from loadguard.model import Severity, Warning

if TYPE_CHECKING:
    from loadguard.config import Config
    from loadguard.store import Store


def run_detectors(store: "Store", config: "Config", as_of: date) -> list[Warning]:
    from loadguard import frames as frames_mod
    from loadguard.detectors import load_detectors

    detectors = load_detectors()
    config.check_detector_ids({d.id for d in detectors})
    settings = {d.id: detector_settings(config, d) for d in detectors}
    frames = frames_mod.build(store, config, as_of)
    # What came before a symptom is judged as it was told then: with the usual thresholds.
    with_load_findings(frames, detectors, settings)
    settings, careful = careful_settings(settings, config, frames)
    found: list[Warning] = []
    for detector in detectors:
        if not settings[detector.id]["enabled"]:
            continue
        try:
            found.extend(detector.detect(frames, settings[detector.id]))
        except LoadguardError:
            raise
        except Exception as exc:
            raise LoadguardError(f"detector {detector.id} failed: {type(exc).__name__}: {exc}") from exc
    if careful:
        found = [_said_careful(w) if w.rule in CAREFUL else w for w in found]
    return sort_warnings(found)


# rule id -> {its setting: the [symptoms] setting that tightens it while symptoms are recent}
CAREFUL = {
    "volume.weekly_load": {"warn": "weekly_load_warn", "alert": "weekly_load_alert"},
    "volume.long_run_spike": {"warn_over": "long_run_warn_over", "alert_over": "long_run_alert_over"},
}


def careful_settings(settings: dict[str, dict], config: "Config", frames) -> tuple[dict[str, dict], bool]:
    """The volume rules' settings made stricter while a symptom is recent; the one place that does it.

    Returns the settings to use and whether they were tightened. Each threshold
    becomes the lower of the runner's own and the careful one, so both keep their order.
    """
    from loadguard.detectors.symptoms import events

    careful = config["symptoms"]
    for rule, keys in CAREFUL.items():
        low, high = (careful[k] for k in keys.values())
        if not 0 < low < high:
            names = list(keys.values())
            raise LoadguardError(f"{config.path or 'config.toml'}: symptoms.{names[0]} ({low}) must be above "
                                 f"zero and below symptoms.{names[1]} ({high})")
    days = int(careful["careful_days"])
    if days <= 0 or not events(frames, frames.as_of - timedelta(days=days - 1), frames.as_of):
        return settings, False
    tightened = dict(settings)
    for rule, keys in CAREFUL.items():
        if rule in settings:
            tightened[rule] = {**settings[rule], **{k: min(settings[rule][k], careful[c]) for k, c in keys.items()}}
    return tightened, True


def _said_careful(warning: Warning) -> Warning:
    return dataclasses.replace(warning, message=f"{warning.message} Stricter thresholds while a symptom is recent.")


def with_load_findings(frames, detectors, settings: dict[str, dict]) -> None:
    """Give the frames their look back at earlier load findings (see loadguard.prior_findings)."""
    from loadguard.prior_findings import load_findings

    cache: dict = {}
    frames.load_findings = lambda first, last: load_findings(frames, detectors, settings, first, last, cache)


def detector_settings(config: "Config", detector) -> dict:
    """A detector's merged settings, checked by the detector itself when it can."""
    return config.detector(detector.id, detector.defaults, getattr(detector, "validate", None))


def sort_warnings(warnings: Iterable[Warning]) -> list[Warning]:
    return sorted(warnings, key=lambda w: (-int(w.severity), w.rule, w.date, w.subject))


def only_new(store: "Store", warnings: list[Warning]) -> list[Warning]:
    """Warnings never reported, or reported at a lower severity than now."""
    seen = store.reported_severities()
    return [w for w in warnings if seen.get(w.id, 0) < int(w.severity)]


def mark_reported(store: "Store", warnings: list[Warning]) -> None:
    store.record_reported((w.id, w.rule, w.subject, int(w.severity)) for w in warnings)


def at_or_above(warnings: list[Warning], level: Severity) -> bool:
    return any(w.severity >= level for w in warnings)
