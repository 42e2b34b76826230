from __future__ import annotations

import click

from loadguard import start_up
from loadguard.app import App, as_of_day, as_of_option, pass_app
from loadguard.commands import SUMMARIES

# A week by default, as the weekly line is drawn; four at most, as far as its base
# reaches back (a longer plan is `plan check`'s). Spelled out here, not read from the
# engine, so --help stays off pandas.
DAYS = 7
MAX_DAYS = 28


@click.command(short_help=SUMMARIES["ahead"])
@as_of_option
@click.option("--days", type=click.IntRange(1, MAX_DAYS), default=DAYS, show_default=True,
              help="How many days after the as-of day the total covers (past 7, the later days' weekly "
                   "base holds the earlier days' running, spread evenly).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def ahead(app: App, as_of, days: int, fmt: str) -> None:
    """How long the next run may be, and how much the next days may hold, before a volume rule speaks."""
    from loadguard.assess.assessment import Assessment
    from loadguard.render import ahead_out
    start_up.settled()

    day = as_of_day(as_of, app)
    result = Assessment(app.store, app.config, day, day).lines(days)
    click.echo(ahead_out.render_json(result) if fmt == "json" else ahead_out.render_text(result), nl=fmt == "json")
