"""The HTML digest in a real browser: headless Chromium at a phone's and a desktop's
width, in dark mode, printed on A4 and Letter, and the e-mail's HTML part.

Skips only where no `chromium` is installed (.ci/run installs Debian's package).
Set LOADGUARD_KEEP_SCREENSHOTS=DIR to keep the screenshots and PDFs for a look.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import unicodedata
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from browser import CHROMIUM, Browser
from conftest import STRAVA_REAL, run, shoe, steady_weeks

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

MONDAY = date(2026, 11, 16)
TODAY = "2026-11-30"
ROAD_BLUE = (0x4C, 0x78, 0xA8)      # the chart's road bars (loadguard.digest.chart.ROAD)
TRAIL_BROWN = (0xB5, 0x76, 0x2A)
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
A4, LETTER = (8.27, 11.69), (8.5, 11.0)

# Every text of the chart drawing on show, with the size it is drawn at in CSS px:
# its font size in the SVG's units times the scale from those units to the screen.
MEASURE_CHART = """(() => {
  const shown = [...document.querySelectorAll('.chart, .chart-img')]
    .filter(c => getComputedStyle(c).display !== 'none');
  const labels = [];
  for (const chart of shown) for (const t of chart.querySelectorAll('svg text')) {
    const m = t.getScreenCTM();
    labels.push({text: t.textContent.trim(), px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b)});
  }
  return {shown: shown.map(c => c.className), labels,
          chartWidth: shown.length ? shown[0].getBoundingClientRect().width : 0,
          pageWidth: document.documentElement.scrollWidth};
})()"""


def keep(name: str, data: bytes) -> None:
    if os.environ.get("LOADGUARD_KEEP_SCREENSHOTS"):
        (Path(os.environ["LOADGUARD_KEEP_SCREENSHOTS"]) / name).write_bytes(data)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    b = Browser(tmp_path_factory.mktemp("profile"))
    yield b
    b.close()


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
    result = run_cli("digest", "--week", "2026-W47", "--today", TODAY, "-o", str(tmp_path / "site" / "{week}.html"))
    assert result.exit_code == 0, result.stderr
    return path


@pytest.fixture
def example_page(home, run_cli, tmp_path) -> Path:
    """The example athlete's busiest week: six warnings over three families, three shoes."""
    if not (EXAMPLES / "athlete" / "activities.csv").exists():
        pytest.skip("no example athlete")
    shutil.copy(EXAMPLES / "config.toml", home / "config.toml")
    assert run_cli("import", str(EXAMPLES / "athlete")).exit_code == 0
    path = tmp_path / "example.html"
    assert run_cli("digest", "--week", "2026-W47", "--today", TODAY, "-o", str(path)).exit_code == 0
    return path


def colour_pixels(png: bytes, rgb: tuple[int, int, int], tolerance: int = 12) -> int:
    """Pixels within `tolerance` of `rgb`."""
    from PIL import Image

    with Image.open(BytesIO(png)) as img:
        colours = img.convert("RGB").getcolors(maxcolors=1 << 22)
    return sum(n for n, c in colours if all(abs(a - b) <= tolerance for a, b in zip(c, rgb)))


# -- phone and desktop ------------------------------------------------------------------------


@pytest.mark.parametrize("width", [390, 1000])     # phone, desktop
def test_screenshot_shows_the_chart(page, browser, width):
    from PIL import Image

    browser.open(page.as_uri(), width)
    png = browser.screenshot()
    keep(f"digest-{width}.png", png)
    with Image.open(BytesIO(png)) as img:
        assert img.width == width and img.height > 1500     # the whole page, at the viewport's width
        assert len(img.convert("RGB").getcolors(maxcolors=1 << 22)) > 50   # not blank
    # the road and trail bars were painted: matplotlib's SVG rendered, not a broken image
    assert colour_pixels(png, ROAD_BLUE) > 2_000
    assert colour_pixels(png, TRAIL_BROWN) > 100


@pytest.mark.parametrize("width, drawing", [
    (390, "narrow"), (640, "narrow"),     # a phone; the widest screen given the narrow drawing
    (641, "wide"), (1000, "wide"),        # the narrowest given the wide one, where it is smallest; desktop
])
def test_chart_labels_measure_at_least_11px(page, browser, width, drawing):
    browser.open(page.as_uri(), width)
    seen = browser.evaluate(MEASURE_CHART)
    assert seen["shown"] == [f"chart chart-{drawing}"]      # one drawing, the one made for this width
    texts = {label["text"] for label in seen["labels"]}
    assert {"road km", "trail km", "load ratio", "caution", "high", "km", "ratio"} <= texts
    assert len(seen["labels"]) >= 12 + 3 + 3 + 2            # weeks, legend, ratio ticks, band names
    smallest = min(seen["labels"], key=lambda label: label["px"])
    assert smallest["px"] >= 11, smallest
    # the chart and the page fit the screen: nothing to zoom or scroll sideways
    assert seen["chartWidth"] <= width and seen["pageWidth"] <= width


def test_names_stay_text_in_the_rendered_page(page, browser):
    browser.open(page.as_uri(), 1000)
    seen = browser.evaluate("""(() => ({
      scripts: document.scripts.length, bold: document.querySelectorAll('b').length,
      runs: [...document.querySelectorAll('ul.runs li')].map(li => li.textContent),
      shoes: [...document.querySelectorAll('table.shoes td:first-child')].map(td => td.textContent)}))()""")
    assert seen["scripts"] == 0 and seen["bold"] == 0
    assert "Tue 17 Nov: <script>alert(1)</script>, 8.0 km" in seen["runs"]
    assert "Pegasus <b>40</b>" in seen["shoes"]


def test_dark_scheme_is_honoured(page, browser):
    browser.open(page.as_uri(), 390, dark=True)
    colours = browser.evaluate("""(() => {
      const rgb = el => getComputedStyle(el).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number);
      return {page: rgb(document.body), ink: getComputedStyle(document.body).color.match(/\\d+/g).map(Number),
              chart: rgb(document.querySelector('.chart-narrow'))};
    })()""")
    assert max(colours["page"]) < 60 and min(colours["ink"][:3]) > 180   # light text on a dark page
    assert min(colours["chart"]) > 240            # the chart keeps its light panel, so its labels read
    keep("digest-390-dark.png", browser.screenshot())
    browser.open(page.as_uri(), 390)
    assert browser.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"


# -- paper ---------------------------------------------------------------------------------------


def pdf_pages(pdf: bytes) -> list[dict]:
    """Per page: its text, and how far down its lowest line sits (0 top, 1 bottom)."""
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(BytesIO(pdf)).pages:
        height = float(page.mediabox.height)
        lows = []

        def visit(text, cm, tm, font, size, lows=lows, height=height):
            if text.strip():
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                lows.append(1 - y / height)

        text = page.extract_text(visitor_text=visit)
        # NFKC undoes the typesetter's ligatures: "ﬁ" back to "fi"
        pages.append({"text": " ".join(unicodedata.normalize("NFKC", text).split()),
                      "lowest": max(lows, default=0.0)})
    return pages


def check_print(browser, html: Path, paper: tuple[float, float], name: str) -> list[dict]:
    browser.open(html.as_uri(), 1000)
    pdf = browser.pdf(paper)
    keep(name, pdf)
    pages = pdf_pages(pdf)
    assert 1 <= len(pages) <= 2
    # a sheet is never left mostly blank for the next one: all but the last are filled
    for page in pages[:-1]:
        assert page["lowest"] > 0.6, page["text"][:200]
    # one chart drawing on paper, not the phone's and the desktop's both
    text = " ".join(p["text"] for p in pages)
    assert text.count("road km") == 1
    # every warning card whole on one page: its title and its closing small print together
    cards = re.findall(r'<h4 title="rule ([\w.]+)"><span class="sev">\w+</span> · (.*?)</h4>', html.read_text())
    for rule, title in cards:
        closing = f"rule id in config.toml: {rule}"
        assert any(title.replace("&#39;", "'") in p["text"] and closing in p["text"] for p in pages), title
    return pages


@pytest.mark.parametrize("paper, name", [(A4, "a4"), (LETTER, "letter")])
def test_busy_week_prints_on_at_most_two_pages(example_page, browser, paper, name):
    pages = check_print(browser, example_page, paper, f"example-{name}.pdf")
    assert "Where you ran" in " ".join(p["text"] for p in pages)


@pytest.mark.skipif(not (STRAVA_REAL / "activities.json").exists(), reason="no recorded Strava data")
@pytest.mark.parametrize("week", ["2025-W35", "2025-W38"])     # the real history's busiest weeks
def test_real_weeks_print_on_at_most_two_pages(home, run_cli, tmp_path, browser, week):
    import fake_strava as fs
    import responses

    load = lambda name: json.loads((STRAVA_REAL / name).read_text(encoding="utf-8"))   # noqa: E731
    athlete, retired = load("athlete.json"), load("gear-retired-shoe.json")
    fs.write_token(home)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fs.FakeStrava(rsps, load("activities.json"), shoes=athlete["shoes"], gear={retired["id"]: retired})
        assert run_cli("sync").exit_code == 0
    page = tmp_path / f"{week}.html"
    assert run_cli("digest", "--week", week, "--today", "2025-10-27", "-o", str(page)).exit_code == 0
    assert page.read_text().count('<div class="warning ') >= 4
    check_print(browser, page, A4, f"real-{week}.pdf")


# -- the e-mail ---------------------------------------------------------------------------------


def test_email_html_part_shows_its_inline_chart(page, browser, run_cli, tmp_path):
    """Saved the way a mail client resolves `cid:` (the part's bytes behind the reference),
    the HTML part renders its chart picture at a phone's width."""
    from email import policy
    from email.parser import BytesParser

    result = run_cli("digest", "--week", "2026-W47", "--today", TODAY, "--email",
                     "--to", "runner@example.com", "--from", "lg@example.org")
    msg = BytesParser(policy=policy.default).parsebytes(result.stdout.encode("ascii"))
    related = next(p for p in msg.walk() if p.get_content_type() == "multipart/related")
    html_part, image = related.iter_parts()
    html = html_part.get_content()
    [cid] = re.findall(r'src="cid:([^"]+)"', html)
    assert image["Content-ID"] == f"<{cid}>"
    (tmp_path / "chart.png").write_bytes(image.get_content())
    saved = tmp_path / "mail.html"
    saved.write_text(html.replace(f"cid:{cid}", "chart.png"), encoding="utf-8")

    browser.open(saved.as_uri(), 390)
    shown = browser.evaluate("""(() => { const i = document.querySelector('img.chart-img');
      return {loaded: i.complete && i.naturalWidth, width: i.getBoundingClientRect().width, alt: i.alt}; })()""")
    assert shown["loaded"] == 720 and 300 < shown["width"] <= 390
    assert shown["alt"].startswith("Weekly distance from 2026-W36 to 2026-W47:")
    png = browser.screenshot()
    keep("mail-390.png", png)
    assert colour_pixels(png, ROAD_BLUE) > 2_000
