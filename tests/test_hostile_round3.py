"""Hostile input, round three (issue 18): writes where nothing should be written, hangs,
tracebacks, terminal escapes, and usage errors — each one line and an exit code."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import fake_strava as fs
import pytest
from test_sync import mock, sleeps  # noqa: F401 - fixtures

TODAY = "2026-06-28"
TOKEN = {"access_token": "a" * 40, "refresh_token": "r" * 40, "expires_at": 4_000_000_000}


def one_line(result, code: int) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("loadguard: "), result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# -- 1. writes where nothing should be written ---------------------------------------------


def test_a_digest_to_a_link_dangling_into_a_missing_folder_writes_nothing(run_cli, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "digest.md").symlink_to(tmp_path / "nowhere" / "deeper" / "digest.md")
    result = run_cli("digest", "--today", TODAY, "-o", str(out / "digest.md"))
    assert "symbolic link" in one_line(result, 3)
    assert not (tmp_path / "nowhere").exists()
    assert tree(out) == ["digest.md"]


@pytest.mark.parametrize("name", ["FOLDER", "FOLDER.md"])
def test_a_digest_refused_for_a_folder_leaves_no_chart_beside_it(run_cli, tmp_path, name):
    (tmp_path / name).mkdir()
    result = run_cli("digest", "--today", TODAY, "-o", str(tmp_path / name))
    assert "it is a folder" in one_line(result, 3)
    assert tree(tmp_path) == sorted(["home", "home/loadguard.db", name]) or tree(tmp_path) == sorted(["home", name])


@pytest.mark.parametrize("linked", [False, True], ids=["file", "link-to-file"])
def test_a_token_readable_by_others_is_made_private_and_said(run_cli, home, tmp_path, mock, linked):
    fs.FakeStrava(mock, fs.history(3))
    fs.write_token(home)
    real = home / "token.json"
    if linked:
        real = tmp_path / "elsewhere.json"
        (home / "token.json").rename(real)
        (home / "token.json").symlink_to(real)
    os.chmod(real, 0o644 if linked else 0o666)
    result = run_cli("sync")
    assert result.exit_code == 0, result.stderr
    assert "readable by others" in result.stderr and result.stderr.count("\n") == 1
    assert fs.ACCESS not in result.stderr + result.stdout
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o600


# -- 2. hangs: special files in the home -----------------------------------------------------


def _special(path: Path, kind: str) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")


def _cli(home: Path, *args: str, timeout: float = 20) -> subprocess.CompletedProcess:
    """The real program in its own process: a hang is a timeout, not a stuck test run."""
    return subprocess.run([sys.executable, "-m", "loadguard", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "LOADGUARD_HOME": str(home), "TZ": "UTC"})


@pytest.mark.parametrize("name,args,kind", [
    ("config.toml", ("check", "--as-of", TODAY), "fifo"),
    ("config.toml", ("check", "--as-of", TODAY), "zero"),
    ("token.json", ("sync",), "fifo"),
    ("token.json", ("sync",), "zero"),
    ("sync.lock", ("sync",), "fifo"),  # /dev/zero opens read-write like a file: the FIFO is the hang
])
def test_a_fifo_or_dev_zero_in_the_home_is_one_line_not_a_hang(home, kind, name, args):
    if name != "token.json":
        (home / "token.json").write_text(json.dumps(TOKEN))
        os.chmod(home / "token.json", 0o600)
    _special(home / name, kind)
    result = _cli(home, *args)
    assert result.returncode == 3, result.stderr
    assert result.stderr.count("\n") == 1 and name in result.stderr, result.stderr


# -- 3. tracebacks -------------------------------------------------------------------------------


@pytest.mark.parametrize("symptom_id", [str(2**63), str(-(2**63) - 1), "9" * 40])
@pytest.mark.parametrize("command", ["rm", "edit"])
def test_a_symptom_id_past_sqlite_integers_is_one_line(run_cli, command, symptom_id):
    extra = ("--intensity", "3") if command == "edit" else ()
    result = run_cli("symptom", command, *extra, "--", symptom_id)
    assert "no symptom entry" in one_line(result, 3)


@pytest.mark.parametrize("address", ["=?utf-8?q?a=0Ab?= <you@example.com>", "=?utf-8?b?DQo=?=you@example.com"])
@pytest.mark.parametrize("flag", ["--to", "--from"])
def test_an_encoded_word_decoding_to_a_line_break_is_a_usage_error(run_cli, address, flag):
    other = "--from" if flag == "--to" else "--to"
    result = run_cli("digest", "--today", TODAY, "--email", flag, address, other, "me@example.com")
    assert "one line" in one_line(result, 2)


@pytest.mark.parametrize("content", [
    "[" * 10_000 + "]" * 10_000,
    '{"a":' * 10_000 + "1" + "}" * 10_000,
    json.dumps({**TOKEN, "expires_at": "X"}).replace('"X"', "1e400"),
    json.dumps({**TOKEN, "expires_at": "X"}).replace('"X"', "-1e400"),
    json.dumps({**TOKEN, "client_id": "X"}).replace('"X"', "1e400"),
])
def test_a_hostile_token_file_is_one_line(run_cli, home, content):
    (home / "token.json").write_text(content)
    os.chmod(home / "token.json", 0o600)
    result = run_cli("sync")
    assert "run `loadguard auth` again" in one_line(result, 3)


# -- 4. terminal escapes in symptom notes ---------------------------------------------------------

HOSTILE_NOTE = "sore\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eend\u2066"


def test_symptom_list_shows_no_control_character_of_a_note(run_cli):
    added = run_cli("symptom", "add", "--date", "2026-06-01", "--where", "arch", "--side", "left", "--what",
                    "tingling", "--intensity", "3", "--note", HOSTILE_NOTE, "--today", TODAY)
    assert added.exit_code == 0, added.stderr
    text = run_cli("symptom", "list").stdout
    assert "sore" in text and not any(c in text for c in "\x1b\x07\x9b\u202e\u2066")
    raw = run_cli("symptom", "list", "--format", "json").stdout
    assert not any(c in raw for c in "\x1b\x07\x9b\u202e\u2066")
    assert "\\u009b" in raw and "\\u202e" in raw
    assert json.loads(raw)["symptoms"][0]["note"] == HOSTILE_NOTE


# -- 5. usage errors are one line ------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("check", "--as-of", "2026-13-01"),
    ("check", "--format", "xml"),
    ("chekc",),
    ("import",),
    ("symptom", "rm", "abc"),
    ("digest", "--to", "not-an-address", "--email"),
    ("replay", "--from", "2026-02-01", "--to", "2026-01-01"),
])
def test_a_usage_error_is_one_line_exit_2(run_cli, args):
    text = one_line(run_cli(*args), 2)
    assert "Usage:" not in text and "Try " not in text


def test_home_that_is_a_file_is_one_line_exit_2(tmp_path):
    (tmp_path / "afile").write_text("")
    result = _cli(tmp_path / "afile", "check", "--as-of", TODAY)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
