"""What reaches a terminal, a pipe or an output file: hostile names, odd targets, odd terminals."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

import fake_strava as fs
import pytest
from click.testing import CliRunner
from conftest import flat, run, shoe, steady_weeks

from loadguard.cli import cli
from loadguard.render.printable import printable

AS_OF = date(2026, 6, 28)  # a Sunday
WEEK = "2026-W26"

# Clear the screen, retitle the window (OSC … BEL), reset the terminal, 8-bit CSI,
# and a right-to-left override.
HOSTILE = "Evil\x1b[2J\x1b]0;pwned\x07\x1bc\x9b31m\u202eend"
HOSTILE_ID = "g\x1b[2J\x1b]0;id\x07"

# Our own colour codes (SGR) are the only escape sequences allowed out.
SGR = re.compile(r"\x1b\[[0-9;]*m")
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def raw_controls(text: str) -> list[str]:
    return CONTROL.findall(SGR.sub("", text))


@pytest.fixture
def hostile_store(store):
    """A history whose run, shoe name and shoe id all carry terminal control sequences,
    and which raises a long-run spike, a mileage warning and a weekly-load warning."""
    store.upsert_gear([shoe(HOSTILE_ID, HOSTILE, 690.0)])
    first = AS_OF - timedelta(days=6)
    store.upsert_activities(steady_weeks(first, 6, 40.0, gear_id=HOSTILE_ID, name=HOSTILE))
    store.upsert_activities([run(AS_OF - timedelta(days=d), km, gear_id=HOSTILE_ID, name=HOSTILE)
                             for d, km in ((0, 30.0), (2, 20.0), (4, 15.0))])
    return store


@pytest.mark.parametrize("tty", [False, True], ids=["piped", "terminal"])
@pytest.mark.parametrize("args", [
    ("check", "--as-of", AS_OF.isoformat()),
    ("shoes", "--as-of", AS_OF.isoformat()),
    ("digest", "--week", WEEK, "--today", AS_OF.isoformat()),
], ids=["check", "shoes", "digest"])
def test_no_control_sequence_from_a_name_reaches_the_stream(hostile_store, home, args, tty):
    result = CliRunner().invoke(cli, ["--home", str(home), *args], color=tty, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert "Evil" in result.stdout                      # the name is shown ...
    assert raw_controls(result.stdout) == []           # ... with every control character replaced
    assert result.stderr == ""


def test_check_shows_the_runs_and_shoes_that_carry_hostile_names(hostile_store, run_cli):
    out = run_cli("check", "--as-of", AS_OF.isoformat()).stdout
    for rule in ("volume.long_run_spike", "shoes.mileage"):
        assert rule in out
    # the big week is told inside the spike of its long run, by its title
    assert "Also, weekly distance well above your recent weeks" in flat(out)
    assert printable(HOSTILE_ID) in out


def test_json_keeps_the_names_escaped_as_json_does(hostile_store, run_cli):
    for command, key in (("check", "warnings"), ("shoes", "shoes")):
        out = run_cli(command, "--as-of", AS_OF.isoformat(), "--format", "json").stdout
        assert raw_controls(out) == []                  # escaped as \uXXXX, never raw
        texts = [v for item in json.loads(out)[key] for v in _strings(item)]
        assert HOSTILE in texts and HOSTILE_ID in texts


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def test_json_round_trips_every_hostile_character(hostile_store, run_cli):
    doc = json.loads(run_cli("shoes", "--as-of", AS_OF.isoformat(), "--format", "json").stdout)
    assert [(s["id"], s["name"]) for s in doc["shoes"]] == [(HOSTILE_ID, HOSTILE)]


def test_an_error_line_is_printable(run_cli, tmp_path):
    result = run_cli("import", str(tmp_path / f"export{HOSTILE}.zip"))
    assert result.exit_code == 3
    assert result.stderr.startswith("loadguard: ") and result.stderr.count("\n") == 1
    assert raw_controls(result.stderr) == []


def test_the_sync_summary_is_printable(home, run_cli, monkeypatch):
    from loadguard.strava import sync as engine
    fs.write_token(home)
    monkeypatch.setattr(engine, "run", lambda *a, **k: engine.SyncResult(
        new=1, unread=[f"Strava failed for gear {HOSTILE_ID}"]))
    result = run_cli("sync")
    assert result.exit_code == 0, result.stderr
    assert "not read this time" in flat(result.stdout)
    assert raw_controls(result.stdout) == []


def test_no_color_turns_colour_off_on_a_terminal(hostile_store, home, monkeypatch):
    args = ["--home", str(home), "check", "--as-of", AS_OF.isoformat()]
    coloured = CliRunner().invoke(cli, args, color=True).stdout
    assert SGR.search(coloured)
    monkeypatch.setenv("NO_COLOR", "1")
    plain = CliRunner().invoke(cli, args, color=True).stdout
    assert "\x1b" not in plain and "volume.long_run_spike" in plain


def test_revoke_when_not_connected_says_so_and_succeeds(run_cli):
    result = run_cli("auth", "--revoke")
    assert result.exit_code == 0
    assert "nothing to revoke" in result.stdout


# -- output targets ------------------------------------------------------------------


def digest_to(run_cli, target: str | Path):
    return run_cli("digest", "--week", WEEK, "--today", AS_OF.isoformat(), "-o", str(target))


def test_digest_to_a_null_device_leaves_the_device_a_device(hostile_store, run_cli, tmp_path):
    if os.geteuid() == 0:
        # As root a regression would turn the machine's /dev/null into a file: use a private one.
        device = tmp_path / "null"
        try:
            os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        except OSError:
            pytest.skip("cannot make a private null device")
    else:
        device = Path("/dev/null")   # a regression could not replace it without root
    result = digest_to(run_cli, device)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(os.stat(device).st_mode)
    assert sorted(p.name for p in device.parent.iterdir() if p.name.endswith(".svg")) == []


def test_digest_to_a_fifo_is_written_straight(hostile_store, run_cli, tmp_path):
    fifo = tmp_path / "digest.md"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    result = digest_to(run_cli, fifo)
    reader.join(10)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert got and got[0].startswith(b"# loadguard digest 2026-W26")
    assert not (tmp_path / "digest.svg").exists()   # no chart beside a stream


def test_digest_to_a_fifo_nobody_reads_is_refused_at_once(hostile_store, run_cli, tmp_path):
    fifo = tmp_path / "digest.md"
    os.mkfifo(fifo)
    result = digest_to(run_cli, fifo)
    assert result.exit_code == 3
    assert result.stderr == f"loadguard: cannot write {fifo}: no program is reading from it\n"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_digest_to_dev_stdout_in_a_real_process(hostile_store, home, tmp_path):
    # /dev/stdout is a link to /proc/self/fd/1; a link of our own to the same place means a
    # regression run as root replaces this link, not the machine's /dev/stdout.
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    proc = subprocess.run([sys.executable, "-m", "loadguard", "--home", str(home), "digest", "--week", WEEK,
                           "--today", AS_OF.isoformat(), "-o", str(stdout)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# loadguard digest 2026-W26") and proc.stderr == ""
    assert stdout.is_symlink() and not (tmp_path / "stdout.svg").exists()


def test_digest_to_stdout_redirected_to_a_file(hostile_store, home, tmp_path):
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    out = tmp_path / "out.md"
    with open(out, "w") as fh:
        proc = subprocess.run([sys.executable, "-m", "loadguard", "--home", str(home), "digest", "--week", WEEK,
                               "--today", AS_OF.isoformat(), "-o", str(stdout)],
                              stdout=fh, stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().startswith("# loadguard digest 2026-W26") and proc.stderr == ""
    assert stdout.is_symlink()


def test_digest_through_a_symlink_replaces_the_target_and_keeps_the_link(hostile_store, run_cli, tmp_path):
    real = tmp_path / "real" / "digest.md"
    real.parent.mkdir()
    real.write_text("old digest\n")
    link = tmp_path / "digest.md"
    link.symlink_to(real)
    result = digest_to(run_cli, link)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith("# loadguard digest 2026-W26")
    assert [p.name for p in real.parent.iterdir()] == ["digest.md"]  # no temp file left


def test_digest_over_a_folder_is_refused_in_one_line(hostile_store, run_cli, tmp_path):
    result = digest_to(run_cli, tmp_path)
    assert result.exit_code == 3
    assert result.stderr == f"loadguard: cannot write {tmp_path}: it is a folder\n"


def test_digest_over_a_socket_is_refused_in_one_line(hostile_store, run_cli, tmp_path):
    import socket

    path = tmp_path / "digest.md"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        result = digest_to(run_cli, path)
    assert result.exit_code == 3
    assert result.stderr == (f"loadguard: cannot write {path}: it is neither a regular file nor a device "
                             "or FIFO to write to\n")
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_a_symlinked_token_is_replaced_and_deleted_at_its_target(home, tmp_path):
    from loadguard.strava import token as tokens
    fs.write_token(home)
    elsewhere = tmp_path / "secrets" / "token.json"
    elsewhere.parent.mkdir()
    (home / "token.json").rename(elsewhere)
    (home / "token.json").symlink_to(elsewhere)

    old = tokens.load(home)
    tokens.save(home, tokens.Token("new-access", "new-refresh", 4_102_444_800))
    assert (home / "token.json").is_symlink()
    assert "new-refresh" in elsewhere.read_text() and old.refresh_token not in elsewhere.read_text()
    assert stat.S_IMODE(os.stat(elsewhere).st_mode) == 0o600

    assert tokens.delete(home)
    assert not elsewhere.exists() and not (home / "token.json").is_symlink()


# -- terminals and stderr -------------------------------------------------------------


def _loadguard(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "loadguard", "--home", str(home), *args],
                          capture_output=True, timeout=120, env={**os.environ, **(env or {})})


def test_a_latin1_terminal_gets_replacement_marks_not_a_crash(store, home):
    store.upsert_gear([shoe("gA", "Trail shoe 🏔️ — v2", 650.0)])
    store.upsert_activities(steady_weeks(AS_OF, 6, 40.0, name="Morning run 🏃 – easy"))
    for args in (("check", "--as-of", AS_OF.isoformat()), ("shoes", "--as-of", AS_OF.isoformat()),
                 ("digest", "--week", WEEK)):
        proc = _loadguard(home, *args, env={"PYTHONIOENCODING": "latin-1"})
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == b""
        assert b"Trail shoe ?" in proc.stdout or args[0] == "check"
    # an error line naming a file with an emoji in it
    failed = _loadguard(home, "import", str(home / "export 🏃.zip"), env={"PYTHONIOENCODING": "latin-1"})
    assert failed.returncode == 3
    assert failed.stderr.startswith(b"loadguard: cannot read ") and b"Traceback" not in failed.stderr
    assert failed.stderr.count(b"\n") == 1


def test_an_unwritable_home_gives_no_matplotlib_chatter(store, home, tmp_path):
    store.upsert_activities(steady_weeks(AS_OF, 6, 40.0))
    # A home below a plain file cannot be created, not even by root.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    env = {k: v for k, v in os.environ.items() if k not in ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    env["HOME"] = str(blocker / "home")
    env["TMPDIR"] = str(tmp_path)   # a fresh private folder: the font cache is built in this run
    proc = subprocess.run(
        [sys.executable, "-m", "loadguard", "--home", str(home), "digest", "--week", WEEK,
         "-o", str(tmp_path / "d.html")],
        capture_output=True, timeout=180, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""
    assert "<svg" in (tmp_path / "d.html").read_text(encoding="utf-8")
    assert (tmp_path / f"loadguard-matplotlib-{os.getuid()}").is_dir()
