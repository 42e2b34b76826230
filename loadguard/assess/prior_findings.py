"""The load rules' findings on earlier days, and how to name them in a sentence.

The symptom rules ask what came before a symptom. `PriorFindings.between` answers by
running the load rules over the range on the frames already built, through their
span `evaluate` where they have one, keeping each day's findings for the next ask.
A rule is a load rule when its family is volume or terrain or it declares `phrase`;
it declares how it is named (`phrase`) and which rule is named first (`precedence`).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta
from typing import Any, Mapping, Sequence

import pandas as pd

from loadguard.assess.frames import Frames
from loadguard.model import Warning

# How far back a load finding can explain a symptom: overuse symptoms tend to follow
# a jump in load by days to a few weeks. The symptom rules' default, and replay's marks.
LOOKBACK_DAYS = 21
# Rule families that describe load, as opposed to shoes or symptoms.
LOAD_FAMILIES = ("volume", "terrain")


def precedence(rule: Any) -> float:
    """Which rule speaks first, lowest first: what a rule declares, else after all that do."""
    return getattr(rule, "precedence", math.inf)


def is_load(rule: Any) -> bool:
    return rule.id.split(".", 1)[0] in LOAD_FAMILIES or hasattr(rule, "phrase")


class PriorFindings:
    """The load findings of earlier days on one set of frames, kept day by day."""

    def __init__(self, frames: Frames, rules: Sequence[Any], settings: Mapping[str, Mapping[str, Any]]):
        self.frames, self.settings = frames, settings
        self.rules = {r.id: r for r in rules}
        self.load = [r for r in rules if is_load(r) and settings[r.id]["enabled"]]
        # each day's findings between calls: symptoms a few days apart ask about mostly the same days
        self.cache: dict[date, list[Warning]] = {}

    def between(self, first: date, last: date) -> list[Warning]:
        """The load findings raised on the days [first, last]: per family the most severe,
        then the rule that speaks first, then the latest, dated the first day it was
        raised — so a sentence names what changed without listing every rule that saw it."""
        missing = [day for day in _days(first, last) if day not in self.cache]
        if missing:
            lo, hi = missing[0], missing[-1]
            fresh: dict[date, list[Warning]] = {}
            for d in self.load:
                if hasattr(d, "evaluate"):  # the span engine: one pass over the days
                    pairs = d.evaluate(self.frames, self.settings[d.id], lo, hi)
                else:
                    pairs = [(day, w) for day in _days(lo, hi)
                             for w in d.detect(runs_as_of(self.frames, day), self.settings[d.id])]
                for day, w in pairs:
                    fresh.setdefault(day, []).append(w)
            for day in _days(lo, hi):
                self.cache.setdefault(day, fresh.get(day, []))
        found: dict[str, Warning] = {}
        for day in _days(first, last):
            for warning in self.cache[day]:
                if warning.date >= first:  # a spike is told for a week, but dated its own run's day
                    found.setdefault(warning.id, warning)

        def rank(w: Warning) -> tuple:
            return (int(w.severity), -precedence(self.rules.get(w.rule)), w.date)

        per_family: dict[str, Warning] = {}
        for w in found.values():
            kept = per_family.get(w.family)
            if kept is None or rank(w) >= rank(kept):
                per_family[w.family] = w
        return sorted(per_family.values(), key=lambda w: (w.date, w.rule))

    def phrase(self, warning: Warning) -> str:
        """A load finding as a few words, as its rule phrases it: 'a move to trail'."""
        rule = self.rules.get(warning.rule)
        if hasattr(rule, "phrase"):
            return rule.phrase(warning)
        return warning.title[0].lower() + warning.title[1:]

    def before(self, symptom_day: date, findings: Sequence[Warning]) -> str:
        """'9 days after a run 55% over your 30-day longest and 4 days after a move to trail'."""
        parts = []
        for w in findings:
            days = (symptom_day - w.date).days
            when = "the same day as" if days == 0 else f"{days} day{'s' if days != 1 else ''} after"
            parts.append(f"{when} {self.phrase(w)}")
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def runs_as_of(frames: Frames, day: date) -> Frames:
    """The frames as a load rule reading runs only saw them on `day` (`Frames.at` also
    rewinds shoes, which needs shoe use read back that far)."""
    if day >= frames.as_of:
        return frames
    return replace(frames, as_of=day, runs=frames.runs[frames.runs["day"] <= pd.Timestamp(day)], cache={})


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
