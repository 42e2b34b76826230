"""The status block on top of the digest: one word for the week, its km against the
usual week, and how far next week may go.

The word follows the cards' own order of importance (loadguard.digest.order):
a symptom is "stop and listen"; a warn or alert about how much or where the
runner ran, or a ratio past the warn line, is "caution"; the caution band or an
info finding about the training is "building"; anything else is "steady", and
the page says the week went well. Shoe and stride findings alone never change
the word: they are not about the load.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from loadguard import numbers as num
from loadguard.model import Severity

if TYPE_CHECKING:
    from loadguard.digest.weekly import Digest

STEADY, BUILDING, CAUTION, STOP = "steady", "building", "caution", "stop and listen"
# The findings that speak about the training load itself.
LOAD_FAMILIES = ("volume", "terrain")

SENTENCES = {
    STEADY: "A good week: in line with your usual, nothing to change.",
    BUILDING: "More than usual: fine for a week, keep the next one no bigger.",
    CAUTION: "A big step up: hold back next week.",
    STOP: "Your body spoke up: rest it and have it looked at before the next hard run.",
}


@dataclass(frozen=True)
class Status:
    word: str
    sentence: str
    versus: str        # this week's km against the usual week
    next_text: str


def of(d: "Digest") -> Status:
    found = [w for g in d.groups for w in g.warnings if w.family in LOAD_FAMILIES]
    worst = max((int(w.severity) for w in found), default=0)
    if d.symptoms is not None:
        word = STOP
    elif worst >= Severity.WARN or d.load.band == "high":
        word = CAUTION
    elif worst >= Severity.INFO or d.load.band == "caution":
        word = BUILDING
    else:
        word = STEADY
    sentence = SENTENCES[word]
    if word == STEADY and d.usual_km is None:
        sentence = "Nothing to compare with yet: the usual week needs 4 weeks on record."
    elif word == STEADY and d.load.band == "light":
        sentence = "A lighter week than usual: the rest does good."
    return Status(word, sentence, versus_usual(d), next_week_text(d, word))


def versus_usual(d: "Digest") -> str:
    """"60.9 km against a usual week of 39.5 km (+54%)"."""
    km = d.metric("distance").value or 0.0
    if d.usual_km is None:
        return f"{num.km_text(km)} this week; no usual week yet to compare with"
    change = f" ({num.change_text(km, d.usual_km)})" if d.usual_km > 0 else ""
    return f"{num.km_text(km)} this week against a usual week of {num.km_text(d.usual_km)}{change}"


def next_week_text(d: "Digest", word: str = STEADY) -> str:
    """The rules' lines for next week, held back after a big step (no more than this
    week, the cards' own advice) or a symptom (no more than the usual week), with a
    long run no longer than the month before the week allowed."""
    n = d.next_week
    if n is None or (n.week_km is None and n.long_run_km is None):
        return "Next week: no line yet; build up gently."
    week_km, long_km = n.week_km, n.long_run_km
    if word in (CAUTION, STOP):
        cap = d.usual_km if word == STOP and d.usual_km is not None else d.metric("distance").value or 0.0
        week_km = None if week_km is None else min(week_km, math.floor(cap))
        if long_km is not None and n.long_run_before_km is not None:
            long_km = min(long_km, n.long_run_before_km)
    parts = []
    if week_km is not None:
        parts.append(f"up to {week_km:.0f} km")
    if long_km is not None:
        parts.append(f"long run up to {num.km_text(long_km)}")
    if word == STOP:
        return "Next week: rest until the symptom has settled; then " + ", ".join(parts) + "."
    return "Next week: " + ", ".join(parts) + "."
