"""What a planned session is, and how its distance and whether it is a race are read from words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

KM_PER_MILE = 1.609344

# Race distances named by their usual words; the longer names first, so "half
# marathon" is not read as a marathon.
NAMED_DISTANCES = (
    (re.compile(r"\bhalf[- ]?marathon\b", re.I), 21.0975),
    (re.compile(r"\bultra[- ]?marathon\b", re.I), None),   # no one distance: the figure must be given
    (re.compile(r"\bmarathon\b", re.I), 42.195),
    (re.compile(r"\bparkrun\b", re.I), 5.0),
)
# "24 km", "24km", "10.5 k", "24,5 km"; "8 mi", "13.1 miles"; "10K" (a race's name).
_NUMBER = r"(\d+(?:[.,]\d+)?)"
KM_WORD = re.compile(_NUMBER + r"\s*(?:km|kms|kilometers?|kilometres?|k)\b", re.I)
MILE_WORD = re.compile(_NUMBER + r"\s*(?:mi|miles?)\b", re.I)
# Words that make a session a race; "10K" with a capital K is how races are named,
# while "10k" in lower case is just a distance. "Marathon pace" and "10K pace" name
# an effort inside a training run, not a race, so they are taken out first.
RACE_NAMES = re.compile(r"\b(?:race|racing|marathon|parkrun|competition)\b", re.I)
RACE_K = re.compile(r"\b\d+K\b")
PACE = re.compile(r"\b(?:half[- ]?)?(?:marathon|race|\d+k)[- ]pace\b", re.I)
RACE_TYPES = ("race",)
# The longest run a plan can mean (a 100-mile race and then some); a bigger figure is a typo.
MAX_SESSION_KM = 250.0


@dataclass(frozen=True)
class Session:
    """One planned run: its local day, its distance, what kind it is, and its title."""

    day: date
    km: float
    kind: str          # "race", "trail" or "run"
    title: str
    climb_m: float = 0.0   # a plan gives none; `ahead`'s climb line is checked with it

    @property
    def race(self) -> bool:
        return self.kind == "race"

    @property
    def trail(self) -> bool:
        return self.kind == "trail"


def distance_km(*texts: str) -> float | None:
    """The distance a session's words give, in km: the first text with a figure wins.

    A figure with a unit ("24 km", "8 miles") comes before a race's name ("half
    marathon"), so "Half marathon pace 16 km" is a 16 km session.
    """
    for text in texts:
        if not text:
            continue
        text = PACE.sub("", text)   # "3 at 10K pace" names an effort, not the session's distance
        found = [(m.start(), float(m.group(1).replace(",", ".")) * scale)
                 for pattern, scale in ((KM_WORD, 1.0), (MILE_WORD, KM_PER_MILE)) if (m := pattern.search(text))]
        if found:
            return min(found)[1]   # the first figure written
    for text in texts:
        for pattern, km in NAMED_DISTANCES:
            if text and pattern.search(text):
                return km
    return None


def kind_of(declared: str | None, *texts: str) -> str:
    """"race" for a session typed or named as one, "trail" for one typed trail, else "run"."""
    declared = (declared or "").strip().lower()
    if declared in RACE_TYPES or any(t and _race_words(t) for t in (declared, *texts)):
        return "race"
    if "trail" in declared or any(t and re.search(r"\btrail\b", t, re.I) for t in texts):
        return "trail"
    return "run"


def _race_words(text: str) -> bool:
    text = PACE.sub("", text)
    return bool(RACE_K.search(text) or RACE_NAMES.search(text))
