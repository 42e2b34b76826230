"""Plain-text output for a terminal or a cron mail."""

from __future__ import annotations

from datetime import date

import click

from loadguard import numbers as num
from loadguard.advice import DISCLAIMER
from loadguard.model import Severity, Warning
from loadguard.render.printable import printable
from loadguard.render.width import columns, fill, wrap

COLOURS = {Severity.ALERT: "red", Severity.WARN: "yellow", Severity.INFO: "cyan"}


def render_check(as_of: date, warnings: list[Warning]) -> str:
    """Grouped by severity, worst first; per warning a heading, one line of numbers, then the advice.

    Colour codes are always emitted here; click.echo strips them when stdout is
    not a terminal.
    """
    lines: list[str] = []
    count = len(warnings)
    noun = "warning" if count == 1 else "warnings"
    lines.append(f"loadguard check, as of {as_of.isoformat()}: {count} {noun}" if count
                 else f"loadguard check, as of {as_of.isoformat()}: no warnings")
    for severity in sorted(Severity, reverse=True):
        group = [w for w in warnings if w.severity == severity]
        if not group:
            continue
        lines.append("")
        lines.append(click.style(f"{severity.name} ({len(group)})", fg=COLOURS[severity], bold=True))
        for w in group:
            # Every field may carry a name from Strava or an export (or a plugin's text).
            rule = printable(w.rule)
            heading = wrap(f"{rule} [{printable(w.subject)}] {printable(w.title)}", "  ", "    ")
            # the rule id is made bold after wrapping, so its codes never count as width
            heading[0] = heading[0].replace(rule, click.style(rule, bold=True), 1)
            lines.extend(heading)
            lines.extend(wrap(printable(w.message), "    "))
            lines.extend(wrap(f"What to do: {printable(w.advice)}", "    "))
            if w.reference:
                lines.extend(wrap(f"Evidence: {printable(w.reference)}", "    "))
    lines.append("")
    lines.append(fill(DISCLAIMER, "", ""))
    return "\n".join(lines) + "\n"


def render_shoes(as_of: date, table) -> str:
    """The shoe table: active pairs first, most worn first."""
    if table.empty:
        return f"No shoes in the store as of {as_of.isoformat()}.\n\n{fill(DISCLAIMER, '', '')}\n"
    # an age column only where a pair has an age limit (`[shoes] max_months` is off by default)
    aged = bool(table["max_months"].notna().any())
    rows = [("shoe", "distance", "limit", "life", *(("age",) if aged else ()), "last run", "retired")]
    for shoe in table.itertuples():
        last = shoe.last_run.date().isoformat() if shoe.last_run == shoe.last_run and shoe.last_run is not None else "-"
        age = ((f"{int(shoe.months)} of {int(shoe.max_months)} mo" if shoe.max_months == shoe.max_months else
                f"{int(shoe.months)} mo") if shoe.months == shoe.months else "-",) if aged else ()
        rows.append((
            printable(shoe.name),
            num.km_text(shoe.distance_km),
            num.limit_km_text(shoe.limit_km),
            num.percent_text(shoe.life),
            *age,
            last,
            "yes" if shoe.retired else "",
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    # A long shoe name gives way, so the table keeps to the width.
    room = columns() - sum(widths[1:]) - 2 * (len(widths) - 1)
    if widths[0] > max(room, 12):
        widths[0] = max(room, 12)
        rows = [(_cut(r[0], widths[0]), *r[1:]) for r in rows]
    right = {1, 2, 3, 4} if aged else {1, 2, 3}
    lines = [f"Shoes as of {as_of.isoformat()}", ""]
    for n, r in enumerate(rows):
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))]
        line = "  ".join(cells).rstrip()
        lines.append(click.style(line, bold=True) if n == 0 else line)
    lines += ["", fill(DISCLAIMER, "", "")]
    return "\n".join(lines) + "\n"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
