"""Markdown and HTML from one Digest, through Jinja2 templates.

Activity and shoe names are the runner's own text. HTML escapes every value
(autoescape); Markdown escapes every value too (a `finalize` hook), because
Markdown viewers pass raw HTML through and a `|` would break a table. Only values
wrapped in markupsafe.Markup (the chart's SVG, the chart's file name) pass as they are.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from loadguard import numbers as num
from loadguard.digest import order, status, styles
from loadguard.digest.chart import inline
from loadguard.digest.order import span_text
from loadguard.digest.weeks import day_text
from loadguard.render.printable import printable

if TYPE_CHECKING:
    from loadguard.digest.weekly import Digest, Metric

NONE = "–"

# Characters that start Markdown syntax or raw HTML anywhere on a line.
_MD_SPECIAL = re.compile(r"[\\`*\[\]|#~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_ENTITY = re.compile(r"&(?=#?\w+;)")


def md_escape(value: Any) -> str:
    from markupsafe import Markup

    if isinstance(value, Markup):
        return str(value)
    if value is None:
        return ""
    # a newline in a name must not end a table row, and an escape sequence must not
    # reach the terminal the digest is printed on
    text = printable(_one_line(value))
    # `<` opens raw HTML, and `&` could spell an entity; a lone `>` is only a quote mark
    # at a line's start, where no value is placed
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;")
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def html_printable(value: Any) -> Any:
    """Control characters out of every value; autoescaping then does the rest."""
    from markupsafe import Markup

    return value if isinstance(value, Markup) or value is None else printable(value)


# -- numbers, the same in both formats --------------------------------------------


def fmt_value(value: float | None, kind: str, *, base: bool = False) -> str:
    if value is None:
        return NONE
    if kind == "km":
        return num.km_text(value)
    if kind == "duration":
        minutes = int(round(value / 60))
        return f"{minutes // 60}:{minutes % 60:02d} h"
    if kind == "count":
        # an average week may hold 3.75 runs; a real week holds whole ones
        return f"{value:.1f}" if base else f"{value:.0f}"
    if kind == "m":
        return num.metres_text(value)
    if kind == "share":
        return num.pct_text(value)
    raise ValueError(kind)


def fmt_change(metric: "Metric") -> str:
    if metric.change is None:
        return NONE
    if metric.kind == "share":
        return num.points_text(metric.value, metric.base)
    return num.change_text(metric.value, metric.base)


def fmt_ratio(ratio: float | None) -> str:
    return NONE if ratio is None else num.ratio_text(ratio)


def fmt_km(km: float | None) -> str:
    return NONE if km is None else num.km_text(km)


def fmt_limit(km: float | None) -> str:
    return NONE if km is None else num.limit_km_text(km)


def fmt_life(life: float | None) -> str:
    return NONE if life is None else num.percent_text(life)


def text_bar(life: float | None, width: int = 10) -> str:
    """A %-of-life bar for plain text: one block per tenth of the limit, capped at full."""
    if life is None:
        return ""
    filled = min(width, max(0, int(round(life * width))))
    return "█" * filled + "░" * (width - filled)


def bar_width(life: float | None) -> str:
    return "0%" if life is None else f"{min(100.0, max(0.0, life * 100)):.1f}%"


FILTERS = {
    "value": fmt_value,
    "change": fmt_change,
    "day": day_text,
    "ratio": fmt_ratio,
    "km": fmt_km,
    "limit": fmt_limit,
    "life": fmt_life,
    "text_bar": text_bar,
    "bar_width": bar_width,
    "wrap": lambda value, indent=3: wrap(value, indent),
    "span": lambda first, last: _span(first, last),
}


def _span(first: date, last: date) -> str:

    return span_text(first, last)


def _environment(kind: str):
    from jinja2 import Environment, PackageLoader, StrictUndefined

    options: dict[str, Any] = {
        "loader": PackageLoader("loadguard.digest", "templates"),
        "undefined": StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    if kind == "html":
        options["autoescape"] = True
        options["finalize"] = html_printable
    else:
        options["autoescape"] = False
        options["finalize"] = md_escape if kind == "md" else text_printable
    env = Environment(**options)
    env.filters.update(FILTERS)
    return env


def text_printable(value: Any) -> str:
    """A value in the e-mail's plain text: control characters out, nothing escaped."""
    if isinstance(value, _Wrapped):
        return value
    return "" if value is None else printable(_one_line(value))


class _Wrapped(str):
    """Text already made printable and broken into lines by `wrap`."""


def _one_line(value: Any) -> str:
    # ASCII whitespace only: a no-break space inside "Sun 22 Nov" must stay
    return _SPACES.sub(" ", str(value)).strip()


_SPACES = re.compile(r"[ \t\r\n]+")
TEXT_WIDTH = 72


def wrap(value: Any, indent: int = 3) -> str:
    """A paragraph of the text part, broken at TEXT_WIDTH, its later lines indented."""
    import textwrap

    # a number stays with its unit and a date holds together: no line ends in "10.0" or "Sun"
    glued = _UNIT.sub("\\1\u00a0\\2", printable(_one_line(value)))
    lines = textwrap.wrap(glued, TEXT_WIDTH - indent, break_on_hyphens=False)
    return _Wrapped(("\n" + " " * indent).join(line.replace("\u00a0", " ") for line in lines))


_UNIT = re.compile(r"(\d) (km|m|h|pts)\b")


# -- sentences, the same in every format ----------------------------------------------


def headline(d: "Digest") -> str:
    """The week in one line, led by its most important item (the e-mail's subject too)."""

    km = fmt_value(d.metric("distance").value, "km")
    found = order.items(d)
    if not found:
        return f"No warnings, a {status.of(d).word} week; {km}"
    more = len(found) - 1
    return f"{found[0].title}; {km}" + (f" (+{more} more)" if more else "")


def usual_words(d: "Digest") -> str:
    """Which weeks the usual week averages: "the 2 busiest of the 4 weeks before (weeks 44 and 46)"."""

    if not d.usual_weeks:
        return ""
    which = " and ".join(str(w.week) for w in d.usual_weeks) if len(d.usual_weeks) <= 2 else \
        order.span_text(d.base_first, d.base_last)
    label = "weeks" if len(d.usual_weeks) > 1 else "week"
    return f"{d.load.base_weeks} ({label} {which}), the base of the load ratio"


def chart_summary(d: "Digest") -> str:
    """The 12-week chart in words, for readers who cannot see it (alt text, caption)."""
    weeks = d.chart
    totals = [w.road_km + w.trail_km for w in weeks]
    this = totals[-1]
    last = weeks[-1].week
    parts = [
        f"Weekly distance over the 12 weeks to {day_text(last.sunday)}: "
        f"{fmt_km(min(totals))} to {fmt_km(max(totals))} a week; "
        f"this week {fmt_km(this)}" + (", the most of the 12" if this > 0 and this >= max(totals) else "")
        + (f", against a usual week of {fmt_km(d.usual_km)}" if d.usual_km is not None else "") + "."
    ]
    trail_weeks = [w for w in weeks if w.trail_km > 0]
    if trail_weeks:
        parts.append(f"Trail in {len(trail_weeks)} of the weeks, {fmt_km(sum(w.trail_km for w in weeks))} in all.")
    else:
        parts.append("No trail running.")
    if d.load.ratio is None:
        parts.append(f"No load ratio this week ({d.load.band_text}).")
    else:
        parts.append(f"Load ratio this week {fmt_ratio(d.load.ratio)} ({d.load.band_text}).")
    over = sum(1 for w in weeks if w.ratio is not None and w.ratio >= d.load.warn)
    parts.append(f"{over} of the 12 weeks at or above the {d.load.warn:g} caution line.")
    return " ".join(parts)


def _context(digest: "Digest") -> dict[str, Any]:
    """What every format says: the status, the cards in order, the headline."""

    found = order.items(digest)
    st = status.of(digest)
    return {"d": digest, "items": found, "status": st, "headline": headline(digest),
            "summary": chart_summary(digest), "usual_words": usual_words(digest)}


def markdown(digest: "Digest", chart_file: str | None) -> str:
    """The digest in Markdown; `chart_file` is the SVG's name beside it (None: no chart)."""
    from markupsafe import Markup

    link = Markup(_md_link_target(chart_file)) if chart_file else None
    return _environment("md").get_template("digest.md").render(chart_file=link, **_context(digest))


def text(digest: "Digest") -> str:
    """The digest as plain text for reading, the e-mail's text part: sentences and
    short lists, no tables, no Markdown marks."""
    return _environment("text").get_template("digest.txt").render(**_context(digest))


def html(digest: "Digest", charts: "list[tuple[str, str]] | None" = None, chart_cid: str | None = None,
         *, mail: bool = False) -> str:
    """The digest as one self-contained HTML page.

    `charts` holds each drawing's classes (`chart-narrow chart-light`) and its SVG
    document, inlined and shown by screen width and colour scheme; or `chart_cid`
    names the image part of the e-mail that carries the page. `mail`: every style
    inline, no style sheet (mail clients drop it).
    """
    from markupsafe import Markup


    svgs = [(classes, Markup(inline(svg, "chart-summary", classes.replace(" ", "-"))))
            for classes, svg in (charts or [])]
    context = _context(digest)
    env = _environment("html")
    env.globals["st"] = lambda *names, extra="": styles.attrs(*names, inline=mail, extra=extra)
    return env.get_template("digest.html").render(
        charts=svgs, chart_cid=chart_cid, mail=mail, sheet=Markup(styles.sheet()),
        status_level=styles.STATUS_LEVEL[context["status"].word], **context)


def _md_link_target(name: str) -> str:
    # a file name with spaces or parentheses would end the link early
    from urllib.parse import quote

    return quote(name)
