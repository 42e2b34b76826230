from __future__ import annotations

import click

from loadguard import start_up
from loadguard.app import App, Day, as_of_day, as_of_option, pass_app
from loadguard.commands import SUMMARIES


@click.group(invoke_without_command=True, short_help=SUMMARIES["shoes"])
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def shoes(ctx: click.Context, as_of, fmt: str) -> None:
    """Shoe table: distance, limit, share of life used, last run, retired.

    The subcommands keep your own register of pairs, beside the shoes Strava or an
    export brings (which they address by name or id too): what they change is never
    undone by a sync or an import.
    """
    if ctx.invoked_subcommand is not None:
        return
    from loadguard.assess.assessment import Assessment
    from loadguard.render import json_out, text
    start_up.settled()

    app: App = ctx.obj
    day = as_of_day(as_of, app)
    table = Assessment(app.store, app.config, day, day).shoe_table()
    if fmt == "json":
        click.echo(json_out.render_shoes(day, table))
    else:
        click.echo(text.render_shoes(day, table), nl=False)


def _register(app: App):
    from loadguard.shoe_register import Register

    return Register(app.store, app.config)


def _say(*changes) -> None:
    from loadguard.render.printable import printable

    for change in changes:
        click.echo(printable(change.line()))


def _day(value) -> str | None:
    return value.date().isoformat() if value is not None else None


def _runs(func):
    for option in reversed([
        click.option("--run", "runs", type=int, multiple=True, help="An activity's id (repeatable)."),
        click.option("--from", "first", type=Day(), default=None, metavar="YYYY-MM-DD", help="First day of the runs."),
        click.option("--to", "last", type=Day(), default=None, metavar="YYYY-MM-DD", help="Last day of the runs."),
    ]):
        func = option(func)
    return func


@shoes.command("add")
@click.argument("name")
@click.option("--limit", "limit", metavar="KM", help="Its distance limit in km (default: config.toml's).")
@click.option("--max-months", metavar="N", help="Its age limit in months (default: config.toml's [shoes] max_months).")
@click.option("--from", "since", type=Day(), default=None, metavar="YYYY-MM-DD",
              help="The day you started running in it (default: its first run).")
@click.option("--default", "default", is_flag=True,
              help="Runs without a pair from --from on (default: today) are run in it.")
@click.option("--brand", default=None)
@click.option("--model", default=None)
@pass_app
def add(app: App, name, limit, max_months, since, default, brand, model) -> None:
    """Add a pair of your own to the register."""
    from loadguard.shoe_register import limit_value

    change = _register(app).add(
        name, limit_km=limit_value(limit, "--limit", float), max_months=limit_value(max_months, "--max-months", int),
        since=_day(since), default=default, brand=brand, model=model, today=app.today().isoformat())
    _say(change)


@shoes.command("default")
@click.argument("pair")
@click.option("--from", "since", type=Day(), default=None, metavar="YYYY-MM-DD", help="From this day on (default: today).")
@pass_app
def default_cmd(app: App, pair, since) -> None:
    """Make PAIR the pair of runs that have none, from --from on (until another default or its retirement)."""
    _say(_register(app).make_default(pair, _day(since) or app.today().isoformat()))


@shoes.command("assign")
@click.argument("pair")
@_runs
@click.option("--only-unassigned", is_flag=True, help="Leave runs that already have a pair alone.")
@pass_app
def assign(app: App, pair, runs, first, last, only_unassigned) -> None:
    """Put runs in PAIR: --run ID, or every run from --from to --to."""
    change, moved = _register(app).assign(pair, ids=list(runs), first=_day(first), last=_day(last),
                                          only_unassigned=only_unassigned)
    _say(change)
    if not moved:
        click.echo("no run changed pair")


@shoes.command("unassign")
@_runs
@click.option("--pair", "pair", default=None, help="Only runs in this pair.")
@pass_app
def unassign(app: App, runs, first, last, pair) -> None:
    """Take runs out of their pair (they count as run without one, whatever the source says)."""
    changes = _register(app).unassign(ids=list(runs), first=_day(first), last=_day(last), key=pair)
    _say(*changes)
    if not changes:
        click.echo("no run had a pair")


@shoes.command("retire")
@click.argument("pair")
@click.option("--on", "on", type=Day(), default=None, metavar="YYYY-MM-DD", help="The first day it is retired (default: today).")
@click.option("--undo", is_flag=True, help="Take the retirement back: the pair is in use again.")
@pass_app
def retire(app: App, pair, on, undo) -> None:
    """Retire PAIR: from --on on it is no longer in use, and its limits are no longer told."""
    from loadguard.shoe_register import BadShoeValue

    if undo and on is not None:
        raise BadShoeValue("shoes retire takes --on or --undo, not both")
    _say(_register(app).unretire(pair) if undo else _register(app).retire(pair, _day(on) or app.today().isoformat()))


@shoes.command("rename")
@click.argument("pair")
@click.argument("name")
@pass_app
def rename(app: App, pair, name) -> None:
    """Call PAIR by NAME from now on (a Strava pair keeps its name on Strava)."""
    _say(_register(app).rename(pair, name))


@shoes.command("set-limit")
@click.argument("pair")
@click.option("--km", "km", metavar="KM", help="Distance limit in km, or 'default'.")
@click.option("--max-months", metavar="N", help="Age limit in months, or 'default'.")
@pass_app
def set_limit(app: App, pair, km, max_months) -> None:
    """Set PAIR's own distance and/or age limit ('default': config.toml's again)."""
    from loadguard.shoe_register import limit_value

    limits = {}
    if km is not None:
        limits["limit_km"] = limit_value(km, "set-limit --km", float)
    if max_months is not None:
        limits["max_months"] = limit_value(max_months, "set-limit --max-months", int)
    _say(_register(app).set_limit(pair, **limits))
