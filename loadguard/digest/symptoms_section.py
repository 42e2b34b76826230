"""The digest's symptoms section: the week's logged and noted symptoms, the load
findings of the weeks before each, and the mobility and nerve-gliding checklist.

Self-contained on purpose: `weekly.build` adds one field, the templates include
`symptoms.md` / `symptoms.html`, and nothing else in the digest depends on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from loadguard.advice import SYMPTOM_CHECKLIST
from loadguard.assess.assessment import Assessment

# The rule family this section stands in for in the digest's list of warnings.
FAMILY = "symptoms"


@dataclass(frozen=True)
class SymptomLine:
    day: date
    source: str               # "log" or "note"
    text: str                 # the symptom, as loadguard names it (a note quoted, with its run)
    load_before: str | None   # "9 days after a run 55% over your 30-day longest", or None
    nerve_in_foot: bool
    lookback_days: int

    @property
    def load_text(self) -> str:
        if self.load_before:
            return f"Came {self.load_before}."
        return f"No load finding in the {self.lookback_days} days before it."


@dataclass(frozen=True)
class SymptomSection:
    lines: list[SymptomLine]
    checklist: tuple[str, ...] = SYMPTOM_CHECKLIST


def build(assessment: Assessment, first: date, last: date) -> SymptomSection | None:
    """The section for the days [first, last], or None when no symptom was logged or noted."""
    found = assessment.symptom_events(first, last)
    if not found:
        return None
    prior = assessment.history_prior
    lookback = assessment.symptom_lookback_days
    lines = []
    for e in found:
        earlier = prior.between(e.day - timedelta(days=lookback), e.day)
        lines.append(SymptomLine(e.day, e.source, e.short(), prior.before(e.day, earlier) if earlier else None,
                                 e.nerve_in_foot, lookback))
    return SymptomSection(lines)
