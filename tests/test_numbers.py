"""One number everywhere: `check` text, its JSON, `shoes` and the digest show the same figures."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from conftest import run, shoe, steady_weeks

from loadguard import numbers as num

SUNDAY = date(2026, 6, 28)
MONDAY = SUNDAY - timedelta(days=6)
WEEK = "2026-W26"


@pytest.fixture
def history(store):
    """40 km weeks, then 63.9 km (ratio 1.5975) in the week to SUNDAY, on a shoe at 91.6% of 700 km."""
    store.upsert_gear([shoe("gA", "Pegasus 40", 641.2)])
    store.upsert_activities(steady_weeks(MONDAY, 6, 40.0))
    store.upsert_activities([run(MONDAY + timedelta(days=d), km) for d, km in ((0, 15.0), (2, 15.0), (4, 15.0),
                                                                                 (6, 18.9))])
    return store


def test_rules_of_the_quantities():
    assert num.ratio_text(1.5975) == "1.59" and num.ratio_text(1.4999999999) == "1.50"
    assert num.percent_text(0.916) == "91%" and num.share(0.916) == 0.91
    assert num.change_text(63.9, 40.0) == "+59%" and num.change_text(30.0, 40.0) == "-25%"
    assert num.km_text(60.96) == "61.0 km" and num.limit_km_text(750.0) == "750 km"
    assert num.points_text(70.4, 0.6) == "+70 pts"
    assert num.m_per_km_text(6.8) == "7 m/km" and num.times_text(4.13) == "4.1x"


def test_check_text_json_shoes_and_digest_agree(history, run_cli):
    as_of = SUNDAY.isoformat()
    text = " ".join(run_cli("check", "--as-of", as_of).stdout.split())
    warnings = {w["rule"]: w for w in json.loads(run_cli("check", "--as-of", as_of, "--format", "json").stdout)["warnings"]}
    shoes_text = run_cli("shoes", "--as-of", as_of).stdout
    [shoe_row] = json.loads(run_cli("shoes", "--as-of", as_of, "--format", "json").stdout)["shoes"]
    digest = run_cli("digest", "--week", WEEK, "--today", as_of).stdout

    # the load ratio: 1.5975 is 1.59 in the message, the JSON and the digest (never 1.60 anywhere)
    load = warnings["volume.weekly_load"]
    assert load["evidence"]["ratio"] == 1.59
    assert "(+59%): load ratio 1.59" in load["message"] and "load ratio 1.59" in text
    assert "**Load ratio:** 1.59 (" in digest
    assert "| Distance | 63.9 km | 40.0 km | +59% |" in digest
    assert "1.60" not in text + digest + json.dumps(warnings)

    # a shoe at 91.6% of its life is 91% in check, shoes and the digest, 0.91 in both JSONs
    mileage = warnings["shoes.mileage"]
    assert "'Pegasus 40' has 641.2 km, 91% of its 700 km limit" in mileage["message"]
    assert mileage["evidence"]["life_used"] == 0.91 and mileage["evidence"]["distance_km"] == 641.2
    assert shoe_row["life"] == 0.91 and shoe_row["distance_km"] == 641.2
    assert re.search(r"Pegasus 40\s+641\.2 km\s+700 km\s+91%", shoes_text)
    assert "| Pegasus 40 | 641.2 km | 700 km | █████████░ 91% |" in digest
    assert "92%" not in text + shoes_text + digest and "91.6" not in text + shoes_text + digest


def test_every_number_in_a_message_is_its_evidence(history, run_cli):
    """The JSON evidence holds the figures the message shows, not more digits."""
    warnings = json.loads(run_cli("check", "--as-of", SUNDAY.isoformat(), "--format", "json").stdout)["warnings"]
    assert warnings
    for w in warnings:
        shown = set(re.findall(r"\d+(?:\.\d+)?", w["message"]))
        for key, value in w["evidence"].items():
            if isinstance(value, float) and key not in ("limit_km",):
                as_text = {f"{value:.1f}", f"{value:.2f}", f"{value * 100:.0f}", f"{value:.0f}"}
                assert as_text & shown, (w["rule"], key, value, w["message"])
