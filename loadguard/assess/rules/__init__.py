"""Detectors: plugins found through the `loadguard.assess.rules` entry-point group."""

from __future__ import annotations

from typing import Any, Mapping, Protocol, runtime_checkable

from loadguard import plugins
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
    condition behind an `EPISODE` finding held (see `loadguard.assess.episodes`).

    What the engine (loadguard.assess.assessment) needs to know of a rule, the rule
    declares; each is optional:
      careful     its setting -> the [symptoms] setting (or a number) it is lowered to
                  while a symptom is recent;
      magnitude   the evidence key whose growth (by ledger.WORSE_BY, at least
                  ledger.RETELL_DAYS after the last telling) makes a told finding
                  news again, whatever its severity does;
      precedence  which rule speaks first, lowest first: in one message for one cause
                  and when a symptom's earlier load is named (undeclared: last);
      phrase(w)   its finding in a few words, after "4 days after"; a rule declaring it
                  (or of the volume and terrain families) is looked back at by
                  `symptoms.after_load`;
      looks_back  `evaluate` also gets `prior` (prior_findings.PriorFindings);
      about       the built-ins' title, advice and reference (loadguard.advice), which
                  every Warning carries;
      line(frames, config, day)
                  where it starts to speak on `day`, in km (common.Line): what `ahead`
                  and `plan check` read; `climb_line` the same in climb per km
                  (common.ClimbLine); `one_run_line` when the line holds for one run,
                  not for km summed over days.
    """

    id: str
    defaults: Mapping[str, Any]

    def detect(self, frames: Any, config: Mapping[str, Any]) -> list: ...


def load_detectors() -> list[Detector]:
    """Every installed detector, built-ins included, in rule-id order."""
    found = plugins.load(ENTRY_POINT_GROUP, "detector", Detector, "id", "rule id", "id, defaults or detect()")
    if not found:
        raise LoadguardError(
            "no detectors are installed (the loadguard.assess.rules entry points are missing); reinstall loadguard"
        )
    return [found[k] for k in sorted(found)]
