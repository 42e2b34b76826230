"""The digest's symptoms: first on the page and in the headline, each told once with
the load before it, and the routine while it lasts."""

from __future__ import annotations

from datetime import date, timedelta

from conftest import run, steady_weeks

from loadguard.symptoms import log as symptoms

SPIKE = date(2026, 6, 3)  # a Wednesday of ISO week 2026-W23


def history(store) -> None:
    store.upsert_activities(steady_weeks(SPIKE, 6, 40.0) + [run(SPIKE, 15.0, hour=18)])


def test_the_week_with_a_symptom_shows_it_first_with_the_load_before_it(store, run_cli):
    history(store)
    symptoms.add(store, day=SPIKE + timedelta(days=3), place="arch", side="left", kind="burning",
                 timing="night", intensity=5)
    result = run_cli("digest", "--week", "2026-W23", "--today", "2026-06-08")
    assert result.exit_code == 0, result.stderr
    md = result.stdout
    headline = md.splitlines()[4]
    assert headline.startswith("**Nerve-type symptom in the foot: stop running through it;")
    assert "**STOP AND LISTEN.**" in md and "rest until the symptom has settled" in md
    cards = md.split("## What to look at, most important first", 1)[1].split("## The week in numbers", 1)[0]
    first = cards.split("\n### ")[1]
    assert first.startswith("SYMPTOM · Nerve-type symptom in the foot: stop running through it")
    assert "Burning, left arch, at night, 5/10" in first and "Sat 6 Jun" in first
    assert "Came 3 days after a run 50% over your 30-day longest (15.0 km)" in first
    # the spike it came after is a card of its own, after it
    assert cards.index("SYMPTOM") < cards.index("A run much longer than anything in the past month")
    assert "Nerve gliding" in cards and "podiatrist" in cards

    page = run_cli("digest", "--week", "2026-W23", "--today", "2026-06-08", "--format", "html").stdout
    first_card = page[page.index('<div data-level='):]
    assert first_card.startswith('<div data-level="symptom"') and "Came 3 days after a run 50% over" in first_card


def test_a_symptom_logged_and_noted_the_same_day_is_told_once(store, run_cli):
    history(store)
    store.upsert_activities([{**run(SPIKE + timedelta(days=3), 8.0, name="Evening"),
                              "description": "left arch burning again after 5k"}])
    symptoms.add(store, day=SPIKE + timedelta(days=3), place="arch", side="left", kind="burning",
                 timing="during", intensity=5)
    md = run_cli("digest", "--week", "2026-W23", "--today", "2026-06-08").stdout
    assert md.count("### SYMPTOM") == 1 and "burning again" not in md


def test_a_week_without_symptoms_has_no_section(store, run_cli):
    history(store)
    symptoms.add(store, day=SPIKE - timedelta(days=10), place="heel", kind="stiffness", side="right",
                 timing="morning", intensity=2)
    result = run_cli("digest", "--week", "2026-W23", "--today", "2026-06-08")
    assert result.exit_code == 0, result.stderr
    assert "SYMPTOM" not in result.stdout and "Nerve gliding" not in result.stdout
