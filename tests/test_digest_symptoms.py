"""The digest's symptoms section: the week's entries, the load before them, the checklist."""

from __future__ import annotations

from datetime import date, timedelta

from conftest import run, steady_weeks

from loadguard.symptoms import log as symptoms

SPIKE = date(2026, 6, 3)  # a Wednesday of ISO week 2026-W23


def history(store) -> None:
    store.upsert_activities(steady_weeks(SPIKE, 6, 40.0) + [run(SPIKE, 15.0, hour=18)])


def test_the_week_with_a_symptom_shows_it_with_the_load_before_it(store, run_cli):
    history(store)
    symptoms.add(store, day=SPIKE + timedelta(days=3), place="arch", side="left", kind="burning",
                 timing="night", intensity=5)
    result = run_cli("digest", "--week", "2026-W23", "--today", "2026-06-08")
    assert result.exit_code == 0, result.stderr
    section = result.stdout.split("## Symptoms", 1)[1].split("## Shoes", 1)[0]
    assert "Sat 6 Jun: Burning, left arch, at night, 5/10" in section
    assert "Nerve-type, in the foot: stop running through it, have it looked at." in section
    assert "Came 3 days after a run 50% over your 30-day longest (15.0 km)" in section
    assert "Nerve gliding" in section and "podiatrist" in section

    page = run_cli("digest", "--week", "2026-W23", "--today", "2026-06-08", "--format", "html")
    assert '<h3 id="symptoms">' in page.stdout and "Came 3 days after a run 50% over" in page.stdout


def test_a_week_without_symptoms_has_no_section(store, run_cli):
    history(store)
    symptoms.add(store, day=SPIKE - timedelta(days=10), place="heel", kind="stiffness", side="right",
                 timing="morning", intensity=2)
    result = run_cli("digest", "--week", "2026-W23", "--today", "2026-06-08")
    assert result.exit_code == 0, result.stderr
    assert "## Symptoms" not in result.stdout and "Nerve gliding" not in result.stdout
