"""Symptom words in a runner's own notes on a run ("left arch tingling after 10k").

A mention counts only when a symptom word and a part of the foot or calf share
one clause, the word is not negated ("no tingling"), and the clause is not one
of the common false friends: effort ("burning pace", "calves burning on the
climb"), cold ("toes numb from the cold") or shoe parts ("toe box", "arch
support"). What comes out is a quote to show the runner, never a diagnosis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from loadguard.symptoms.log import NERVE_KINDS, nerve_in_foot

# symptom kind (the log's vocabulary, plus plain pain) -> words that name it
_KIND_WORDS = {
    "tingling": r"tingl\w*|pins and needles|prickl\w*",
    "numbness": r"numb(?:ness|ed|ing)?",
    "burning": r"burn\w*",
    "electric": r"electric\w*|shoot\w*|zap\w*|jolt\w*",
    "stabbing": r"stab(?:s|bed|bing|by)?",
    "dull ache": r"ach(?:e|es|ed|ing|y)|sore\w*",
    "stiffness": r"stiff\w*",
    "pain": r"pain(?:s|ful)?|hurt\w*|twinge\w*",
}
# place (the log's vocabulary, plus the foot as a whole) -> words that name it
_PLACE_WORDS = {
    "ball of foot": r"ball of (?:the |my )?(?:left |right )?foot|forefoot|metatarsal\w*",
    "inner ankle": r"(?:inner|inside|medial) (?:of (?:the |my )?)?ankle|tarsal tunnel",
    "heel": r"heels?",
    "arch": r"arch(?:es)?|instep",
    "toes": r"toes?",
    "calf": r"calf|calves",
    "foot": r"foot|feet|soles?|plantar",
}

# Shoe parts and technique words that contain a body part but are not one.
_NOT_A_PART = (
    r"\b(?:toe[ -]?(?:box|cap|off|spring)|heel[ -]?(?:counter|drop|cup|strik\w*|tab)|heel[- ]toe|"
    r"arch (?:support|insert)\w*|calf (?:sleeves?|compression|guards?|pack|raises?))\b")
_COLD = r"\b(?:cold|colder|freez\w*|frozen|frost\w*|ic[ey]|snow\w*|winter|chill\w*|sub-?zero)\b"
_EFFORT = (r"\b(?:pace|climb\w*|hills?|uphill|sprint\w*|intervals?|reps?|efforts?|lactic|stairs|"
           r"tempo|calories|fat|legs|lungs|quads|glutes)\b")
_NEGATED = r"\b(?:no|not|without|zero|never|nothing|none|free of|no more|less)\b(?:\W+\w+){0,2}?\W+"
_GONE = r"\b(?:gone|went away|disappeared|resolved|no longer|cleared up)\b"
_SIDE = r"\b(left|right|both)\b"
_CLAUSE_SPLIT = r"[.;!?\n,]+|\bbut\b"

_TIMINGS = (  # first match wins: the most telling pattern first
    ("night", r"\b(?:at night|overnight|in bed|woke\w*|kept me up|night)\b"),
    ("morning", r"\b(?:first steps?|out of bed|getting up|in the morning|this morning|mornings?)\b"),
    ("during", r"\b(?:the longer|longer i|worse (?:as|with|after)|grew|growing|builds?|after \d+\s?(?:k|km|mi|miles)"
               r"|last \d+\s?(?:k|km|mi)|late in the run|second half|mid[- ]run)\b"),
    ("after", r"\b(?:after the run|afterwards?|post[- ]run|after running|later that day)\b"),
)


@dataclass(frozen=True)
class Mention:
    kind: str           # tingling, numbness, …, or pain
    place: str          # heel, arch, …, or foot
    side: str | None    # left, right, both when the clause says so
    timing: str | None  # during, after, night, morning when the note says so
    quote: str          # the clause it was found in, as written

    @property
    def nerve_in_foot(self) -> bool:
        return nerve_in_foot(self.kind, self.place)


def _compile(table: dict[str, str]) -> list[tuple[str, re.Pattern[str]]]:
    return [(name, re.compile(rf"\b(?:{words})\b")) for name, words in table.items()]


@cache
def _patterns() -> tuple:
    """The patterns compiled on the first note read, not when a check starts: most
    histories hold few notes, and every check imports this module."""
    return (_compile(_KIND_WORDS), _compile(_PLACE_WORDS),
            *(re.compile(p) for p in (_NOT_A_PART, _COLD, _EFFORT, _GONE, _SIDE, _CLAUSE_SPLIT)))


def find(text: str | None) -> list[Mention]:
    """Symptom mentions in one note, one per clause, in the order written."""
    if not text:
        return []
    kinds, places, not_a_part, cold, effort, gone, side_of, clause_split = _patterns()
    timing = next((name for name, pattern in _TIMINGS if re.search(pattern, text.lower())), None)
    out: list[Mention] = []
    for raw in clause_split.split(text):
        clause = " ".join(raw.split())
        low = not_a_part.sub(" ", clause.lower())
        place = next((name for name, pattern in places if pattern.search(low)), None)
        if place is None or gone.search(low):
            continue
        side = side_of.search(low)
        for kind, pattern in kinds:
            hit = pattern.search(low)
            if hit is None or re.search(_NEGATED + re.escape(hit.group(0)), low):
                continue
            if kind in NERVE_KINDS and cold.search(low):
                continue  # numb or burning toes on a freezing day are the weather
            if kind in ("burning", "dull ache", "pain") and place == "calf" and effort.search(low):
                continue  # calves burning on a climb are working muscles
            if kind == "burning" and effort.search(low) and not re.search(r"\bburn\w* (?:in|under|along)\b", low):
                continue  # "burning pace", "burned through the intervals"
            out.append(Mention(kind, place, side.group(1) if side else None, timing, clause))
            break  # one mention per clause: the kinds are listed nerve-type first
    return out
