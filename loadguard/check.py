"""Run the enabled detectors as of a day, and pick the warnings not reported yet."""

from __future__ import annotations

from datetime import date
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
    return sort_warnings(found)


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
