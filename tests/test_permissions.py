"""A home the user may not search, read or write: one line, never a traceback; reading still works where it can.

Root ignores mode bits, and CI runs as root. So the real cases run the command
as the unprivileged user `nobody` (via setpriv) when the tests run as root, and
as the current user otherwise; the read-only store is also simulated in-process,
so its logic is exercised wherever the tests run.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from test_import import export_folder

from loadguard.store import Store

AS_OF = "2026-11-22"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "athlete"


def _as_other_user() -> list[str] | None:
    """The command prefix that runs a process without root's powers; None if there is none."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    try:
        ok = subprocess.run([*prefix, sys.executable, "-c", "import loadguard"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return prefix if ok.returncode == 0 else None


PREFIX = _as_other_user()
needs_other_user = pytest.mark.skipif(PREFIX is None, reason="no way to drop root's powers here (setpriv, nobody)")


@pytest.fixture
def shared_home():
    """A home with the example athlete imported, owned by the user the commands run as."""
    top = Path(tempfile.mkdtemp(prefix="loadguard-perm-"))
    top.chmod(0o755)
    home = top / "home"
    env = {**os.environ, "TZ": "UTC", "LOADGUARD_HOME": str(home)}
    subprocess.run([sys.executable, "-m", "loadguard", "import", str(EXAMPLE), "--timezone", "America/New_York"],
                   env=env, check=True, capture_output=True)
    if os.geteuid() == 0:
        shutil.chown(top, "nobody")
        for path in [home, *home.iterdir()]:
            shutil.chown(path, "nobody")
    yield home
    home.chmod(0o755)
    shutil.rmtree(top)


def loadguard(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", ""), "TZ": "UTC", "HOME": str(home.parent),
           "MPLCONFIGDIR": str(home.parent / "mpl")}
    return subprocess.run([*PREFIX, sys.executable, "-m", "loadguard", "--home", str(home), *args],
                          env=env, capture_output=True, text=True, timeout=120, cwd=str(home.parent))


def fingerprint(home: Path) -> dict[str, str]:
    """The home's files and their hashes (read as the test's own user, after opening the home again)."""
    home.chmod(0o755)
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(home.iterdir())}


def assert_one_line(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 3, (result.returncode, result.stderr)
    assert result.stderr.startswith("loadguard: ") and result.stderr.count("\n") == 1, result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)


COMMANDS = {
    "check": ("check", "--as-of", AS_OF),
    "shoes": ("shoes", "--as-of", AS_OF),
    "digest": ("digest", "--today", AS_OF),
    "import": ("import", str(EXAMPLE), "--timezone", "America/New_York"),
}


@needs_other_user
@pytest.mark.parametrize("mode", [0o444, 0o000])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_home_the_user_cannot_search_is_one_line(shared_home, mode, command):
    before = fingerprint(shared_home)
    shared_home.chmod(mode)
    result = loadguard(shared_home, *COMMANDS[command])
    assert_one_line(result, "Permission denied", str(shared_home))
    assert "Traceback" not in result.stderr
    assert fingerprint(shared_home) == before


@needs_other_user
def test_a_read_only_home_still_checks_and_refuses_writes_in_one_line(shared_home):
    before = fingerprint(shared_home)
    shared_home.chmod(0o555)
    checked = loadguard(shared_home, "check", "--as-of", AS_OF, "--format", "json")
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == ""
    assert '"volume.weekly_load"' in checked.stdout          # the example's alert, read from the store
    assert loadguard(shared_home, "shoes", "--as-of", AS_OF).returncode == 0
    for args in (("check", "--new", "--as-of", AS_OF), COMMANDS["import"]):
        assert_one_line(loadguard(shared_home, *args), "cannot write the store", "may not write in")
    assert fingerprint(shared_home) == before


@needs_other_user
def test_a_read_only_store_file_in_a_writable_home_still_checks(shared_home):
    (shared_home / "loadguard.db").chmod(0o444)
    checked = loadguard(shared_home, "check", "--as-of", AS_OF)
    assert checked.returncode == 0, checked.stderr
    result = loadguard(shared_home, "check", "--new", "--as-of", AS_OF)
    assert_one_line(result, "readonly")


# -- the same logic, simulated: runs as root too ------------------------------------------------------


def test_a_store_that_cannot_be_opened_for_writing_is_read_and_never_written(run_cli, home, tmp_path, monkeypatch):
    assert run_cli("import", str(export_folder(tmp_path))).exit_code == 0
    before = (home / "loadguard.db").read_bytes()

    def refuse(cls, path):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(Store, "_open_writable", classmethod(refuse))
    result = run_cli("check", "--as-of", "2024-03-20", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert '"warnings"' in result.stdout
    assert run_cli("shoes", "--as-of", "2024-03-20").exit_code == 0
    for args in (("check", "--new", "--as-of", "2024-03-20"), ("import", str(export_folder(tmp_path / "b")))):
        written = run_cli(*args)
        assert written.exit_code == 3
        assert written.stderr.startswith("loadguard: cannot write the store") and written.stderr.count("\n") == 1
    assert (home / "loadguard.db").read_bytes() == before


def test_an_unreadable_config_is_one_line(run_cli, home, monkeypatch):
    (home / "config.toml").write_text('timezone = "Europe/Berlin"\n')
    real = os.open

    def denied(path, *args, **kwargs):
        if str(path).endswith("config.toml"):  # root reads whatever the mode says: refuse by hand
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    for args in (("check", "--as-of", AS_OF), ("shoes",), ("digest", "--today", AS_OF)):
        result = run_cli(*args)
        assert result.exit_code == 3, result.stderr
        assert result.stderr == f"loadguard: cannot read {home / 'config.toml'}: Permission denied\n"


def test_a_config_toml_that_is_a_folder_is_one_line(run_cli, home):
    (home / "config.toml").mkdir()
    result = run_cli("check", "--as-of", AS_OF)
    assert result.exit_code == 3
    assert result.stderr.startswith("loadguard: cannot read") and result.stderr.count("\n") == 1
