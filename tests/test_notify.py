"""`check --notify` and `digest --notify`: the cron line's news and the digest's headline
pushed through Apprise, tested end to end against a local HTTP endpoint (Apprise's
json:// service pointed at a tiny server on 127.0.0.1), never the net."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from conftest import run, steady_weeks

MONDAY = date(2026, 11, 16)
SUNDAY = date(2026, 11, 22)
TOKEN = "s3cr3t-token-42"


class Endpoint:
    """A local service that records what Apprise posts, answering `status`."""

    def __init__(self, status: int = 200):
        self.status = status
        self.received: list[dict] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                endpoint.received.append(json.loads(body))
                self.send_response(endpoint.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.server.server_port}/{TOKEN}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint():
    e = Endpoint()
    yield e
    e.close()


def closed_port_url() -> str:
    """A local URL nobody listens on: the service is down."""
    e = Endpoint()
    url = e.url
    e.close()
    return url


def configure(home, *urls: str) -> None:
    (home / "config.toml").write_text("[notify]\nurls = [" + ", ".join(json.dumps(u) for u in urls) + "]\n")


@pytest.fixture
def big_week(store):
    store.upsert_activities(steady_weeks(MONDAY, 5, 30.0))
    # 48 km in six runs no longer than usual: ratio 1.6, and no single run a spike
    store.upsert_activities([run(MONDAY + timedelta(days=d), 8.0) for d in range(6)])


def cron(run_cli, day: date = SUNDAY):
    return run_cli("check", "--notify", "--min-severity", "warn", "--as-of", day.isoformat())


def test_check_notify_sends_the_news_once(home, big_week, endpoint, run_cli):
    configure(home, endpoint.url)
    result = cron(run_cli)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")   # the push is the one message
    [message] = endpoint.received
    assert message["title"].startswith("loadguard: Weekly distance well above your recent weeks")
    assert "WARN: Weekly distance well above your recent weeks." in message["message"]
    assert "load ratio 1.6" in message["message"]
    # the next cron run has nothing new: nothing is sent, nothing printed
    again = cron(run_cli)
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")
    assert len(endpoint.received) == 1
    # and plain --new agrees it was reported
    assert run_cli("check", "--new", "--min-severity", "warn", "--as-of", SUNDAY.isoformat()).stdout == ""


def test_nothing_new_sends_nothing(home, store, endpoint, run_cli):
    configure(home, endpoint.url)
    store.upsert_activities(steady_weeks(MONDAY + timedelta(days=7), 6, 30.0))
    result = cron(run_cli)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert endpoint.received == []


def test_a_failing_service_is_one_line_and_the_news_stays_unreported(home, big_week, endpoint, run_cli):
    configure(home, closed_port_url())
    result = cron(run_cli)
    assert result.exit_code == 3
    [line] = result.stderr.splitlines()
    assert line.startswith("loadguard: notify: could not deliver to any of 1 service(s) (json)")
    assert TOKEN not in result.stderr and TOKEN not in result.stdout      # the URL's token is never shown
    # the service is back: the same news goes out now, once
    configure(home, endpoint.url)
    assert cron(run_cli).exit_code == 0
    assert len(endpoint.received) == 1 and "Weekly distance" in endpoint.received[0]["title"]


def test_one_service_down_another_up_marks_it_reported_and_says_so(home, big_week, endpoint, run_cli):
    configure(home, closed_port_url(), endpoint.url)
    result = cron(run_cli)
    assert result.exit_code == 3
    assert result.stderr.strip() == "loadguard: notify: delivered to 1 service(s), but 1 failed (json)"
    assert len(endpoint.received) == 1
    configure(home, endpoint.url)
    assert cron(run_cli).exit_code == 0 and len(endpoint.received) == 1    # delivered somewhere: reported


def test_a_service_answering_an_error_is_a_failure(home, big_week, run_cli):
    refusing = Endpoint(status=500)
    try:
        configure(home, refusing.url)
        result = cron(run_cli)
        assert result.exit_code == 3 and "could not deliver" in result.stderr
        assert len(refusing.received) == 1
    finally:
        refusing.close()


def test_digest_notify_pushes_the_headline(home, big_week, endpoint, run_cli, tmp_path):
    configure(home, endpoint.url)
    page = tmp_path / "{week}.html"
    result = run_cli("digest", "--week", "2026-W47", "--today", "2026-11-30", "-o", str(page), "--notify")
    assert (result.exit_code, result.stderr) == (0, "")
    [message] = endpoint.received
    html = (tmp_path / "2026-W47.html").read_text()
    assert message["title"].startswith("loadguard 2026-W47: Weekly distance well above your recent weeks; 48.0 km")
    assert message["title"].split(": ", 1)[1] in html
    assert message["message"].startswith("Caution. ") and "Next week: up to " in message["message"]


@pytest.mark.parametrize("command", [["check", "--notify"], ["digest", "--notify", "--week", "2026-W47"]])
def test_notify_without_urls_is_a_usage_error(store, run_cli, command):
    result = run_cli(*command, "--today" if command[0] == "digest" else "--as-of", "2026-11-30")
    assert result.exit_code == 2
    assert "--notify needs urls under [notify] in config.toml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_bad_urls_setting_never_echoes_the_token(home, run_cli):
    (home / "config.toml").write_text(f'[notify]\nurls = "ntfy://{TOKEN}@ntfy.sh/topic"\n')
    result = run_cli("check", "--as-of", "2026-11-30")
    assert result.exit_code == 3
    assert "notify.urls must be a list of strings" in result.stderr and TOKEN not in result.stderr


def test_help_and_light_commands_never_load_apprise():
    code = ("import sys; from loadguard.cli import cli\n"
            "for args in (['--help'], ['check', '--help'], ['digest', '--help']):\n"
            "    try:\n        cli(args, prog_name='loadguard')\n    except SystemExit:\n        pass\n"
            "import loadguard.notify, loadguard.render.push\n"
            "print('apprise' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "--notify" in out
    assert out.strip().splitlines()[-1] == "False"
