"""Headless Chromium driven over the DevTools protocol on a pipe, for the digest's browser tests.

The command-line switches are not enough: headless Chromium lays a page out at
least 500 px wide whatever `--window-size` says, so a "390 px" screenshot would be a
crop of a 500 px page. The protocol's device-metrics override gives a true 390 px
phone viewport, and the same session measures, screenshots and prints.
Chromium reads commands on fd 3 and answers on fd 4 (`--remote-debugging-pipe`),
each message JSON ended by a NUL byte; nothing listens on a port.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TIMEOUT_S = 60


def _above_4(fd: int) -> int:
    high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return high


class Browser:
    def __init__(self, profile: Path):
        # the child's ends above fd 4, so placing them on 3 and 4 never overwrites one with the other
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        to_chrome_r, from_chrome_w = (_above_4(fd) for fd in (to_chrome_r, from_chrome_w))

        def fds_3_and_4() -> None:       # in the child, before exec
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        self._proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-extensions", "--hide-scrollbars", "--remote-debugging-pipe",
             f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=fds_3_and_4,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Page.enable", session=True)

    # -- the protocol ---------------------------------------------------------------

    def send(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self._events.append(reply)

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if not select.select([self._from_chrome], [], [], TIMEOUT_S)[0]:
                raise RuntimeError(f"chromium said nothing for {TIMEOUT_S} s")
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def _wait_for(self, event: str) -> None:
        while True:
            found = next((e for e in self._events if e.get("method") == event), None)
            if found is not None:
                self._events.remove(found)
                return
            self._events.append(self._read())

    # -- what the tests do ------------------------------------------------------------

    def open(self, url: str, width: int, height: int = 900, dark: bool = False) -> None:
        """Load `url` in a viewport of `width` CSS px (a phone's, with its viewport meta
        honoured, below 600 px) at 1 device pixel per CSS px."""
        self.send("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=1, mobile=width < 600)
        self.send("Emulation.setEmulatedMedia", session=True,
                  features=[{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}])
        self._events.clear()
        self.send("Page.navigate", session=True, url=url)
        self._wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def screenshot(self) -> bytes:
        """The whole page, top to bottom, as PNG."""
        data = self.send("Page.captureScreenshot", session=True, format="png", captureBeyondViewport=True)
        return base64.b64decode(data["data"])

    def pdf(self, paper: tuple[float, float]) -> bytes:
        """The page printed on `paper` (inches), backgrounds on, as a browser's print dialog would."""
        data = self.send("Page.printToPDF", session=True, paperWidth=paper[0], paperHeight=paper[1],
                         printBackground=True)
        return base64.b64decode(data["data"])

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self._proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)
