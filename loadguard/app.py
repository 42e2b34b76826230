"""What every command shares: the per-invocation App (home, config, store) and the options
for a day and a severity. Below both the command group (cli.py) and the commands."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from loadguard import years


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


def as_of_option(func):
    """`--as-of YYYY-MM-DD`, default today (local)."""
    return click.option(
        "--as-of",
        "as_of",
        type=Day(),
        default=None,
        help="Evaluate as of this local day (default: today, in config's timezone if set).",
    )(func)


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


pass_app = click.make_pass_decorator(App)
