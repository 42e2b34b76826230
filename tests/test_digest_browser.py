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
def example_home(home, run_cli):
    """The example athlete's busiest week, with a nerve-type symptom logged on its Sunday
    (its notes already mention one): seven cards over four families, three shoes."""
    if not (EXAMPLES / "athlete" / "activities.csv").exists():
        pytest.skip("no example athlete")
    shutil.copy(EXAMPLES / "config.toml", home / "config.toml")
    assert run_cli("import", str(EXAMPLES / "athlete")).exit_code == 0
    assert run_cli("symptom", "add", "--date", "2026-11-22", "--where", "arch", "--side", "left", "--what",
                   "tingling", "--when", "during", "--intensity", "4", "--today", TODAY).exit_code == 0
    return home


@pytest.fixture
def example_page(example_home, run_cli, tmp_path) -> Path:
    path = tmp_path / "example.html"
    assert run_cli("digest", "--week", "2026-W47", "--today", TODAY, "-o", str(path)).exit_code == 0
    return path


def colour_pixels(png: bytes, rgb: tuple[int, int, int], tolerance: int = 12) -> int:
    """Pixels within `tolerance` of `rgb`."""
    from PIL import Image

    with Image.open(BytesIO(png)) as img:
        colours = img.convert("RGB").getcolors(maxcolors=1 << 22)
    return sum(n for n, c in colours if all(abs(a - b) <= tolerance for a, b in zip(c, rgb)))


# Every piece of text on show, with its colour and the background behind it, and the WCAG
# contrast between them; SVG text by its fill. A background is the nearest opaque one
# among the element and its ancestors.
CONTRAST = """(() => {
  const parse = c => { const m = /rgba?\\(([^)]+)\\)/.exec(c || ''); if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const behind = el => { for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor); if (c && c.a > 0.5) return c; }
    return {r: 255, g: 255, b: 255, a: 1}; };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === 'hidden') continue;
    const svg = el instanceof SVGElement;
    const fg = parse(svg ? getComputedStyle(el).fill : getComputedStyle(el).color);
    if (!fg) continue;
    const bg = behind(svg ? el.closest('div') : el);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    out.push({text: el.textContent.trim().slice(0, 40), tag: el.tagName, ratio: (hi + 0.05) / (lo + 0.05)});
  }
  return out;
})()"""

# The text labels of the chart on show, each with its box on the screen.
CHART_BOXES = """(() => {
  const shown = [...document.querySelectorAll('.chart')].filter(c => c.getBoundingClientRect().width > 0);
  return shown.map(c => ({classes: c.className, labels: [...c.querySelectorAll('svg text')].map(t => {
    const b = t.getBoundingClientRect(); return {text: t.textContent.trim(), x: b.x, y: b.y, w: b.width, h: b.height}; })}));
})()"""


def overlapping(labels: list[dict], slack: float = 0.5) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            if (a["x"] + slack < b["x"] + b["w"] and b["x"] + slack < a["x"] + a["w"]
                    and a["y"] + slack < b["y"] + b["h"] and b["y"] + slack < a["y"] + a["h"]):
                out.append((a["text"], b["text"]))
    return out


VIEWS = [(390, False), (1280, False), (390, True), (1280, True)]    # phone, laptop, each light and dark


# -- phone and desktop ------------------------------------------------------------------------


@pytest.mark.parametrize("width", [390, 1280])     # phone, laptop
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
    (641, "wide"), (1280, "wide"),        # the narrowest given the wide one, where it is smallest; laptop
])
def test_chart_labels_measure_at_least_11px(page, browser, width, drawing):
    browser.open(page.as_uri(), width)
    seen = browser.evaluate(MEASURE_CHART)
    assert seen["shown"] == [f"chart chart-{drawing} chart-light"]   # one drawing, the one made for this width
    texts = {label["text"] for label in seen["labels"]}
    assert {"road km", "trail km", "load ratio", "usual week", "usual", "caution", "high", "km", "ratio"} <= texts
    smallest = min(seen["labels"], key=lambda label: label["px"])
    assert smallest["px"] >= 11, smallest
    # the chart and the page fit the screen: nothing to zoom or scroll sideways
    assert seen["chartWidth"] <= width and seen["pageWidth"] <= width


@pytest.mark.parametrize("width, dark", VIEWS)
def test_no_chart_labels_overlap_and_the_weeks_ratio_is_written(example_page, browser, width, dark):
    browser.open(example_page.as_uri(), width, dark=dark)
    [chart] = browser.evaluate(CHART_BOXES)
    assert ("chart-dark" in chart["classes"]) == dark
    labels = chart["labels"]
    assert overlapping(labels) == []
    texts = [label["text"] for label in labels]
    assert "1.60" in texts                       # the week's own ratio (60.9 km against 38.0), beside its point
    assert "1.50" in texts and "usual" in texts  # the alert line by number, the bands by name


def test_names_stay_text_in_the_rendered_page(page, browser):
    browser.open(page.as_uri(), 1280)
    seen = browser.evaluate("""(() => ({
      scripts: document.scripts.length, bold: document.querySelectorAll('b').length,
      runs: [...document.querySelectorAll('ul.runs li')].map(li => li.textContent),
      shoes: [...document.querySelectorAll('table.shoes tr[data-shoe] td:first-child')].map(td => td.textContent)}))()""")
    assert seen["scripts"] == 0 and seen["bold"] == 0
    assert "Tue 17 Nov: <script>alert(1)</script>, 8.0 km" in seen["runs"]
    assert "Pegasus <b>40</b>" in seen["shoes"]


def test_dark_scheme_draws_a_dark_page_and_chart(page, browser):
    browser.open(page.as_uri(), 390, dark=True)
    colours = browser.evaluate("""(() => {
      const rgb = el => getComputedStyle(el).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number);
      const shown = [...document.querySelectorAll('.chart')].filter(c => c.getBoundingClientRect().width > 0);
      return {page: rgb(document.body), ink: getComputedStyle(document.body).color.match(/\\d+/g).map(Number),
              charts: shown.map(c => c.className),
              paper: shown[0].querySelector('#figure_1 path, g[id$="figure_1"] path').style.fill};
    })()""")
    assert max(colours["page"]) < 60 and min(colours["ink"][:3]) > 180   # light text on a dark page
    assert colours["charts"] == ["chart chart-narrow chart-dark"]         # the chart drawn for it, not a white panel
    assert colours["paper"] in ("#141416", "rgb(20, 20, 22)")
    keep("digest-390-dark.png", browser.screenshot())
    browser.open(page.as_uri(), 390)
    assert browser.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"


# -- what a designer reads: order, one baseline, contrast ------------------------------------------


@pytest.mark.parametrize("width, dark", VIEWS)
def test_the_top_item_comes_first_on_the_page_and_in_the_subject(example_page, example_home, browser, run_cli,
                                                                 width, dark):
    browser.open(example_page.as_uri(), width, dark=dark)
    seen = browser.evaluate("""(() => {
      const top = el => el.getBoundingClientRect().top + scrollY;
      const cards = [...document.querySelectorAll('[data-level]')];
      return {headline: document.querySelector('#headline').textContent,
              status: top(document.querySelector('#status')), word: document.querySelector('#status').dataset.status,
              levels: cards.map(c => c.dataset.level), tops: cards.map(top),
              first: cards[0].querySelector('h3').textContent, firstTop: top(cards[0]),
              shoes: top(document.querySelector('#shoes')), screen: innerHeight,
              pageWidth: document.documentElement.scrollWidth};
    })()""")
    # symptoms, then alerts, warns, infos; shoe findings last; each card below the one before
    order = ["symptom", "alert", "warn", "info"]
    assert seen["levels"][0] == "symptom" and seen["word"] == "stop and listen"
    ranks = [order.index(level) for level in seen["levels"][:-1]]
    assert ranks == sorted(ranks)
    assert seen["tops"] == sorted(seen["tops"])
    assert seen["first"] == "Nerve-type symptom in the foot: stop running through it"
    assert seen["headline"].startswith(seen["first"])
    # the symptom card starts within the first screen and a half, not five screens down
    assert seen["status"] < seen["firstTop"] < 1.5 * seen["screen"]
    assert seen["firstTop"] < seen["shoes"]
    assert seen["pageWidth"] <= width                 # nothing to scroll sideways
    if width == 390 and not dark:
        keep("example-390.png", browser.screenshot())
    if width == 1280 and not dark:
        keep("example-1280.png", browser.screenshot())
    if width == 390 and dark:
        keep("example-390-dark.png", browser.screenshot())
    subject = mail_of(run_cli)["Subject"]
    assert subject == f"loadguard 2026-W47: {seen['headline']}"


def usual_figures(browser) -> dict:
    return browser.evaluate("""(() => {
      const text = s => { const el = document.querySelector(s); return el ? el.textContent : ''; };
      const row = [...document.querySelectorAll('tr[data-metric="distance"] td')].map(td => td.textContent);
      // the weekly load's own card, or the card it is folded into (a spike's: "Also, weekly ...")
      const card = [...document.querySelectorAll('[data-rule]')].find(c => c.dataset.rule === 'volume.weekly_load'
                                                                      || c.textContent.includes('Also, weekly distance'));
      return {table: row[1], status: text('#versus'), caption: text('#chart-summary'),
              card: card ? card.textContent : null, cardEarlier: card ? card.textContent.includes('earlier in the week') : null};
    })()""")


def assert_one_usual_week(seen: dict) -> str:
    usual = seen["table"]
    assert re.fullmatch(r"\d+\.\d km", usual)
    assert f"against a usual week of {usual}" in seen["status"]
    assert f"against a usual week of {usual}" in seen["caption"]
    if seen["card"] is not None and not seen["cardEarlier"]:
        assert f"against {usual} a week" in seen["card"]   # the ratio's own base
    return usual


def test_one_usual_week_everywhere(example_page, browser):
    browser.open(example_page.as_uri(), 390)
    seen = usual_figures(browser)
    assert assert_one_usual_week(seen) == "38.0 km" and seen["card"] is not None
    svg_texts = browser.evaluate("[...document.querySelectorAll('.chart svg text')].map(t => t.textContent)")
    assert "usual week" in svg_texts


@pytest.mark.parametrize("width, dark", VIEWS)
def test_every_text_meets_aa_contrast(example_page, browser, width, dark):
    browser.open(example_page.as_uri(), width, dark=dark)
    texts = browser.evaluate(CONTRAST)
    assert len(texts) > 100                                  # the page's text, chart labels included
    assert any(t["tag"] == "text" for t in texts)
    low = [t for t in texts if t["ratio"] < 4.5]
    assert low == [], low[:5]


def test_severity_is_a_word_as_well_as_a_colour(example_page, browser):
    browser.open(example_page.as_uri(), 390)
    tags = browser.evaluate("[...document.querySelectorAll('[data-level]')].map(c => [c.dataset.level, "
                            "c.querySelector('.tag').textContent])")
    assert tags and all(word.lower() == level for level, word in tags)


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
    browser.open(html.as_uri(), 1280)
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
    # the status and the first card on the first sheet
    assert "Next week:" in pages[0]["text"]
    # every card whole on one page: its title and its closing small print together
    page_text = html.read_text()
    for rule, title in re.findall(r'data-rule="([\w.]+)" class="card[^"]*">.*?<h3 class="card-title">(.*?)</h3>',
                                  page_text, re.S):
        closing = f"rule {rule}"
        assert any(title.replace("&#39;", "'") in p["text"] and closing in p["text"] for p in pages), title
    return pages


@pytest.mark.parametrize("paper, name", [(A4, "a4"), (LETTER, "letter")])
def test_busy_week_with_a_symptom_prints_on_at_most_two_pages(example_page, browser, paper, name):
    pages = check_print(browser, example_page, paper, f"example-{name}.pdf")
    assert "Nerve-type symptom in the foot" in pages[0]["text"]


@pytest.mark.parametrize("paper", [A4, LETTER])
def test_a_quiet_week_prints_on_at_most_two_pages(page, browser, paper):
    check_print(browser, page, paper, "quiet.pdf")


@pytest.mark.skipif(not (STRAVA_REAL / "activities.json").exists(), reason="no recorded Strava data")
@pytest.mark.parametrize("week", ["2022-W40", "2025-W37"])     # two busy real weeks
def test_real_weeks_read_well(home, run_cli, tmp_path, browser, week):
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
    html = page.read_text()
    assert html.count("<div data-level=") >= 2
    # no raw gear ids or ISO dates inside sentences
    assert not re.search(r"shoe g\d+", html)
    cards = " ".join(re.findall(r'<div data-level=.*?</div>', html, re.S))
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", cards)
    # shoe findings are the shoes as they stand at the week's end: never "idle" beside km that week
    browser.open(page.as_uri(), 390)
    keep(f"real-{week}-390.png", browser.screenshot())
    seen = usual_figures(browser)
    assert_one_usual_week(seen)
    levels = browser.evaluate("[...document.querySelectorAll('[data-level]')].map(c => [c.dataset.level, c.dataset.rule || ''])")
    shoe_at = [i for i, (_, rule) in enumerate(levels) if rule.startswith("shoes.")]
    assert all(i > j for i in shoe_at for j, (_, rule) in enumerate(levels) if not rule.startswith("shoes."))
    assert [t for t in browser.evaluate(CONTRAST) if t["ratio"] < 4.5] == []
    [chart] = browser.evaluate(CHART_BOXES)
    assert overlapping(chart["labels"]) == []
    for paper, name in ((A4, "a4"), (LETTER, "letter")):
        check_print(browser, page, paper, f"real-{week}-{name}.pdf")


# -- the e-mail ---------------------------------------------------------------------------------


def mail_of(run_cli):
    from email import policy
    from email.parser import BytesParser

    result = run_cli("digest", "--week", "2026-W47", "--today", TODAY, "--email",
                     "--to", "runner@example.com", "--from", "lg@example.org")
    assert result.exit_code == 0, result.stderr
    return BytesParser(policy=policy.default).parsebytes(result.stdout.encode("ascii"))


def saved_mail_html(msg, tmp_path: Path) -> Path:
    """The HTML part saved the way a mail client resolves `cid:` (the part's bytes behind the reference)."""
    related = next(p for p in msg.walk() if p.get_content_type() == "multipart/related")
    html_part, image = related.iter_parts()
    html = html_part.get_content()
    [cid] = re.findall(r'src="cid:([^"]+)"', html)
    assert image["Content-ID"] == f"<{cid}>"
    (tmp_path / "chart.png").write_bytes(image.get_content())
    saved = tmp_path / "mail.html"
    saved.write_text(html.replace(f"cid:{cid}", "chart.png"), encoding="utf-8")
    return saved


def test_email_html_part_shows_its_inline_chart(page, browser, run_cli, tmp_path):
    saved = saved_mail_html(mail_of(run_cli), tmp_path)
    browser.open(saved.as_uri(), 390)
    shown = browser.evaluate("""(() => { const i = document.querySelector('img');
      return {loaded: i.complete && i.naturalWidth, width: i.getBoundingClientRect().width, alt: i.alt}; })()""")
    assert shown["loaded"] == 720 and 300 < shown["width"] <= 390
    assert shown["alt"].startswith("Weekly distance over the 12 weeks to Sun 22 Nov:")
    png = browser.screenshot()
    keep("mail-390.png", png)
    assert colour_pixels(png, ROAD_BLUE) > 2_000


def test_email_html_reads_without_a_style_sheet(example_home, browser, run_cli, tmp_path):
    """What Gmail's app shows: the inline styles alone carry the look and the contrast."""
    msg = mail_of(run_cli)
    saved = saved_mail_html(msg, tmp_path)
    browser.open(saved.as_uri(), 390)
    assert browser.evaluate("document.styleSheets.length") == 0
    assert browser.evaluate("document.documentElement.scrollWidth") <= 390   # no media query needed to fit
    texts = browser.evaluate(CONTRAST)
    assert [t for t in texts if t["ratio"] < 4.5] == []
    first = browser.evaluate("document.querySelector('[data-level]').dataset.level")
    tag_bg = browser.evaluate("getComputedStyle(document.querySelector('[data-level] .tag')).backgroundColor")
    assert first == "symptom" and tag_bg != "rgba(0, 0, 0, 0)"
