from __future__ import annotations

from pathlib import Path

import click

from loadguard import start_up
from loadguard.app import App, as_of_day, as_of_option, pass_app
from loadguard.commands import SUMMARIES
from loadguard.errors import EXIT_FAILURE, LoadguardError


@click.group(short_help=SUMMARIES["plan"])
def plan() -> None:
    """A training plan: import it, then check it ahead against the lines."""


@plan.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def import_plan(app: App, path: Path) -> None:
    """Read PATH (an .ics calendar or a CSV of date,km[,type]) as the plan, replacing the one stored.

    Each event or line that cannot be read is one line on stderr (exit 3); the rest is stored.
    """
    from loadguard.plan import stored
    from loadguard.plan.read import read_plan
    from loadguard.render import plan_out
    from loadguard.render.printable import printable
    from loadguard.zones import known_zone

    zone = app.config["timezone"]
    read = read_plan(path, known_zone(zone, "config.toml") if zone else None)
    for problem in read.problems:
        click.echo(f"loadguard: {printable(problem)}", err=True)
    if not read.sessions:
        raise LoadguardError(f"{path.name}: no session with a distance in it; the stored plan is kept")
    stored.save(app.store, read.sessions, path.name)
    click.echo(plan_out.import_summary(read))
    if read.problems:
        raise SystemExit(EXIT_FAILURE)


@plan.command("check")
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def check_plan(app: App, as_of, fmt: str) -> None:
    """Replay the stored plan on top of your history and flag each session that would cross a line."""
    from loadguard.assess.assessment import Assessment
    from loadguard.plan.stored import sessions_after
    from loadguard.render import plan_out
    start_up.settled()

    day = as_of_day(as_of, app)
    judged = Assessment(app.store, app.config, day, day).plan(sessions_after(app.store, day))
    click.echo(plan_out.render_json(day, judged) if fmt == "json" else plan_out.render_text(day, judged),
               nl=fmt == "json")
