"""The load rules' findings on earlier days, and how to name them in a sentence.

The symptom rules ask what came before a symptom. `load_findings` answers by
running the volume and terrain detectors over the range on the frames already
built, through their span `evaluate` where they have one (issue 7's engine) —
the one call site to change if what came before is ever read another way.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from loadguard import numbers as num
from loadguard.model import Warning

if TYPE_CHECKING:
    from loadguard.assess.frames import Frames

# How far back a load finding can explain a symptom: overuse symptoms tend to follow
# a jump in load by days to a few weeks. The symptom rules' default, and replay's marks.
LOOKBACK_DAYS = 21
# Rule families that describe load, as opposed to shoes or symptoms.
LOAD_FAMILIES = ("volume", "terrain")
# Within a family, at equal severity, the finding named: the single-run spike has the
# strongest evidence behind it (Frandsen et al. 2025), the weekly ratio the weakest.
NAMED_FIRST = ("volume.long_run_spike", "volume.comeback", "volume.weekly_load",
               "terrain.trail_switch", "terrain.climb_jump")


def load_findings(frames: "Frames", detectors: Sequence[Any], settings: Mapping[str, Mapping[str, Any]],
                  first: date, last: date, cache: dict[date, list[Warning]] | None = None) -> list[Warning]:
    """The load findings raised on the days [first, last]: per family (volume, terrain) the
    most severe, then by NAMED_FIRST, then the latest, dated the first day it was
    raised — so a sentence names what changed without listing every rule that saw it.

    `cache` keeps each day's findings between calls, since symptoms a few days
    apart ask about mostly the same days.
    """
    load = [d for d in detectors
            if d.id.split(".", 1)[0] in LOAD_FAMILIES and settings[d.id]["enabled"]]
    cache = {} if cache is None else cache
    missing = [day for day in _days(first, last) if day not in cache]
    if missing:
        lo, hi = missing[0], missing[-1]
        fresh: dict[date, list[Warning]] = {}
        for d in load:
            if hasattr(d, "evaluate"):  # the span engine: one pass over the days
                pairs = d.evaluate(frames, settings[d.id], lo, hi)
            else:
                pairs = [(day, w) for day in _days(lo, hi) for w in d.detect(runs_as_of(frames, day), settings[d.id])]
            for day, w in pairs:
                fresh.setdefault(day, []).append(w)
        for day in _days(lo, hi):
            cache.setdefault(day, fresh.get(day, []))
    found: dict[str, Warning] = {}
    for day in _days(first, last):
        for warning in cache[day]:
            if warning.date >= first:  # a spike is told for a week, but dated its own run's day
                found.setdefault(warning.id, warning)
    def rank(w: Warning) -> tuple:
        order = NAMED_FIRST.index(w.rule) if w.rule in NAMED_FIRST else len(NAMED_FIRST)
        return (int(w.severity), -order, w.date)

    per_family: dict[str, Warning] = {}
    for w in found.values():
        kept = per_family.get(w.family)
        if kept is None or rank(w) >= rank(kept):
            per_family[w.family] = w
    return sorted(per_family.values(), key=lambda w: (w.date, w.rule))


def runs_as_of(frames: "Frames", day: date) -> "Frames":
    """The frames as a load rule reading runs only saw them on `day` (`Frames.at` also
    rewinds shoes, which needs shoe use read back that far)."""
    import pandas as pd

    if day >= frames.as_of:
        return frames
    return replace(frames, as_of=day, runs=frames.runs[frames.runs["day"] <= pd.Timestamp(day)], cache={})


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def phrase(warning: Warning) -> str:
    """A load finding as a few words: 'a run 55% over your 30-day longest', 'a move to trail'."""
    ev = warning.evidence
    if warning.rule == "volume.long_run_spike" and "increase_pct" in ev:
        return f"a run {ev['increase_pct']}% over your 30-day longest ({num.km_text(ev['distance_km'])})"
    if warning.rule == "volume.weekly_load" and "ratio" in ev:
        return f"a week at {num.ratio_text(ev['ratio'])}x your usual weekly distance"
    if warning.rule == "volume.comeback":
        return "a big first week back after a break"
    if warning.rule == "terrain.trail_switch":
        return "a move to trail"
    if warning.rule == "terrain.climb_jump":
        return "much more climbing than usual"
    return warning.title[0].lower() + warning.title[1:]


def before(symptom_day: date, findings: Sequence[Warning]) -> str:
    """'9 days after a run 55% over your 30-day longest and 4 days after a move to trail'."""
    parts = []
    for w in findings:
        days = (symptom_day - w.date).days
        when = "the same day as" if days == 0 else f"{days} day{'s' if days != 1 else ''} after"
        parts.append(f"{when} {phrase(w)}")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
