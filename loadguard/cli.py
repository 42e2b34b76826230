"""The `loadguard` command group.

Start-up stays light: each command lives in its own module under
`loadguard.commands`, imported only when that command runs (or when --help
lists it), and those modules import pandas or stravalib inside their functions.
"""

from __future__ import annotations

import importlib
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from loadguard import __version__, years
from loadguard.errors import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_USAGE, LoadguardError

# name -> "module:attribute"; the one list of what `loadguard` can do.
COMMANDS = {
    "auth": "loadguard.commands.auth:auth",
    "sync": "loadguard.commands.sync:sync",
    "import": "loadguard.commands.import_export:import_cmd",
    "check": "loadguard.commands.check:check",
    "digest": "loadguard.commands.digest:digest",
    "shoes": "loadguard.commands.shoes:shoes",
    "replay": "loadguard.commands.replay:replay",
    "symptom": "loadguard.commands.symptom:symptom",
}


class UserFacingError(click.ClickException):
    """Shows a LoadguardError as one line: `loadguard: <message>`."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        from loadguard.render.printable import printable

        # One line, whatever the message carries (a gear id or a file name from an
        # export can hold a newline or an escape sequence): cron mails and log greps read lines.
        click.echo(f"loadguard: {printable(' '.join(self.format_message().split()))}", err=True)


def _usage_line(error: click.UsageError) -> str:
    """Click's Usage/Try/Error block as the one line every other error gets."""
    message = error.format_message().rstrip(".")
    if error.ctx is None:
        return message
    path = error.ctx.command_path
    command = path.partition(" ")[2]
    return f"{command + ': ' if command else ''}{message}; see `{path} --help`"


class LazyGroup(click.Group):
    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        # Click's standalone mode prints a usage error as three lines (Usage, Try,
        # Error) and Ctrl-C as "Aborted!": here every error is one line on stderr.
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as error:
            UserFacingError(_usage_line(error), error.exit_code).show()
            sys.exit(error.exit_code)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:  # Ctrl-C or end of input outside a command
            UserFacingError("interrupted", EXIT_INTERRUPTED).show()
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # `loadguard check | head`: the reader left; nothing more to say, and nowhere to
            # say it (pointed at /dev/null, so the final flush cannot fail again)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        # a command's own exit code (`--help` and `--version` end with 0); a return value is none
        sys.exit(code if isinstance(code, int) else 0)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LoadguardError as exc:
            raise UserFacingError(str(exc), exc.exit_code) from None
        except KeyboardInterrupt:
            # Every write is one transaction or one atomic rename, so stopping
            # here leaves each either done or not begun.
            raise UserFacingError("interrupted; nothing was half-written", EXIT_INTERRUPTED) from None
        except Exception as exc:
            # sqlite3 is looked up, not imported: `--help` should not pay for it,
            # and an error of a module never imported cannot be raised anyway.
            sqlite3 = sys.modules.get("sqlite3")
            if sqlite3 is not None and isinstance(exc, sqlite3.Error):
                raise UserFacingError(f"store error: {exc}", EXIT_FAILURE) from None
            raise


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


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    # Not checked for access here: the command says in one line what it could not read or write.
    type=click.Path(file_okay=False, readable=False, path_type=Path),
    envvar="LOADGUARD_HOME",
    help="Folder holding config.toml, loadguard.db and token.json "
    "(env LOADGUARD_HOME; default: the platform's user data folder).",
)
@click.version_option(__version__, prog_name="loadguard")
@click.pass_context
def cli(ctx: click.Context, home: Path | None) -> None:
    """Warns about the training patterns that come before running injuries."""
    from loadguard.paths import resolve_home

    if os.environ.get("NO_COLOR"):  # https://no-color.org: set and not empty means no colour
        ctx.color = False
    app = App(resolve_home(home))
    ctx.obj = app
    ctx.call_on_close(app.close)


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


def main() -> None:
    _tolerate_narrow_encodings()
    cli(prog_name="loadguard")


def _tolerate_narrow_encodings() -> None:
    """A terminal or pipe whose encoding lacks a character (latin-1 and an emoji in a
    run's name) gets a replacement mark instead of a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (getattr(stream, "errors", None) or "strict") == "strict":
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                pass  # a stream that cannot change keeps its own rules
