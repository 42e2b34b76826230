"""`ahead` as text and JSON: the calm sentence first, then each line and why."""

from __future__ import annotations

import textwrap

from loadguard import numbers as num
from loadguard.advice import DISCLAIMER, LATER_WEEKS_NOTE, LINES_NOTE, RULES, SPREAD_NOTE
from loadguard.render.printable import json_text

WIDTH = 88


def sentence(a) -> str:
    """"Sunday's long run: up to 19.8 km; next 7 days: up to 48.0 km." — what a runner acts on."""
    if a.silent:
        return f"No lines ahead: {a.silent}."
    parts = []
    if a.longest_run_km is not None:
        parts.append(f"{a.first:%A}'s run: up to {num.km_text(a.longest_run_km)}")
    if a.long_run and a.long_run[1] is not None and a.long_run[0] != a.first:
        parts.append(f"{a.long_run[0]:%A}'s long run: up to {num.km_text(a.long_run[1])}")
    if a.week_km is not None:
        span = "next day" if a.days == 1 else f"next {a.days} days"
        parts.append(f"{span}: up to {num.km_text(a.week_km)}")
    if not parts:
        return "No new line ahead: the running already done is over the weekly line on every day ahead."
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


def render_text(a) -> str:
    lines = [f"loadguard ahead, as of {a.as_of.isoformat()}: {a.first:%a} {a.first.isoformat()} to "
             f"{a.last:%a} {a.last.isoformat()}", "", *wrap(sentence(a), "")]
    cited: set[str] = set()   # each rule's evidence once
    if a.run_lines:
        lines += ["", f"The run on {a.first:%a} {a.first.isoformat()}: up to {num.km_text(a.longest_run_km)}"]
        lines += [w for s in a.run_lines for w in _said(s, cited)]
    for s in a.terrain_lines:
        lines += ["", f"A {s.terrain} run on {a.first:%a} {a.first.isoformat()}: up to {num.km_text(s.km)} of {s.terrain}"]
        lines += _said(s, cited)
    for c in a.climb_lines:
        lines += ["", f"A hilly run on {a.first:%a} {a.first.isoformat()}: {num.km_text(c.run_km)} with up to "
                      f"{num.metres_text(c.climb_m)} of climb"]
        lines += wrap(f"{c.rule}: {c.why}.", "  ")
        if c.rule in RULES and RULES[c.rule].reference and c.rule not in cited:
            cited.add(c.rule)
            lines += wrap(f"Evidence: {RULES[c.rule].reference}", "    ")
    if a.week_lines:
        later = f" {LATER_WEEKS_NOTE}" if a.days > 7 else ""
        lines += ["", *wrap(f"The {a.days} days: up to {num.km_text(a.week_km)} in all, {SPREAD_NOTE}{later}", "")]
        lines += [w for s in a.week_lines for w in _said(s, cited)]
    for rule, until in a.already_over:
        lines += [""] + wrap(f"Already over: the running already done keeps {rule} over its line until "
                              f"{until:%a} {until.isoformat()}; those days are not counted above.", "")
    if a.careful_until:
        lines += [""] + wrap(f"Stricter lines: a symptom is recent, so until {a.careful_until.isoformat()} the "
                              "volume rules judge with the [symptoms] lines (a returning foot is treated like a "
                              "novice's).", "")
    lines += ["", *wrap(LINES_NOTE, ""), DISCLAIMER]
    return "\n".join(lines) + "\n"


def _said(s, cited: set[str]) -> list[str]:
    out = wrap(f"{s.rule} ({num.km_text(s.km)}): {s.why}" + ("; stricter after a symptom" if s.careful else "")
               + ".", "  ")
    rule = RULES.get(s.rule)
    if rule and rule.reference and s.rule not in cited:
        cited.add(s.rule)
        out += wrap(f"Evidence: {rule.reference}", "    ")
    return out


def wrap(text: str, indent: str) -> list[str]:
    """A paragraph wrapped to the width; an indented one hangs two more spaces."""
    hang = indent + "  " if indent else ""
    return textwrap.wrap(text, width=WIDTH, initial_indent=indent, subsequent_indent=hang) or [indent]


def to_dict(a) -> dict:
    comeback = next((s for s in a.run_lines + a.week_lines if s.rule == "volume.comeback"), None)
    return {
        "as_of": a.as_of.isoformat(),
        "days": a.days,
        "first_day": a.first.isoformat(),
        "longest_run_km": a.longest_run_km,
        "week_km": a.week_km,
        "long_run": {"date": a.long_run[0].isoformat(), "km": a.long_run[1]} if a.long_run else None,
        "sentence": sentence(a),
        "spread": "evenly, a run each day; the one-run line still caps each run",
        "comeback": comeback.to_dict() if comeback else None,
        "symptoms": {"stricter_until": a.careful_until.isoformat()} if a.careful_until else None,
        "terrain": [s.to_dict() for s in a.terrain_lines],
        "climb": [c.to_dict() for c in a.climb_lines],
        "already_over": [{"rule": r, "until": d.isoformat()} for r, d in a.already_over],
        "because": {"longest_run_km": [s.to_dict() for s in a.run_lines],
                    "week_km": [s.to_dict() for s in a.week_lines]},
        "silent": a.silent,
    }


def render_json(a) -> str:
    return json_text(to_dict(a))
