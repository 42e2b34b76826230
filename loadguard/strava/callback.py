"""A one-shot HTTP server on 127.0.0.1 that receives Strava's OAuth redirect.

It answers exactly one `/callback` request and then stops. The `state` value
must match the one put in the authorize URL: a mismatch means the redirect did
not come from the login we started (a forged or stale link), and is refused.
"""

from __future__ import annotations

import hmac
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Callable
from urllib.parse import parse_qs, urlsplit

from loadguard.errors import LoadguardError

CALLBACK_PATH = "/callback"
CONNECTION_IDLE_S = 5


@dataclass
class Callback:
    code: str
    scope: str | None


class _Server(HTTPServer):
    expected_state: str
    outcome: Callback | LoadguardError | None = None


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    # Browsers open spare connections and may never send a request on them; the
    # server handles one connection at a time, so an idle one would block it
    # (and the --timeout check) for good. http.server drops a connection that
    # stays silent this long.
    timeout = CONNECTION_IDLE_S

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        url = urlsplit(self.path)
        if url.path != CALLBACK_PATH or self.server.outcome is not None:
            self._reply(404, "Not the loadguard callback.")
            return
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        state = query.get("state", "")
        if not hmac.compare_digest(state.encode(), self.server.expected_state.encode()):
            self.server.outcome = LoadguardError(
                "authorization refused: the callback's state does not match this login "
                "(a stale or forged link); run `loadguard auth` again")
            self._reply(400, "Refused: this authorization does not belong to the login loadguard started.")
        elif query.get("error"):
            self.server.outcome = LoadguardError(
                f"Strava did not authorize loadguard ({query['error']}); run `loadguard auth` again "
                "and press Authorize")
            self._reply(200, "Authorization was not granted. You can close this tab.")
        elif not query.get("code"):
            self.server.outcome = LoadguardError("Strava's callback carried no code; run `loadguard auth` again")
            self._reply(400, "No authorization code received.")
        else:
            self.server.outcome = Callback(code=query["code"], scope=query.get("scope"))
            self._reply(200, "loadguard is connected to Strava. You can close this tab.")

    def _reply(self, status: int, text: str) -> None:
        body = f"<!doctype html><title>loadguard</title><p>{text}</p>\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the request line holds the authorization code: never log it


def receive(state: str, *, port: int = 0, timeout_s: float = 300,
            on_ready: Callable[[str], None] = lambda redirect_uri: None) -> Callback:
    """Listen on 127.0.0.1, call `on_ready(redirect_uri)`, and wait for the one callback."""
    try:
        server = _Server(("127.0.0.1", port), _Handler)
    except OSError as exc:
        raise LoadguardError(f"cannot listen on 127.0.0.1:{port} for Strava's callback: {exc.strerror}") from None
    server.expected_state = state
    server.timeout = 0.5
    redirect_uri = f"http://127.0.0.1:{server.server_address[1]}{CALLBACK_PATH}"
    deadline = threading.Event()
    timer = threading.Timer(timeout_s, deadline.set)
    timer.daemon = True
    timer.start()
    try:
        on_ready(redirect_uri)
        while server.outcome is None and not deadline.is_set():
            server.handle_request()
    finally:
        timer.cancel()
        server.server_close()
    if server.outcome is None:
        raise LoadguardError(f"no answer from Strava within {int(timeout_s)} s; run `loadguard auth` again "
                             "(or use --code CODE on a machine without a browser)")
    if isinstance(server.outcome, LoadguardError):
        raise server.outcome
    return server.outcome
