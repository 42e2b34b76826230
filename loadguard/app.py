"""What every command shares: the per-invocation App (home, config, store) and the options
for a day and a severity. Below both the command group (cli.py) and the commands."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from loadguard import years
from loadguard.errors import EXIT_USAGE, LoadguardError


class App:
    """Per-invocation state: the home folder, and the config and store opened on demand."""

    def __init__(self, home: Path):
        self.home = home
        self._config = None
        self._store = None

    @property
    def config_path(self) -> Path:
        from loadguard.paths import CONFIG_FILE

        return self.home / CONFIG_FILE

    @property
    def config(self):
        if self._config is None:
            from loadguard import config

            self._config = config.load(self.config_path)
        return self._config

    @property
    def store(self):
        if self._store is None:
            from loadguard.paths import STORE_FILE
            from loadguard.store import Store

            self._store = Store.open(self.home / STORE_FILE)
        return self._store

    def store_exists(self) -> bool:
        from loadguard.paths import STORE_FILE

        try:
            return self._store is not None or (self.home / STORE_FILE).exists()
        except OSError:
            return True  # opening it says what is wrong, in one line

    def today(self) -> date:
        """Today where the runner lives: in the configured zone if set, else the machine's."""
        zone = self.config["timezone"]
        if zone:
            from datetime import datetime
            from zoneinfo import ZoneInfo

            return datetime.now(ZoneInfo(zone)).date()
        return date.today()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()



class Day(click.DateTime):
    """A YYYY-MM-DD day within the years a running log can hold (loadguard.years)."""

    name = "day"

    def __init__(self) -> None:
        super().__init__(formats=["%Y-%m-%d"])

    def convert(self, value, param, ctx):
        day = super().convert(value, param, ctx)
        if day is not None and not years.within(day.year):
            self.fail(years.outside(repr(value)), param, ctx)
        return day


AS_OF_HELP = "Evaluate as of this local day (default: today, in config's timezone if set)."


def day_option(help_text: str = AS_OF_HELP, old: tuple[str, ...] = ()):
    """`--as-of YYYY-MM-DD`, the one name of the judged day in every command (default:
    today, local). `old` are the flags it replaced (digest and symptom's `--today`,
    replay's `--to`), still taken for one release, hidden from --help."""

    def keep_given(ctx: click.Context, param: click.Parameter, value):
        # Given under an old name (processed first, as given on the command line), keep it.
        if value is not None and ctx.params.get("as_of") is not None:
            raise click.UsageError(f"{' / '.join(old)} is the old name of --as-of: give one of them")
        return value if value is not None else ctx.params.get("as_of")

    def decorate(func):
        for flag in old:
            func = click.option(flag, type=Day(), hidden=True, expose_value=False,
                                callback=_old_name(flag))(func)
        return click.option("--as-of", "as_of", type=Day(), default=None, metavar="YYYY-MM-DD",
                            help=help_text, callback=keep_given)(func)

    return decorate


def _old_name(flag: str):
    def callback(ctx: click.Context, param: click.Parameter, value):
        if value is None:
            return None
        if ctx.params.get("as_of") is not None:
            raise click.UsageError(f"{flag} is the old name of --as-of: give one of them")
        ctx.params["as_of"] = value
        return None

    return callback


as_of_option = day_option()


# Severity's labels, lowest first, as the options take them: spelled out here because
# the model (and its hashlib) is not imported at start-up.
LEVELS = ("info", "warn", "alert")


def min_severity_option(func):
    """`--min-severity LEVEL`: leave out warnings below it (cron mails warn and up)."""
    return click.option(
        "--min-severity", type=click.Choice(LEVELS), default="info", show_default=True,
        help="Leave out warnings below this severity (they are still in the digest).",
    )(func)


def as_date(value, app: App) -> date:
    """The day an `--as-of` option names, or the runner's today."""
    return value.date() if value is not None else app.today()


def as_of_day(value, app: App) -> date:
    """The day `--as-of` names, refused when it lies ahead (as digest refuses weeks to come):
    days to come hold no runs, and judging them would read as weeks of rest."""
    day = as_date(value, app)
    today = app.today()
    if day > today:
        raise LoadguardError(f"--as-of {day.isoformat()} is after today ({today.isoformat()}); "
                             "pick a day up to today", exit_code=EXIT_USAGE)
    return day


pass_app = click.make_pass_decorator(App)
