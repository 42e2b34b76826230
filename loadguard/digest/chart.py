"""The 12-week chart: weekly distance (road and trail stacked) with the load ratio line.

Drawn with matplotlib's object API on the Agg backend (never pyplot, so no GUI
and no global figure state), saved as SVG into a string for inlining.
"""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from loadguard.digest.weekly import ChartWeek, LoadBand

ROAD = "#4c78a8"
TRAIL = "#b5762a"
RATIO = "#222222"
CAUTION = "#f2c14e"
HIGH = "#e4572e"


def svg_file(weeks: "list[ChartWeek]", load: "LoadBand") -> str:
    """The chart as an SVG document, as it goes into a file beside a Markdown digest."""
    _give_matplotlib_a_writable_folder()
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle
    from matplotlib.transforms import blended_transform_factory

    labels = [f"W{w.week.week:02d}" for w in weeks]
    road = [w.road_km for w in weeks]
    trail = [w.trail_km for w in weeks]
    ratios = [float("nan") if w.ratio is None else w.ratio for w in weeks]
    xs = list(range(len(weeks)))

    with matplotlib.rc_context({
        "svg.fonttype": "none",        # text stays text: small, selectable, crisp when printed
        "svg.hashsalt": "loadguard",   # stable element ids, so the same week gives the same file
        "font.size": 11,
        "font.family": "sans-serif",
    }):
        # sized so a phone shows it at about 80%: labels stay readable without zooming
        fig = Figure(figsize=(6.4, 3.8))
        ax = fig.add_subplot()
        ax.bar(xs, road, color=ROAD, label="road km", zorder=2)
        ax.bar(xs, trail, bottom=road, color=TRAIL, hatch="///", edgecolor="white", linewidth=0,
               label="trail km", zorder=2)
        # the digest's own week stands out
        ax.bar(xs[-1:], [road[-1] + trail[-1]], fill=False, edgecolor=RATIO, linewidth=1.5, zorder=3)
        ax.set_xticks(xs, labels, fontsize=9)
        ax.set_ylabel("km per week")
        ax.set_ylim(0, max([r + t for r, t in zip(road, trail)] + [10.0]) * 1.15)
        ax.grid(axis="y", color="#dddddd", zorder=1)
        ax.spines[["top"]].set_visible(False)

        rax = ax.twinx()
        top = max([r for r in ratios if r == r] + [load.alert + 0.3]) * 1.1
        # the bands belong to the ratio scale but are painted on the bar axes, behind the
        # bars, so they never tint a bar: x in axes fractions, y in ratio units
        behind = blended_transform_factory(ax.transAxes, rax.transData)
        for low, high, colour, alpha in ((load.warn, load.alert, CAUTION, 0.25), (load.alert, top, HIGH, 0.15)):
            ax.add_patch(Rectangle((0, low), 1, high - low, transform=behind, color=colour, alpha=alpha,
                                   linewidth=0, zorder=0))
        for level, colour in ((load.warn, CAUTION), (load.alert, HIGH)):
            rax.axhline(level, color=colour, linestyle="--", linewidth=1)
            rax.text(xs[0] - 0.45, level, f" {level:g}", va="bottom", ha="left", fontsize=8, color="#555555")
        rax.plot(xs, ratios, color=RATIO, marker="o", markersize=4, linewidth=1.6, label="load ratio")
        rax.set_ylim(0, top)
        rax.set_ylabel("load ratio")
        rax.spines[["top"]].set_visible(False)
        # the ratio line in front of the bars
        ax.set_zorder(1)
        ax.patch.set_visible(False)
        rax.set_zorder(2)

        handles = ax.get_legend_handles_labels()[0][:2] + rax.get_legend_handles_labels()[0]
        fig.legend(handles, ["road km", "trail km", "load ratio"], loc="upper center", ncol=3,
                   frameon=False, bbox_to_anchor=(0.5, 1.0))
        fig.subplots_adjust(left=0.1, right=0.9, top=0.86, bottom=0.1)

        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def inline(document: str) -> str:
    """The `<svg>` element for inlining in HTML: no XML prolog or doctype, and no fixed
    size, so it scales with the page (its viewBox keeps the proportions)."""
    element = document[document.index("<svg"):]
    head_end = element.index(">")
    head = re.sub(r'\s(?:width|height)="[^"]*"', "", element[:head_end])
    return head + ' role="img" aria-labelledby="chart-title"' + element[head_end:]


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
