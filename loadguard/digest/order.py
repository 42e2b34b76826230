"""The one order of importance: what the digest page, its headline and the e-mail's
subject put first.

Symptoms first (the body has spoken), then findings by severity (alert, warn,
info), and shoe findings last whatever their severity: a worn pair is replaced
at leisure, a sudden build-up is not. Within a level, the order `check` uses.
Each item is one card, told once, with the window its numbers are about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from loadguard.advice import FAMILY_HEADINGS
from loadguard.assess.rules.common import ACUTE_DAYS
from loadguard.digest.weeks import day_text

if TYPE_CHECKING:
    from loadguard.digest.symptoms_section import SymptomLine
    from loadguard.digest.weekly import Digest
    from loadguard.model import Warning

# Families that speak of the shoes, told after everything about the runner.
LAST_FAMILIES = ("shoes",)
# Among findings of one severity: how much, then where, then how the runner ran.
FAMILY_ORDER = ("symptoms", "volume", "terrain", "stride", "shoes")
# Families whose numbers are a 7-day window ending on the finding's day.
WEEK_WINDOW_FAMILIES = ("volume", "terrain", "stride")
# Rules about one run, dated by it.
ONE_RUN_RULES = ("volume.long_run_spike",)

_AUTHOR_YEAR = re.compile(r"[A-Z][\w'-]+(?: et al\.)? (?:19|20)\d\d")


@dataclass(frozen=True)
class Item:
    """One card of the digest, symptom or finding."""

    level: str                 # symptom | alert | warn | info
    tag: str                   # the word on the card: SYMPTOM, ALERT, WARN, INFO
    heading: str               # the family in plain words ("Where you ran")
    title: str
    window: str                # "Sat 6 – Fri 12 Sep", or the day
    earlier: bool              # its window ended before the digest's last day
    text: str
    advice: str = ""
    citation: str = ""         # short: "Frandsen et al. 2025"
    reference: str = ""        # in full, where the page can hold it out of the way
    rule: str = ""
    same_advice_as_above: bool = False
    symptom: "SymptomLine | None" = None


def items(d: "Digest") -> list[Item]:
    """Every card of the week, most important first."""
    out = [_symptom_item(s) for s in _by_importance_symptoms(d)]
    findings = sorted((w for g in d.groups for w in g.warnings), key=_finding_key)
    previous_rule = None
    for w in findings:
        out.append(_finding_item(w, d, same_advice=w.rule == previous_rule))
        previous_rule = w.rule
    return out


def top(d: "Digest") -> Item | None:
    found = items(d)
    return found[0] if found else None


def _by_importance_symptoms(d: "Digest") -> list["SymptomLine"]:
    if d.symptoms is None:
        return []
    # the nerve-type in the foot first, then the latest
    return sorted(d.symptoms.lines, key=lambda s: (not s.nerve_in_foot, -s.day.toordinal()))


def _finding_key(w: "Warning") -> tuple:
    rank = FAMILY_ORDER.index(w.family) if w.family in FAMILY_ORDER else len(FAMILY_ORDER)
    return (w.family in LAST_FAMILIES, -int(w.severity), rank, w.rule, w.date, w.subject)


def _symptom_item(s: "SymptomLine") -> Item:
    title = ("Nerve-type symptom in the foot: stop running through it" if s.nerve_in_foot
             else "A symptom to listen to")
    return Item("symptom", "SYMPTOM", FAMILY_HEADINGS["symptoms"], title, day_text(s.day), False,
                s.text, symptom=s)


def _finding_item(w: "Warning", d: "Digest", same_advice: bool) -> Item:
    window, earlier = card_window(w, d.last_day)
    return Item(w.severity.label, w.severity.label.upper(), FAMILY_HEADINGS.get(w.family, w.family.capitalize()),
                w.title, window, earlier, humane_dates(w.message, d.week.sunday.year), w.advice,
                short_citation(w.reference), w.reference, w.rule, same_advice)


def card_window(w: "Warning", last_day: date) -> tuple[str, bool]:
    """The days a finding's numbers are about, in words, and whether they ended before `last_day`."""

    if w.rule in ONE_RUN_RULES:
        return f"the run of {day_text(w.date)}", False     # a run's day is its window
    if w.family in WEEK_WINDOW_FAMILIES:
        first = w.date - timedelta(days=ACUTE_DAYS - 1)
        return span_text(first, w.date), w.date < last_day
    return f"as of {day_text(w.date)}", w.date < last_day


# -- words for dates and sources ---------------------------------------------------------


def span_text(first: date, last: date) -> str:
    """"Sat 6 – Fri 12 Sep", or "Sat 30 Aug – Fri 5 Sep" across months."""
    if first.month == last.month:
        return f"{first:%a} {first.day} – {day_text(last)}"
    return f"{day_text(first)} – {day_text(last)}"


_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def humane_dates(text: str, year: int) -> str:
    """ISO dates inside a sentence as a reader says them ("Sun 22 Nov"), the year only
    when it is not the digest's: "2026-11-" never breaks across a line."""
    def spoken(m: re.Match) -> str:
        try:
            day = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return m[0]
        return day_text(day) + ("" if day.year == year else f" {day.year}")

    # non-breaking spaces inside a date: "Sun 22 Nov" stays on one line
    return _ISO_DAY.sub(lambda m: spoken(m).replace(" ", "\u00a0"), text)


def short_citation(reference: str) -> str:
    """"Frandsen et al. 2025; Gabbett 2016" from the full references; guidance without
    an author keeps its first clause."""
    if not reference:
        return ""
    names = list(dict.fromkeys(_AUTHOR_YEAR.findall(reference)))
    if names:
        return "; ".join(names)
    return re.split(r"[:;]", reference, maxsplit=1)[0].strip()
