"""`loadguard import PATH`: read a Strava bulk export or activity files into the store."""

from __future__ import annotations

import sys

import click

from loadguard.app import App, pass_app
from loadguard.commands import SUMMARIES
from loadguard.errors import EXIT_FAILURE

# Unreadable files named one line each, up to this many; the rest are counted in one
# more line, so a zip of 20,000 broken members does not flood a terminal or a cron mail.
MAX_PROBLEM_LINES = 10


@click.command("import", short_help=SUMMARIES["import"])
@click.argument("path")
@click.option(
    "--timezone", "zone_name", metavar="ZONE", default=None,
    help="IANA zone the activities were run in, e.g. Europe/Berlin, for files whose times are UTC only "
         "(default: config `timezone`, else this machine's zone).",
)
@click.option("--quiet", "-q", is_flag=True,
              help="Print nothing on success and no progress (for cron); unreadable files still get "
                   "one line each on stderr.")
@pass_app
def import_cmd(app: App, path: str, zone_name: str | None, quiet: bool) -> None:
    """Load a Strava bulk export (zip, folder or activities.csv), or FIT, GPX and TCX
    files: one (plain or .gz), a folder of them (recursively) or a zip of them.

    Safe to repeat, and to run hourly on a watch's folder: files read before are
    skipped, unchanged activities are left alone, activities synced from the
    Strava API are never overwritten, and a run arriving both from Strava and
    from its file is one activity. An unreadable file gets one line on stderr
    (exit 3) and the others are imported.
    """
    from pathlib import Path

    from loadguard import importer
    from loadguard.errors import LoadguardError
    from loadguard.progress import Progress
    from loadguard.render.printable import printable
    from loadguard.sources import source_for
    from loadguard.sources.export import resolve_zone

    target = Path(path)
    zone = resolve_zone(zone_name or app.config["timezone"])
    source = source_for(target)
    # A refused path leaves no trace: a source checks what it can before the first
    # write (the store is not even created until then), and one that checks its rows
    # as they stream (an export) fails inside the write's transaction, rolled back;
    # a store created for it goes again.
    existed = app.store_exists()
    with Progress.for_terminal("reading", quiet=quiet) as progress:
        context = importer.context_for(app.store if existed else None, zone,
                                       app.config["running_types"], progress)
        batch = source.read(target, context)
        try:
            result = importer.write(app.store, source, batch, progress)
        except LoadguardError:
            if not existed:
                app.store.discard()
            raise
    # File names and summaries are the runner's (or anyone's) text: printed safe for a terminal.
    for problem in result.problems[:MAX_PROBLEM_LINES]:
        click.echo(printable(f"loadguard: {' '.join(problem.split())}"), err=True)
    if len(result.problems) > MAX_PROBLEM_LINES:
        more = len(result.problems) - MAX_PROBLEM_LINES
        click.echo(printable(f"loadguard: and {more} more {_plural(more, 'file', 'files')} in {path} "
                             "could not be read"), err=True)
    if not quiet:
        click.echo(printable(_summary(result, path)))
    if result.problems:
        sys.exit(EXIT_FAILURE)


def _summary(result, path: str) -> str:
    total = result.read
    if not (total or result.skipped or result.ignored or result.problems):
        return f"nothing to import: no activity found in {path}"
    parts = [f"{result.new} new", f"{result.updated} updated",
             f"{max(total - result.new - result.updated - result.merged, 0)} unchanged"]
    if result.merged:
        parts.append(f"{result.merged} merged with the same run from Strava")
    text = f"imported {total} {_plural(total, 'activity', 'activities')} ({', '.join(parts)})"
    if result.source != "files" or result.shoes:
        text += f", {result.shoes} {_plural(result.shoes, 'shoe', 'shoes')}"
    text += f" from {path}"
    if result.skipped:
        text += f"; {result.skipped} {_plural(result.skipped, 'file', 'files')} read before, skipped"
    if result.ignored:
        what = _plural(result.ignored, "file that is not an activity", "files that are not activities")
        text += f"; {result.ignored} {what} left alone"
    return text + result.note


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many
