"""`loadguard digest`: every number against the test's own arithmetic on the raw rows,
empty and quiet weeks, a history too young for a base, hostile names, and where files go."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import run, shoe, steady_weeks

from loadguard.advice import CHECKLIST

WEEK = "2026-W47"
MONDAY = date(2026, 11, 16)
SUNDAY = date(2026, 11, 22)
FIRST = date(2026, 8, 31)            # Monday of 2026-W36, the first day of the varied history
RUNNING = {"Run", "TrailRun", "VirtualRun"}
DISCLAIMER_START = "loadguard is not medical advice."
HOSTILE = "<script>alert(1)</script>"
TODAY = "2026-11-30"                 # pinned, so no test depends on the machine's clock
BANDS = [(0.8, "under 0.8: lighter than your recent weeks"), (1.3, "0.8-1.3: in line with your recent weeks"),
         (1.5, "1.3-1.5: caution band"), (float("inf"), "over 1.5: well above your recent weeks")]


# -- the test's own arithmetic -------------------------------------------------------


def local_day(row: dict) -> date:
    return date.fromisoformat(row["start_local"][:10])


def runs_between(rows: list[dict], first: date, last: date) -> list[dict]:
    return [r for r in rows if r["sport_type"] in RUNNING and not r.get("deleted")
            and first <= local_day(r) <= last]


def week_totals(rows: list[dict], monday: date) -> dict:
    week = runs_between(rows, monday, monday + timedelta(days=6))
    km = [r["distance_m"] / 1000 for r in week]
    return {
        "km": sum(km),
        "moving": sum(r["moving_s"] for r in week),
        "runs": len(week),
        "longest": max(km, default=0.0),
        "climb": sum(r["elev_gain_m"] for r in week),
        "trail": sum(r["distance_m"] / 1000 for r in week if r["sport_type"] == "TrailRun"),
    }


def hm(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d} h"


def pct(value: float, base: float) -> str:
    # rounded down, like the load ratio it matches: 1.849x is "+84%", not "+85%"
    return f"{math.floor(round(value / base * 100, 6)) - 100:+d}%"


def life(km: float, limit: float) -> str:
    """A shoe's share of its limit as every output writes it: whole percent, rounded down."""
    return f"{math.floor(round(round(km, 1) / limit * 100, 6))}%"


def shown_ratio(ratio: float) -> str:
    """The load ratio as every output writes it: two decimals, rounded down."""
    return f"{math.floor(round(ratio * 100, 6)) / 100:.2f}"


def expected_rows(rows: list[dict], monday: date) -> list[list[str]]:
    """The totals table as the test works it out: this week, the usual week (the four
    weeks before, those under 60% of the busiest left out, as the load ratio's base), the change."""
    this = week_totals(rows, monday)
    before = [week_totals(rows, monday - timedelta(weeks=i)) for i in range(1, 5)]
    weeks = [w for w in before if w["km"] >= 0.6 * max(b["km"] for b in before)]
    base = {k: sum(w[k] for w in weeks) / len(weeks) for k in this}
    share = this["trail"] / this["km"] * 100
    base_share = base["trail"] / base["km"] * 100
    return [
        ["Distance", f"{this['km']:.1f} km", f"{base['km']:.1f} km", pct(this["km"], base["km"])],
        ["Moving time", hm(this["moving"]), hm(base["moving"]), pct(this["moving"], base["moving"])],
        ["Runs", f"{this['runs']}", f"{base['runs']:.1f}", pct(this["runs"], base["runs"])],
        ["Longest run", f"{this['longest']:.1f} km", f"{base['longest']:.1f} km",
         pct(this["longest"], base["longest"])],
        ["Climb", f"{this['climb']:.0f} m", f"{base['climb']:.0f} m", pct(this["climb"], base["climb"])],
        ["Trail share", f"{math.floor(share)}%", f"{math.floor(base_share)}%",
         f"{math.floor(share) - math.floor(base_share):+d} pts"],
    ]


def load_ratio(rows: list[dict], sunday: date) -> float:
    """The week against the mean of the four weeks before it, those under 60% of the busiest left out."""
    def week_km(last: date) -> float:
        return sum(r["distance_m"] for r in runs_between(rows, last - timedelta(days=6), last)) / 1000

    weeks = [week_km(sunday - timedelta(days=7 * k)) for k in range(1, 5)]
    base = [w for w in weeks if w >= 0.6 * max(weeks)]
    return week_km(sunday) / (sum(base) / len(base))


# -- reading the output ------------------------------------------------------------------


class Tables(HTMLParser):
    """Cell texts of every <table>, by its class: {"totals": [[cell, ...], ...], ...}."""

    def __init__(self, text: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            # keyed by the table's last class: "table totals" is "totals"
            self._table = self.tables.setdefault((dict(attrs).get("class") or "").split()[-1:][0]
                                                 if dict(attrs).get("class") else "", [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def md_table(md: str, header_start: str) -> list[list[str]]:
    """The body rows of the Markdown table whose header row starts with `header_start`."""
    lines = md.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    out = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        out.append([c.strip() for c in line.strip("|").split(" | ")])
    return out


# -- histories ---------------------------------------------------------------------------


def varied_history() -> list[dict]:
    """12 weeks of uneven running with trail, climb, two shoes, shoeless runs, a ride, a
    run just after local midnight (UTC says the day before) and a run after the week."""
    rows = []
    for i in range(12):
        monday = FIRST + timedelta(weeks=i)
        rows += [
            run(monday + timedelta(days=1), 6.0 + (i % 3), gear_id="gA", elev_m=40.0 + i),
            run(monday + timedelta(days=3), 8.2 + 0.5 * (i % 4), gear_id="gB" if i % 2 else "gA", elev_m=25.0),
            run(monday + timedelta(days=6), 12.0 + i * 0.7, gear_id="gA", elev_m=60.0, name="Sunday long"),
        ]
        if i % 3 == 0:
            rows.append(run(monday + timedelta(days=5), 9.3, sport_type="TrailRun", gear_id="gB",
                            elev_m=310.0, name="Hills"))
    rows += [
        # the week itself: a jump, a trail run, a shoeless run
        run(MONDAY, 5.0, hour=0, utc_offset_h=2, gear_id="gB", name="Midnight miles"),  # UTC: Sunday
        run(MONDAY + timedelta(days=2), 22.0, sport_type="TrailRun", gear_id="gB", elev_m=520.0, name="Ridge"),
        run(MONDAY + timedelta(days=4), 7.4, gear_id=None, name="Lunch jog"),
        run(MONDAY + timedelta(days=2), 30.0, sport_type="Ride", gear_id=None, name="Commute"),
        run(SUNDAY + timedelta(days=2), 10.0, gear_id="gA", name="After the week"),
    ]
    return rows


@pytest.fixture
def athlete(store, home):
    rows = varied_history()
    store.upsert_activities(rows)
    store.upsert_gear([shoe("gA", "Pegasus 40", 640.0), shoe("gB", "Speedgoat 5"),
                       shoe("gC", "Old pair", 910.0, retired=True)])
    (home / "config.toml").write_text('[detectors."shoes.mileage".limits]\ngB = 500\n')
    return rows


@pytest.fixture
def digest(run_cli, tmp_path):
    """Run `digest -o` and return the file's text (and, for Markdown, the chart beside it)."""

    def make(*args: str, fmt: str = "html") -> str:
        path = tmp_path / f"out.{fmt}"
        result = run_cli("digest", "--today", TODAY, *args, "-o", str(path))
        assert result.exit_code == 0, result.stderr
        assert result.stdout == ""
        return path.read_text(encoding="utf-8")

    return make


# -- every number --------------------------------------------------------------------------


def test_totals_match_the_raw_rows_in_html_and_markdown(athlete, digest):
    expected = expected_rows(athlete, MONDAY)
    html = digest("--week", WEEK)
    assert Tables(html).tables["totals"][1:] == expected
    md = digest("--week", WEEK, fmt="md")
    assert md_table(md, "| | This week") == expected
    # the run just after local midnight counts for Monday, the ride and the later run not at all
    assert expected[2][1] == "6"
    assert "Commute" not in html and "After the week" not in html


def ratio_box(html: str) -> str:
    return re.search(r'<p id="load-ratio" (.*?)</p>', html, re.S)[1]


def test_load_ratio_and_its_band(athlete, digest):
    ratio = load_ratio(athlete, SUNDAY)
    band = next(text for upper, text in BANDS if ratio < upper)
    acute = week_totals(athlete, MONDAY)["km"]
    html = digest("--week", WEEK)
    box = ratio_box(html)
    assert f'<strong class="big">{shown_ratio(ratio)}</strong>' in box
    assert band in box
    status = html[html.index('<section id="status"'):html.index("</section>")]
    assert f"{acute:.1f} km this week against a usual week of" in status
    # the usual week named as the rule computes its base, not as a plain 4-week average
    assert "Usual week: the 4 weeks before, light weeks left out" in html
    md = digest("--week", WEEK, fmt="md")
    assert f"Load ratio: {shown_ratio(ratio)} ({band})." in md
    assert "Usual week: the 4 weeks before, light weeks left out" in md


@pytest.mark.parametrize("week_km, band", [(20.0, "light"), (30.0, "steady"), (42.0, "caution"),
                                           (45.0, "high")])
def test_band_edges(store, digest, week_km, band):
    # 30 km weeks; the ratio is week_km / 30: 0.67, 1.00, 1.40, 1.50 (1.5 itself is "over")
    store.upsert_activities(steady_weeks(MONDAY, 5, 30.0))
    store.upsert_activities([run(MONDAY + timedelta(days=d), week_km / 3) for d in (0, 3, 6)])
    html = digest("--week", WEEK)
    ratio = week_km / 30
    box = ratio_box(html)
    assert f'<strong class="big">{shown_ratio(ratio)}</strong>' in box
    assert f'data-band="{band}"' in box and f"({next(text for upper, text in BANDS if ratio < upper)})" in box


def test_band_is_judged_like_check_just_under_the_threshold(store, digest, check_json):
    # 38.9 / 30 = 1.297: under 1.3, as `check` judges it, and shown as 1.29, never as the line
    store.upsert_activities(steady_weeks(MONDAY, 5, 30.0))
    store.upsert_activities([run(MONDAY + timedelta(days=d), 38.9 / 3) for d in (0, 3, 6)])
    html = digest("--week", WEEK)
    assert 'data-band="steady"' in ratio_box(html)
    assert '<strong class="big">1.29</strong>' in html
    assert not [w for w in check_json(SUNDAY) if w["rule"] == "volume.weekly_load"]


@pytest.mark.parametrize("history, silence", [
    # three weeks off before this week: a ratio of 4 against the half-empty base means nothing
    (lambda: steady_weeks(MONDAY - timedelta(days=21), 6, 40.0), "a break of 14 days or more"),
    # a 2 km base
    (lambda: [run(MONDAY - timedelta(days=7 * w + 1), 2.0) for w in range(6)], "base too small"),
])
def test_no_band_where_the_weekly_load_rule_is_silent(store, digest, history, silence):
    store.upsert_activities(history())
    store.upsert_activities([run(MONDAY + timedelta(days=d), 8.0) for d in (0, 3, 6)])
    html = digest("--week", WEEK)
    box = ratio_box(html)
    assert 'data-band="none"' in box and silence in box
    assert re.search(r'<strong class="big">\d', box) is None


def test_twelve_week_chart_numbers_and_ratio_line(athlete, digest):
    first = min(local_day(r) for r in runs_between(athlete, date.min, SUNDAY))
    expected = []
    for back in range(11, -1, -1):
        monday = MONDAY - timedelta(weeks=back)
        sunday = monday + timedelta(days=6)
        t = week_totals(athlete, monday)
        # a ratio needs the 4-week base inside the history: 35 days up to its Sunday
        ratio = shown_ratio(load_ratio(athlete, sunday)) if (sunday - first).days + 1 >= 35 else "–"
        year, week, _ = monday.isocalendar()
        expected.append([f"{year}-W{week:02d}", f"{t['km'] - t['trail']:.1f} km", f"{t['trail']:.1f} km", ratio])
    html = digest("--week", WEEK)
    assert Tables(html).tables["weeks"][1:] == expected
    # the first run is on Tuesday of W36, so W36-W40 lack a full base
    assert [r[3] == "–" for r in expected] == [True] * 5 + [False] * 7
    md = digest("--week", WEEK, fmt="md")
    assert md_table(md, "| Week | Road") == expected


def svg_group(svg: str, gid: str) -> str:
    """The text of matplotlib's `<g id="…gid">` element (ids carry the drawing's prefix),
    nested groups included."""
    start = re.search(rf'<g id="[\w-]*{gid}">', svg).start()
    depth, pos = 0, start
    for m in re.finditer(r"<g\b[^>]*?(/?)>|</g>", svg[start:]):
        if m.group(0) == "</g>":
            depth -= 1
        elif not m.group(1):           # `<g …/>` opens and closes at once
            depth += 1
        if depth == 0:
            pos = start + m.end()
            break
    return svg[start:pos]


def test_chart_is_matplotlib_svg_in_a_narrow_and_a_wide_drawing(athlete, digest):
    html = digest("--week", WEEK)
    drawings = re.findall(r'<div class="chart (chart-(?:narrow|wide) chart-(?:light|dark))"><svg.*?</svg>', html, re.S)
    assert drawings == ["chart-narrow chart-light", "chart-wide chart-light",
                        "chart-narrow chart-dark", "chart-wide chart-dark"]   # a phone's and a wider screen's, light and dark
    narrow, wide = re.findall(r'<div class="chart chart-(?:narrow|wide) chart-light"><svg.*?</svg>', html, re.S)
    for svg in (narrow, wide):
        assert "Matplotlib" in svg                        # drawn by matplotlib, not by hand
        for label in ("road km", "trail km", "load ratio", "usual week", ">1.50<", ">usual<", ">caution<",
                      ">high<"):
            assert label in svg                           # legend, band lines, bands named in words
        # the week's own ratio is written beside its point
        assert f">{shown_ratio(load_ratio(athlete, SUNDAY))}<" in svg
    for week in range(36, 48):
        assert f">W{week}<" in wide and f">{week}<" in narrow   # a phone gets the short labels
    # the two hatched bands shade the ratio strip (second axes), never the km bars (first),
    # which hold one hatch: trail
    for svg in (narrow, wide):
        bars, strip = svg_group(svg, "axes_1"), svg_group(svg, "axes_2")
        bar_fills, strip_fills = (set(re.findall(r"fill: url\(#([\w-]+)\)", g)) for g in (bars, strip))
        assert len(bar_fills) == 1 and len(strip_fills) == 2 and not bar_fills & strip_fills


def test_legend_names_only_the_series_run(store, digest):
    store.upsert_activities(steady_weeks(MONDAY - timedelta(weeks=5), 6, 30.0))   # road only
    html = digest("--week", WEEK)
    assert "road km" in html and "load ratio" in html
    assert "trail km" not in html
    assert "No trail running." in html                    # and the text alternative says so


def test_chart_has_a_text_alternative_of_the_twelve_weeks(athlete, digest):
    html = digest("--week", WEEK)
    caption = re.search(r'<figcaption id="chart-summary"[^>]*>(.*?)</figcaption>', html, re.S)[1]
    totals = [week_totals(athlete, MONDAY - timedelta(weeks=back))["km"] for back in range(11, -1, -1)]
    assert caption.startswith("Weekly distance over the 12 weeks to Sun 22 Nov: "
                              f"{min(totals):.1f} km to {max(totals):.1f} km a week")
    assert f"this week {totals[-1]:.1f} km" in caption
    ratio = load_ratio(athlete, SUNDAY)
    assert f"Load ratio this week {ratio:.2f}" in caption
    # every drawing is labelled by it, for screen readers
    assert html.count('role="img" aria-labelledby="chart-summary"') == 4
    md = digest("--week", WEEK, fmt="md")
    assert f"![{caption}](out.svg)" in md


def test_no_meaning_hides_in_details(athlete, digest):
    # mail clients drop <details>; the twelve weeks' numbers are a plain table
    html = digest("--week", WEEK)
    assert "<details" not in html and '<table class="table weeks">' in html


def test_headings_in_plain_words_rule_ids_in_small_print(athlete, digest):
    html = digest("--week", WEEK)
    headings = re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", html, re.S)
    for heading in headings:
        assert not re.search(r"\b(volume|terrain|shoes)\.\w+", heading)
    card = html[html.index('data-rule="volume.weekly_load"'):]
    card = card[:card.index("</div>")]
    # the family in plain words on the card's tag line, the rule id only in its small print
    assert "How much you ran" in card
    assert "Weekly distance well above your recent weeks</h3>" in card
    assert "volume.weekly_load" not in card.split("</h3>", 1)[1].split("rule volume.weekly_load")[0]
    md = digest("--week", WEEK, fmt="md")
    line = next(x for x in md.splitlines() if "Weekly distance well above your recent weeks" in x)
    assert "volume.weekly_load" not in line
    assert "rule volume.weekly_load" in md


def test_shoe_table_limits_and_week_runs(athlete, digest):
    html = digest("--week", WEEK)
    # Strava's total for gA, rewound by the run after the week; gB has no total, so its
    # own runs up to Sunday make it, against the 500 km limit set in config.toml
    upto = [r for r in athlete if local_day(r) <= SUNDAY and r["sport_type"] in RUNNING]
    ga = 640.0 - 10.0
    gb = sum(r["distance_m"] for r in upto if r["gear_id"] == "gB") / 1000
    week = runs_between(athlete, MONDAY, SUNDAY)
    week_km = {g: sum(r["distance_m"] for r in week if r["gear_id"] == g) / 1000 for g in ("gA", "gB")}
    # four columns, the limit beside the share of it: a phone and a mail client without
    # media queries both fit them in 390 px
    rows = [r for r in Tables(html).tables["shoes"][1:] if len(r) == 4]
    assert rows == [
        ["Pegasus 40", f"{ga:.1f} km", life(ga, 700) + " of 700 km (info)", f"{week_km['gA']:.1f} km"],
        ["Speedgoat 5", f"{gb:.1f} km", life(gb, 500) + " of 500 km", f"{week_km['gB']:.1f} km"],
    ]                                                  # the retired pair did not run: not listed
    assert f'style="width:{ga / 700 * 100:.1f}%"' in html
    assert "Wed 18 Nov: Ridge, 22.0 km (trail)" in html
    assert "Mon 16 Nov: Midnight miles, 5.0 km" in html
    shoeless = html[html.index("No shoe set"):]
    assert "Fri 20 Nov: Lunch jog, 7.4 km" in shoeless
    md = digest("--week", WEEK, fmt="md")
    assert f"| Pegasus 40 | {ga:.1f} km | 700 km | █████████░ {life(ga, 700)} | {week_km['gA']:.1f} km |" in md


def test_warnings_are_those_check_reported_on_the_weeks_days(athlete, digest, run_cli):
    found = {}
    for offset in range(7):
        day = (MONDAY + timedelta(days=offset)).isoformat()
        for w in json.loads(run_cli("check", "--as-of", day, "--format", "json").stdout)["warnings"]:
            found[w["id"]] = w
    assert {w["rule"] for w in found.values()} >= {"volume.weekly_load", "volume.long_run_spike"}
    html = digest("--week", WEEK)
    rules = re.findall(r'<div data-level="\w+" data-rule="([\w.]+)"', html)
    # each finding once; shoe findings as they stand on Sunday, beside the shoe table
    sunday = {w["rule"] for w in json.loads(run_cli("check", "--as-of", SUNDAY.isoformat(), "--format",
                                                    "json").stdout)["warnings"]}
    assert sorted(rules) == sorted(w["rule"] for w in found.values()
                                   if not w["rule"].startswith("shoes.") or w["rule"] in sunday)
    md = digest("--week", WEEK, fmt="md")
    for w in found.values():
        if f'data-rule="{w["rule"]}"' in html:
            assert w["title"] in html and w["title"] in md
    checklist = html[html.index('id="checklist"'):]
    assert "Calves:" in checklist and "Listen:" in checklist
    assert "## Checklist for the week ahead" in md


def test_a_finding_gone_by_sunday_is_still_in_the_digest(store, digest, run_cli):
    # 20 km weeks, then a big weekend closing W46: as of Wednesday of W47 the last
    # 7 days are far above the base, by Sunday they are not
    store.upsert_activities(steady_weeks(MONDAY - timedelta(days=7), 6, 20.0))
    # many runs no longer than usual, so no single run is a spike that explains the week
    store.upsert_activities([run(MONDAY - timedelta(days=d), 5.5, hour=h) for d in (1, 2, 3) for h in (7, 18)]
                            + [run(MONDAY + timedelta(days=3), 4.0)])
    sunday = json.loads(run_cli("check", "--as-of", SUNDAY.isoformat(), "--format", "json").stdout)
    assert "volume.weekly_load" not in {w["rule"] for w in sunday["warnings"]}
    html = digest("--week", WEEK)
    start = html.index('data-rule="volume.weekly_load"')
    card = html[start:html.index("</div>\n", html.index("What to do", start))]
    # reported as of a weekday, with that day's numbers
    day = re.search(r"in the 7 days to \w{3}\xa0(\d+)\xa0Nov", card)[1]
    found_on = date(2026, 11, int(day))
    assert MONDAY <= found_on < SUNDAY
    # the card names its own window, and says it is not the week's last seven days
    first = found_on - timedelta(days=6)     # in November too
    assert f'<span class="window">{first:%a} {first.day} – {found_on:%a} {found_on.day} Nov</span>' in card
    assert "(earlier in the week)" in card


# -- weeks with little in them ----------------------------------------------------------------


def test_empty_week_after_a_history(store, digest):
    store.upsert_activities(steady_weeks(MONDAY + timedelta(days=7), 6, 30.0))   # W42-W47
    store.upsert_gear([shoe("gA", "Pegasus 40", 200.0)])
    html = digest("--week", "2026-W48")             # nothing run in it
    rows = Tables(html).tables["totals"][1:]
    assert rows[0] == ["Distance", "0.0 km", "30.0 km", "-100%"]
    assert rows[2] == ["Runs", "0", "4.0", "-100%"]
    assert rows[3] == ["Longest run", "0.0 km", "7.5 km", "-100%"]
    assert rows[5] == ["Trail share", "–", "0%", "–"]
    assert '<strong class="big">0.00</strong>' in html and "lighter than your recent weeks" in html
    assert "A lighter week than usual" in html and "A good week" not in html
    assert Tables(html).tables["shoes"][1][-1] == "0.0 km"


def test_fresh_home_digest(digest, run_cli):
    md = run_cli("digest", "--today", TODAY, "--week", WEEK)
    assert md.exit_code == 0
    assert "No usual week yet: no runs on record" in md.stdout
    assert "Nothing to compare with yet" in md.stdout and "A good week" not in md.stdout
    assert "No warnings this week." in md.stdout and "No shoes on record." in md.stdout
    assert md.stdout.rstrip().splitlines()[-1].startswith(DISCLAIMER_START)
    html = digest("--week", WEEK)
    assert "<svg" in html and "No shoes on record." in html


def test_quiet_week_has_no_warnings_and_no_checklist(store, digest):
    rows = steady_weeks(SUNDAY + timedelta(days=1), 8, 30.0, gear_id="gA")
    for r in rows[1::2]:
        r["gear_id"] = "gB"                         # two pairs in rotation
    store.upsert_activities(rows)
    store.upsert_gear([shoe("gA", "Road pair", 120.0), shoe("gB", "Other pair", 150.0)])
    html = digest("--week", WEEK)
    assert "No warnings this week." in html
    assert 'data-rule=' not in html and 'id="checklist"' not in html
    assert 'data-status="steady"' in html and "0.8-1.3: in line with your recent weeks" in html
    # a good week is said to be one
    assert "A good week" in html and html.index("A good week") < html.index('id="items"')
    assert html.rstrip().endswith("</html>") and DISCLAIMER_START in html[html.index("<footer"):]


def test_first_weeks_have_no_base(store, digest):
    store.upsert_activities([run(MONDAY - timedelta(days=10), 5.0), run(MONDAY - timedelta(days=5), 6.0),
                             run(MONDAY + timedelta(days=1), 6.5), run(MONDAY + timedelta(days=5), 8.0)])
    html = digest("--week", WEEK)
    assert "No usual week yet: your history starts Fri 6 Nov 2026" in html
    rows = Tables(html).tables["totals"][1:]
    assert rows[0] == ["Distance", "14.5 km", "–", "–"]
    assert all(r[2:] == ["–", "–"] for r in rows)
    assert '<strong class="big">–</strong>' in html and "no 4-week base yet" in html
    md = digest("--week", WEEK, fmt="md")
    assert "| Distance | 14.5 km | – | – |" in md and "Load ratio: – (no 4-week base yet)." in md


# -- hostile names ------------------------------------------------------------------------------


def test_hostile_names_come_out_as_text(store, digest, run_cli):
    store.upsert_activities(steady_weeks(MONDAY, 5, 20.0, gear_id="gX"))
    store.upsert_activities([run(MONDAY + timedelta(days=1), 6.0, gear_id="gX", name=HOSTILE),
                             run(MONDAY + timedelta(days=2), 6.0, gear_id=None, name="a | b *c* [d](e) `f` <i> ~~g~~")])
    store.upsert_gear([shoe("gX", '<img src=x onerror="alert(2)"> & co', 100.0)])
    html = digest("--week", WEEK)
    assert "<script" not in html and "<img" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt; &amp; co" in html
    md = digest("--week", WEEK, fmt="md")
    assert "<script" not in md and "<img" not in md and "<i>" not in md
    assert "&lt;script>alert(1)&lt;/script>" in md
    assert "a \\| b \\*c\\* \\[d\\](e) \\`f\\` &lt;i> \\~\\~g\\~\\~" in md
    # a `|` in a shoe name does not add a column to the table
    assert all(len(r) == 5 for r in md_table(md, "| Shoe |"))


# -- choosing the week, writing files ----------------------------------------------------------


@pytest.mark.parametrize("today, week", [
    ("2026-11-22", "2026-W46"),     # a Sunday: its own week is not complete yet
    ("2026-11-23", "2026-W47"),     # Monday: the week just ended
    ("2026-11-25", "2026-W47"),
    ("2027-01-03", "2026-W52"),     # ISO years: 2026 has 53 weeks, Sunday 3 Jan 2027 ends W53
    ("2027-01-04", "2026-W53"),
])
def test_last_complete_week(run_cli, today, week):
    out = run_cli("digest", "--today", today).stdout
    assert out.startswith(f"# loadguard digest {week}\n")
    assert run_cli("digest", "--week", "last", "--today", today).stdout == out


def test_this_week_leaves_out_days_to_come(store, run_cli):
    store.upsert_activities([run(MONDAY, 5.0), run(MONDAY + timedelta(days=1), 6.0)])
    out = run_cli("digest", "--week", "this", "--today", "2026-11-17").stdout
    assert out.startswith("# loadguard digest 2026-W47\n")
    assert "| Distance | 11.0 km |" in out


@pytest.mark.parametrize("bad", ["2026-47", "W47", "2025-W53", "2026-W00", "next"])
def test_bad_week_is_a_usage_error(run_cli, bad):
    result = run_cli("digest", "--week", bad)
    assert result.exit_code == 2
    assert "--week" in result.stderr and "Traceback" not in result.stderr


def test_output_placeholder_folders_and_format_from_suffix(athlete, run_cli, tmp_path):
    target = tmp_path / "digests" / "deep"
    result = run_cli("digest", "--today", "2026-11-25", "-o", str(target / "{week}.html"))
    assert result.exit_code == 0 and result.stdout == ""
    page = (target / "2026-W47.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in target.iterdir()) == ["2026-W47.html"]   # no temp files left
    run_cli("digest", "--today", TODAY, "--week", WEEK, "--format", "md", "-o", str(target / "as-md.html"))
    assert (target / "as-md.html").read_text().startswith("# loadguard digest")


def test_markdown_file_gets_its_chart_beside_it(athlete, run_cli, tmp_path):
    result = run_cli("digest", "--today", TODAY, "--week", WEEK, "-o", str(tmp_path / "w" / "{week} review.md"))
    assert result.exit_code == 0
    md = (tmp_path / "w" / "2026-W47 review.md").read_text()
    svg = (tmp_path / "w" / "2026-W47 review.svg").read_text()
    assert re.search(r"!\[Weekly distance over the 12 weeks to Sun 22 Nov: [^\]]+\]\(2026-W47%20review\.svg\)", md)
    assert svg.startswith("<?xml") and "<svg" in svg and 'width="' in svg[:svg.index(">", svg.index("<svg"))]


def test_html_is_self_contained(athlete, digest):
    html = digest("--week", WEEK)
    assert "<style>" in html and "<script" not in html and "<link" not in html
    assert " src=" not in html
    assert all(u.startswith("#") for u in re.findall(r"url\(([^)]*)\)", html))   # only the SVG's own clip paths
    assert all(h.startswith("#") for h in re.findall(r'href="([^"]*)"', html))
    assert html.count("<svg") == 4                     # phones and wider screens, light and dark
    assert '<meta name="viewport"' in html and "@media print" in html
    assert "prefers-color-scheme: dark" in html


def test_same_week_same_file(athlete, digest):
    assert digest("--week", WEEK) == digest("--week", WEEK)


def test_unwritable_output_is_one_line(athlete, run_cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_cli("digest", "--today", TODAY, "--week", WEEK, "-o", str(blocker / "sub" / "d.html"))
    assert result.exit_code == 3
    assert result.stderr.startswith("loadguard: cannot write ") and result.stderr.count("\n") == 1


def test_command_module_stays_light():
    code = ("import sys, loadguard.cli, loadguard.commands.digest; "
            "print(sorted(m for m in ('pandas', 'matplotlib', 'jinja2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# -- the example athlete ---------------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXPORT_TYPES = {"Run": "Run", "Trail Run": "TrailRun", "Virtual Run": "VirtualRun"}


def example_rows() -> list[dict]:
    """activities.csv read by the test itself: New York days, the metre `Distance` column."""
    import csv
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("America/New_York")
    with (EXAMPLES / "athlete" / "activities.csv").open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        col = {name: header.index(name) for name in reversed(header)}        # first occurrence
        metres = len(header) - 1 - header[::-1].index("Distance")             # the last one: metres
        rows = []
        for cells in reader:
            utc = datetime.strptime(cells[col["Activity Date"]], "%b %d, %Y, %I:%M:%S %p")
            local = utc.replace(tzinfo=timezone.utc).astimezone(zone)
            rows.append({
                "name": cells[col["Activity Name"]],
                "sport_type": EXPORT_TYPES.get(cells[col["Activity Type"]], cells[col["Activity Type"]]),
                "start_local": local.strftime("%Y-%m-%dT%H:%M:%S"),
                "distance_m": float(cells[metres] or 0),
                "moving_s": float(cells[col["Moving Time"]] or 0),
                "elev_gain_m": float(cells[col["Elevation Gain"]] or 0),
                "gear": cells[col["Activity Gear"]] or None,
            })
    return rows


@pytest.mark.skipif(not (EXAMPLES / "athlete" / "activities.csv").exists(), reason="no example athlete")
@pytest.mark.parametrize("week, monday", [("2026-W47", MONDAY), ("2026-W25", date(2026, 6, 15))])
def test_example_athlete_digest_matches_the_export(run_cli, home, tmp_path, week, monday):
    import shutil

    shutil.copy(EXAMPLES / "config.toml", home / "config.toml")
    assert run_cli("import", str(EXAMPLES / "athlete")).exit_code == 0
    assert run_cli("digest", "--today", TODAY, "--week", week, "-o", str(tmp_path / "{week}.html")).exit_code == 0
    assert run_cli("digest", "--today", TODAY, "--week", week, "-o", str(tmp_path / "{week}.md")).exit_code == 0
    html = (tmp_path / f"{week}.html").read_text()
    md = (tmp_path / f"{week}.md").read_text()
    assert (tmp_path / f"{week}.svg").exists()

    rows = example_rows()
    sunday = monday + timedelta(days=6)
    totals = expected_rows(rows, monday)
    assert Tables(html).tables["totals"][1:] == totals
    assert md_table(md, "| | This week") == totals

    # the example config narrows the caution band to 1.25-1.5
    ratio = load_ratio(rows, sunday)
    band = next(text for upper, text in [
        (0.8, "under 0.8"), (1.25, "0.8-1.25"), (1.5, "1.25-1.5"), (float("inf"), "over 1.5")] if ratio < upper)
    assert f"Load ratio: {shown_ratio(ratio)} ({band}:" in md
    assert f'<strong class="big">{shown_ratio(ratio)}</strong>' in html

    first = min(local_day(r) for r in runs_between(rows, date.min, sunday))
    weeks = []
    for back in range(11, -1, -1):
        m = monday - timedelta(weeks=back)
        t = week_totals(rows, m)
        s = m + timedelta(days=6)
        r = shown_ratio(load_ratio(rows, s)) if (s - first).days + 1 >= 35 else "–"
        weeks.append([f"{m.isocalendar()[0]}-W{m.isocalendar()[1]:02d}", f"{t['km'] - t['trail']:.1f} km",
                      f"{t['trail']:.1f} km", r])
    assert Tables(html).tables["weeks"][1:] == weeks
    assert md_table(md, "| Week | Road") == weeks

    # shoes: what each pair ran up to the week's Sunday, against the example config's limits
    # (a pair first used after the week was not owned yet and is left out)
    limits = {"Nike Pegasus 40": 750.0, "Hoka Speedgoat 5": 600.0, "Brooks Ghost 15": 700.0}
    upto = [r for r in rows if local_day(r) <= sunday]
    week_runs = runs_between(rows, monday, sunday)
    shoes = []
    for name, limit in limits.items():
        km = sum(r["distance_m"] for r in upto if r["gear"] == name) / 1000
        week_km = sum(r["distance_m"] for r in week_runs if r["gear"] == name) / 1000
        if km > 0:
            # a pair at 80% of its limit or more says its level in words beside the bar
            level = " (info)" if km / limit >= 0.8 else ""
            shoes.append((km / limit, [name, f"{km:.1f} km", f"{life(km, limit)} of {limit:g} km{level}",
                                       f"{week_km:.1f} km"]))
    expected_shoes = [row for _, row in sorted(shoes, key=lambda s: -s[0])]
    assert [r for r in Tables(html).tables["shoes"][1:] if len(r) == 4] == expected_shoes
    for r in week_runs:
        line = f"{local_day(r):%a} {local_day(r).day} {local_day(r):%b}: {r['name']}, {r['distance_m'] / 1000:.1f} km"
        assert line.replace('"', "&#34;") in html
    # the symptoms' routine (the example's arch note) is tested in test_digest_symptoms.py
    symptom_items = html.split('id="while-it-lasts"')[1].split("</div>")[0].count("<li>") \
        if 'id="while-it-lasts"' in html else 0
    assert html.count("<li>") - symptom_items == len(week_runs) + (len(CHECKLIST) if "id=\"checklist\"" in html else 0)


# -- cron ------------------------------------------------------------------------------------------

CRONTAB = EXAMPLES / "cron" / "digest.crontab"


def cron_env(home: Path, tmp_path: Path) -> dict[str, str]:
    """cron's bare environment for a job, with loadguard's folder on PATH."""
    import shutil

    program = shutil.which("loadguard", path=str(Path(sys.executable).parent))
    if program is None:
        pytest.skip("the loadguard command is not installed beside this Python")
    user_home = tmp_path / "user"
    user_home.mkdir()
    return {"HOME": str(user_home), "PATH": f"{Path(program).parent}:/usr/bin:/bin",
            "LOADGUARD_HOME": str(home), "SHELL": "/bin/sh", "LOGNAME": "runner"}


def cron_job(needle: str) -> str:
    [job] = [line for line in CRONTAB.read_text().splitlines() if line[:1].isdigit() and needle in line]
    return job.split(None, 5)[5]


def run_as_cron(command: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["/bin/sh", "-c", command], env=env, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)


def test_cron_example_line_runs_in_crons_bare_environment(store, home, tmp_path):
    """The example's job line as /bin/sh runs it for cron: no terminal, a bare environment."""
    import os

    env = cron_env(home, tmp_path)
    command = cron_job(" -o ")
    assert command == "loadguard digest --week last -o ~/loadguard/digests/{week}.html"
    store.upsert_activities(steady_weeks(SUNDAY + timedelta(days=1), 6, 30.0))
    # --today pins "last" to 2026-W47, as on Monday 23 November
    done = run_as_cron(command + " --today 2026-11-23", env)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")   # nothing for cron to mail
    page = Path(env["HOME"]) / "loadguard" / "digests" / "2026-W47.html"
    assert "loadguard · week 47, 2026 · Mon 16 – Sun 22 Nov" in page.read_text()
    assert not (Path(os.getcwd()) / "~").exists()


def test_cron_mail_line_hands_sendmail_one_message(store, home, tmp_path):
    """The example's mail job, with a stand-in for sendmail that keeps what it was given."""
    env = cron_env(home, tmp_path)
    command = cron_job("--email")
    assert command == "loadguard digest --week last --email | /usr/sbin/sendmail -t"
    assert "loadguard digest --week last --email | /usr/sbin/sendmail -t" in (EXAMPLES / "cron" / "README.md").read_text()
    assert "loadguard digest --week last --email | /usr/sbin/sendmail -t" in (EXAMPLES.parent / "README.md").read_text()
    store.upsert_activities(steady_weeks(SUNDAY + timedelta(days=1), 6, 30.0))
    (home / "config.toml").write_text('[digest]\nemail_to = "runner@example.com"\nemail_from = "lg@example.org"\n')
    sendmail = tmp_path / "sendmail"
    sendmail.write_text(f'#!/bin/sh\n[ "$1" = "-t" ] || exit 64\ncat > {tmp_path / "sent.eml"}\n')
    sendmail.chmod(0o755)
    done = run_as_cron(command.replace("--email", "--email --today 2026-11-23")
                       .replace("/usr/sbin/sendmail", str(sendmail)), env)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    msg = parse_mail((tmp_path / "sent.eml").read_text())
    assert msg["To"] == "runner@example.com" and msg["Subject"].startswith("loadguard 2026-W47: ")
    assert [p.get_content_type() for p in msg.walk()] == [
        "multipart/alternative", "text/plain", "multipart/related", "text/html", "image/png"]


def test_bad_ratio_method_is_one_line_even_with_the_detector_off(store, home, run_cli):
    store.upsert_activities(steady_weeks(MONDAY, 6, 30.0))
    (home / "config.toml").write_text('[detectors."volume.weekly_load"]\nenabled = false\nmethod = "median"\n')
    result = run_cli("digest", "--week", WEEK, "--today", TODAY)
    assert result.exit_code == 3
    assert result.stderr.startswith("loadguard: ") and result.stderr.count("\n") == 1
    assert result.stderr.endswith("config.toml: detectors.volume.weekly_load.method must be one of "
                                  "'rolling', 'ewma', got 'median'\n")


def test_markdown_named_like_its_chart_is_refused(run_cli, tmp_path):
    result = run_cli("digest", "--week", WEEK, "--today", TODAY, "-o", str(tmp_path / "w.svg"))
    assert result.exit_code == 3 and "not ending in .svg" in result.stderr
    assert not (tmp_path / "w.svg").exists()


# -- e-mail -------------------------------------------------------------------------------------


def parse_mail(raw: str):
    from email import policy
    from email.parser import BytesParser

    return BytesParser(policy=policy.default).parsebytes(raw.encode("ascii"))   # 7-bit clean, as SMTP wants


def test_email_is_text_and_html_with_the_chart_inline(athlete, run_cli):
    from email.utils import parsedate_to_datetime
    from io import BytesIO

    from PIL import Image

    result = run_cli("digest", "--today", TODAY, "--week", WEEK, "--email",
                     "--to", "runner@example.com", "--from", "loadguard <lg@example.org>")
    assert result.exit_code == 0, result.stderr
    msg = parse_mail(result.stdout)
    assert msg["To"] == "runner@example.com" and msg["From"] == "loadguard <lg@example.org>"
    headline = re.search(r'<h1 id="headline"[^>]*>(.*?)</h1>', run_cli_html(run_cli))[1]
    assert msg["Subject"] == "loadguard 2026-W47: " + headline
    assert parsedate_to_datetime(msg["Date"]).tzinfo is not None
    assert re.fullmatch(r"<[^<>@\s]+@example\.org>", msg["Message-ID"])

    assert msg.get_content_type() == "multipart/alternative"
    text, related = msg.iter_parts()
    assert text.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html_part, image = related.iter_parts()
    assert html_part.get_content_type() == "text/html" and image.get_content_type() == "image/png"

    html = html_part.get_content()
    assert Tables(html).tables["totals"][1:] == expected_rows(athlete, MONDAY)
    assert "<svg" not in html                          # mail clients drop inline SVG
    # the <img> names the image part by its Content-ID, and carries the chart in words
    img = re.search(r'<img src="cid:([^"]+)" width="400" alt="([^"]+)"', html)
    assert img and image["Content-ID"] == f"<{img[1]}>"
    assert img[2].startswith("Weekly distance over the 12 weeks to Sun 22 Nov:")
    with Image.open(BytesIO(image.get_content())) as png:
        assert png.format == "PNG" and png.width == 720     # the phone-width drawing (360 pt) at 2x


def test_email_html_keeps_its_look_without_a_style_sheet(athlete, run_cli):
    """Gmail's app and Outlook drop <style>, media queries and <details>: every element
    that has a look carries it inline."""
    msg = parse_mail(run_cli("digest", "--today", TODAY, "--week", WEEK, "--email",
                             "--to", "runner@example.com", "--from", "lg@example.org").stdout)
    html = msg.get_body(("html",)).get_content()
    assert "<style" not in html and "@media" not in html and "<details" not in html
    styled = re.findall(r"<(\w+)( class=\"[^\"]*\")?( style=\"[^\"]*\")?", html[html.index("<body"):])
    from loadguard.digest.styles import STYLES

    # every element wearing a styled class wears its declarations too
    classed = [(tag, cls, style) for tag, cls, style in styled if set(cls[8:-1].split()) & set(STYLES)]
    assert len(classed) > 50 and all(style for _, _, style in classed), [c for c in classed if not c[2]][:3]
    # severity in words on every card, with its colour inline
    tags = re.findall(r'<span class="tag tag-(\w+)" style="([^"]*)">(\w+)</span>', html)
    assert tags and all(word.lower() == level and "background:#" in style for level, style, word in tags)


def test_email_text_part_is_written_for_reading(athlete, run_cli):
    msg = parse_mail(run_cli("digest", "--today", TODAY, "--week", WEEK, "--email",
                             "--to", "runner@example.com", "--from", "lg@example.org").stdout)
    plain = msg.get_body(("plain",)).get_content()
    lines = plain.splitlines()
    assert lines[0] == msg["Subject"].removeprefix("loadguard 2026-W47: ")   # the top item first, as the subject
    # no Markdown: no tables, no emphasis marks or headings; lines a mail reader need not reflow
    assert not any(line.lstrip().startswith(("|", "#", "**", "- [ ]")) for line in lines)
    assert "**" not in plain and "\\" not in plain
    assert max(len(line) for line in lines) <= 78
    # the numbers as sentences against the one usual week
    this = week_totals(athlete, MONDAY)
    [usual] = [row[2] for row in expected_rows(athlete, MONDAY) if row[0] == "Distance"]
    assert f"   Distance: {this['km']:.1f} km (usual {usual}," in plain
    assert f"against a usual week of {usual}" in plain
    assert "Next week: up to " in plain and "The chart is in the HTML version of this message." in plain


def run_cli_html(run_cli) -> str:
    result = run_cli("digest", "--today", TODAY, "--week", WEEK, "--format", "html")
    assert result.exit_code == 0
    return result.stdout


def test_email_addresses_from_config_and_to_a_file(athlete, home, run_cli, tmp_path):
    (home / "config.toml").write_text('[digest]\nemail_to = "Runner <r@example.com>"\nemail_from = "lg@example.org"\n')
    result = run_cli("digest", "--today", TODAY, "--week", WEEK, "--email", "-o", str(tmp_path / "{week}.eml"))
    assert result.exit_code == 0 and result.stdout == ""
    msg = parse_mail((tmp_path / "2026-W47.eml").read_text())
    assert msg["To"] == "Runner <r@example.com>" and msg["From"] == "lg@example.org"
    # a flag wins over the file
    msg = parse_mail(run_cli("digest", "--today", TODAY, "--week", WEEK, "--email", "--to", "x@example.net").stdout)
    assert msg["To"] == "x@example.net" and msg["From"] == "lg@example.org"


@pytest.mark.parametrize("args, message", [
    (["--email"], "--email needs --to ADDRESS or email_to under [digest]"),
    (["--email", "--from", "a@example.com"], "--email needs --to ADDRESS or email_to under [digest]"),
    (["--email", "--to", "not an address", "--from", "a@example.com"], "e-mail address"),
    (["--email", "--format", "md", "--to", "a@example.com", "--from", "a@example.com"], "exclude each other"),
    (["--to", "a@example.com"], "--to and --from go with --email"),
])
def test_email_usage_errors(store, run_cli, args, message):
    result = run_cli("digest", "--today", TODAY, "--week", WEEK, *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_email_without_from_is_from_loadguard_at_the_to_address(store, run_cli):
    result = run_cli("digest", "--today", TODAY, "--week", WEEK, "--email", "--to", "Runner <r@example.com>")
    assert result.exit_code == 0, result.stderr
    msg = parse_mail(result.stdout)
    assert msg["To"] == "Runner <r@example.com>" and msg["From"] == "loadguard <r@example.com>"


def test_bad_address_in_config_is_one_line(store, home, run_cli):
    (home / "config.toml").write_text('[digest]\nemail_to = "runner"\n')
    result = run_cli("digest", "--today", TODAY, "--week", WEEK, "--email", "--from", "a@example.com")
    assert result.exit_code == 3
    assert "digest.email_to must be an e-mail address" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# -- next week ------------------------------------------------------------------------------------


def next_week_line(text: str) -> tuple[float, float]:
    m = re.search(r"Next week: up to (\d+) km, long run up to (\d+\.\d) km\.", text)
    assert m, text
    return float(m[1]), float(m[2])


def test_next_weeks_long_run_is_the_spike_rules_own_line(store, run_cli, check_json):
    store.upsert_activities(steady_weeks(SUNDAY + timedelta(days=1), 6, 30.0))   # 7.5 km runs to Sunday
    md = run_cli("digest", "--week", WEEK, "--today", TODAY).stdout
    assert "**STEADY.** A good week" in md
    week_km, long_km = next_week_line(md)
    # `loadguard ahead`'s lines: next week spread evenly, Saturday's 7 days still hold
    # Sunday's 7.5 km, so 7.5 + 6/7 of it stays under the 30 km x 1.3 caution line:
    # under 36.75, 36 in whole km; the long run 7.5 km + the spike rule's 2 km floor
    assert week_km == 36 and long_km == 9.4
    spike = lambda day: [w for w in check_json(day) if w["rule"] == "volume.long_run_spike"]   # noqa: E731
    monday = SUNDAY + timedelta(days=1)
    store.upsert_activities([run(monday, long_km, id=999)])
    assert spike(monday) == []
    store.upsert_activities([run(monday, long_km * 1.05 + 0.5, id=999)])
    assert spike(monday)


def test_after_a_big_step_next_week_holds_back(store, run_cli):
    store.upsert_activities(steady_weeks(MONDAY, 5, 30.0))
    store.upsert_activities([run(MONDAY + timedelta(days=d), 8.0) for d in range(6)])   # 48 km: ratio 1.6
    md = run_cli("digest", "--week", WEEK, "--today", TODAY).stdout
    assert "**CAUTION.**" in md
    week_km, long_km = next_week_line(md)
    # `loadguard ahead`'s line: the first days' 7-day windows still hold this week's 8 km
    # runs, so next week spread evenly stays under every day's caution line only well under
    # this week's 48 km; the long run to the line before the week (7.5 km + 2 km), not the
    # 9.9 its 8 km runs allow
    ahead = json.loads(run_cli("ahead", "--as-of", (MONDAY + timedelta(days=6)).isoformat(),
                               "--format", "json").stdout)
    assert week_km == math.floor(ahead["week_km"]) < 40 and long_km == 9.4


def test_rotation_says_which_days_it_counted_beside_the_weeks_shoe_table(run_cli):
    # The example's rotation finding of the week is Monday's; the Speedgoat ran 42.9 km later
    # that week. Shoe findings are the shoes as they stand on the week's last day, so the
    # card is gone by Sunday and the page never reads "not worn" beside 42.9 km.
    assert run_cli("import", str(EXAMPLES / "athlete"), "--timezone", "America/New_York").exit_code == 0
    monday = run_cli("check", "--as-of", "2026-11-16").stdout
    assert "'Hoka Speedgoat 5' were not worn" in " ".join(monday.split())
    md = run_cli("digest", "--today", TODAY, "--week", WEEK).stdout
    assert "were not worn" not in md
    assert "| Hoka Speedgoat 5 | 58.1 km | 700 km |" in md and "| 42.9 km |" in md
    assert "idle" not in md


@pytest.mark.skipif(not (EXAMPLES / "athlete" / "activities.csv").exists(), reason="no example athlete")
def test_a_big_week_folded_into_the_spike_later_in_the_week_is_one_card(run_cli, tmp_path):
    # Saturday's weekly-load warning (54.0 km) grows into Sunday's, which the long run's
    # spike tells ("Also, weekly distance ..."): the week is told once, in the spike's card.
    assert run_cli("import", str(EXAMPLES / "athlete"), "--timezone", "America/New_York").exit_code == 0
    md = run_cli("digest", "--today", TODAY, "--week", WEEK).stdout
    cards = re.findall(r"^### (\w+) · (.+)$", md, re.M)
    assert ("ALERT", "A run much longer than anything in the past month") in cards
    assert not [c for c in cards if c[1] == "Weekly distance well above your recent weeks"]
    assert md.count("Also, weekly distance well above your recent weeks (alert): 60.9 km") == 1
