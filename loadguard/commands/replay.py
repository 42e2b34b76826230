from __future__ import annotations

import click

from loadguard import start_up
from loadguard.app import App, Day, as_date, day_option, min_severity_option, pass_app
from loadguard.commands import SUMMARIES


@click.command(short_help=SUMMARIES["replay"])
@click.option("--from", "first", type=Day(), required=True, help="First day replayed (YYYY-MM-DD).")
@day_option("Last day replayed (default: today).", old=("--to",))
@min_severity_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def replay(app: App, first, as_of, min_severity: str, fmt: str) -> None:
    """What `check --new` run once a day would have mailed, month by month.

    Reads your history and config.toml; never touches what `check --new` recorded.
    """
    from loadguard.assess.cron_replay import replay as run_replay
    from loadguard.render import replay_out
    start_up.settled()

    first = first.date()
    last = as_date(as_of, app)
    if last < first:
        raise click.BadParameter(f"{last} is before --from {first}", param_hint="--as-of")
    result = run_replay(app.store, app.config, first, last, min_severity)
    click.echo(replay_out.render_json(result) if fmt == "json" else replay_out.render_text(result), nl=fmt == "json")
