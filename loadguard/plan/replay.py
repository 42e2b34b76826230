"""A plan judged ahead: the history carried forward with the planned sessions, judged
day by day by the rules that draw lines, as `check` would judge it once they are run.

A session crosses a line when a rule speaks on its day because of it: the spike of
that very run, or a weekly or comeback finding on its day. Each crossing says the
line (the most that session could be, given everything before it) and the rule's
advice; a race is judged with the race wording, as a run typed race is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from loadguard import numbers as num
from loadguard.ahead import line_rules, settings_by_day
from loadguard.check import judge, sort_warnings, tightened
from loadguard.frames import HORIZON_DAYS, Frames, build
from loadguard.model import Warning
from loadguard.plan.sessions import Session
from loadguard.planned_runs import carried, planned_id


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


def check_plan(store, config, as_of: date) -> list[Judged]:
    """Every stored session after `as_of`, judged on top of the history up to it."""
    sessions = store.planned_sessions(after=as_of)
    if not sessions:
        return []
    frames = build(store, config, as_of, since=as_of - timedelta(days=HORIZON_DAYS))
    return judge_plan(frames, config, sessions)


def judge_plan(frames: Frames, config, sessions: list[Session]) -> list[Judged]:
    """`sessions` (after the frames' as-of day, by day) judged on top of the frames."""
    first, last = frames.as_of + timedelta(days=1), max(s.day for s in sessions)
    rules = line_rules(config)
    by_day, careful_on = settings_by_day(config, frames, rules, first, last)
    findings = findings_with(frames, config, sessions, last, rules, careful_on)
    out = []
    for n, session in enumerate(sessions):
        crossed = [w for w in findings.get(session.day, []) if _caused_by(w, n, session)]
        judged = Judged(session)
        if crossed:
            before = carried(frames, sessions[:n], session.day)
            lines = {d.id: d.line(before, by_day[session.day][d.id], session.day) for d, _ in rules}
            for w in crossed:
                line = lines.get(w.rule)
                if line is not None and line.terrain and line.terrain != session.kind:
                    continue   # a road run does not make the trail rule speak
                judged.crosses.append(Crossing(w, num.km_under(line.km, line.at_line) if line else None))
        out.append(judged)
    return out


def findings_with(frames: Frames, config, sessions: list[Session], last: date, rules=None,
                  careful_on: set[date] | None = None) -> dict[date, list[Warning]]:
    """The line-drawing rules' findings on each day after the frames' as-of day up to
    `last`, with `sessions` run as planned: the real detectors, each day with the
    settings `check` would use then."""
    first = frames.as_of + timedelta(days=1)
    rules = rules if rules is not None else line_rules(config)
    if careful_on is None:
        _, careful_on = settings_by_day(config, frames, rules, first, last)
    usual = {d.id: s for d, s in rules}
    dated = judge([d for d, _ in rules], usual, tightened(usual, config), careful_on,
                  carried(frames, sessions, last), first, last)
    by_day: dict[date, list[Warning]] = {}
    for day, w in dated:
        by_day.setdefault(day, []).append(w)
    return {day: sort_warnings(ws) for day, ws in by_day.items()}


def _caused_by(w: Warning, n: int, session: Session) -> bool:
    """A one-run finding is the session's when it is about that very run; a finding on a
    sum over days (the week, a first week back) is every session's on its day."""
    if "activity_id" in w.evidence:
        return w.evidence["activity_id"] == planned_id(n) and w.date == session.day
    return True
