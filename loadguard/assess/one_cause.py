"""One cause, one message: when one run explains several rules, tell it once.

Applied to the findings of one day after every detector has run, so no detector
needs to know about another. The warning kept is the one with the strongest
evidence behind it (the single-run spike before the weekly ratio); the others
ride along in its `evidence["also"]`, each with its own rule, id, severity,
message and evidence, and are recorded as reported with it.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import date
from typing import Mapping

from loadguard.model import Severity, Warning

SPIKE = "volume.long_run_spike"
WEEKLY = "volume.weekly_load"
COMEBACK = "volume.comeback"


def spike_makes_the_week(spike: Warning, week: Warning) -> bool:
    """The week's jump is the spike's doing: without the run's extra distance over
    the previous longest, the week would sit under the rule's lowest line."""
    ev, wk = spike.evidence, week.evidence
    first, last = (date.fromisoformat(d) for d in wk["window"]["acute"])
    if not first <= spike.date <= last or not wk["chronic_weekly_km"]:
        return False
    extra = ev["distance_km"] - ev["previous_longest_km"]
    lowest = min(wk["thresholds"].values())
    return (wk["acute_km"] - extra) / wk["chronic_weekly_km"] < lowest


def spike_is_the_comeback(spike: Warning, comeback: Warning) -> bool:
    """The spike is a run of the first week back."""
    back = date.fromisoformat(comeback.evidence["back_on"])
    return 0 <= (spike.date - back).days < 7


def spike_is_in_the_week(spike: Warning, week: Warning) -> bool:
    """A spike that is mailed (warn or above) tells the week it lies in: for the 7 days
    its run stays in the window, the week's ratio is largely that run (a recovery jog
    the day after a half marathon must not send a new mail about the week)."""
    first, last = (date.fromisoformat(d) for d in week.evidence["window"]["acute"])
    return spike.severity >= Severity.WARN and first <= spike.date <= last


def explains(cause: Warning, other: Warning) -> bool:
    if cause.rule == SPIKE and other.rule == WEEKLY:
        return spike_is_in_the_week(cause, other) or spike_makes_the_week(cause, other)
    if cause.rule == SPIKE and other.rule == COMEBACK:
        return spike_is_the_comeback(cause, other)
    return False


def supporting(w: Warning) -> dict:
    return {"rule": w.rule, "id": w.id, "subject": w.subject, "severity": w.severity.label,
            "message": w.message, "evidence": w.evidence}


def one_message_per_cause(warnings: list[Warning], speaks_first: Mapping[str, float]) -> list[Warning]:
    """One day's warnings with those explained by another's cause folded into it; of equal
    severity, the rule that tells the story is the one that speaks first (rule id ->
    its declared `precedence`, lowest first: the better-supported one)."""
    spikes = [w for w in warnings if w.rule == SPIKE]
    if not spikes:
        return warnings
    absorbed: dict[str, list[Warning]] = {}
    taken: set[int] = set()
    for i, other in enumerate(warnings):
        if other.rule == SPIKE:
            continue
        cause = next((s for s in spikes if explains(s, other)), None)
        if cause is not None:
            absorbed.setdefault(cause.id, []).append(other)
            taken.add(i)
    out = []
    for i, w in enumerate(warnings):
        if i in taken:
            continue
        also = absorbed.get(w.id)
        if not also:
            out.append(w)
            continue
        main = min([w, *also], key=lambda x: (-int(x.severity), speaks_first.get(x.rule, math.inf)))
        rest = [x for x in [w, *also] if x is not main]
        # the folded rule by its title, not its id: the text is read in mails and the digest
        # (JSON keeps each folded finding's rule in evidence["also"])
        message = main.message + "".join(
            f" Also, {x.title[0].lower()}{x.title[1:]} ({x.severity.label}): {_news(x.message, main.message)}"
            for x in rest)
        out.append(replace(main, severity=max(x.severity for x in [w, *also]), message=message,
                           evidence={**main.evidence, "also": [supporting(x) for x in rest]}))
    return out


def _news(message: str, told: str) -> str:
    """`message` without the sentences `told` already holds ("Stricter thresholds while
    a symptom is recent." once, not after each rule folded into the message)."""
    sentences = re.split(r"(?<=[.!?])\s+", message.strip())
    return " ".join(s for s in sentences if s not in told) or message
