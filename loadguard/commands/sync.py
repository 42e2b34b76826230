from __future__ import annotations

import click

from loadguard.app import App, pass_app
from loadguard.commands import SUMMARIES


@click.command(short_help=SUMMARIES["sync"])
@click.option("--full", is_flag=True, help="Re-read the whole history instead of the recent window.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on success (for cron); errors still go to stderr.")
@pass_app
def sync(app: App, full: bool, quiet: bool) -> None:
    """Pull new and changed activities and the shoes from Strava into the store.

    Safe to run from cron: one run at a time, every page saved as it arrives,
    and a run stopped by a rate limit or an outage resumes on the next call.
    """
    from loadguard.errors import LoadguardError
    from loadguard.progress import Progress
    from loadguard.sources import source_named
    from loadguard.strava import sync as engine
    from loadguard.strava import token as tokens
    from loadguard.strava.faults import Deadline

    def save_renewed(token: tokens.Token) -> None:
        try:
            tokens.save(app.home, token)
        except LoadguardError as error:
            # Strava retired the old refresh token when it issued this one, so
            # token.json now holds one that no longer works.
            raise LoadguardError(f"{error}; the renewed Strava access is lost, run `loadguard auth` again") from None

    with engine.lock(app.home):
        deadline = Deadline(app.config["sync"]["max_seconds"])
        token = tokens.require(app.home)
        api = source_named("strava").connect(token, app.config["strava"], save_renewed, deadline)
        with Progress.for_terminal("syncing from Strava", quiet=quiet) as bar:
            sync_cfg = app.config["sync"]
            result = engine.run(app.store, api, overlap_days=sync_cfg["overlap_days"],
                                full=full, running_types=app.config["running_types"], progress=_shown_on(bar),
                                deadline=deadline, notes_days=sync_cfg["notes_days"],
                                notes_per_sync=sync_cfg["notes_per_sync"])
    if not quiet:
        from loadguard.render.printable import printable
        from loadguard.render.width import fill

        click.echo(fill(printable(result.summary()), "", "  "))  # it names gear as Strava sent it
        # told once, by the first summary a person (or a cron mail) gets to read
        engine.mark_told(app.store, result.undescribed)


def _shown_on(bar):
    """The engine's progress calls as a bar: activities read (the total is not known
    before the last page), then new shoes."""
    stage_now = None

    def progress(stage: str, count: int) -> None:
        nonlocal stage_now
        if stage == "done":
            return
        if stage != stage_now:
            stage_now = stage
            bar.start(None, "activities" if stage == "activities" else "new shoes")
        bar.reach(count)

    return progress
