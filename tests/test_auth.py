"""`loadguard auth`: the browser callback, --code, --revoke, and token.json."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import fake_strava as fs
import pytest
import responses

from loadguard.errors import LoadguardError
from loadguard.strava import token as tokens

CREDS = ("--client-id", str(fs.CLIENT_ID), "--client-secret", fs.CLIENT_SECRET)


@pytest.fixture
def mock(monkeypatch):
    monkeypatch.delenv("STRAVA_CLIENT_ID", raising=False)
    monkeypatch.delenv("STRAVA_CLIENT_SECRET", raising=False)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield fs.FakeStrava(rsps, fs.history(3))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def visit(url: str) -> tuple[int, str]:
    """What a browser does with Strava's redirect (plain urllib: responses only mocks requests)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class Visits(list):
    threads: list

    def done(self) -> "Visits":
        for thread in self.threads:
            thread.join(5)
        return self


def browser(monkeypatch, redirect_with) -> Visits:
    """Stand in for webbrowser.open: follow the authorize URL back to our callback."""
    visits = Visits()
    visits.threads = []

    def open_(url: str) -> bool:
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        target = redirect_with(query)

        def go() -> None:
            visits.append(visit(target))

        thread = threading.Thread(target=go, daemon=True)
        visits.threads.append(thread)
        thread.start()
        return True

    monkeypatch.setattr("webbrowser.open", open_)
    return visits


def test_code_exchange_saves_a_private_token(home, run_cli, mock):
    result = run_cli("auth", "--code", "good-code", *CREDS)

    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Connected to Strava as Ada Runner.")
    path = home / "token.json"
    assert path.stat().st_mode & 0o777 == 0o600
    saved = json.loads(path.read_text())
    assert (saved["access_token"], saved["refresh_token"], saved["expires_at"]) == (fs.ACCESS, fs.REFRESH, mock.expires_at)
    assert saved["client_id"] == fs.CLIENT_ID and saved["athlete_id"] == 134815
    assert mock.calls[-1].form == {"client_id": str(fs.CLIENT_ID), "client_secret": fs.CLIENT_SECRET,
                                   "code": "good-code", "grant_type": "authorization_code"}
    for secret in (fs.ACCESS, fs.REFRESH, fs.CLIENT_SECRET):
        assert secret not in result.stdout + result.stderr
    assert not [p for p in home.iterdir() if p.name.startswith(".token-")]  # no temp file left behind


def test_credentials_can_come_from_the_environment_or_config(home, run_cli, mock, monkeypatch):
    monkeypatch.setenv("STRAVA_CLIENT_ID", str(fs.CLIENT_ID))
    monkeypatch.setenv("STRAVA_CLIENT_SECRET", fs.CLIENT_SECRET)
    assert run_cli("auth", "--code", "good-code").exit_code == 0
    monkeypatch.delenv("STRAVA_CLIENT_ID")
    monkeypatch.delenv("STRAVA_CLIENT_SECRET")
    (home / "config.toml").write_text(f'[strava]\nclient_id = "{fs.CLIENT_ID}"\nclient_secret = "{fs.CLIENT_SECRET}"\n')
    assert run_cli("auth", "--code", "good-code").exit_code == 0


def test_missing_credentials_and_a_bad_code_are_one_line(home, run_cli, mock):
    missing = run_cli("auth", "--code", "good-code")
    assert missing.exit_code == 3 and missing.stderr.startswith("loadguard: Strava client id missing")
    bad = run_cli("auth", "--code", "stale-code", *CREDS)
    assert bad.exit_code == 3
    assert bad.stderr == ("loadguard: Strava refused the authorization code (expired, already used, or for "
                          "another app); run `loadguard auth` again\n")
    assert not (home / "token.json").exists()


def test_browser_flow_with_the_right_state_connects(home, run_cli, mock, monkeypatch):
    seen: dict = {}

    def redirect(query):
        seen.update(query)
        return f"{query['redirect_uri']}?state={query['state']}&code=good-code&scope=read,activity:read_all,profile:read_all"

    visits = browser(monkeypatch, redirect)
    result = run_cli("auth", *CREDS, "--timeout", "20")

    assert result.exit_code == 0, result.stderr
    assert seen["scope"] == "read,activity:read_all,profile:read_all"
    assert seen["client_id"] == str(fs.CLIENT_ID) and seen["response_type"] == "code"
    assert seen["redirect_uri"].startswith("http://127.0.0.1:")
    assert len(seen["state"]) >= 24
    assert "https://www.strava.com/oauth/authorize?" in result.stdout
    assert visits.done()[0][0] == 200
    assert tokens.load(home).scope == "read,activity:read_all,profile:read_all"


def test_callback_with_a_wrong_state_is_refused(home, run_cli, mock, monkeypatch):
    visits = browser(monkeypatch, lambda q: f"{q['redirect_uri']}?state=forged&code=good-code&scope=read")

    result = run_cli("auth", *CREDS, "--timeout", "20")

    assert result.exit_code == 3
    assert result.stderr == ("loadguard: authorization refused: the callback's state does not match this login "
                             "(a stale or forged link); run `loadguard auth` again\n")
    assert visits.done()[0][0] == 400
    assert not (home / "token.json").exists()
    assert [c for c in mock.calls if c.path == "/oauth/token"] == []  # the code was never exchanged


def test_no_browser_prints_the_url_and_how_to_finish_without_waiting(home, run_cli, mock, monkeypatch):
    monkeypatch.setattr("webbrowser.open", lambda url: pytest.fail("a browser was opened"))
    monkeypatch.setattr("loadguard.strava.callback.receive", lambda *a, **k: pytest.fail("it waits for a callback"))
    port = free_port()
    result = run_cli("auth", *CREDS, "--no-browser", "--port", str(port))
    assert result.exit_code == 0 and result.stderr == ""
    assert "https://www.strava.com/oauth/authorize?" in result.stdout
    assert "loadguard auth --code CODE" in result.stdout
    assert f"redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Fcallback" in result.stdout
    assert fs.CLIENT_SECRET not in result.stdout


def test_denied_authorization_is_one_line(home, run_cli, mock, monkeypatch):
    browser(monkeypatch, lambda q: f"{q['redirect_uri']}?state={q['state']}&error=access_denied")
    result = run_cli("auth", *CREDS, "--timeout", "20")
    assert result.exit_code == 3 and "Strava did not authorize loadguard (access_denied)" in result.stderr


def test_revoke_tells_strava_and_deletes_the_token(home, run_cli, mock):
    assert run_cli("auth", "--code", "good-code", *CREDS).exit_code == 0

    result = run_cli("auth", "--revoke")

    assert result.exit_code == 0, result.stderr
    assert mock.calls[-1].path == "/oauth/deauthorize"
    assert mock.access_token is None
    assert not (home / "token.json").exists()
    after = run_cli("sync")
    assert after.exit_code == 3 and "not connected to Strava" in after.stderr


def test_revoke_of_an_already_dead_token_still_deletes_it(home, run_cli, mock):
    fs.write_token(home, access="long-revoked")
    result = run_cli("auth", "--revoke")
    assert result.exit_code == 0, result.stderr
    assert [c.path for c in mock.calls] == ["/oauth/deauthorize"]  # Strava was asked, and said 401
    assert not (home / "token.json").exists()


def test_revoke_keeps_the_token_when_strava_cannot_be_reached(home, run_cli, mock, monkeypatch):
    from loadguard.strava import api as strava
    monkeypatch.setattr(strava, "sleep", lambda s: None)
    fs.write_token(home)
    mock.fail("POST", "/oauth/deauthorize", *[fs.connection_error()] * 4)
    result = run_cli("auth", "--revoke")
    assert result.exit_code == 3 and "token.json was kept" in result.stderr
    assert (home / "token.json").exists()


def test_token_file_is_replaced_atomically_and_stays_private(home, monkeypatch):
    tokens.save(home, tokens.Token("a1", "r1", 100))
    (home / "token.json").chmod(0o644)  # even if someone loosened it
    monkeypatch.setattr("os.replace", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(LoadguardError, match="^cannot write .*token.json: disk full$"):
        tokens.save(home, tokens.Token("a2", "r2", 200))
    assert tokens.load(home).access_token == "a1"  # the old token survives a failed write
    assert not [p for p in home.iterdir() if p.name.startswith(".token-")]
    monkeypatch.undo()
    tokens.save(home, tokens.Token("a3", "r3", 300))
    assert (home / "token.json").stat().st_mode & 0o777 == 0o600
    assert "a3" not in repr(tokens.load(home)) and "r3" not in str(tokens.load(home))


def test_a_corrupt_token_file_is_one_line(home, run_cli):
    (home / "token.json").write_text("{not json")
    result = run_cli("sync")
    assert result.exit_code == 3 and "run `loadguard auth` again" in result.stderr


# -- review findings (issue 3) ---------------------------------------------------------------------


def test_an_idle_connection_cannot_hold_the_callback_past_its_timeout():
    # Browsers open spare connections ahead of need and may never send on them.
    from loadguard.errors import LoadguardError
    from loadguard.strava import callback as oauth_callback

    idle: list[socket.socket] = []
    outcome: list = []

    def ready(redirect_uri: str) -> None:
        port = int(urlsplit(redirect_uri).port)
        idle.append(socket.create_connection(("127.0.0.1", port)))

    def wait() -> None:
        try:
            oauth_callback.receive("s" * 32, timeout_s=2, on_ready=ready)
        except LoadguardError as error:
            outcome.append(str(error))

    started = time.monotonic()
    thread = threading.Thread(target=wait, daemon=True)
    thread.start()
    try:
        thread.join(15)
        assert not thread.is_alive(), "the callback server hung on an idle connection"
    finally:
        for s in idle:
            s.close()
    assert time.monotonic() - started < 10
    assert outcome == ["no answer from Strava within 2 s; run `loadguard auth` again "
                       "(or use --code CODE on a machine without a browser)"]


def test_revoke_saves_a_token_renewed_before_a_failed_revocation(home, run_cli, mock, monkeypatch):
    from loadguard.strava import api as strava
    monkeypatch.setattr(strava, "sleep", lambda s: None)
    fs.write_token(home, expires_at=1_600_000_000)
    mock.fail("POST", "/oauth/deauthorize", *[fs.connection_error()] * 4)

    result = run_cli("auth", "--revoke")

    assert result.exit_code == 3 and "token.json was kept" in result.stderr
    saved = tokens.load(home)
    # Strava retired the old refresh token when it issued the new one: only the new one still works
    assert saved.refresh_token == f"{fs.REFRESH}-renewed" == mock.refresh_token
    assert saved.access_token == f"{fs.ACCESS}-renewed"


def test_revoke_uses_the_client_credentials_given_on_the_command_line(home, run_cli, mock):
    tokens.save(home, tokens.Token(access_token=fs.ACCESS, refresh_token=fs.REFRESH, expires_at=1_600_000_000))

    without = run_cli("auth", "--revoke")
    assert without.exit_code == 3 and "no client id and secret are known" in without.stderr

    result = run_cli("auth", "--revoke", *CREDS)

    assert result.exit_code == 0, result.stderr
    assert [c.path for c in mock.calls] == ["/oauth/token", "/oauth/deauthorize"]
    assert mock.calls[0].form["client_id"] == str(fs.CLIENT_ID)
    assert not (home / "token.json").exists()


def test_a_token_that_cannot_be_written_is_one_line(home, run_cli, mock, monkeypatch):
    import errno

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("tempfile.mkstemp", full_disk)

    result = run_cli("auth", "--code", "good-code", *CREDS)

    assert result.exit_code == 3
    assert result.stderr == f"loadguard: cannot write {home / 'token.json'}: No space left on device\n"
