from __future__ import annotations

import click

from loadguard.app import LEVELS, App, as_of_day, as_of_option, min_severity_option, pass_app


@click.command()
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--new", "only_new", is_flag=True,
              help="Print only warnings not reported before (or worse than before) and record them; "
                   "prints nothing at all (in either format) when there is nothing new.")
@min_severity_option
@click.option("--fail-on", type=click.Choice(LEVELS), default=None,
              help="Exit 1 when a printed warning is at or above this severity.")
@pass_app
def check(app: App, as_of, fmt: str, only_new: bool, min_severity: str, fail_on: str | None) -> None:
    """Run every enabled detector and print the warnings."""
    from loadguard.assess.assessment import Assessment, at_least, at_or_above
    from loadguard.model import Severity
    from loadguard.render import json_out, text

    day = as_of_day(as_of, app)
    assessment = Assessment(app.store, app.config, day, day)
    warnings = at_least(assessment.findings(day), Severity.parse(min_severity))
    if only_new:
        warnings = assessment.only_new(warnings)
    if only_new and not warnings:
        pass  # cron mails whatever a job prints: with --new, silence means nothing new
    elif fmt == "json":
        click.echo(json_out.render_check(day, warnings))
    else:
        click.echo(text.render_check(day, warnings), nl=False)
    if only_new and warnings:
        assessment.mark_reported(warnings)
    if fail_on and at_or_above(warnings, Severity.parse(fail_on)):
        raise SystemExit(1)
