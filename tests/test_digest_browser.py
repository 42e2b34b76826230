"""The HTML digest in a real browser: headless Chromium renders the chart and the tables.

Skips only where no `chromium` is installed (.ci/run installs Debian's package).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import run, shoe, steady_weeks

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

MONDAY = date(2026, 11, 16)
ROAD_BLUE = (0x4C, 0x78, 0xA8)      # the chart's road bars (loadguard.digest.chart.ROAD)
TRAIL_BROWN = (0xB5, 0x76, 0x2A)


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    """Headless, offline, a throwaway profile; nothing fetched, nothing synced."""
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=60,
    )


@pytest.fixture
def page(store, run_cli, tmp_path) -> Path:
    store.upsert_activities(steady_weeks(MONDAY, 6, 32.0, gear_id="gA"))
    store.upsert_activities([
        run(MONDAY + timedelta(days=1), 8.0, gear_id="gA", name="<script>alert(1)</script>"),
        run(MONDAY + timedelta(days=3), 12.0, sport_type="TrailRun", gear_id="gB", elev_m=450.0, name="Ridge"),
        run(MONDAY + timedelta(days=6), 21.0, gear_id="gA", name="Long one"),
    ])
    store.upsert_gear([shoe("gA", "Pegasus <b>40</b>", 610.0), shoe("gB", "Speedgoat 5", 80.0)])
    path = tmp_path / "site" / "2026-W47.html"
    result = run_cli("digest", "--week", "2026-W47", "--today", "2026-11-30", "-o", str(tmp_path / "site" / "{week}.html"))
    assert result.exit_code == 0, result.stderr
    return path


def colour_pixels(colours: list[tuple[int, tuple[int, int, int]]], rgb: tuple[int, int, int],
                  tolerance: int = 12) -> int:
    """Pixels within `tolerance` of `rgb`, from Pillow's (count, colour) list."""
    return sum(n for n, c in colours if all(abs(a - b) <= tolerance for a, b in zip(c, rgb)))


@pytest.mark.parametrize("width, height", [(1000, 2600), (390, 4200)])   # desktop, phone
def test_screenshot_shows_the_chart(page, tmp_path, width, height):
    png = tmp_path / f"digest-{width}.png"
    result = chromium(tmp_path / "profile", f"--screenshot={png}", f"--window-size={width},{height}",
                      page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    assert png.exists() and png.stat().st_size > 10_000

    from PIL import Image

    with Image.open(png) as img:
        assert img.size == (width, height)
        colours = img.convert("RGB").getcolors(maxcolors=1 << 20)
    assert len(colours) > 50                                  # not a blank or one-colour page
    # the road and trail bars were painted: matplotlib's SVG rendered, not a broken image
    assert colour_pixels(colours, ROAD_BLUE) > 2_000
    assert colour_pixels(colours, TRAIL_BROWN) > 100
    if os.environ.get("LOADGUARD_KEEP_SCREENSHOTS"):
        shutil.copy(png, Path(os.environ["LOADGUARD_KEEP_SCREENSHOTS"]) / png.name)


def test_rendered_dom_has_chart_tables_and_names_as_text(page, tmp_path):
    result = chromium(tmp_path / "profile", "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert dom.count("<svg") == 1 and "</svg>" in dom
    for week in ("W36", "W41", "W47"):
        assert f">{week}<" in dom                              # the chart's week labels
    for table in ('class="totals"', 'class="weeks"', 'class="shoes"'):
        assert f"<table {table}>" in dom
    assert "<tbody>" in dom and dom.count('<tr data-metric="') == 6
    # the runner's own text stayed text: no script or bold element came out of it
    assert "<script" not in dom and "<b>" not in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "Pegasus &lt;b&gt;40&lt;/b&gt;" in dom
