from __future__ import annotations

import click

from loadguard.app import App, as_of_day, as_of_option, pass_app


@click.command()
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def shoes(app: App, as_of, fmt: str) -> None:
    """Shoe table: distance, limit, share of life used, last run, retired."""
    from loadguard.assess.assessment import Assessment
    from loadguard.render import json_out, text

    day = as_of_day(as_of, app)
    table = Assessment(app.store, app.config, day, day).shoe_table()
    if fmt == "json":
        click.echo(json_out.render_shoes(day, table))
    else:
        click.echo(text.render_shoes(day, table), nl=False)
