"""Detectors: plugins found through the `loadguard.detectors` entry-point group."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any, Mapping, Protocol, runtime_checkable

from loadguard.errors import LoadguardError

ENTRY_POINT_GROUP = "loadguard.detectors"


@runtime_checkable
class Detector(Protocol):
    """What a detector plugin provides.

    `id` is the rule id (`family.name`), `defaults` its settings (each one
    overridable under `[detectors.<id>]` in config.toml) and `detect` returns the
    warnings it finds in the frames.

    Optional: `evaluate(frames, config, first, last)` judges a span of days at once
    (a list of (day, warning) pairs; `loadguard replay` asks `detect` day by day
    without it), and `holds(frames, config)` says on which days of the history the
    condition behind an `EPISODE` finding held (see `loadguard.episodes`).
    """

    id: str
    defaults: Mapping[str, Any]

    def detect(self, frames: Any, config: Mapping[str, Any]) -> list: ...


def load_detectors() -> list[Detector]:
    """Every installed detector, built-ins included, in rule-id order."""
    found: dict[str, Detector] = {}
    source: dict[str, str] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
            detector = obj() if isinstance(obj, type) else obj
        except Exception as exc:  # a broken plugin must not take the others down silently
            raise LoadguardError(f"detector plugin {ep.name!r} ({ep.value}) failed to load: {exc}") from None
        if not isinstance(detector, Detector) or not isinstance(detector.id, str):
            raise LoadguardError(f"detector plugin {ep.name!r} ({ep.value}) lacks id, defaults or detect()")
        if detector.id in found:
            # The same distribution can be seen twice on sys.path (editable installs);
            # two different plugins claiming one rule id is a conflict to fix.
            if source[detector.id] == ep.value:
                continue
            raise LoadguardError(
                f"two detector plugins claim the rule id {detector.id!r}: {source[detector.id]} and {ep.value}")
        found[detector.id] = detector
        source[detector.id] = ep.value
    if not found:
        raise LoadguardError(
            "no detectors are installed (the loadguard.detectors entry points are missing); reinstall loadguard"
        )
    return [found[k] for k in sorted(found)]
