"""Plain-text output for a terminal or a cron mail."""

from __future__ import annotations

import textwrap
from datetime import date

import click

from loadguard.advice import DISCLAIMER
from loadguard.model import Severity, Warning

COLOURS = {Severity.ALERT: "red", Severity.WARN: "yellow", Severity.INFO: "cyan"}
WIDTH = 88


def render_check(as_of: date, warnings: list[Warning]) -> str:
    """Grouped by severity, worst first; one line of numbers, then the advice.

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
            lines.append(f"  {click.style(w.rule, bold=True)} [{w.subject}] {w.title}")
            lines.extend(_wrap(w.message, "    "))
            lines.extend(_wrap(f"What to do: {w.advice}", "    "))
            if w.reference:
                lines.extend(_wrap(f"Evidence: {w.reference}", "    "))
    lines.append("")
    lines.append(DISCLAIMER)
    return "\n".join(lines) + "\n"


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, width=WIDTH, initial_indent=indent, subsequent_indent=indent + "  ") or [indent]
