"""The `loadguard` command group.

Start-up stays light: each command lives in its own module under
`loadguard.commands`, imported only when that command runs (`--help` lists them
from `loadguard.commands.SUMMARIES`), and those modules import pandas or stravalib
inside their functions.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Any

import click

from loadguard import __version__, start_up
from loadguard.app import App
from loadguard.commands import SUMMARIES
from loadguard.errors import EXIT_FAILURE, EXIT_INTERRUPTED, LoadguardError

# name -> "module:attribute"; the one list of what `loadguard` can do.
COMMANDS = {
    "auth": "loadguard.commands.auth:auth",
    "sync": "loadguard.commands.sync:sync",
    "import": "loadguard.commands.import_export:import_cmd",
    "check": "loadguard.commands.check:check",
    "ahead": "loadguard.commands.ahead:ahead",
    "plan": "loadguard.commands.plan:plan",
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

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # each command's line from SUMMARIES, so `loadguard --help` imports no command module
        with formatter.section("Commands"):
            formatter.write_dl([(name, SUMMARIES[name]) for name in self.list_commands(ctx)])

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


def main() -> None:
    _tolerate_narrow_encodings()
    start_up.one_command()
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
