from __future__ import annotations

import click

from loadguard import start_up, years
from loadguard.app import App, as_date, day_option, pass_app
from loadguard.commands import SUMMARIES
from loadguard.errors import EXIT_USAGE, LoadguardError


class WeekParam(click.ParamType):
    """`last`, `this` or `YYYY-Www`; checked here so a typo is a usage error (exit 2)."""

    name = "week"

    def convert(self, value, param, ctx):
        from loadguard.digest.weeks import IsoWeek

        text = str(value).strip()
        if text.lower() in ("last", "this"):
            return text.lower()
        try:
            week = IsoWeek.parse(text)
        except ValueError as exc:
            self.fail(f"{exc} (or 'last', 'this')", param, ctx)
        if not years.within(week.monday.year):
            self.fail(years.outside(repr(text)), param, ctx)
        return week


def _address(ctx, param, value):
    from loadguard.addresses import problem

    why = problem(value)
    if why:
        raise click.BadParameter(why, ctx, param)
    return value


def _from_yourself(to: str) -> str:
    """The default From: loadguard at the first To address, a mail to yourself from yourself."""
    from email.utils import formataddr, getaddresses

    return formataddr(("loadguard", getaddresses([to])[0][1]))


@click.command(short_help=SUMMARIES["digest"])
@click.option("--week", "week_spec", type=WeekParam(), default="last", show_default=True,
              metavar="YYYY-Www|last|this",
              help="The ISO week (Monday to Sunday, local dates). 'last' is the last complete week "
                   "(on a Sunday, the week before); 'this' the week so far, for a Sunday-evening review.")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default=None,
              help="Default: html when -o ends in .html or .htm, otherwise md.")
@click.option("--email", is_flag=True,
              help="Write one e-mail message (text and HTML with the chart inline) for "
                   "`sendmail -t`, instead of a page.")
@click.option("--to", "to", callback=_address, metavar="ADDRESS",
              help="The message's To: (default: email_to under [digest] in config.toml).")
@click.option("--from", "sender", callback=_address, metavar="ADDRESS",
              help="The message's From: (default: email_from under [digest] in config.toml, else "
                   "'loadguard <the To address>').")
@click.option("-o", "--output", "output", metavar="FILE",
              help="Write here instead of stdout; '{week}' becomes the week (2026-W47); folders are "
                   "created. A Markdown digest gets its chart beside it as FILE's name with .svg.")
@day_option("Take this day as today (default: today): it decides 'last' and 'this', and "
            "days after it are not searched for warnings.", old=("--today",))
@click.option("--notify", is_flag=True,
              help="Also push the digest's headline and status to the [notify] urls of config.toml.")
@pass_app
def digest(app: App, week_spec, fmt: str | None, email: bool, to: str | None, sender: str | None,
           output: str | None, as_of, notify: bool) -> None:
    """The weekly review: totals, load ratio, a 12-week chart, warnings and shoes."""
    from loadguard.digest import chart, page, weekly
    from loadguard.digest import output as out
    from loadguard.digest.weeks import resolve
    start_up.settled()

    if email:
        if fmt is not None:
            raise click.UsageError("--email and --format exclude each other")
        settings = app.config["digest"]
        to, sender = to or settings["email_to"], sender or settings["email_from"]
        if to is None:
            # everything it needs said at once, so the next run is the one that works
            raise click.UsageError("--email needs --to ADDRESS or email_to under [digest] in config.toml; "
                                   "From: is then loadguard at that address, unless --from or email_from says otherwise")
        sender = sender or _from_yourself(to)
    elif to is not None or sender is not None:
        raise click.UsageError("--to and --from go with --email")

    if notify and not app.config["notify"]["urls"]:
        from loadguard.notify import missing_urls

        raise missing_urls()
    today_day = as_date(as_of, app)
    week = resolve(week_spec, today_day)
    if week.monday > today_day:
        # a week to come has no runs yet: a digest of zeros would read as a week of rest
        raise LoadguardError(f"{week.label} has not begun yet (today is {today_day.isoformat()}); "
                             "pick a week up to this one", exit_code=EXIT_USAGE)
    path = out.target(output, week.label) if output else None
    fmt = "email" if email else fmt or out.format_for(path)

    data = weekly.build(app.store, app.config, week, today=today_day)
    # Markdown on stdout (or a device or FIFO) has nowhere to put a chart, so it is not drawn.
    if fmt == "email":
        from loadguard.digest import mail

        text = mail.message(data, to=to, sender=sender).as_string()
    elif fmt == "html":
        text = page.html(data, chart.page_drawings(data.chart, data.load, data.usual_km))
    elif path is not None and not out.is_stream(path):
        svg_path = out.chart_path(path)
        if svg_path == path:
            raise LoadguardError(f"{path}: a Markdown digest needs a name not ending in .svg (its chart gets that)")
        out.write_beside(path, page.markdown(data, svg_path.name), svg_path,
                         chart.svg_file(data.chart, data.load, usual_km=data.usual_km))
        return
    else:
        text = page.markdown(data, None)
    if path is None:
        click.echo(text, nl=False)
    else:
        out.write_atomic(path, text)
    if notify:
        from loadguard import notify as push
        from loadguard.digest import mail

        delivery = push.send(app.config["notify"]["urls"], *mail.push(data))
        if delivery.failed:
            raise push.failure(delivery)
