"""The bundled example athlete shows its headline warnings as of 2026-11-22."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from loadguard.sources.export import gear_id

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = "2026-11-22"

EXPECTED = {
    # alerts, not warns: the arch note on the long trail run makes the volume rules stricter,
    # so the weekly episode also begins earlier; it is told inside the spike's message
    ("volume.weekly_load", "alert", "2026-11-11"),    # subjects: the day each episode began,
    ("volume.long_run_spike", "alert", None),         # the long trail run's activity id,
    ("terrain.trail_switch", "warn", "2026-11-18"),
    ("shoes.mileage", "info", gear_id("Nike Pegasus 40")),
    ("symptoms.notes", "warn", None),                 # the arch note on the long trail run
    ("symptoms.after_load", "warn", None),
    ("stride.cadence", "info", None),
}


@pytest.mark.parametrize("setup", ["example config", "--timezone only"])
def test_example_athlete_triggers_its_headline_rules(run_cli, home, setup):
    if setup == "example config":
        shutil.copy(EXAMPLES / "config.toml", home / "config.toml")
        imported = run_cli("import", str(EXAMPLES / "athlete"))
    else:
        imported = run_cli("import", str(EXAMPLES / "athlete"), "--timezone", "America/New_York")
    assert imported.exit_code == 0, imported.stderr
    assert "171 activities (171 new, 0 updated, 0 unchanged), 3 shoes" in imported.stdout

    result = run_cli("check", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.stderr
    warnings = json.loads(result.stdout)["warnings"]
    # folded findings count too: the big week is told inside the spike of its long run
    found = {(w["rule"], w["severity"], w["subject"]) for w in warnings} | {
        (a["rule"], a["severity"], a["subject"]) for w in warnings for a in w["evidence"].get("also", ())}
    for rule, severity, subject in EXPECTED:
        matching = [f for f in found if f[0] == rule]
        assert any(f[1] == severity and subject in (None, f[2]) for f in matching), (rule, sorted(found))

    spike = next(w for w in warnings if w["rule"] == "volume.long_run_spike")
    assert spike["message"].startswith("Run 'Bear Mountain")
    # the week folded into it is told without repeating what the spike already said
    assert " Also, weekly distance well above your recent weeks (alert): 60.9 km" in spike["message"]
    assert spike["message"].count("Stricter thresholds while a symptom is recent.") == 1
    # Only the road shoe is worn out; the retired-looking and the trail pair are not.
    assert [w["subject"] for w in warnings if w["rule"] == "shoes.mileage"] == [gear_id("Nike Pegasus 40")]


def test_rerunning_the_generator_reproduces_the_committed_files():
    done = subprocess.run([sys.executable, str(EXAMPLES / "make_example.py"), "--check"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_example_activity_is_labelled_synthetic():
    import csv

    with (EXAMPLES / "athlete" / "activities.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 171
    assert all("Synthetic example data" in r["Activity Description"] for r in rows)


def test_the_examples_readme_quotes_only_figures_check_prints(run_cli, home):
    shutil.copy(EXAMPLES / "config.toml", home / "config.toml")
    assert run_cli("import", str(EXAMPLES / "athlete")).exit_code == 0
    printed = " ".join(run_cli("check", "--as-of", AS_OF).stdout.split())
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    table = [line for line in readme.splitlines() if line.startswith("| `")]
    assert len(table) == 8
    for line in table:
        why = line.rsplit("|", 2)[1]
        # "60.9 km", "1.60", "40%", "4.1x", "28 m", "7 m/km": each as check prints it
        for figure in re.findall(r"\d+(?:\.\d+)?(?:x| km| m/km| m\b|%)?", why):
            if "%" in figure or "." in figure or " " in figure or figure.endswith("x"):
                assert figure in printed or figure.replace(" m", " m of climb") in printed, (figure, why)
