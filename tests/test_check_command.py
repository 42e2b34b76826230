"""`loadguard check`: output, --new, --fail-on, and one-line errors for bad input."""

from __future__ import annotations

import json
import math
import sqlite3
import textwrap
from datetime import date, timedelta

import pytest
from conftest import run, shoe, steady_weeks

AS_OF = date(2026, 6, 28)
ACUTE_FIRST = AS_OF - timedelta(days=6)


def jump(store, acute_km: float, day_offsets=(0, 2, 4, 5)):
    """40 km weeks, then `acute_km` in the last 7 days: a weekly_load finding (ratio acute / 40).

    No run is longer than the base's 10 km runs, so no spike explains the week away.
    """
    per_day = math.ceil(round(acute_km / (10 * len(day_offsets)), 6))
    km = acute_km / (per_day * len(day_offsets))
    store.upsert_activities([run(AS_OF - timedelta(days=d), km, hour=6 + 4 * h)
                             for d in day_offsets for h in range(per_day)])


@pytest.fixture
def history(store):
    store.upsert_activities(steady_weeks(ACUTE_FIRST, 6, 40.0))
    return store


def test_fresh_home_has_no_warnings(run_cli, home):
    result = run_cli("check", "--as-of", "2026-06-28")
    assert result.exit_code == 0
    assert "no warnings" in result.stdout
    assert result.stdout.rstrip().split("\n\n")[-1].startswith("loadguard is not medical advice")
    assert (home / "loadguard.db").exists()


def test_text_output_grouped_by_severity_with_advice_and_disclaimer(history, run_cli):
    history.upsert_gear([shoe("gA", "Pegasus 40", 600.0)])
    jump(history, 120.0)                                   # ratio 3.0: alert
    out = run_cli("check", "--as-of", AS_OF.isoformat()).stdout
    assert "\x1b[" not in out                              # no colour codes off a terminal
    alert, info = out.index("ALERT (1)"), out.index("INFO (")
    assert alert < out.index("volume.weekly_load") < info < out.index("shoes.mileage")
    doc = json.loads(run_cli("check", "--as-of", AS_OF.isoformat(), "--format", "json").stdout)
    body = " ".join(out.split())
    for w in doc["warnings"]:                                # each message whole, wrapped like the advice
        assert " ".join(w["message"].split()) in body
    assert max(len(line) for line in out.splitlines()) <= 80    # not a terminal: 80 columns
    assert out.count("What to do:") == out.count("Evidence:") >= 2
    assert " ".join(out.rstrip().split("\n\n")[-1].split()) == (
        "loadguard is not medical advice. Tingling, numbness or burning in the foot "
        "means stop running and have a professional look.")


def test_json_shape(history, run_cli):
    jump(history, 64.0)
    doc = json.loads(run_cli("check", "--as-of", AS_OF.isoformat(), "--format", "json").stdout)
    assert doc["as_of"] == "2026-06-28"
    [w] = [w for w in doc["warnings"] if w["rule"] == "volume.weekly_load"]
    assert set(w) == {"id", "rule", "severity", "date", "subject", "title", "message", "evidence",
                      "advice", "reference"}
    assert len(w["id"]) == 16 and w["date"] == "2026-06-28"


def test_new_reports_once_and_again_only_when_worse(history, run_cli):
    jump(history, 64.0)                                         # ratio 1.6: warn
    first = run_cli("check", "--as-of", AS_OF.isoformat(), "--new")
    assert "volume.weekly_load" in first.stdout and "WARN" in first.stdout
    again = run_cli("check", "--as-of", AS_OF.isoformat(), "--new")
    assert again.exit_code == 0 and again.stdout == ""          # cron stays quiet
    jump(history, 56.0, day_offsets=(1, 3))                     # 120 km now: alert, but the same day
    assert "ALERT" in run_cli("check", "--as-of", AS_OF.isoformat()).stdout
    assert run_cli("check", "--as-of", AS_OF.isoformat(), "--new").stdout == ""   # told a week later at most


def test_new_does_not_repeat_after_severity_falls(history, run_cli, store):
    jump(history, 120.0)
    assert "ALERT" in run_cli("check", "--as-of", AS_OF.isoformat(), "--new").stdout
    store.mark_deleted([int(r) for (r,) in store.conn.execute(
        "SELECT id FROM activities WHERE start_local >= ? ORDER BY start_local DESC LIMIT 1",
        (AS_OF.isoformat(),))])
    history.upsert_activities([run(AS_OF - timedelta(days=1), 6.0)])     # 116 km: down to warn
    assert "WARN" in run_cli("check", "--as-of", AS_OF.isoformat()).stdout
    assert run_cli("check", "--as-of", AS_OF.isoformat(), "--new").stdout == ""


def test_plain_check_does_not_mark_anything_reported(history, run_cli):
    jump(history, 54.0)
    run_cli("check", "--as-of", AS_OF.isoformat())
    assert "volume.weekly_load" in run_cli("check", "--as-of", AS_OF.isoformat(), "--new").stdout


def test_an_ongoing_finding_is_not_news_the_next_day(history, run_cli):
    """Cron runs daily: a jump still there the next day is not news."""
    jump(history, 64.0, day_offsets=(1, 2, 4, 5))               # all of it by Saturday
    saturday = (AS_OF - timedelta(days=1)).isoformat()
    assert "volume.weekly_load" in run_cli("check", "--as-of", saturday, "--new").stdout
    assert "volume.weekly_load" in run_cli("check", "--as-of", AS_OF.isoformat()).stdout
    assert run_cli("check", "--as-of", AS_OF.isoformat(), "--new").stdout == ""


@pytest.mark.parametrize("acute, fail_on, code", [
    (64.0, "alert", 0), (64.0, "warn", 1), (64.0, "info", 1),    # one warn
    (120.0, "alert", 1),                                         # an alert
    (54.0, "warn", 0), (54.0, "info", 1),                        # the caution band is info
])
def test_fail_on(history, run_cli, acute, fail_on, code):
    jump(history, acute)
    assert run_cli("check", "--as-of", AS_OF.isoformat(), "--fail-on", fail_on).exit_code == code


def test_new_json_prints_nothing_when_nothing_is_new(history, run_cli):
    jump(history, 54.0)
    first = run_cli("check", "--as-of", AS_OF.isoformat(), "--new", "--format", "json")
    assert "volume.weekly_load" in [w["rule"] for w in json.loads(first.stdout)["warnings"]]
    assert run_cli("check", "--as-of", AS_OF.isoformat(), "--new", "--format", "json").stdout == ""


def test_fail_on_with_nothing_new_exits_zero(history, run_cli):
    jump(history, 64.0)
    assert run_cli("check", "--as-of", AS_OF.isoformat(), "--new", "--fail-on", "warn").exit_code == 1
    assert run_cli("check", "--as-of", AS_OF.isoformat(), "--new", "--fail-on", "warn").exit_code == 0


def test_disabled_rule_is_silent(history, run_cli, home):
    jump(history, 64.0)
    (home / "config.toml").write_text("[detectors.volume.weekly_load]\nenabled = false\n")
    assert "volume.weekly_load" not in run_cli("check", "--as-of", AS_OF.isoformat()).stdout


def test_threshold_override(history, run_cli, home):
    jump(history, 54.0)
    (home / "config.toml").write_text('[detectors."volume.weekly_load"]\ncaution = 1.4\nwarn = 1.8\n')
    assert "volume.weekly_load" not in run_cli("check", "--as-of", AS_OF.isoformat()).stdout


@pytest.mark.parametrize("toml, names", [
    ('[detectors."volume.weekly_load"]\nwarn = "high"\n', "detectors.volume.weekly_load.warn"),
    ('[detectors."volume.weekly_load"]\nwarm = 1.2\n', "detectors.volume.weekly_load.warm"),
    ('[detectors."volume.weekly_lod"]\nwarn = 1.2\n', "detectors.volume.weekly_lod"),
    ('[detectors."shoes.mileage".limits]\npegasus = -3\n', "detectors.shoes.mileage.limits.pegasus"),
    ('timezone = "Mars/Olympus"\n', "Mars/Olympus"),
    ('running_types = "Run"\n', "running_types"),
    ('colour = true\n', "colour"),
    ('[detectors\nwarn = 1\n', "not valid TOML"),
    ('timezone = "America"\n', "America"),
    ('[detectors."volume.weekly_load"]\nwarn = nan\n', "detectors.volume.weekly_load.warn"),
    ('[detectors."volume.weekly_load"]\nwarn = 3.5\n', "detectors.volume.weekly_load.warn (3.5) must be below alert"),
    ('[detectors."volume.weekly_load"]\nlightest_weeks_dropped = 4\n',
     "detectors.volume.weekly_load.lightest_weeks_dropped must be 0 to 3, got 4"),
    ('[detectors."shoes.mileage"]\nlimit_km = 0\n', "detectors.shoes.mileage.limit_km must be above zero"),
    ('[detectors."shoes.rotation"]\nweeks = 2.5\n', "detectors.shoes.rotation.weeks must be a whole number"),
    ('[detectors."volume.long_run_spike"]\nwarn_over = inf\n', "detectors.volume.long_run_spike.warn_over"),
    ('[detectors."volume.weekly_load"]\nwarn = 1.2\n[detectors.volume.weekly_load]\nalert = 1.4\n',
     "given twice"),
])
def test_bad_config_is_one_line_naming_the_key(run_cli, home, toml, names):
    (home / "config.toml").write_text(toml)
    result = run_cli("check", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 3
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("loadguard: ") and names in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_ewma_method_names_the_key(history, run_cli, home):
    (home / "config.toml").write_text('[detectors."volume.weekly_load"]\nmethod = "median"\n')
    result = run_cli("check", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 3 and "detectors.volume.weekly_load.method" in result.stderr


@pytest.mark.parametrize("content", [b"hello, this is my diary\n", b"\x00" * 100])
def test_foreign_file_as_store_is_refused_and_left_alone(run_cli, home, content):
    db = home / "loadguard.db"
    db.write_bytes(content)
    result = run_cli("check", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 3
    assert len(result.stderr.strip().splitlines()) == 1 and "not a loadguard store" in result.stderr
    assert db.read_bytes() == content


def test_other_sqlite_database_is_refused(run_cli, home):
    db = home / "loadguard.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('pancakes')")
    conn.commit()
    conn.close()
    result = run_cli("check", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 3 and "not a loadguard store" in result.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT name FROM recipes").fetchall() == [("pancakes",)]
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'activities'").fetchone()[0] == 0


def test_store_from_a_newer_loadguard_is_refused(run_cli, home, store):
    store.conn.execute("PRAGMA user_version = 99")
    result = run_cli("check", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 3 and "newer loadguard" in result.stderr


@pytest.mark.parametrize("value", ["28/06/2026", "0001-01-01", "9999-12-31"])
def test_bad_as_of_is_a_usage_error(run_cli, value):
    result = run_cli("check", "--as-of", value)
    assert result.exit_code == 2 and "--as-of" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("damage, words", [
    ("UPDATE activities SET start_local = '2026-06-27 7am' WHERE id = 1", "cannot be read"),
    # the register keeps days, never times with a zone
    ("UPDATE shoe_pairs SET in_use_from = '2026-06-01T00:00:00Z'",
     "cannot be read: '2026-06-01T00:00:00Z' carries a time zone"),
])
def test_damaged_rows_in_the_store_are_one_line(run_cli, store, damage, words):
    store.upsert_gear([shoe("gA", "Shoe A")])
    store.upsert_activities([run(AS_OF, 10.0, id=1)])
    assert run_cli("shoes", "set-limit", "gA", "--km", "600").exit_code == 0
    store.conn.execute(damage)   # by hand
    for command in ("check", "shoes"):
        result = run_cli(command, "--as-of", AS_OF.isoformat())
        assert result.exit_code == 3, result.stderr
        assert result.stderr.startswith("loadguard: store ") and result.stderr.count("\n") == 1
        assert words in result.stderr


def test_a_corrupted_store_file_is_one_line(run_cli, home, store):
    store.upsert_activities(steady_weeks(ACUTE_FIRST, 30, 40.0))
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    db = home / "loadguard.db"
    data = bytearray(db.read_bytes())
    data[4096 * 2:4096 * 3] = b"\xff" * 4096                   # a page of garbage
    db.write_bytes(bytes(data))
    result = run_cli("check", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 3 and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_home_option_beats_env(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from loadguard.cli import cli

    monkeypatch.setenv("LOADGUARD_HOME", str(tmp_path / "env-home"))
    result = CliRunner().invoke(cli, ["--home", str(tmp_path / "opt-home"), "check", "--as-of", "2026-01-01"])
    assert result.exit_code == 0
    assert (tmp_path / "opt-home" / "loadguard.db").exists()
    assert not (tmp_path / "env-home").exists()


def test_two_plugins_claiming_one_rule_id_are_refused(history, run_cli, tmp_path, monkeypatch):
    site = tmp_path / "site"
    (site / "impostor-1.0.dist-info").mkdir(parents=True)
    (site / "impostor-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: impostor\nVersion: 1.0\n")
    (site / "impostor-1.0.dist-info" / "entry_points.txt").write_text(
        "[loadguard.detectors]\nvolume.weekly_load = impostor:Load\n")
    (site / "impostor.py").write_text(
        "class Load:\n    id = 'volume.weekly_load'\n    defaults = {}\n"
        "    def detect(self, frames, config):\n        return []\n")
    monkeypatch.syspath_prepend(str(site))
    result = run_cli("check", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 3
    assert "two detector plugins claim the rule id 'volume.weekly_load'" in result.stderr


def test_third_party_detector_plugin_is_picked_up(history, run_cli, home, tmp_path, monkeypatch):
    """A plugin registers exactly like the built-ins: an entry point in loadguard.detectors."""
    site = tmp_path / "site"
    (site / "cadence_guard-1.0.dist-info").mkdir(parents=True)
    (site / "cadence_guard-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: cadence-guard\nVersion: 1.0\n")
    (site / "cadence_guard-1.0.dist-info" / "entry_points.txt").write_text(
        "[loadguard.detectors]\nform.cadence = cadence_guard:LowCadence\n")
    (site / "cadence_guard.py").write_text(textwrap.dedent('''
        from loadguard.model import Severity, Warning, iso_week

        class LowCadence:
            id = "form.cadence"
            defaults = {"min_spm": 170}

            def detect(self, frames, config):
                week = frames.last_days(7)
                if week.empty:
                    return []
                return [Warning(rule=self.id, severity=Severity.INFO, date=frames.as_of,
                                subject=iso_week(frames.as_of), title="Cadence check",
                                message=f"{len(week)} runs checked against {config['min_spm']} spm",
                                evidence={"runs": len(week)}, advice="Shorten the stride a little.")]
    '''))
    monkeypatch.syspath_prepend(str(site))
    jump(history, 40.0)
    doc = json.loads(run_cli("check", "--as-of", AS_OF.isoformat(), "--format", "json").stdout)
    [w] = [w for w in doc["warnings"] if w["rule"] == "form.cadence"]
    assert w["message"] == "4 runs checked against 170 spm"
    # replay asks a plugin without `evaluate` day by day: one finding for the ISO week it names
    replayed = run_cli("replay", "--from", (AS_OF - timedelta(days=3)).isoformat(), "--to",
                       AS_OF.isoformat(), "--format", "json")
    assert replayed.exit_code == 0, replayed.stderr
    days = json.loads(replayed.stdout)["mailed"]
    assert [(m["day"], m["subject"]) for m in days if m["rule"] == "form.cadence"] == [
        ((AS_OF - timedelta(days=3)).isoformat(), "2026-W26")]
    (home / "config.toml").write_text('[detectors."form.cadence"]\nmin_spm = 180\n')
    doc = json.loads(run_cli("check", "--as-of", AS_OF.isoformat(), "--format", "json").stdout)
    assert [w["message"] for w in doc["warnings"] if w["rule"] == "form.cadence"] == [
        "4 runs checked against 180 spm"]
    (home / "config.toml").write_text('[detectors.form.cadence]\nenabled = false\n')
    doc = json.loads(run_cli("check", "--as-of", AS_OF.isoformat(), "--format", "json").stdout)
    assert not [w for w in doc["warnings"] if w["rule"] == "form.cadence"]


def install_plugin(tmp_path, monkeypatch, dist: str, entry: str, source: str) -> None:
    """A third-party detector, installed as a dist-info with an entry point in loadguard.detectors."""
    site = tmp_path / "site"
    module = dist.replace("-", "_")
    (site / f"{module}-1.0.dist-info").mkdir(parents=True)
    (site / f"{module}-1.0.dist-info" / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (site / f"{module}-1.0.dist-info" / "entry_points.txt").write_text(
        f"[loadguard.detectors]\n{entry} = {module}:Rule\n")
    (site / f"{module}.py").write_text(textwrap.dedent(source))
    monkeypatch.syspath_prepend(str(site))


def test_plugin_without_evaluate_replays_a_span_that_starts_without_shoe_use(store, run_cli, tmp_path, monkeypatch):
    """Asked day by day, a plugin sees each shoe as it was that day, also on the span's
    first days when no run wore a shoe (the rewind must not depend on the first use)."""
    install_plugin(tmp_path, monkeypatch, "shoe-log", "log.shoes", '''
        from loadguard.model import Severity, Warning

        class Rule:
            id = "log.shoes"
            defaults = {}

            def detect(self, frames, config):
                km = float(frames.shoes.loc[frames.shoes["id"] == "gA", "distance_km"].iloc[0])
                return [Warning(rule=self.id, severity=Severity.INFO, date=frames.as_of,
                                subject=frames.as_of.isoformat(), title="Shoe log",
                                message=f"gA at {km:.1f} km", evidence={}, advice="None.")]
    ''')
    store.upsert_gear([shoe("gA", distance_km=None)])
    store.upsert_activities([run(AS_OF - timedelta(days=20), 10.0), run(AS_OF - timedelta(days=1), 5.0)])
    result = run_cli("replay", "--from", (AS_OF - timedelta(days=5)).isoformat(), "--to", AS_OF.isoformat(),
                     "--min-severity", "info", "--format", "json")
    assert result.exit_code == 0, result.stderr
    told = {m["day"]: m["message"] for m in json.loads(result.stdout)["mailed"] if m["rule"] == "log.shoes"}
    assert told == {(AS_OF - timedelta(days=d)).isoformat(): "gA at 10.0 km" for d in range(2, 6)} | {
        (AS_OF - timedelta(days=d)).isoformat(): "gA at 15.0 km" for d in range(0, 2)}


def test_check_in_process_leaves_the_collector_alone(run_cli, history):
    """Only a process that is one command freezes its start-up objects: a program (or these
    tests) calling the CLI in-process keeps collecting its own garbage."""
    import gc

    before = gc.get_freeze_count()
    jump(history, 72.0)
    result = run_cli("check", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0 and "volume.weekly_load" in result.stdout
    assert gc.get_freeze_count() == before


def test_one_command_process_freezes_what_start_up_made(monkeypatch):
    """The console entry point marks its process as one command; from then on, a command's
    `settled()` moves the objects made so far out of the collector's walks."""
    import gc

    from loadguard import start_up

    monkeypatch.setattr(start_up, "_one_command", False)
    start_up.settled()
    assert gc.get_freeze_count() == 0
    try:
        start_up.one_command()
        start_up.settled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
