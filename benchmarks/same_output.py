"""Prove that a refactor changed no output: the same commands, byte for byte, on two revisions.

Given a base revision (default: the merge-base of HEAD and main), this builds two sides:
  * base: `git worktree add` of that revision in a temporary folder;
  * work: this checkout as it is on disk (uncommitted edits included).
Each side gets its own virtual environment with the side installed (editable, no
dependencies: those come from this checkout's .venv through a .pth line), so each
side's detectors and sources are found through its own entry points.

The inputs are built once, by the base side, and copied for each side:
  * the example athlete (examples/athlete, --timezone America/New_York, with
    examples/config.toml), plus two logged symptoms;
  * the recorded history in ../shared/strava-real (as benchmarks/real_history.py
    loads it), plus two logged symptoms (skipped, and said so, when absent).
Then, on a fresh copy of the inputs per side, it records:
  * `check` (text and `--format json`) for several --as-of days;
  * `check --new --min-severity warn` day after day (what the reported ledger lets through);
  * `replay` (text and `--format json`) over a few months;
  * `shoes` (text and json) for several days;
  * the digest in Markdown, HTML and as an e-mail for several weeks;
and diffs the two sides byte by byte (stdout, stderr and exit status of each).

Normalised: only what a message makes afresh each time it is written: the e-mail's
Message-ID and Date headers, its MIME boundaries and the chart's Content-ID. Each
e-mail is compared as its headers (those four replaced by fixed text) and the
decoded content of each part, since quoted-printable wraps the lines of the HTML
part where a Content-ID of another length falls. Everything else is compared raw.

Run: python benchmarks/same_output.py [--base REV] [--work REV] [--shared DIR] [--keep]
Exit status 0 when every output is identical, 1 when any differs (the first lines of
each difference are printed).
"""

from __future__ import annotations

import argparse
import difflib
import email
import email.policy
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
TZ = "America/New_York"

EXAMPLE_DAYS = ["2026-06-20", "2026-08-05", "2026-10-14", "2026-11-18", "2026-11-22"]
EXAMPLE_SYMPTOMS = [
    ["--date", "2026-11-19", "--where", "arch", "--side", "left", "--what", "tingling",
     "--when", "during", "--intensity", "4", "--today", "2026-11-22"],
    ["--date", "2026-08-01", "--where", "calf", "--side", "right", "--what", "dull ache",
     "--when", "after", "--intensity", "3", "--today", "2026-11-22"],
]
EXAMPLE_REPLAY = [("2026-05-01", "2026-11-22")]
EXAMPLE_WEEKS = [("2026-W47", "2026-11-23"), ("2026-W46", "2026-11-22"), ("2026-W32", "2026-08-12"),
                 ("this", "2026-11-20")]

REAL_DAYS = ["2019-05-12", "2021-03-03", "2023-08-20", "2024-11-30", "2025-06-15", "2025-10-19"]
REAL_SYMPTOMS = [
    ["--date", "2025-06-10", "--where", "heel", "--side", "left", "--what", "burning",
     "--when", "morning", "--intensity", "5", "--today", "2025-10-19"],
    ["--date", "2024-11-25", "--where", "ball of foot", "--side", "right", "--what", "stiffness",
     "--when", "after", "--intensity", "2", "--today", "2025-10-19"],
]
REAL_REPLAY = [("2025-01-01", "2025-10-19"), ("2019-03-01", "2019-07-31")]
REAL_WEEKS = [("2025-W42", "2025-10-20"), ("2025-W24", "2025-06-16"), ("2024-W48", "2024-12-02"),
              ("2021-W09", "2021-03-08")]
REAL_CONFIG = """timezone = "Europe/Berlin"

[symptoms]
careful_days = 28
weekly_load_warn = 1.3
"""

FRESH_HEADERS = {"message-id", "date", "content-id"}
BOUNDARY = re.compile(r'boundary="[^"]*"')


def normalise_email(raw: bytes) -> bytes:
    """A message as its headers and decoded parts, with what is made afresh fixed (see above)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    cids = [part["Content-ID"].strip("<>") for part in message.walk() if part["Content-ID"]]
    lines = []
    for part in message.walk():
        for key, value in part.items():
            value = "<fresh>" if key.lower() in FRESH_HEADERS else BOUNDARY.sub('boundary="<fresh>"', str(value))
            lines.append(f"{key}: {value}")
        if not part.is_multipart():
            body = part.get_payload(decode=True) or b""
            for cid in cids:
                body = body.replace(cid.encode(), b"<fresh-cid>")
            lines.append(body.decode("utf-8", errors="replace"))
    return "\n".join(lines).encode()


def sh(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, **kw)
    if proc.returncode:
        err = proc.stderr if isinstance(proc.stderr, str) else proc.stderr.decode(errors="replace")
        raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{err}")
    return proc


class Side:
    """One revision, installed in its own venv."""

    def __init__(self, name: str, src: Path, tmp: Path) -> None:
        self.name, self.src = name, src
        self.venv = tmp / f"venv-{name}"
        sh([sys.executable, "-m", "venv", "--without-pip", str(self.venv)])
        deps = Path(sysconfig.get_paths()["purelib"])
        own = Path(sh([str(self.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                      text=True).stdout.strip())
        # Dependencies from the running interpreter's environment (appended after the side's own
        # site-packages, so the side's own loadguard metadata and entry points come first).
        (own / "_same_output_deps.pth").write_text(f"{deps}\n", encoding="utf-8")
        sh([sys.executable, "-m", "pip", "--python", str(self.python), "install", "-q", "--no-deps",
            "-e", str(src)])
        where = sh([str(self.python), "-c", "import loadguard, importlib.metadata as m; "
                    "print(loadguard.__file__); print(m.distribution('loadguard')._path)"],
                   text=True, cwd=tmp).stdout.split()
        if not (where[0].startswith(str(src)) and where[1].startswith(str(self.venv))):
            raise SystemExit(f"{name}: loadguard comes from {where}, not {src} and {self.venv}")

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def run(self, home: Path, *args: str) -> bytes:
        env = {k: v for k, v in os.environ.items() if k not in ("LOADGUARD_HOME", "NO_COLOR", "PYTHONPATH")}
        env.update({"TZ": "UTC", "LC_ALL": "C.UTF-8", "COLUMNS": "100"})
        proc = subprocess.run([str(self.python), "-m", "loadguard", "--home", str(home), *args],
                              capture_output=True, env=env, cwd=home)
        out = proc.stdout
        if "--email" in args and proc.returncode == 0:
            out = normalise_email(out)
        return b"exit %d\n--- stdout\n%s\n--- stderr\n%s" % (proc.returncode, out, proc.stderr)


def build_inputs(base: Side, tmp: Path, shared: Path) -> dict[str, Path]:
    """The input homes, written once by the base side."""
    homes = {}
    example = tmp / "in-example"
    example.mkdir()
    shutil.copy(base.src / "examples" / "config.toml", example / "config.toml")
    out = base.run(example, "import", str(base.src / "examples" / "athlete"), "--timezone", TZ)
    if not out.startswith(b"exit 0"):
        raise SystemExit(f"example import failed:\n{out.decode()}")
    for args in EXAMPLE_SYMPTOMS:
        base.run(example, "symptom", "add", *args)
    homes["example"] = example
    if (shared / "strava-real" / "activities.json").exists():
        real = tmp / "in-real"
        real.mkdir()
        (real / "config.toml").write_text(REAL_CONFIG, encoding="utf-8")
        code = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
                "import real_history as r; r.REAL = Path(sys.argv[2]); r.load_real(Path(sys.argv[3]))")
        sh([str(base.python), "-c", code, str(base.src / "benchmarks"), str(shared / "strava-real"), str(real)],
           cwd=tmp)  # not the checkout: `-c` puts the working folder first on sys.path
        for args in REAL_SYMPTOMS:
            base.run(real, "symptom", "add", *args)
        homes["real"] = real
    else:
        print(f"note: {shared}/strava-real absent; the recorded history is not compared")
    return homes


def plan(kind: str) -> list[tuple[str, list[str]]]:
    """(label, arguments) of every command recorded for one input, in order."""
    days, replays, weeks = ((EXAMPLE_DAYS, EXAMPLE_REPLAY, EXAMPLE_WEEKS) if kind == "example"
                            else (REAL_DAYS, REAL_REPLAY, REAL_WEEKS))
    steps: list[tuple[str, list[str]]] = []
    for day in days:
        steps.append((f"check {day} text", ["check", "--as-of", day]))
        steps.append((f"check {day} json", ["check", "--as-of", day, "--format", "json"]))
        steps.append((f"shoes {day} text", ["shoes", "--as-of", day]))
        steps.append((f"shoes {day} json", ["shoes", "--as-of", day, "--format", "json"]))
    for first, last in replays:
        steps.append((f"replay {first}..{last} text", ["replay", "--from", first, "--to", last]))
        steps.append((f"replay {first}..{last} json", ["replay", "--from", first, "--to", last,
                                                        "--format", "json", "--min-severity", "info"]))
    for week, today in weeks:
        for fmt in ("md", "html"):
            steps.append((f"digest {week} @{today} {fmt}", ["digest", "--week", week, "--today", today,
                                                              "--format", fmt]))
        steps.append((f"digest {week} @{today} email", ["digest", "--week", week, "--today", today, "--email",
                                                          "--to", "runner@example.org",
                                                          "--from", "loadguard@example.org"]))
    steps.append(("symptom list json", ["symptom", "list", "--format", "json"]))
    # The ledger last: each --new run records what it printed, and the next day sees it.
    for day in days:
        steps.append((f"check --new {day}", ["check", "--new", "--min-severity", "warn", "--as-of", day,
                                             "--format", "json"]))
        steps.append((f"check --new {day} again", ["check", "--new", "--as-of", day]))
    return steps


def record(side: Side, kind: str, source: Path, tmp: Path) -> dict[str, bytes]:
    home = tmp / f"{side.name}-{kind}"
    shutil.copytree(source, home)
    return {label: side.run(home, *args) for label, args in plan(kind)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="base revision (default: merge-base of HEAD and main)")
    parser.add_argument("--work", help="compare this revision instead of the checkout on disk")
    parser.add_argument("--shared", type=Path, default=SHARED,
                        help="folder holding strava-real/ (default: ../shared beside the repo)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    base_rev = args.base or sh(["git", "merge-base", "HEAD", "main"], cwd=REPO, text=True).stdout.strip()
    base_rev = sh(["git", "rev-parse", base_rev], cwd=REPO, text=True).stdout.strip()
    tmp = Path(tempfile.mkdtemp(prefix="same-output-"))
    worktrees = []
    try:
        base_src = tmp / "src-base"
        sh(["git", "worktree", "add", "--detach", "-q", str(base_src), base_rev], cwd=REPO)
        worktrees.append(base_src)
        work_src = REPO
        if args.work:
            work_src = tmp / "src-work"
            sh(["git", "worktree", "add", "--detach", "-q", str(work_src), args.work], cwd=REPO)
            worktrees.append(work_src)
        base = Side("base", base_src, tmp)
        work = Side("work", work_src, tmp)
        homes = build_inputs(base, tmp, args.shared)
        differences = compared = 0
        exits: dict[bytes, int] = {}
        for kind, source in homes.items():
            # The two sides at once: each has its own copy of the inputs.
            with ThreadPoolExecutor(2) as pool:
                before, after = pool.map(record, (base, work), (kind, kind), (source, source), (tmp, tmp))
            for label, old in before.items():
                compared += 1
                exits[old.split(b"\n", 1)[0]] = exits.get(old.split(b"\n", 1)[0], 0) + 1
                new = after[label]
                if old != new:
                    differences += 1
                    print(f"DIFFERS: {kind}: {label}")
                    diff = difflib.unified_diff(old.decode(errors="replace").splitlines(),
                                                new.decode(errors="replace").splitlines(),
                                                "base", "work", lineterm="", n=1)
                    for line in list(diff)[:30]:
                        print("   ", line)
        print(f"base {base_rev[:10]} vs {args.work or 'working tree'}: {compared} outputs on "
              f"{', '.join(homes)}, {differences} differ (base: "
              + ", ".join(f"{n} {code.decode()}" for code, n in sorted(exits.items())) + ")")
        return 1 if differences else 0
    finally:
        for wt in worktrees:
            subprocess.run(["git", "worktree", "remove", "--force", str(wt)], cwd=REPO, capture_output=True)
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
