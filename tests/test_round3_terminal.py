"""Issue 18, as a new user meets it at a terminal and in cron: output that fits the width,
progress on a terminal only, folder imports that leave non-activities alone, big and odd
files, and the words."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import fake_strava as fs
import hostile_files as hf
import pytest
from activity_files import gpx_text, write
from conftest import flat, run, shoe, steady_weeks
from test_sync import DETAILS, connected, mock, sleeps  # noqa: F401 - fixtures

AS_OF = date(2026, 6, 28)
START = datetime(2026, 3, 1, 7, tzinfo=timezone.utc)


def widest(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


# -- 6. the width: the terminal's, COLUMNS, 80 when not a terminal -----------------------------


@pytest.fixture
def busy(store):
    """A history that raises findings with long titles and messages, and a long symptom note."""
    store.upsert_gear([shoe("gA", "A shoe with a really rather long name for a running shoe", 690.0)])
    store.upsert_activities(steady_weeks(AS_OF - timedelta(days=6), 8, 30.0))
    store.upsert_activities([run(AS_OF - timedelta(days=d), km, sport_type="TrailRun", elev_m=km * 40)
                             for d, km in ((0, 28.0), (2, 18.0), (4, 12.0))])
    return store


@pytest.mark.parametrize("columns", [None, "60", "132"])
def test_text_output_fits_the_width(busy, run_cli, monkeypatch, columns):
    if columns:
        monkeypatch.setenv("COLUMNS", columns)
    width = int(columns or 80)
    note = "left arch tingling after 10k, " * 6
    assert run_cli("symptom", "add", "--date", "2026-06-20", "--where", "arch", "--side", "left", "--what",
                   "tingling", "--intensity", "3", "--note", note, "--today", AS_OF.isoformat()).exit_code == 0
    outputs = {
        "check": run_cli("check", "--as-of", AS_OF.isoformat()).stdout,
        "shoes": run_cli("shoes", "--as-of", AS_OF.isoformat()).stdout,
        "replay": run_cli("replay", "--from", "2026-05-01", "--to", AS_OF.isoformat()).stdout,
        "symptom list": run_cli("symptom", "list").stdout,
    }
    for name, text in outputs.items():
        assert widest(text) <= width, (name, text)
    assert "not medical advice" in flat(outputs["check"]) and note.strip() in flat(outputs["symptom list"])
    assert "per rule and severity" in outputs["replay"]


def test_the_sync_summary_fits_80_columns(connected, run_cli, mock, monkeypatch):  # noqa: F811
    from loadguard.strava import sync as engine

    monkeypatch.setattr(engine, "run", lambda *a, **k: engine.SyncResult(
        new=3, unread=[f"Strava failed for gear g{i} (HTTP 500, 4 tries)" for i in range(6)]))
    result = run_cli("sync")
    assert result.exit_code == 0 and widest(result.stdout) <= 80
    assert flat(result.stdout).count("not read this time") == 6


# -- 7. progress: on a terminal's stderr only, never with --quiet ---------------------------------


@pytest.fixture
def as_if_terminal(monkeypatch):
    import loadguard.progress as progress

    monkeypatch.setattr(progress, "_is_terminal", lambda stream: True)
    monkeypatch.setattr(progress, "SHOW_AFTER_S", 0.0)


def _twenty_files(folder: Path) -> Path:
    folder.mkdir()
    for i in range(20):
        write(folder / f"run{i:02d}.gpx", gpx_text(START + timedelta(days=i), km=3.0))
    return folder


def test_an_import_at_a_terminal_shows_count_rate_and_time_left(run_cli, tmp_path, as_if_terminal):
    result = run_cli("import", str(_twenty_files(tmp_path / "watch")))
    assert result.exit_code == 0
    # tqdm's line: count of the total, [elapsed<time left, rate]
    assert "/20 [" in result.stderr and "<" in result.stderr and "files" in result.stderr
    assert "imported 20 activities" in result.stdout and "\r" not in result.stdout


def test_no_progress_with_quiet_or_off_a_terminal(run_cli, tmp_path, monkeypatch):
    folder = _twenty_files(tmp_path / "watch")
    assert run_cli("import", str(folder)).stderr == ""  # not a terminal
    import loadguard.progress as progress

    monkeypatch.setattr(progress, "_is_terminal", lambda stream: True)
    monkeypatch.setattr(progress, "SHOW_AFTER_S", 0.0)
    (folder / "run20.gpx").write_text(gpx_text(START + timedelta(days=30), km=3.0))
    quiet = run_cli("import", str(folder), "--quiet")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")


def test_a_sync_at_a_terminal_counts_activities(connected, run_cli, mock, as_if_terminal):  # noqa: F811
    fs.FakeStrava(mock, fs.history(30), gear=DETAILS)
    result = run_cli("sync")
    assert result.exit_code == 0 and "activities [00:" in result.stderr and "[00:" not in result.stdout
    assert run_cli("sync", "--quiet").stderr == ""


def test_help_does_not_load_the_progress_library():
    code = "import sys; from loadguard.cli import main; sys.argv = ['loadguard', 'import', '--help']\n" \
           "try:\n    main()\nexcept SystemExit:\n    pass\nprint('tqdm' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("False")


# -- 8. folder import: non-activities left alone and counted, an empty folder said ------------------


def test_a_folder_with_readme_manifest_licences_and_watch_settings_imports_cleanly(run_cli, tmp_path):
    folder = tmp_path / "watch"
    folder.mkdir()
    write(folder / "run.gpx", gpx_text(START))
    (folder / "README.md").write_text("# my runs\n")
    (folder / "manifest.json").write_text("{}")
    (folder / "licenses").mkdir()
    (folder / "licenses" / "LICENSE").write_text("MIT\n")
    for kind in ("settings", "totals", "monitoring_a", "monitoring_b"):
        (folder / f"{kind}.fit").write_bytes(hf.fit_of_type(kind))
    result = run_cli("import", str(folder))
    assert (result.exit_code, result.stderr) == (0, "")
    assert "imported 1 activity" in result.stdout and "7 files that are not activities left alone" in result.stdout
    # a broken activity file is still one line, exit 3
    (folder / "broken.gpx").write_text("<gpx")
    broken = run_cli("import", str(folder), "--quiet")
    assert broken.exit_code == 3 and broken.stderr.count("\n") == 1 and "broken.gpx" in broken.stderr


def test_an_empty_folder_says_nothing_was_found(run_cli, tmp_path):
    (tmp_path / "empty").mkdir()
    result = run_cli("import", str(tmp_path / "empty"))
    assert result.exit_code == 0 and result.stdout == f"nothing to import: no activity found in {tmp_path / 'empty'}\n"
    assert run_cli("import", str(tmp_path / "empty"), "--quiet").stdout == ""


# -- 2 and 3. big and odd files ------------------------------------------------------------------------


def test_a_fit_of_endless_developer_fields_is_one_clear_line(run_cli, tmp_path):
    (tmp_path / "dev.fit").write_bytes(hf.fit_endless_developer_fields(2.0))
    result = run_cli("import", str(tmp_path / "dev.fit"))
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1 and "developer fields" in result.stderr, result.stderr[:500]


def test_a_zip_of_two_thousand_broken_members_is_a_few_lines(run_cli, tmp_path):
    archive = hf.zip_of_tiny_gpx(tmp_path / "tiny.zip", 2000)
    result = run_cli("import", str(archive))
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == 11 and lines[-1] == f"loadguard: and 1990 more files in {archive} could not be read"


def test_a_file_name_that_is_not_utf8_imports_with_the_rest(run_cli, home, tmp_path):
    folder = tmp_path / "card"
    folder.mkdir()
    hf.non_utf8_name(folder, gpx_text(START).encode())
    write(folder / "plain.gpx", gpx_text(START + timedelta(days=2)))
    result = run_cli("import", str(folder))
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    assert "imported 2 activities" in result.stdout
    again = run_cli("import", str(folder))  # known by its escaped name: not read again
    assert "2 files read before" in again.stdout


# -- 9. the words ----------------------------------------------------------------------------------------


def _check(run_cli) -> dict:
    result = run_cli("check", "--as-of", AS_OF.isoformat(), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {w["rule"]: w for w in json.loads(result.stdout)["warnings"]}


def test_one_run_is_one_run(store, run_cli):
    store.upsert_gear([shoe("gA", "Shoe A")])
    store.upsert_activities(steady_weeks(AS_OF - timedelta(days=1), 8, 20.0))
    store.upsert_activities([run(AS_OF, 25.0, gear_id=None)])
    message = _check(run_cli)["shoes.untracked"]["message"]
    assert "(1 run)" in message


def test_trail_and_climb_with_no_running_before_say_so(store, run_cli):
    store.upsert_activities([run(AS_OF - timedelta(days=70), 5.0)])
    store.upsert_activities([run(AS_OF - timedelta(days=d), 6.0, sport_type="TrailRun", elev_m=150.0)
                             for d in (0, 2, 4)])
    found = _check(run_cli)
    trail, climb = found["terrain.trail_switch"]["message"], found["terrain.climb_jump"]["message"]
    for text in (trail, climb):
        assert "no running in the 4 weeks before" in text, text
    assert "against 0%" not in trail and "up from none" not in climb and "0 m/km" not in climb


def test_a_replay_of_one_month_says_month(store, run_cli):
    store.upsert_activities(steady_weeks(date(2026, 6, 21), 3, 20.0))
    text = run_cli("replay", "--from", "2026-06-01", "--to", "2026-06-21").stdout
    assert "in 1 month with running" in text and "1 months" not in text


def test_an_empty_week_of_a_long_history_is_not_called_a_beginner(store, run_cli):
    store.upsert_activities(steady_weeks(date(2026, 5, 10), 100, 30.0))  # two years, ending 6 weeks before
    md = run_cli("digest", "--week", "2026-W26", "--today", AS_OF.isoformat()).stdout
    assert "no 4-week base yet" not in md and "break" in md


def test_symptom_edit_help_says_the_stored_date_stays(run_cli):
    text = flat(run_cli("symptom", "edit", "--help").stdout)
    assert "default: today" not in text and "stored" in text


def test_check_and_shoes_refuse_a_day_to_come(run_cli):
    for command in ("check", "shoes"):
        result = run_cli(command, "--as-of", "2999-01-01")
        assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "after today" in result.stderr
