from __future__ import annotations

import click

from loadguard.cli import App, as_date, as_of_option, pass_app


@click.command()
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def shoes(app: App, as_of, fmt: str) -> None:
    """Shoe table: distance, limit, share of life used, last run, retired."""
    from loadguard import frames as frames_mod
    from loadguard.detectors.shoes import shoe_table
    from loadguard.render import text

    day = as_date(as_of, app)
    frames = frames_mod.build(app.store, app.config, day)
    table = shoe_table(frames, app.config)
    if fmt == "json":
        click.echo(table.to_json(orient="records", date_format="iso", indent=2))
    else:
        click.echo(text.render_shoes(day, table), nl=False)
