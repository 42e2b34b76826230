"""The 12-week chart: weekly distance (road and trail stacked, the usual week a dashed
line) above a strip with the load ratio, its shaded usual band, its caution and high
bands, and the week's own ratio written beside its point.

Drawn with matplotlib's object API on the Agg backend (never pyplot, so no GUI
and no global figure state). The ratio has its own strip under the bars, so its
caution and high bands shade the ratio scale only, never the kilometres.

Each layout is drawn for the width it is shown at: an SVG's viewBox is in points,
so a 12 pt label in a 360 pt wide figure shown 370 px wide reads as 12.3 px. The
HTML page carries a narrow and a wide drawing, each in a light and a dark palette,
and shows one by screen width and colour scheme; the e-mail carries the narrow light
one as a PNG.
"""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from loadguard import numbers as num
from loadguard.digest.weekly import LIGHT_BELOW

if TYPE_CHECKING:
    from loadguard.digest.weekly import ChartWeek, LoadBand

ROAD = "#4c78a8"
TRAIL = "#b5762a"
RATIO = "#222222"
CAUTION = "#f2c14e"
HIGH = "#e4572e"
MUTED = "#555555"


@dataclass(frozen=True)
class Palette:
    """The drawing's colours; every text colour is AA (4.5:1) on `paper`."""

    name: str
    paper: str
    ink: str
    muted: str
    grid: str
    road: str
    trail: str
    usual: str          # the shaded usual band and the usual week's line


LIGHT = Palette("light", "#ffffff", RATIO, MUTED, "#dddddd", ROAD, TRAIL, "#2e7d4f")
# For dark pages: light ink on the page's own dark, bars a shade lighter so they stand out.
DARK = Palette("dark", "#141416", "#e6e6e9", "#b4b8be", "#3a3b40", "#6d9bd1", "#d39a52", "#6fcf8f")


@dataclass(frozen=True)
class Layout:
    name: str
    width_pt: float
    height_pt: float
    font_pt: float
    week_prefix: str          # "W" before the week number where there is room for it


# Shown 340-450 px wide (phones up to 640 px, the e-mail): week numbers only, so twelve fit.
NARROW = Layout("narrow", 360, 380, 12.5, "")
# Shown 610-700 px wide (wider screens): 12.5 pt never renders under 11.9 px.
WIDE = Layout("wide", 640, 400, 12.5, "W")
LAYOUTS = (NARROW, WIDE)


def legend_labels(weeks: "list[ChartWeek]") -> list[str]:
    """Only the series the 12 weeks hold: no trail entry for a road runner."""
    labels = []
    if any(w.road_km > 0 for w in weeks):
        labels.append("road km")
    if any(w.trail_km > 0 for w in weeks):
        labels.append("trail km")
    if any(w.ratio is not None for w in weeks):
        labels.append("load ratio")
    return labels


def _figure(weeks: "list[ChartWeek]", load: "LoadBand", layout: Layout, usual_km: float | None = None):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    p = LIGHT   # drawn in the light palette; `recolour` makes the dark drawing
    road = [w.road_km for w in weeks]
    trail = [w.trail_km for w in weeks]
    ratios = [float("nan") if w.ratio is None else w.ratio for w in weeks]
    known = [r for r in ratios if r == r]
    xs = list(range(len(weeks)))
    small = layout.font_pt

    fig = Figure(figsize=(layout.width_pt / 72, layout.height_pt / 72), facecolor=p.paper)
    km_ax, ratio_ax = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [1.5, 1], "hspace": 0.14})
    for ax in (km_ax, ratio_ax):
        ax.set_facecolor(p.paper)
        ax.tick_params(labelsize=small, colors=p.ink)
        for side in ("left", "bottom"):
            ax.spines[side].set_color(p.muted)
        ax.spines[["top", "right"]].set_visible(False)

    # -- kilometres ------------------------------------------------------------------
    handles = {}
    handles["road km"] = km_ax.bar(xs, road, color=p.road, zorder=2)
    # the hatch keeps trail apart from road without colour, on paper and for colour-blind eyes
    handles["trail km"] = km_ax.bar(xs, trail, bottom=road, color=p.trail, hatch="///", edgecolor=p.paper,
                                    linewidth=0, zorder=2)
    # the digest's own week stands out by its outline and its bold label
    km_ax.bar(xs[-1:], [road[-1] + trail[-1]], fill=False, edgecolor=p.ink, linewidth=1.5, zorder=3)
    km_top = max([r + t for r, t in zip(road, trail)] + [10.0, (usual_km or 0) * 1.2]) * 1.12
    km_ax.set_ylim(0, km_top)
    if usual_km:
        # the usual week: the same figure as the table's and the ratio's base
        km_ax.axhline(usual_km, color=p.usual, linewidth=1.6, linestyle=(0, (5, 3)), zorder=4)
        handles["usual week"] = km_ax.lines[-1]
    km_ax.set_ylabel("km", fontsize=small, color=p.ink)
    km_ax.grid(axis="y", color=p.grid, zorder=1)
    km_ax.tick_params(bottom=False)
    km_ax.yaxis.get_major_locator().set_params(nbins=4)

    # -- load ratio, on its own scale ----------------------------------------------------
    low = max(0.0, min([0.5] + [r - 0.1 for r in known]))
    top = max([load.alert + 0.4] + [r + 0.25 for r in known])
    # the usual band: from "lighter than usual" up to the caution line
    ratio_ax.axhspan(LIGHT_BELOW, load.warn, facecolor=p.usual, alpha=0.18, linewidth=0, zorder=0)
    ratio_ax.axhspan(load.warn, load.alert, facecolor=CAUTION, alpha=0.35, hatch="..", edgecolor="#a07a10",
                     linewidth=0, zorder=0)
    ratio_ax.axhspan(load.alert, top, facecolor=HIGH, alpha=0.22, hatch="xx", edgecolor="#a03010",
                     linewidth=0, zorder=0)
    line = ratio_ax.plot(xs, ratios, color=p.ink, marker="o", markersize=4.5, linewidth=1.8, zorder=3)
    handles["load ratio"] = line[0]
    ratio_ax.set_ylim(low, top)
    strip_pt = layout.height_pt * _RATIO_SHARE
    ratio_ax.set_yticks(*_spaced_ticks([1.0, load.alert, load.warn] + _top_tick(load, top), low, top,
                                       strip_pt, small))
    ratio_ax.set_ylabel("ratio", fontsize=small, color=p.ink)
    ratio_ax.grid(axis="y", color=p.grid, zorder=1)
    if ratios[-1] == ratios[-1]:
        # the week's own ratio, written beside its point: the number the page leads with
        ratio_ax.annotate(num.ratio_text(ratios[-1]), (xs[-1], ratios[-1]), xytext=(-6, 6),
                          textcoords="offset points", ha="right", va="bottom", fontsize=small,
                          fontweight="bold", color=p.ink, zorder=5,
                          bbox={"boxstyle": "round,pad=0.15", "facecolor": p.paper, "edgecolor": "none"})
    # the bands named in words on the right, so they read without their colours
    names = ratio_ax.twinx()
    names.set_ylim(low, top)
    named = [((LIGHT_BELOW + load.warn) / 2, "usual"), ((load.warn + load.alert) / 2, "caution"),
             ((load.alert + top) / 2, "high")]
    named = [(y, t) for y, t in named if low < y < top]
    spread = _spread([y for y, _ in named], (top - low) * small * 1.2 / strip_pt, low, top)
    names.set_yticks(spread, [t for _, t in named])
    names.tick_params(labelsize=small, length=0, colors=p.ink)
    names.spines[["top", "right", "left", "bottom"]].set_visible(False)

    ratio_ax.set_xticks(xs, [f"{layout.week_prefix}{w.week.week:02d}" for w in weeks])
    ratio_ax.get_xticklabels()[-1].set_fontweight("bold")
    ratio_ax.set_xlim(-0.6, len(weeks) - 0.4)
    if not layout.week_prefix:
        ratio_ax.set_xlabel(f"week of {weeks[-1].week.year}" if weeks[0].week.year == weeks[-1].week.year
                            else "week", fontsize=small, color=p.ink)

    fig.align_ylabels([km_ax, ratio_ax])
    labels = legend_labels(weeks) + (["usual week"] if usual_km else [])
    if labels:
        fig.legend([handles[k] for k in labels], labels, loc="upper center", ncol=min(len(labels), 2),
                   frameon=False, fontsize=small, bbox_to_anchor=(0.5, 1.0), handlelength=1.6,
                   columnspacing=1.2, labelcolor=p.ink)
    rows = (min(len(labels), 4) + 1) // 2
    # margins in points, so both layouts keep room for their labels
    fig.subplots_adjust(left=60 / layout.width_pt, right=1 - 66 / layout.width_pt,
                        top=1 - (12 + 19 * rows) / layout.height_pt,
                        bottom=(48 if not layout.week_prefix else 30) / layout.height_pt)
    return fig


# The ratio strip's share of the figure's height (its gridspec share less the margins),
# close enough to space its tick labels.
_RATIO_SHARE = 0.26


def _top_tick(load: "LoadBand", top: float) -> list[float]:
    """A numbered tick near the top, so a ratio above the alert line still reads against a number."""
    step = 0.5
    mark = int(top / step) * step
    return [mark] if mark > load.alert + 1e-9 else []


def _spread(ys: list[float], gap: float, low: float, top: float) -> list[float]:
    """Label heights (ascending) moved apart to at least `gap`, kept inside [low, top]:
    a thin caution band between two wide ones still gets its name on a line of its own."""
    out: list[float] = []
    for y in ys:
        out.append(max(y, out[-1] + gap) if out else max(y, low + gap / 2))
    over = out[-1] - (top - gap / 2) if out else 0
    if over > 0:
        out = [y - over for y in out]
    return out


def _spaced_ticks(values: list[float], low: float, top: float, strip_pt: float, font_pt: float):
    """Tick values and labels at least a line apart on the strip, taken in the order
    given (the most telling first): a label that would touch one already placed is left
    out, and the band names still say where its line is."""
    shown: list[float] = []
    for v in values:
        if low <= v <= top and all(abs(v - s) / (top - low) * strip_pt >= font_pt * 1.25 for s in shown):
            shown.append(v)
    shown.sort()
    return shown, [num.ratio_text(v) for v in shown]


def _rc():
    import logging

    _give_matplotlib_a_writable_folder()
    # matplotlib logs notes such as "building the font cache" (when that takes over 5 s)
    # as warnings, which reach stderr; a digest that succeeds prints nothing there.
    logging.getLogger("matplotlib").setLevel(logging.ERROR)
    import matplotlib

    return matplotlib.rc_context({
        "svg.fonttype": "none",        # text stays text: small, selectable, crisp when printed
        "svg.hashsalt": "loadguard",   # stable element ids, so the same week gives the same file
        "font.family": "sans-serif",
        "hatch.linewidth": 0.6,
    })


def svg_file(weeks: "list[ChartWeek]", load: "LoadBand", layout: Layout = WIDE,
             usual_km: float | None = None) -> str:
    """The chart as an SVG document, as it goes into a file beside a Markdown digest."""
    with _rc():
        buf = io.StringIO()
        _figure(weeks, load, layout, usual_km).savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def page_drawings(weeks: "list[ChartWeek]", load: "LoadBand", usual_km: float | None) -> list[tuple[str, str]]:
    """Every drawing an HTML page carries, each with the classes that pick it by width
    and colour scheme: (`chart-narrow chart-light`, svg), …

    Each layout is drawn once; its dark drawing is the light one with every palette
    colour swapped, which halves the time matplotlib takes."""
    light = [(layout, svg_file(weeks, load, layout, usual_km)) for layout in LAYOUTS]
    return ([(f"chart-{layout.name} chart-light", svg) for layout, svg in light]
            + [(f"chart-{layout.name} chart-dark", recolour(svg, LIGHT, DARK)) for layout, svg in light])


def recolour(svg: str, source: Palette, target: Palette) -> str:
    """`svg` with each colour of `source` replaced by the same role's colour in `target`."""
    swap = {getattr(source, f).lower(): getattr(target, f) for f in Palette.__dataclass_fields__ if f != "name"}
    return re.sub(r"#[0-9a-fA-F]{6}\b", lambda m: swap.get(m[0].lower(), m[0]), svg)


def png_bytes(weeks: "list[ChartWeek]", load: "LoadBand", layout: Layout = NARROW,
              usual_km: float | None = None) -> bytes:
    """The chart as a PNG at twice its size in points, sharp on high-density screens;
    for mail clients, many of which drop inline SVG."""
    with _rc():
        buf = io.BytesIO()
        _figure(weeks, load, layout, usual_km).savefig(buf, format="png", dpi=144, metadata={"Software": None})
    return buf.getvalue()


def inline(document: str, label_id: str, id_prefix: str) -> str:
    """The `<svg>` element for inlining in HTML: no XML prolog or doctype, and no fixed
    size, so it scales with the page (its viewBox keeps the proportions). Its ids get
    `id_prefix`, so two drawings on one page never share an id (matplotlib names a
    hatch pattern by its look alone)."""
    element = document[document.index("<svg"):]
    element = re.sub(r'(\bid="|url\(#|href="#)', rf"\g<1>{id_prefix}-", element)
    head_end = element.index(">")
    head = re.sub(r'\s(?:width|height)="[^"]*"', "", element[:head_end])
    return head + f' role="img" aria-labelledby="{label_id}"' + element[head_end:]


def _give_matplotlib_a_writable_folder() -> None:
    """Point MPLCONFIGDIR at a private folder when matplotlib's own would be unwritable.

    matplotlib keeps its font cache under ~/.config and ~/.cache; where those cannot
    be written (a cron job with a read-only HOME) it warns twice on stderr, and a
    successful digest must print nothing there. Its own folders are used whenever
    they work, so the font cache is built once. Runs before matplotlib is imported.
    """
    if os.environ.get("MPLCONFIGDIR"):
        return
    try:
        home = Path.home()
    except (RuntimeError, KeyError):
        home = None
    wanted = [Path(os.environ.get(var) or (home / sub if home else "")) / "matplotlib"
              for var, sub in (("XDG_CONFIG_HOME", ".config"), ("XDG_CACHE_HOME", ".cache"))]
    if home is not None and all(_writable_folder(folder) for folder in wanted):
        return
    os.environ["MPLCONFIGDIR"] = _private_temp_folder()


def _writable_folder(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return folder.is_dir() and os.access(folder, os.W_OK)


def _private_temp_folder() -> str:
    """A folder in the temp dir only this user owns, the same one each run (the font cache lasts)."""
    folder = Path(tempfile.gettempdir()) / f"loadguard-matplotlib-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(folder)
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077:
            return str(folder)
    except OSError:
        pass
    # someone else's folder of that name (or none possible): a fresh one for this run
    return tempfile.mkdtemp(prefix="loadguard-matplotlib-")
