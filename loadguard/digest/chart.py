"""The 12-week chart: weekly distance (road and trail stacked) above a strip with the
load ratio and its bands.

Drawn with matplotlib's object API on the Agg backend (never pyplot, so no GUI
and no global figure state). The ratio has its own strip under the bars, so its
caution and high bands shade the ratio scale only, never the kilometres.

Each layout is drawn for the width it is shown at: an SVG's viewBox is in points,
so a 12 pt label in a 360 pt wide figure shown 370 px wide reads as 12.3 px. The
HTML page carries a narrow and a wide drawing and shows one by screen width; the
e-mail carries the narrow one as a PNG.
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

if TYPE_CHECKING:
    from loadguard.digest.weekly import ChartWeek, LoadBand

ROAD = "#4c78a8"
TRAIL = "#b5762a"
RATIO = "#222222"
CAUTION = "#f2c14e"
HIGH = "#e4572e"
MUTED = "#555555"


@dataclass(frozen=True)
class Layout:
    name: str
    width_pt: float
    height_pt: float
    font_pt: float
    week_prefix: str          # "W" before the week number where there is room for it


# Shown 340-450 px wide (phones up to 640 px, the e-mail): week numbers only, so twelve fit.
NARROW = Layout("narrow", 360, 350, 12.5, "")
# Shown 610-700 px wide (wider screens): 12.5 pt never renders under 11.9 px.
WIDE = Layout("wide", 640, 380, 12.5, "W")
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


def _figure(weeks: "list[ChartWeek]", load: "LoadBand", layout: Layout):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    road = [w.road_km for w in weeks]
    trail = [w.trail_km for w in weeks]
    ratios = [float("nan") if w.ratio is None else w.ratio for w in weeks]
    known = [r for r in ratios if r == r]
    xs = list(range(len(weeks)))
    small = layout.font_pt

    fig = Figure(figsize=(layout.width_pt / 72, layout.height_pt / 72))
    km_ax, ratio_ax = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [1.6, 1], "hspace": 0.12})

    # -- kilometres ------------------------------------------------------------------
    handles = {}
    handles["road km"] = km_ax.bar(xs, road, color=ROAD, zorder=2)
    # the hatch keeps trail apart from road without colour, on paper and for colour-blind eyes
    handles["trail km"] = km_ax.bar(xs, trail, bottom=road, color=TRAIL, hatch="///", edgecolor="white",
                                    linewidth=0, zorder=2)
    # the digest's own week stands out by its outline and its bold label
    km_ax.bar(xs[-1:], [road[-1] + trail[-1]], fill=False, edgecolor=RATIO, linewidth=1.5, zorder=3)
    km_ax.set_ylim(0, max([r + t for r, t in zip(road, trail)] + [10.0]) * 1.1)
    km_ax.set_ylabel("km", fontsize=small)
    km_ax.grid(axis="y", color="#dddddd", zorder=1)
    km_ax.spines[["top", "right"]].set_visible(False)
    km_ax.tick_params(labelsize=small, bottom=False)
    km_ax.yaxis.get_major_locator().set_params(nbins=4)

    # -- load ratio, on its own scale ----------------------------------------------------
    low = max(0.0, min([0.5] + [r - 0.1 for r in known]))
    top = max([load.alert + 0.45] + [r + 0.15 for r in known])
    ratio_ax.axhspan(load.warn, load.alert, facecolor=CAUTION, alpha=0.35, hatch="..", edgecolor="#a07a10",
                     linewidth=0, zorder=0)
    ratio_ax.axhspan(load.alert, top, facecolor=HIGH, alpha=0.2, hatch="xx", edgecolor="#a03010",
                     linewidth=0, zorder=0)
    line = ratio_ax.plot(xs, ratios, color=RATIO, marker="o", markersize=4.5, linewidth=1.8, zorder=3)
    handles["load ratio"] = line[0]
    ratio_ax.set_ylim(low, top)
    ratio_ax.set_yticks([1.0, load.warn, load.alert], [num.ratio_text(v) for v in (1.0, load.warn, load.alert)])
    ratio_ax.set_ylabel("ratio", fontsize=small)
    ratio_ax.tick_params(labelsize=small)
    ratio_ax.grid(axis="y", color="#dddddd", zorder=1)
    ratio_ax.spines[["top", "right"]].set_visible(False)
    # the bands named in words on the right, so they read without their colours
    names = ratio_ax.twinx()
    names.set_ylim(low, top)
    names.set_yticks([(load.warn + load.alert) / 2, (load.alert + top) / 2], ["caution", "high"])
    names.tick_params(labelsize=small, length=0, colors=MUTED)
    names.spines[["top", "right", "left", "bottom"]].set_visible(False)

    ratio_ax.set_xticks(xs, [f"{layout.week_prefix}{w.week.week:02d}" for w in weeks])
    ratio_ax.get_xticklabels()[-1].set_fontweight("bold")
    ratio_ax.set_xlim(-0.6, len(weeks) - 0.4)
    if not layout.week_prefix:
        ratio_ax.set_xlabel(f"week of {weeks[-1].week.year}" if weeks[0].week.year == weeks[-1].week.year
                            else "week", fontsize=small)

    fig.align_ylabels([km_ax, ratio_ax])
    labels = legend_labels(weeks)
    if labels:
        fig.legend([handles[k] for k in labels], labels, loc="upper center", ncol=len(labels),
                   frameon=False, fontsize=small, bbox_to_anchor=(0.5, 1.0), handlelength=1.6,
                   columnspacing=1.2)
    # margins in points, so both layouts keep room for their labels
    fig.subplots_adjust(left=60 / layout.width_pt, right=1 - 62 / layout.width_pt,
                        top=1 - 30 / layout.height_pt,
                        bottom=(48 if not layout.week_prefix else 30) / layout.height_pt)
    return fig


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


def svg_file(weeks: "list[ChartWeek]", load: "LoadBand", layout: Layout = WIDE) -> str:
    """The chart as an SVG document, as it goes into a file beside a Markdown digest."""
    with _rc():
        buf = io.StringIO()
        _figure(weeks, load, layout).savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def png_bytes(weeks: "list[ChartWeek]", load: "LoadBand", layout: Layout = NARROW) -> bytes:
    """The chart as a PNG at twice its size in points, sharp on high-density screens;
    for mail clients, many of which drop inline SVG."""
    with _rc():
        buf = io.BytesIO()
        _figure(weeks, load, layout).savefig(buf, format="png", dpi=144, metadata={"Software": None})
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
