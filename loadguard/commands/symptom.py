from __future__ import annotations

import click

from loadguard.app import App, Day, as_date, day_option, pass_app
from loadguard.commands import SUMMARIES
from loadguard.symptoms.terms import KINDS, MAX_INTENSITY, PLACES

# Shown in --help from the engine's own lists (loadguard.symptoms.terms); the engine
# (loadguard.symptoms.log, loaded only when a subcommand runs) checks every value, so a bad one is one line naming the field
# and the choices.
WHERE_HELP = ", ".join(PLACES)
WHAT_HELP = ", ".join(KINDS)
WHEN_HELP = ("during (the run, growing with distance), after (the run), night, "
             "morning (first steps)")


def _choice(value: str | None) -> str | None:
    """'ball-of-foot', 'Ball_of_Foot' and 'ball of foot' are one place."""
    return None if value is None else " ".join(value.replace("-", " ").replace("_", " ").lower().split())


def _bad(message: str) -> Exception:
    from loadguard.symptoms.log import BadValue

    return BadValue(message)


def _intensity(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise _bad(f"symptom --intensity must be a whole number from 0 to {MAX_INTENSITY}; got {value!r}") from None


def _not_ahead(day, today) -> None:
    if day is not None and day > today:
        raise _bad(f"symptom --date {day.isoformat()} is after today ({today.isoformat()})")


def _fields(date_help: str):
    return lambda func: _with_fields(func, date_help)


def _with_fields(func, date_help: str):
    for option in reversed([
        click.option("--date", "day", type=Day(), default=None, help=date_help),
        click.option("--where", "place", help=f"Where: {WHERE_HELP}."),
        click.option("--side", help="left, right or both."),
        click.option("--what", "kind", help=f"What it feels like: {WHAT_HELP}."),
        click.option("--when", "timing", help=f"When it shows: {WHEN_HELP}."),
        click.option("--intensity", help=f"0 (barely) to {MAX_INTENSITY} (worst imaginable)."),
        click.option("--note", help="Free text, kept on this machine only."),
    ]):
        func = option(func)
    return func


@click.group(short_help=SUMMARIES["symptom"])
def symptom() -> None:
    """Log what your feet and legs tell you; kept on this machine only, never sent to Strava."""


@symptom.command("add")
@_fields("Day of the symptom (default: today).")
@day_option("Stand-in for today (default: today).", old=("--today",))
@pass_app
def add(app: App, day, place, side, kind, timing, intensity, note, as_of) -> None:
    """Record a symptom (--where, --side, --what and --intensity are needed)."""
    from loadguard.symptoms import log as symptoms
    missing = [name for name, value in (("--where", place), ("--side", side), ("--what", kind),
                                        ("--intensity", intensity)) if value is None]
    if missing:
        raise _bad(f"symptom add needs {', '.join(missing)}")
    today = as_date(as_of, app)
    when = day.date() if day else today
    _not_ahead(when, today)
    entry = symptoms.add(app.store, day=when, place=_choice(place),
                         side=_choice(side), kind=_choice(kind), timing=_choice(timing),
                         intensity=_intensity(intensity), note=note)
    click.echo(f"symptom {entry.id} logged: {entry.day.isoformat()}, {entry.describe()}")


@symptom.command("list")
@click.option("--since", type=Day(), default=None, help="Only entries from this day on.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def list_cmd(app: App, since, fmt: str) -> None:
    """Every logged symptom, oldest first."""
    from loadguard.render.printable import json_text, printable
    from loadguard.render.width import fill
    from loadguard.symptoms import log as symptoms

    entries = symptoms.between(app.store, since.date() if since else None)
    if fmt == "json":
        click.echo(json_text({"symptoms": [e.to_dict() for e in entries]}))
        return
    if not entries:
        click.echo("no symptoms logged")
        return
    for e in entries:
        # a note is free text, pasted from anywhere: shown safe for a terminal
        note = f" — {e.note}" if e.note else ""
        click.echo(fill(printable(f"{e.id:>4}  {e.day.isoformat()}  {e.describe()}{note}"), "", " " * 18))


@symptom.command("edit")
@click.argument("symptom_id", type=int)
@_fields("Day of the symptom (default: the day stored stays).")
@pass_app
def edit(app: App, symptom_id: int, day, place, side, kind, timing, intensity, note) -> None:
    """Correct fields of an entry; those not given stay as they were."""
    from loadguard.symptoms import log as symptoms
    given = {"day": day.date() if day else None, "place": _choice(place), "side": _choice(side),
             "kind": _choice(kind), "timing": _choice(timing), "intensity": _intensity(intensity), "note": note}
    changes = {k: v for k, v in given.items() if v is not None}
    _not_ahead(changes.get("day"), app.today())
    entry = symptoms.edit(app.store, symptom_id, changes)
    click.echo(f"symptom {entry.id} now: {entry.day.isoformat()}, {entry.describe()}")


@symptom.command("rm")
@click.argument("symptom_id", type=int)
@pass_app
def rm(app: App, symptom_id: int) -> None:
    """Remove an entry."""
    from loadguard.symptoms import log as symptoms
    gone = symptoms.remove(app.store, symptom_id)
    click.echo(f"symptom {gone.id} removed ({gone.day.isoformat()}, {gone.describe()})")
