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
    text = printable(" ".join(str(value).split()))
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


def fmt_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


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
    "day": fmt_day,
    "ratio": fmt_ratio,
    "km": fmt_km,
    "limit": fmt_limit,
    "life": fmt_life,
    "text_bar": text_bar,
    "bar_width": bar_width,
}


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
        options["finalize"] = md_escape
    env = Environment(**options)
    env.filters.update(FILTERS)
    return env


# -- sentences, the same in every format ----------------------------------------------


def headline(d: "Digest") -> str:
    """The week in one line: its distance and the worst thing found (the e-mail's subject)."""
    km = fmt_value(d.metric("distance").value, "km")
    warnings = [w for g in d.groups for w in g.warnings]
    if not warnings:
        return f"{km}, no warnings"
    worst = max(warnings, key=lambda w: int(w.severity))   # the first of the most severe
    more = len(warnings) - 1
    return f"{km}; {worst.title}" + (f" (+{more} more)" if more else "")


def chart_summary(d: "Digest") -> str:
    """The 12-week chart in words, for readers who cannot see it (alt text, caption)."""
    weeks = d.chart
    totals = [w.road_km + w.trail_km for w in weeks]
    this = totals[-1]
    parts = [
        f"Weekly distance from {weeks[0].week.label} to {weeks[-1].week.label}: "
        f"{fmt_km(min(totals))} to {fmt_km(max(totals))} a week, {fmt_km(sum(totals) / len(totals))} on average; "
        f"this week {fmt_km(this)}" + (", the most of the 12" if this > 0 and this >= max(totals) else "") + "."
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


def markdown(digest: "Digest", chart_file: str | None, *, mail: bool = False) -> str:
    """The digest in Markdown; `chart_file` is the SVG's name beside it (None: no chart).
    `mail`: the text part of an e-mail, whose HTML part carries the chart."""
    from markupsafe import Markup

    link = Markup(_md_link_target(chart_file)) if chart_file else None
    return _environment("md").get_template("digest.md").render(
        d=digest, chart_file=link, mail=mail, summary=chart_summary(digest), headline=headline(digest))


def html(digest: "Digest", charts: "dict[str, str] | None" = None, chart_cid: str | None = None) -> str:
    """The digest as one self-contained HTML page.

    `charts` maps each chart layout's name to its SVG document, inlined and shown by
    screen width; or `chart_cid` names an image part of the e-mail that carries the page.
    """
    from markupsafe import Markup

    from loadguard.digest.chart import inline

    svgs = {name: Markup(inline(svg, "chart-summary", name)) for name, svg in (charts or {}).items()}
    return _environment("html").get_template("digest.html").render(
        d=digest, charts=svgs, chart_cid=chart_cid, summary=chart_summary(digest), headline=headline(digest))


def _md_link_target(name: str) -> str:
    # a file name with spaces or parentheses would end the link early
    from urllib.parse import quote

    return quote(name)
