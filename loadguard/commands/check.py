from __future__ import annotations

import click

from loadguard import start_up
from loadguard.app import LEVELS, App, as_of_day, as_of_option, min_severity_option, pass_app
from loadguard.commands import SUMMARIES


@click.command(short_help=SUMMARIES["check"])
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--new", "only_new", is_flag=True,
              help="Print only warnings not reported before (or worse than before) and record them; "
                   "prints nothing at all (in either format) when there is nothing new.")
@min_severity_option
@click.option("--fail-on", type=click.Choice(LEVELS), default=None,
              help="Exit 1 when a printed warning is at or above this severity.")
@click.option("--notify", is_flag=True,
              help="Push what --new finds (implied) as one message to the [notify] urls of config.toml "
                   "instead of printing it; nothing is sent when nothing is new, and news no service "
                   "took stays unreported.")
@click.option("--ahead", "with_ahead", is_flag=True,
              help="End with the lines ahead (`loadguard ahead`): the next run and the next 7 days. "
                   "Text only, and not with --new or --notify: the cron mail carries findings only.")
@pass_app
def check(app: App, as_of, fmt: str, only_new: bool, min_severity: str, fail_on: str | None,
          notify: bool, with_ahead: bool) -> None:
    """Run every enabled detector and print the warnings."""
    if with_ahead and (fmt != "text" or only_new or notify):
        raise click.UsageError("--ahead goes with text output and without --new or --notify "
                               "(for JSON: loadguard ahead --format json)")
    from loadguard import notify as push
    from loadguard.assess.assessment import Assessment, at_least, at_or_above
    from loadguard.model import Severity
    from loadguard.render import json_out, text
    start_up.settled()

    urls = app.config["notify"]["urls"]
    if notify and not urls:
        raise push.missing_urls()
    only_new = only_new or notify
    day = as_of_day(as_of, app)
    assessment = Assessment(app.store, app.config, day, day)
    warnings = at_least(assessment.findings(day), Severity.parse(min_severity))
    if only_new:
        warnings = assessment.only_new(warnings, day)
    if notify:
        pass  # the push is the run's one message: nothing on stdout for cron to mail as well
    elif only_new and not warnings:
        pass  # cron mails whatever a job prints: with --new, silence means nothing new
    elif fmt == "json":
        click.echo(json_out.render_check(day, warnings))
    else:
        click.echo(text.render_check(day, warnings), nl=False)
        if with_ahead:
            from loadguard.render.ahead_out import sentence

            click.echo(f"\nAhead: {sentence(assessment.lines())}")
    delivery = None
    if notify and warnings:
        from loadguard.render.push import news

        delivery = push.send(urls, *news(day, warnings))
    if only_new and warnings and (delivery is None or delivery.anywhere):
        assessment.mark_reported(warnings, day)
    if delivery is not None and delivery.failed:
        raise push.failure(delivery, "the news stays unreported and goes out on the next run")
    if fail_on and at_or_above(warnings, Severity.parse(fail_on)):
        raise SystemExit(1)
