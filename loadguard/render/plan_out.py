"""`plan check` as text and JSON: each planned session that would cross a line, with the line and the advice."""

from __future__ import annotations

from datetime import date

from loadguard import numbers as num
from loadguard.advice import DISCLAIMER, LINES_NOTE
from loadguard.render.ahead_out import wrap
from loadguard.render.printable import json_text, printable


def import_summary(read) -> str:
    """`plan: 5 sessions from 2026-11-24 to 2026-12-06 (1 race, 1 event without a distance left out)`."""
    days = sorted(s.day for s in read.sessions)
    extra = []
    races = sum(s.race for s in read.sessions)
    if races:
        extra.append(f"{races} race{'s' if races != 1 else ''}")
    if read.without_distance:
        extra.append(f"{read.without_distance} event{'s' if read.without_distance != 1 else ''} "
                     "without a distance left out")
    if read.problems:
        extra.append(f"{len(read.problems)} unreadable")
    return (f"plan: {len(days)} session{'s' if len(days) != 1 else ''} from {days[0].isoformat()} to "
            f"{days[-1].isoformat()}" + (f" ({', '.join(extra)})" if extra else ""))


def render_json(as_of: date, judged: list) -> str:
    return json_text({"as_of": as_of.isoformat(), "sessions": [j.to_dict() for j in judged]})


def summary(as_of: date, judged: list) -> str:
    """The plan in one line: how many sessions, and how many cross a line."""
    if not judged:
        return f"No planned sessions after {as_of.isoformat()} (loadguard plan import FILE)."
    crossing = sum(1 for j in judged if j.crosses)
    span = f"{len(judged)} planned session{'s' if len(judged) != 1 else ''} from " \
           f"{judged[0].session.day.isoformat()} to {judged[-1].session.day.isoformat()}"
    if not crossing:
        return f"The plan stays under every line: {span}."
    return f"{crossing} of {span} cross{'es' if crossing == 1 else ''} a line."


def render_text(as_of: date, judged: list) -> str:
    lines = [f"loadguard plan check, as of {as_of.isoformat()}", "", *wrap(summary(as_of, judged), "")]
    for j in judged:
        if not j.crosses:
            continue
        s = j.session
        kind = ", race" if s.race else ", trail" if s.trail else ""
        lines += ["", f"{s.day:%a} {s.day.isoformat()}  {printable(s.title)} ({num.km_text(s.km)}{kind})"]
        for c in j.crosses:
            w = c.warning
            line = f"; the line: {num.km_text(c.line_km)}" if c.line_km is not None else ""
            lines += wrap(f"{w.rule} ({w.severity.label}){line}. {printable(w.message)}", "  ")
            lines += wrap(f"What to do: {w.advice}", "    ")
    if judged:
        lines += ["", *wrap(LINES_NOTE, "")]
    lines.append(DISCLAIMER)
    return "\n".join(lines) + "\n"
