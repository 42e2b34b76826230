"""`loadguard sync` as a separate process: cron's --quiet, and surviving SIGKILL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import fake_strava as fs
import responses

CHILD = Path(__file__).resolve().parent / "sync_child.py"


def child_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRAVA_", "SILENCE_TOKEN"))}
    env.update(LOADGUARD_HOME=str(home), TZ="UTC", PYTHONWARNINGS="default")
    return env


def test_quiet_sync_prints_nothing_at_all(home):
    # stravalib warns through the root logger when STRAVA_CLIENT_ID is unset: none of it may show
    fs.write_token(home)
    done = subprocess.run([sys.executable, str(CHILD), str(home), "250"], env=child_env(home),
                          capture_output=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    with sqlite3.connect(home / "loadguard.db") as conn:
        assert conn.execute("SELECT count(*) FROM activities").fetchone()[0] == 250


def test_a_sync_killed_mid_run_leaves_a_store_the_next_sync_completes(home, run_cli, monkeypatch):
    from loadguard.strava import api as strava
    monkeypatch.setattr(strava, "sleep", lambda s: None)
    fs.write_token(home)
    marker = home.parent / "stalled"
    errors = home.parent / "child.stderr"
    with errors.open("wb") as err:
        child = subprocess.Popen([sys.executable, str(CHILD), str(home), "1050", "4", str(marker)],
                                 env=child_env(home), stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, errors.read_text()
            assert time.monotonic() < deadline, "the child never reached page 4"
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL

    with sqlite3.connect(home / "loadguard.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM activities").fetchone()[0] == 600  # pages 1-3 committed

    history = fs.history(1050)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = fs.FakeStrava(rsps, history, gear={"g100": fs.detailed_gear("g100", "Brooks", "Ghost 15", 1.0),
                                                  "g200": fs.detailed_gear("g200", "Saucony", "X", 1.0)})
        result = run_cli("sync")  # the lock died with the killed process
        assert result.exit_code == 0, result.stderr
        assert "450 new" in result.stdout and "resumed" in result.stdout
        assert fake.list_pages() == [3, 4, 5, 6]

    with sqlite3.connect(home / "loadguard.db") as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM activities ORDER BY start_utc")]
        assert conn.execute("SELECT value FROM sync_state WHERE key LIKE '%checkpoint'").fetchone() in (None, (None,))
    assert ids == [a["id"] for a in history]  # every activity, once, no gap


def cron_line(home: Path) -> str:
    """The crontab line of examples/cron, with the fake-backed sync in place of the real one."""
    line = next(l for l in (Path(__file__).resolve().parents[1] / "examples" / "cron" / "crontab").read_text().splitlines()
                if l.strip() and not l.startswith("#") and "sync" in l)
    command = line.split(None, 5)[5]
    sync, check = (part.strip() for part in command.split("&&"))
    assert sync.endswith("loadguard sync --quiet") and "loadguard check --new" in check
    return (f"{sys.executable} {CHILD} {home} 250 && "
            f"{sys.executable} -m loadguard {check.split('loadguard', 1)[1]}")


def test_the_cron_line_mails_only_news(home):
    fs.write_token(home)
    env = {"LOADGUARD_HOME": str(home), "TZ": "UTC", "PATH": "/usr/bin:/bin"}
    runs = subprocess.run(["sh", "-c", cron_line(home)], env=env, capture_output=True, timeout=120)
    assert runs.returncode == 0, runs.stderr
    again = subprocess.run(["sh", "-c", cron_line(home)], env=env, capture_output=True, timeout=120)
    assert (again.returncode, again.stdout, again.stderr) == (0, b"", b"")  # nothing new: no mail

    env["FAKE_STRAVA_429"] = "1"
    limited = subprocess.run(["sh", "-c", cron_line(home)], env=env, capture_output=True, timeout=120)
    assert limited.returncode == 3 and limited.stdout == b""
    assert limited.stderr.decode().startswith("loadguard: Strava's 15-minute rate limit was hit")
    assert limited.stderr.count(b"\n") == 1  # one line, and the check did not run
