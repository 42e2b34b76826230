"""A rule is one module plus an entry point: what the engine needs to know of it —
stricter lines after a symptom, how its magnitude grows, which rule speaks first,
how its earlier findings are phrased, its advice and reference — it declares on
itself, and check, replay and the digest honour it (issue 14)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from conftest import run
from test_check_command import install_plugin

MONDAY = date(2026, 6, 15)  # ISO week 2026-W25
SURGE = '''
    from loadguard.model import Severity, Warning

    class Rule:
        id = "volume.surge"
        defaults = {"line": 10.0}
        careful = {"line": 5.0}        # while a symptom is recent, a 5 km week is a surge
        magnitude = "km"               # told again once the week grows 1.25 times past the one told
        precedence = -1                # names itself before the built-in volume rules

        @staticmethod
        def phrase(warning):
            return f"a surge of {warning.evidence['km']:g} km"

        def detect(self, frames, config):
            km = round(float(frames.last_days(7)["distance_km"].sum()), 1)
            if km < config["line"]:
                return []
            return [Warning(rule=self.id, severity=Severity.WARN, date=frames.as_of, subject="the surge",
                            title="A surge", message=f"{km:g} km in 7 days (line {config['line']:g})",
                            evidence={"km": km}, advice="Ease off the surges.",
                            reference="Plugin et al. 2026")]
'''


def install(tmp_path, monkeypatch) -> None:
    install_plugin(tmp_path, monkeypatch, "surge-rule", "volume.surge", SURGE)


def warnings(run_cli, day: date, *extra: str) -> list[dict]:
    result = run_cli("check", "--as-of", day.isoformat(), "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["warnings"] if result.stdout else []


def surges(found: list[dict]) -> list[dict]:
    return [w for w in found if w["rule"] == "volume.surge"]


def mailed(run_cli, first: date, last: date) -> list[tuple[str, str]]:
    result = run_cli("replay", "--from", first.isoformat(), "--to", last.isoformat(), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [(m["day"], m["message"]) for m in json.loads(result.stdout)["mailed"] if m["rule"] == "volume.surge"]


def test_advice_and_magnitude_declared_on_the_rule(store, run_cli, tmp_path, monkeypatch):
    install(tmp_path, monkeypatch)
    store.upsert_activities([run(MONDAY, 12.0), run(MONDAY + timedelta(days=1), 1.0),
                             run(MONDAY + timedelta(days=2), 3.0)])
    [w] = surges(warnings(run_cli, MONDAY))
    assert (w["advice"], w["reference"]) == ("Ease off the surges.", "Plugin et al. 2026")
    # check --new: told at 12 km, not at 13 (under 12 x 1.25), again at 16
    told = [surges(warnings(run_cli, MONDAY + timedelta(days=i), "--new")) for i in range(3)]
    assert [[w["message"] for w in day] for day in told] == [
        ["12 km in 7 days (line 10)"], [], ["16 km in 7 days (line 10)"]]
    # replay judges "new" with the same ledger
    assert mailed(run_cli, MONDAY, MONDAY + timedelta(days=2)) == [
        (MONDAY.isoformat(), "12 km in 7 days (line 10)"),
        ((MONDAY + timedelta(days=2)).isoformat(), "16 km in 7 days (line 10)")]


def test_careful_line_declared_on_the_rule(store, run_cli, tmp_path, monkeypatch):
    install(tmp_path, monkeypatch)
    store.upsert_activities([run(MONDAY, 7.0)])
    assert surges(warnings(run_cli, MONDAY)) == []
    added = run_cli("symptom", "add", "--date", MONDAY.isoformat(), "--where", "calf", "--side", "left",
                    "--what", "dull ache", "--intensity", "2", "--today", MONDAY.isoformat())
    assert added.exit_code == 0, added.stderr
    [w] = surges(warnings(run_cli, MONDAY))
    assert w["message"] == "7 km in 7 days (line 5) Stricter thresholds while a symptom is recent."
    assert mailed(run_cli, MONDAY - timedelta(days=3), MONDAY) == [(MONDAY.isoformat(), w["message"])]


def test_precedence_and_phrase_declared_on_the_rule(store, home, run_cli, tmp_path, monkeypatch):
    """A symptom after a week that both the built-in spike and the plugin see: the plugin
    speaks first (precedence -1 before the spike's 0), in its own words, in check,
    replay and the digest."""
    install(tmp_path, monkeypatch)
    # the usual lines, so both rules are warns (a recent symptom would make the spike an alert)
    (home / "config.toml").write_text("[symptoms]\ncareful_days = 0\n")
    store.upsert_activities([run(MONDAY - timedelta(days=d), 4.0) for d in range(4, 40, 4)]
                            + [run(MONDAY, 7.0)])
    added = run_cli("symptom", "add", "--date", (MONDAY + timedelta(days=1)).isoformat(), "--where", "calf",
                    "--side", "left", "--what", "dull ache", "--intensity", "2",
                    "--today", (MONDAY + timedelta(days=1)).isoformat())
    assert added.exit_code == 0, added.stderr
    day = MONDAY + timedelta(days=1)
    found = warnings(run_cli, day)
    spike = [w for w in found if w["rule"] == "volume.long_run_spike"]
    assert spike and spike[0]["severity"] == "warn"   # the built-in rule saw it too, as severe
    [after] = [w for w in found if w["rule"] == "symptoms.after_load"]
    assert "began 1 day after a surge of 11 km" in after["message"]
    assert "over your 30-day longest" not in after["message"]
    replayed = run_cli("replay", "--from", day.isoformat(), "--to", day.isoformat(), "--format", "json")
    assert [m["message"] for m in json.loads(replayed.stdout)["mailed"]
            if m["rule"] == "symptoms.after_load"] == [after["message"]]
    digest = run_cli("digest", "--week", "2026-W25", "--today", (MONDAY + timedelta(days=6)).isoformat())
    assert digest.exit_code == 0, digest.stderr
    assert "Came 1 day after a surge of 11 km." in digest.stdout
    assert "Ease off the surges." in digest.stdout
