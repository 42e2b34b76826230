"""A plan judged ahead: the history carried forward with the planned sessions, judged
day by day by the rules that draw lines, as `check` would judge it once they are run.

A session crosses a line when a rule speaks on its day because of it: the spike of
that very run, or a weekly or comeback finding on its day. Each crossing says the
line (the most that session could be, given everything before it) and the rule's
advice; a race is judged with the race wording, as a run typed race is. Read
through `Assessment.plan`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from loadguard import numbers as num
from loadguard.assess.ahead import SettingsOn
from loadguard.assess.frames import Frames
from loadguard.assess.planned_runs import carried, planned_id
from loadguard.model import Warning
from loadguard.plan.sessions import Session


@dataclass(frozen=True)
class Crossing:
    warning: Warning
    line_km: float | None     # the most this session could be and stay under the rule's line

    def to_dict(self) -> dict:
        w = self.warning
        return {"rule": w.rule, "severity": w.severity.label, "line_km": self.line_km, "title": w.title,
                "message": w.message, "advice": w.advice}


@dataclass
class Judged:
    session: Session
    crosses: list[Crossing] = field(default_factory=list)

    def to_dict(self) -> dict:
        s = self.session
        return {"date": s.day.isoformat(), "km": num.km(s.km), "type": s.kind, "title": s.title,
                "crosses": [c.to_dict() for c in self.crosses]}


def judge_plan(frames: Frames, sessions: list[Session], findings: dict[date, list[Warning]], rules: list,
               settings_on: SettingsOn) -> list[Judged]:
    """`sessions` (after the frames' as-of day, by day) judged on top of the frames:
    `findings` are the line-drawing `rules`' findings of each day with every session
    run as planned; each crossing is told with the line that session was up against,
    drawn with the settings `settings_on(day)` gives."""
    out = []
    for n, session in enumerate(sessions):
        crossed = [w for w in findings.get(session.day, []) if _caused_by(w, n, session)]
        judged = Judged(session)
        if crossed:
            before = carried(frames, sessions[:n], session.day)
            settings = settings_on(session.day)
            lines = {r.id: r.line(before, settings[r.id], session.day) for r in rules if hasattr(r, "line")}
            for w in crossed:
                line = lines.get(w.rule)
                if line is not None and line.terrain and line.terrain != session.kind:
                    continue   # a road run does not make the trail rule speak
                judged.crosses.append(Crossing(w, num.km_under(line.km, line.at_line) if line else None))
        out.append(judged)
    return out


def _caused_by(w: Warning, n: int, session: Session) -> bool:
    """A one-run finding is the session's when it is about that very run; a finding on a
    sum over days (the week, a first week back) is every session's on its day."""
    if "activity_id" in w.evidence:
        return w.evidence["activity_id"] == planned_id(n) and w.date == session.day
    return True
