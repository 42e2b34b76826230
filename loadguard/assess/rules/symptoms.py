"""Symptom rules: nerve-type symptoms in the foot, symptoms after a jump in load, and
symptom words in the runner's own notes.

A symptom is either an entry of the symptom log (`loadguard symptom add`) or a
mention found in a run's description or private note. Log entries are the
runner's own account; note mentions are quoted back as "mentioned in your
notes", never read as more than the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

import pandas as pd

from loadguard.advice import RULES, TRIAGE, TRIAGE_BY_TIMING
from loadguard.assess.frames import Frames
from loadguard.assess.prior_findings import LOOKBACK_DAYS
from loadguard.assess.rules.common import Dated, SpanRule, build_warning, require_positive
from loadguard.model import Severity, Warning
from loadguard.symptoms import notes as note_symptoms
from loadguard.symptoms.log import Symptom, nerve_in_foot

# The log's "listen" window: symptoms of the last two weeks are current.
RECENT_DAYS = 14


@dataclass(frozen=True)
class Event:
    """One symptom, from the log or from a note."""

    day: date
    kind: str
    place: str
    side: str | None
    timing: str | None
    source: str             # "log" or "note"
    subject: str            # "symptom-<id>" or "run-<id>"
    text: str               # the log entry described, or the note's words quoted
    run: str | None = None  # the run a note belongs to, as "'name' on day"
    run_name: str | None = None

    @property
    def nerve_in_foot(self) -> bool:
        return nerve_in_foot(self.kind, self.place)

    def said(self) -> str:
        """The symptom as a sentence's subject: what was felt, and where loadguard read it."""
        if self.source == "log":
            return f"{self.text[0].upper()}{self.text[1:]} (logged for {self.day.isoformat()})"
        return f"\u201c{self.text}\u201d (mentioned in your notes on {self.run})"

    def short(self) -> str:
        """The symptom where its day is shown beside it: the entry, or the quote and its run."""
        if self.source == "log":
            return f"{self.text[0].upper()}{self.text[1:]}"
        return f"\u201c{self.text}\u201d" + (f" ('{self.run_name}')" if self.run_name else "")


def events(frames: Frames, first: date, last: date) -> list[Event]:
    """Logged symptoms and note mentions on the days [first, last], oldest first."""
    key = ("symptom events", first, last)  # three rules and the careful step ask alike
    if key not in frames.cache:
        # the careful days look further back than the rules: their events hold the rules'
        wider = next((k for k in frames.cache if isinstance(k, tuple) and k[0] == key[0]
                      and k[1] <= first and last <= k[2]), None)
        frames.cache[key] = ([e for e in frames.cache[wider] if first <= e.day <= last] if wider
                             else _events(frames, first, last))
    return frames.cache[key]


def _events(frames: Frames, first: date, last: date) -> list[Event]:
    out: list[Event] = []
    logged = frames.symptoms
    if len(logged):   # most histories have none, and most runs no note: no frames made of nothing
        logged = logged[(logged["day"] >= pd.Timestamp(first)) & (logged["day"] <= pd.Timestamp(last))]
        for row in logged.itertuples(index=False):
            entry = Symptom(id=int(row.id), day=row.day.date(), place=row.place, side=row.side, kind=row.kind,
                            timing=row.timing if isinstance(row.timing, str) else None,
                            intensity=int(row.intensity), note=row.note if isinstance(row.note, str) else None)
            out.append(Event(entry.day, entry.kind, entry.place, entry.side, entry.timing, "log",
                             f"symptom-{entry.id}", entry.describe()))
    runs = frames.days_between(first, last)
    noted = (runs["description"].notna() | runs["private_note"].notna()).to_numpy()
    if not noted.any():
        return sorted(out, key=lambda e: (e.day, e.source, e.subject))
    runs = runs[noted]
    for run_id, run_name, day, description, private_note in zip(
            runs["id"], runs["name"], runs["day"], runs["description"], runs["private_note"]):
        mentions = note_symptoms.find(description) + note_symptoms.find(private_note)
        if not mentions:
            continue
        # One finding per run: the nerve-type mention first, as the one that matters most.
        m = next((m for m in mentions if m.nerve_in_foot), mentions[0])
        name = f"'{run_name}' " if run_name else ""
        out.append(Event(day.date(), m.kind, m.place, m.side, m.timing, "note", f"run-{run_id}",
                         m.quote, run=f"{name}on {day.date().isoformat()}", run_name=run_name or None))
    return sorted(out, key=lambda e: (e.day, e.source, e.subject))


def triage(event: Event) -> str:
    """What the recorded pattern is often associated with, or nothing when it says little."""
    kind = TRIAGE_BY_TIMING.get(event.timing or "")
    return f" {TRIAGE[kind]}" if kind else ""


def _evidence(event: Event) -> dict[str, Any]:
    return {"source": event.source, "day": event.day.isoformat(), "kind": event.kind, "place": event.place,
            "side": event.side, "timing": event.timing, "text": event.text}


class _SymptomRule(SpanRule):
    """A rule judging each symptom of its `recent_days`: a symptom is told on every day it
    stays recent, the same warning each day, so a span is judged event by event."""

    defaults: Mapping[str, Any] = {"recent_days": RECENT_DAYS}

    def validate(self, config: Mapping[str, Any]) -> None:
        require_positive(config, *self.defaults)

    def judge(self, frames: Frames, config: Mapping[str, Any], e: Event, prior: Any = None) -> Warning | None:
        raise NotImplementedError

    def evaluate(self, frames: Frames, config: Mapping[str, Any], first: date, last: date,
                 prior: Any = None) -> Dated:
        recent = int(config["recent_days"])
        out: Dated = []
        for e in events(frames, first - timedelta(days=recent - 1), last):
            warning = self.judge(frames, config, e, prior)
            if warning is None:
                continue
            out += [(e.day + timedelta(days=i), warning) for i in range(recent)
                    if first <= e.day + timedelta(days=i) <= last]
        return out


class Nerve(_SymptomRule):
    id = "symptoms.nerve"
    about = RULES[id]   # title, advice and the study behind it: loadguard.advice

    def judge(self, frames: Frames, config: Mapping[str, Any], e: Event, prior: Any = None) -> Warning | None:
        if e.source != "log" or not e.nerve_in_foot:
            return None  # note mentions speak through symptoms.notes, in their own words
        message = f"{e.said()}: a nerve-type symptom in the foot.{triage(e)}"
        return build_warning(self, Severity.ALERT, e.day, e.subject, message, _evidence(e))


class Notes(_SymptomRule):
    id = "symptoms.notes"
    about = RULES[id]   # title, advice and the study behind it: loadguard.advice

    def judge(self, frames: Frames, config: Mapping[str, Any], e: Event, prior: Any = None) -> Warning | None:
        if e.source != "note":
            return None
        severity = Severity.WARN if e.nerve_in_foot else Severity.INFO
        what = "nerve-type words about the foot" if e.nerve_in_foot else f"{e.kind} ({e.place})"
        return build_warning(self, severity, e.day, e.subject, f"{e.said()}: {what}.{triage(e)}", _evidence(e))


class AfterLoad(_SymptomRule):
    id = "symptoms.after_load"
    # The engine passes `prior` (loadguard.assess.prior_findings.PriorFindings) to its evaluate.
    looks_back = True
    about = RULES[id]   # title, advice and the study behind it: loadguard.advice
    defaults: Mapping[str, Any] = {"recent_days": RECENT_DAYS, "lookback_days": LOOKBACK_DAYS}

    def judge(self, frames: Frames, config: Mapping[str, Any], e: Event, prior: Any = None) -> Warning | None:
        if prior is None:
            return None  # judged outside an assessment, with no earlier findings to look back at
        lookback = int(config["lookback_days"])
        found = prior.between(e.day - timedelta(days=lookback), e.day)
        if not found:
            return None
        message = (f"{e.said()} began {prior.before(e.day, found)} "
                   f"(load findings of the {lookback} days before it).{triage(e)}")
        severity = Severity.ALERT if e.nerve_in_foot and e.source == "log" else Severity.WARN
        return build_warning(self, severity, e.day, e.subject, message, {
            **_evidence(e),
            "after": [{"rule": w.rule, "date": w.date.isoformat(), "subject": w.subject,
                       "days_before": (e.day - w.date).days} for w in found],
        })
