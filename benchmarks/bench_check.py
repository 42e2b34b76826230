"""Benchmark `loadguard check` and `loadguard --help` against bare imports.

Builds two synthetic stores (not committed; under benchmarks/out/):
  * 10 years of running, ~5,000 runs, 6 shoes;
  * 100,000 activities (runs plus rides and swims), 40 shoes.
Then reports, each as a ratio measured in the same run:
  * `loadguard check` wall time ÷ `python -c "import pandas, sqlite3"`   (target <= 1.4, issue 20)
  * `loadguard --help` wall time ÷ `python -c "import click"`           (target <= 1.25, issue 20)
  * peak resident memory of `loadguard check` and `replay` on the 100k store (target < 300 MB)
  * `loadguard replay` of the 10 years, day by day, ÷ one `loadguard check` (target <= 3)
  * `loadguard ahead` (7 and 28 days), and `loadguard plan check` of a 16-week plan, ÷ one
    `loadguard check` (target <= 1.5)

With --instructions, `check` ÷ `import pandas, sqlite3` is also counted in instructions
(valgrind's callgrind, when installed): the same count whatever else the machine runs,
where wall times on a shared machine move with its load.

Run: python benchmarks/bench_check.py [--repeat N] [--ahead-only] [--instructions]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
AS_OF = "2026-11-22"
REPLAY_FROM = "2016-11-23"   # ten years of days
PY = sys.executable
LOADGUARD = [PY, "-m", "loadguard"]
GNU_TIME = Path("/usr/bin/time")
CHECK_TARGET = 1.4   # check ÷ import pandas (issue 20)
HELP_TARGET = 1.25   # --help ÷ import click (issue 20)


def build_store(home: Path, n_activities: int, years: float, n_shoes: int, run_share: float, seed: int) -> int:
    """Write a synthetic history straight into a store under `home`; returns the run count."""
    from loadguard.store import Store

    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    rng = random.Random(seed)
    end = datetime(2026, 11, 22, 7, 0)
    span_s = int(years * 365.25 * 86400)
    rows, runs = [], 0
    for i in range(n_activities):
        start = end - timedelta(seconds=rng.randrange(span_s))
        is_run = rng.random() < run_share
        sport = rng.choice(["Run"] * 8 + ["TrailRun", "VirtualRun"]) if is_run else rng.choice(["Ride", "Swim", "Walk"])
        runs += is_run
        km = rng.uniform(4, 22) if is_run else rng.uniform(1, 60)
        rows.append({
            "id": 10_000_000 + i, "name": f"Synthetic {sport} {i}", "sport_type": sport,
            "start_utc": (start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "start_local": start.strftime("%Y-%m-%dT%H:%M:%S"),
            "distance_m": km * 1000, "moving_s": int(km * 330), "elapsed_s": int(km * 345),
            "elev_gain_m": km * rng.uniform(0, 25), "gear_id": f"g{rng.randrange(n_shoes)}" if is_run else None,
            "avg_cadence": 85.0, "trainer": sport == "VirtualRun", "manual": False, "source": "strava",
        })
    gear = [{"id": f"g{i}", "name": f"Synthetic shoe {i}", "kind": "shoe", "retired": i < n_shoes // 2,
             "is_primary": False, "distance_m": None, "source": "strava"} for i in range(n_shoes)]
    with Store.open(home / "loadguard.db") as store:
        with store.transaction():
            store.upsert_gear(gear)
            store.upsert_activities(rows)
    return runs


def write_plan(path: Path, weeks: int = 16) -> Path:
    """A 16-week plan after AS_OF: five runs a week, the long run growing to a marathon."""
    first = datetime.fromisoformat(AS_OF) + timedelta(days=1)
    lines = ["date,km,type"]
    for w in range(weeks):
        for day, km, kind in ((1, 8, "easy"), (2, 10, "tempo"), (4, 8, "easy"), (5, 6, "easy"),
                              (6, 16 + w, "long run")):
            when = first + timedelta(days=7 * w + day)
            lines.append(f"{when:%Y-%m-%d},{km},{'race' if w == weeks - 1 and day == 6 else kind}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def timed(cmd: list[str], env: dict[str, str], repeat: int) -> float:
    """Median wall seconds over `repeat` runs."""
    walls = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        walls.append(time.perf_counter() - t0)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode()}")
    return statistics.median(walls)


def peak_rss_mb(cmd: list[str], env: dict[str, str]) -> float | None:
    """Peak resident memory of `cmd` itself, in MB, by GNU time's %M; None without it.

    Not this process's wait4 rusage of the child: Linux carries the forking process's
    own high-water mark into a child's maxrss when the child execs, and this script
    holds a whole store's rows by then. GNU time is a small process that forks the
    command, so its figure is the command's alone.
    """
    if not GNU_TIME.exists():
        return None
    with tempfile.NamedTemporaryFile("r") as report:
        subprocess.run([str(GNU_TIME), "-f", "%M", "-o", report.name, *cmd], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # a non-zero exit adds a line before the figure
        return int(report.read().split()[-1]) / 1024


def mb_text(mb: float | None) -> str:
    return "n/a (no GNU time at /usr/bin/time)" if mb is None else f"{mb:.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--ahead-only", action="store_true", help="only check, ahead and plan check")
    parser.add_argument("--instructions", action="store_true",
                        help="also count check's instructions against import pandas (callgrind)")
    args = parser.parse_args()
    env = {**os.environ, "TZ": "UTC"}
    # A runner's machine keeps compiled modules: without them every run would compile loadguard anew.
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    t0 = time.perf_counter()
    runs_10y = build_store(OUT / "home-10y", 5_600, 10, 6, run_share=0.9, seed=1)
    runs_100k = build_store(OUT / "home-100k", 100_000, 10, 40, run_share=0.6, seed=2)
    print(f"stores built in {time.perf_counter() - t0:.1f} s: 10-year store {runs_10y} runs; "
          f"100k store {runs_100k} runs of 100,000 activities")

    if args.ahead_only:
        return bench_ahead(env, args.repeat)
    if args.instructions:
        bench_instructions(env)
    base_pandas = timed([PY, "-c", "import pandas, sqlite3"], env, args.repeat)
    base_click = timed([PY, "-c", "import click"], env, args.repeat)
    help_wall = timed([*LOADGUARD, "--help"], env, args.repeat)
    rows = []
    for label, home in (("10y/5k", OUT / "home-10y"), ("100k", OUT / "home-100k")):
        cmd = [*LOADGUARD, "--home", str(home), "check", "--as-of", AS_OF]
        rows.append((label, timed(cmd, env, args.repeat), peak_rss_mb(cmd, env)))
    replay_rows = []
    for label, home in (("10y/5k", OUT / "home-10y"), ("100k", OUT / "home-100k")):
        cmd = [*LOADGUARD, "--home", str(home), "replay", "--from", REPLAY_FROM, "--to", AS_OF]
        replay_rows.append((label, timed(cmd, env, args.repeat), peak_rss_mb(cmd, env)))

    print(f"python -c 'import pandas, sqlite3': {base_pandas * 1000:.0f} ms (median of {args.repeat})")
    print(f"python -c 'import click':           {base_click * 1000:.0f} ms")
    ok_help = help_wall / base_click <= HELP_TARGET
    print(f"loadguard --help: {help_wall * 1000:.0f} ms = {help_wall / base_click:.2f}x import click "
          f"(target <= {HELP_TARGET}x) {'OK' if ok_help else 'OVER'}")
    for label, wall, rss in rows:
        ratio = wall / base_pandas
        print(f"loadguard check ({label}): {wall * 1000:.0f} ms = {ratio:.2f}x import pandas "
              f"(target <= {CHECK_TARGET}x) {'OK' if ratio <= CHECK_TARGET else 'OVER'}; peak RSS {mb_text(rss)}")
    for (label, wall, rss), (_, check_wall, _) in zip(replay_rows, rows):
        ratio = wall / check_wall
        print(f"loadguard replay ({label}, {REPLAY_FROM} .. {AS_OF}, day by day): {wall * 1000:.0f} ms = "
              f"{ratio:.2f}x one check (target <= 3x) {'OK' if ratio <= 3 else 'OVER'}; peak RSS {mb_text(rss)}")
    check_mb, replay_mb = rows[-1][2], replay_rows[-1][2]
    if check_mb is None or replay_mb is None:
        print(f"peak memory, 100k store: {mb_text(None)} (target < 300 MB)")
    else:
        peak = max(check_mb, replay_mb)
        print(f"peak memory, 100k store: check {check_mb:.0f} MB, replay {replay_mb:.0f} MB "
              f"(target < 300 MB) {'OK' if peak < 300 else 'OVER'}")
    bench_ahead(env, args.repeat)


def instructions(cmd: list[str], env: dict[str, str]) -> int | None:
    """Instructions `cmd` executes, by callgrind; None without valgrind."""
    if shutil.which("valgrind") is None:
        return None
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found = re.search(r"Collected : (\d+)", proc.stderr)
    return int(found.group(1)) if found else None


def bench_instructions(env: dict[str, str]) -> None:
    """check ÷ import pandas in instructions, on both stores."""
    base = instructions([PY, "-c", "import pandas, sqlite3"], env)
    if base is None:
        print("instructions: n/a (no valgrind)")
        return
    print(f"python -c 'import pandas, sqlite3': {base / 1e6:,.0f}M instructions")
    for label, home in (("10y/5k", OUT / "home-10y"), ("100k", OUT / "home-100k")):
        count = instructions([*LOADGUARD, "--home", str(home), "check", "--as-of", AS_OF], env)
        ratio = count / base
        print(f"loadguard check ({label}): {count / 1e6:,.0f}M instructions = {ratio:.2f}x import pandas "
              f"(target <= {CHECK_TARGET}x) {'OK' if ratio <= CHECK_TARGET else 'OVER'}")


def bench_ahead(env: dict[str, str], repeat: int) -> None:
    """`ahead` and `plan check` of a 16-week plan against one `check` on the same store."""
    plan = write_plan(OUT / "plan-16-weeks.csv")
    for label, home in (("10y/5k", OUT / "home-10y"), ("100k", OUT / "home-100k")):
        subprocess.run([*LOADGUARD, "--home", str(home), "plan", "import", str(plan)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        check = timed([*LOADGUARD, "--home", str(home), "check", "--as-of", AS_OF], env, repeat)
        for name, cmd in (("ahead", ["ahead", "--as-of", AS_OF]),
                          ("ahead --days 28", ["ahead", "--as-of", AS_OF, "--days", "28"]),
                          ("plan check (16 weeks)", ["plan", "check", "--as-of", AS_OF])):
            wall = timed([*LOADGUARD, "--home", str(home), *cmd], env, repeat)
            ratio = wall / check
            print(f"loadguard {name} ({label}): {wall * 1000:.0f} ms = {ratio:.2f}x one check "
                  f"({check * 1000:.0f} ms) (target <= 1.5x) {'OK' if ratio <= 1.5 else 'OVER'}")


if __name__ == "__main__":
    main()
