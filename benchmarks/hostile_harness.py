"""The hostile harness of issue 18: every input class of its attack, run against the real
`loadguard` program in its own process, each in a fresh sandbox.

A case holds when:
  - the command ends within 20 s (the sync cases with a trickling server get a deadline
    of their own, `[sync] max_seconds`, which is the documented bound);
  - it exits 0, or 2 or 3 (130 for Ctrl-C) with ONE line on stderr and no traceback;
  - nothing was written outside the home and the case's own target, and the store
    seeded before (3 runs) still holds them and passes SQLite's integrity check.

A local HTTP server stands in for Strava (normal, endless pages that never move forward
in time, pages that come slowly, answers that trickle): no network is used.

Run: python benchmarks/hostile_harness.py [--only WORD]   (writes only in a temp folder)
Prints one row per case and `N/N held`; exits 1 if any case did not hold.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import hostile_files as hf  # noqa: E402
from activity_files import gpx_text  # noqa: E402
from fake_strava import activity  # noqa: E402

TIMEOUT_S = 20.0
TODAY = "2026-06-28"
TOKEN = {"access_token": "harness-access", "refresh_token": "harness-refresh", "expires_at": 4_000_000_000,
         "client_id": 1, "client_secret": "s"}
HOSTILE_NOTE = "sore\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eend"
START = datetime(2026, 3, 1, 7, tzinfo=timezone.utc)


# -- a Strava of our own ------------------------------------------------------------------------------


class _Strava(http.server.BaseHTTPRequestHandler):
    """`/<mode>/api/v3/...`: normal, endless (full pages at the cursor, for ever), slow
    (a page a second, moving forward), trickle (a byte a second)."""

    ids = iter(range(10_000_000, 10**12))

    def log_message(self, *args) -> None:
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except OSError:
            pass  # the client stopped reading (Ctrl-C, its deadline): what the case is about

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        url = urlsplit(self.path)
        mode, _, rest = url.path.strip("/").partition("/api/v3")
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if mode == "trickle":
            self._send(200, None)
            for _ in range(600):
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(1)
            return
        if rest.startswith("/athlete/activities"):
            after = datetime.fromtimestamp(int(query.get("after", 0)), timezone.utc)
            page, per_page = int(query.get("page", 1)), int(query.get("per_page", 30))
            if mode == "endless":
                body = [activity(next(self.ids), after, 5.0, gear_id=None) for _ in range(per_page)]
            elif mode == "slow":
                time.sleep(1.0)
                first = max(after, START) + timedelta(hours=per_page * (page - 1))
                body = [activity(next(self.ids), first + timedelta(hours=i), 5.0, gear_id=None)
                        for i in range(per_page)]
            else:
                body = [activity(900 + i, START + timedelta(days=i), 6.0, gear_id=None)
                        for i in range(3)] if page == 1 else []
            self._send(200, body)
        elif rest == "/athlete":
            self._send(200, {"id": 1, "firstname": "Ada", "shoes": []})
        else:
            self._send(404, {"message": "Record Not Found", "errors": []})

    def _send(self, status: int, body) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-RateLimit-Limit", "600,30000")
        self.send_header("X-RateLimit-Usage", "1,1")
        self.send_header("X-ReadRateLimit-Limit", "600,30000")
        self.send_header("X-ReadRateLimit-Usage", "1,1")
        if body is not None:
            data = json.dumps(body).encode()
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        else:
            self.send_header("Content-Length", "1000000")
            self.end_headers()


def start_strava() -> str:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Strava)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


# -- one case -------------------------------------------------------------------------------------------


@dataclass
class Case:
    group: str
    name: str
    args: list[str]
    prepare: object = None          # prepare(box: Path, home: Path) -> None
    codes: tuple[int, ...] = (0, 2, 3)
    check: object = None            # check(box, home, result) -> str | None (what went wrong)
    config: str = ""
    token: bool = False
    interrupt_after: float | None = None
    max_lines: int = 1              # on stderr when it fails (an import names up to 10 files, then counts)
    env: dict = field(default_factory=dict)


def _snapshot(box: Path) -> dict[str, tuple]:
    found = {}
    for root, dirs, files in os.walk(box):
        for name in dirs + files:
            path = Path(root) / name
            try:
                info = path.lstat()
            except OSError:
                continue
            found[os.fsdecode(path.relative_to(box))] = (info.st_mode, info.st_size if not os.path.isdir(path) else 0)
    return found


def _store_runs(home: Path) -> tuple[int, str]:
    conn = sqlite3.connect(home / "loadguard.db")
    try:
        return conn.execute("SELECT COUNT(*) FROM activities").fetchone()[0], \
            conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def run_case(case: Case, strava: str, program: list[str]) -> tuple[bool, str, int, float]:
    with tempfile.TemporaryDirectory(prefix="lg-hostile-") as tmp:
        box = Path(tmp)
        home = box / "home"
        home.mkdir()
        seed = box / "seed"
        seed.mkdir()
        for i in range(3):
            (seed / f"seed{i}.gpx").write_text(gpx_text(START - timedelta(days=10 + i), km=4.0))
        env = {**os.environ, "TZ": "UTC", "LOADGUARD_HOME": str(home), **case.env}
        env.pop("COLUMNS", None) if "COLUMNS" not in case.env else None
        subprocess.run([*program, "--home", str(home), "import", str(seed), "--quiet"], env=env, check=True,
                       capture_output=True, timeout=60)
        (home / "config.toml").write_text(f'[strava]\nbase_url = "{strava}/normal/api/v3"\n' + case.config)
        if case.token:
            (home / "token.json").write_text(json.dumps(TOKEN))
            os.chmod(home / "token.json", 0o600)
        if case.prepare:
            case.prepare(box, home)
        args = [a.replace("{box}", str(box)).replace("{strava}", strava) for a in case.args]
        before = _snapshot(box)
        started = time.monotonic()
        proc = subprocess.Popen([*program, "--home", str(home), *args], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, errors="replace")
        try:
            if case.interrupt_after:
                time.sleep(case.interrupt_after)
                proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return False, f"still running after {TIMEOUT_S:g} s", -1, time.monotonic() - started
        took = time.monotonic() - started
        code = proc.returncode
        problems = []
        if code not in case.codes:
            problems.append(f"exit {code}")
        if code != 0 and (not 1 <= err.count("\n") <= case.max_lines or not err.startswith("loadguard: ")):
            problems.append(f"{err.count(chr(10))} lines on stderr: {err[:160]!r}")
        if "Traceback" in err:
            problems.append("traceback")
        after = _snapshot(box)
        outside = sorted(p for p in set(before) | set(after)
                         if before.get(p) != after.get(p) and not p.startswith("home")
                         and p not in getattr(case, "targets", ()))
        if outside:
            problems.append(f"written outside the home: {outside[:3]}")
        if (home / "loadguard.db").exists() and not os.path.islink(home / "loadguard.db"):
            runs, integrity = _store_runs(home)
            if runs < 3 or integrity != "ok":
                problems.append(f"store: {runs} runs, integrity {integrity}")
        if case.check:
            why = case.check(box, home, (code, out, err))
            if why:
                problems.append(why)
        return not problems, "; ".join(problems) or err.strip()[:90], code, took


# -- the cases -------------------------------------------------------------------------------------------


def _fifo(name: str):
    return lambda box, home: ((home / name).unlink(missing_ok=True), os.mkfifo(home / name))


def _zero(name: str):
    return lambda box, home: ((home / name).unlink(missing_ok=True), (home / name).symlink_to("/dev/zero"))


def _write(rel: str, data: bytes | str):
    def prepare(box: Path, home: Path) -> None:
        path = box / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.write_bytes if isinstance(data, bytes) else path.write_text)(data)
    return prepare


def _fits(width: int):
    return lambda box, home, r: None if max((len(x) for x in r[1].splitlines()), default=0) <= width \
        else f"a line of {max(len(x) for x in r[1].splitlines())} columns"


def _no_raw(box, home, r):
    return "a control character reached the output" if any(c in r[1] for c in "\x1b\x07\x9b\u202e") else None


def _private(box, home, r):
    mode = os.stat(home / "token.json").st_mode & 0o777
    return None if mode == 0o600 and "readable by others" in r[2] else f"token.json left {mode:o}"


def _add_symptom(box, home):
    subprocess.run([sys.executable, "-m", "loadguard", "--home", str(home), "symptom", "add", "--date", "2026-06-01",
                    "--where", "arch", "--side", "left", "--what", "tingling", "--intensity", "3", "--note",
                    HOSTILE_NOTE + " after a long run on the hills " * 3, "--today", TODAY], check=True,
                   capture_output=True)


def _zip(members: int):
    return lambda box, home: hf.zip_of_tiny_gpx(box / "tiny.zip", members)


def _watch_folder(box: Path, home: Path) -> None:
    folder = box / "watch"
    folder.mkdir()
    (folder / "run.gpx").write_text(gpx_text(START + timedelta(days=5)))
    (folder / "README.md").write_text("# runs\n")
    (folder / "manifest.json").write_text("{}")
    (folder / "LICENSE").write_text("MIT\n")
    for kind in ("settings", "totals", "monitoring_b"):
        (folder / f"{kind}.fit").write_bytes(hf.fit_of_type(kind))


def _words(*banned: str):
    return lambda box, home, r: next((f"says {b!r}" for b in banned if b in r[1] + r[2]), None)


def cases() -> list[Case]:
    out: list[Case] = []
    add = out.append
    # 1. writes where nothing should be written
    add(Case("writes", "digest -o a link dangling into a missing folder", ["digest", "--today", TODAY, "-o", "{box}/out.md"],
             prepare=lambda box, home: (box / "out.md").symlink_to(box / "nowhere" / "deep" / "out.md")))
    add(Case("writes", "digest -o FOLDER", ["digest", "--today", TODAY, "-o", "{box}/FOLDER"],
             prepare=lambda box, home: (box / "FOLDER").mkdir()))
    add(Case("writes", "token.json mode 0666", ["sync"], token=True, check=_private,
             prepare=lambda box, home: os.chmod(home / "token.json", 0o666)))
    # 2. hangs
    for name, args, token in (("config.toml", ["check", "--as-of", TODAY], False), ("token.json", ["sync"], False),
                              ("sync.lock", ["sync"], True)):
        add(Case("hangs", f"FIFO as {name}", args, prepare=_fifo(name), token=token))
        if name != "sync.lock":
            add(Case("hangs", f"/dev/zero as {name}", args, prepare=_zero(name), token=token))
    add(Case("hangs", "FIT of endless developer fields (19 MB)", ["import", "{box}/dev.fit"],
             prepare=_write("dev.fit", hf.fit_endless_developer_fields(19.0))))
    for members in (2000, 20000):
        add(Case("hangs", f"zip of {members:,} tiny GPX members", ["import", "{box}/tiny.zip"], prepare=_zip(members),
                 max_lines=11))
    add(Case("hangs", "Strava pages that never move forward", ["sync"], token=True,
             prepare=lambda box, home: _base_url(home, "endless")))
    add(Case("hangs", "Strava trickling (max_seconds = 5)", ["sync"], token=True,
             prepare=lambda box, home: _base_url(home, "trickle", "[sync]\nmax_seconds = 5\n")))
    add(Case("hangs", "Ctrl-C during a slow sync", ["sync"], token=True, interrupt_after=6.0, codes=(130,),
             prepare=lambda box, home: _base_url(home, "slow")))
    # 3. tracebacks
    add(Case("tracebacks", "a file name that is not UTF-8", ["import", "{box}/card"],
             prepare=lambda box, home: (box.joinpath("card").mkdir(),
                                        hf.non_utf8_name(box / "card", gpx_text(START + timedelta(days=3)).encode()))))
    for command in ("rm", "edit"):
        extra = ["--intensity", "3"] if command == "edit" else []
        add(Case("tracebacks", f"symptom {command} 2**63", ["symptom", command, *extra, "--", str(2**63)]))
    add(Case("tracebacks", "--to with an encoded line break",
             ["digest", "--today", TODAY, "--email", "--to", "=?utf-8?q?a=0Ab?= <me@example.com>"]))
    add(Case("tracebacks", "token.json nested 10,000 deep", ["sync"],
             prepare=_write("home/token.json", "[" * 10_000 + "]" * 10_000)))
    add(Case("tracebacks", "token.json expires_at 1e400", ["sync"],
             prepare=_write("home/token.json", json.dumps(TOKEN).replace("4000000000", "1e400"))))
    # 4. terminal escapes
    add(Case("escapes", "symptom list (text)", ["symptom", "list"], prepare=_add_symptom, check=_no_raw))
    add(Case("escapes", "symptom list --format json", ["symptom", "list", "--format", "json"], prepare=_add_symptom,
             check=_no_raw))
    # 5. usage errors
    for args in (["check", "--as-of", "2026-13-01"], ["import"], ["chek"], ["digest", "--email", "--to", "x"],
                 ["check", "--as-of", "2999-01-01"]):
        add(Case("usage", " ".join(args), args, codes=(2,)))
    # 6. width
    add(Case("width", "check at 80 (not a terminal)", ["check", "--as-of", TODAY], check=_fits(80)))
    add(Case("width", "replay at COLUMNS=60", ["replay", "--from", "2026-01-01", "--to", TODAY],
             env={"COLUMNS": "60"}, check=_fits(60)))
    add(Case("width", "symptom list at 80", ["symptom", "list"], prepare=_add_symptom, check=_fits(80)))
    add(Case("width", "sync summary at 80", ["sync"], token=True, check=_fits(80)))
    # 7. progress: never when not a terminal
    add(Case("progress", "import off a terminal prints no progress", ["import", "{box}/watch"], prepare=_watch_folder,
             check=lambda box, home, r: "progress on stderr" if "files" in r[2] else None))
    # 8. folder import
    add(Case("folder", "README, manifest, licence, watch settings", ["import", "{box}/watch"], prepare=_watch_folder,
             codes=(0,), check=lambda box, home, r: None if "6 files that are not activities" in r[1] else r[1]))
    add(Case("folder", "an empty folder", ["import", "{box}/empty"], codes=(0,),
             prepare=lambda box, home: (box / "empty").mkdir(),
             check=lambda box, home, r: None if "nothing to import" in r[1] else r[1]))
    # 9. words
    add(Case("words", "replay of one month", ["replay", "--from", "2026-02-20", "--to", "2026-03-05"],
             check=_words("1 months", "1 mail days")))
    add(Case("words", "symptom edit --help", ["symptom", "edit", "--help"], check=_words("(default: today)")))
    add(Case("words", "digest --email names what it needs", ["digest", "--today", TODAY, "--email"], codes=(2,),
             check=lambda box, home, r: None if "--to" in r[2] and "From" in r[2] else r[2]))
    return out


def _base_url(home: Path, mode: str, extra: str = "") -> None:
    text = (home / "config.toml").read_text().replace("/normal/", f"/{mode}/")
    (home / "config.toml").write_text(text + extra if extra and extra not in text else text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="", help="run only the cases whose group or name holds this word")
    args = parser.parse_args()
    strava = start_strava()
    program = [sys.executable, "-m", "loadguard"]
    chosen = [c for c in cases() if args.only.lower() in f"{c.group} {c.name}".lower()]
    held = 0
    for case in chosen:
        ok, note, code, took = run_case(case, strava, program)
        held += ok
        print(f"{'held' if ok else 'FAILED':<6} {case.group:<10} {case.name:<46.46} exit {code:>3} {took:6.1f} s  {note[:70]}",
              flush=True)
    print(f"{held}/{len(chosen)} held")
    sys.exit(0 if held == len(chosen) else 1)


if __name__ == "__main__":
    main()
