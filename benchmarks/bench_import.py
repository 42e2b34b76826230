"""Benchmark `loadguard import` of a large bulk export: wall time, CPU, peak memory,
and CPU against the floor.

Writes synthetic exports (rows laid out by tests/strava_export.py, the same
helper the tests use, so every column Strava writes is there) of 100,000 and
1,000,000 activities as a zip, then runs `loadguard import` on each in a child
process with a fresh home and reports its wall time and peak RSS, read from
resource.getrusage(RUSAGE_CHILDREN) after the child ends. The target (issue 8)
is under 500 MB peak RSS for a million activities. The floor is the least any
import of the file must do, measured in this process on the same zip: the CSV read
with the csv module, each date parsed with strptime, the rows inserted into SQLite
in one transaction; issue 20's target is the import within 2.5x of it.

Measured 2026-11-25 on a shared 2-core machine (load ~5, so times vary):

    activities   CSV      wall        peak RSS   before streaming (same machine)
      100,000    25 MB    9-16 s       35 MB     8.6 s, 373 MB
    1,000,000   247 MB    100-111 s    89 MB     (issue 8: 89 s, 3.5 GB)

Issue 20 (2026-12-02, same machine, load 6-8 from other jobs; CPU, as wall
time there says little): 100,000 activities 21.3 s CPU, 5.4x the floor, 41 MB
when the file was read twice (checked, then written); read once, each record
checked as it is written inside the one transaction, columns looked up once per
file: 8.2-10.1 s CPU, 2.2-2.8x the floor over three runs, 43 MB (the ids seen are
kept at 8 bytes each: a set of ints had made it 50 MB).

Run: python benchmarks/bench_import.py [--rows 100000 1000000] [--keep DIR]
(writes into a temp folder unless --keep names one; a million rows take ~230 MB of CSV)
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from strava_export import SHOE_COLUMNS, activity, gear_csv  # noqa: E402

from loadguard.sources.export import EXPORT_COLUMNS, export_row  # noqa: E402

SHOES = ["Brooks Ghost 15", "Saucony Peregrine 13", "Nike Pegasus 40", ""]
LABELS = ["Run", "Run", "Run", "Trail Run", "Ride", "Walk"]


def write_zip(path: Path, rows: int) -> None:
    """An export of `rows` activities, one every 5 hours from 2010, streamed into the zip."""
    start = datetime(2010, 1, 1, 6)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("activities.csv", "w", force_zip64=True) as raw:
            out = _Text(raw)
            writer = csv.writer(out, lineterminator="\n")
            out.write("\ufeff")
            writer.writerow(EXPORT_COLUMNS)
            for i in range(rows):
                label = LABELS[i % len(LABELS)]
                cells = activity(10_000_000_000 + i, start + timedelta(hours=5 * i), label,
                                 3.0 + (i % 17), name=f"Activity {i}", gear=SHOES[i % len(SHOES)],
                                 elev_m=float(i % 300))
                writer.writerow(export_row(cells))
        archive.writestr("shoes.csv", gear_csv(SHOE_COLUMNS, [(s, s.split()[0], " ".join(s.split()[1:]), "Run")
                                                              for s in SHOES if s]))


class _Text:
    """csv.writer's file: text in, UTF-8 bytes out to the zip member."""

    def __init__(self, raw):
        self.raw = raw

    def write(self, text: str) -> int:
        return self.raw.write(text.encode("utf-8"))


def import_once(export: Path, home: Path) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak RSS MB, stdout) of one `loadguard import` in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_before = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "loadguard", "--home", str(home), "import", str(export),
                           "--timezone", "Europe/Berlin"], capture_output=True, text=True)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kb, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
    if done.returncode != 0:
        raise SystemExit(f"import failed ({done.returncode}): {done.stderr.strip()}")
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: each size runs
    # bigger than the last, so the figure belongs to this import.
    if peak_kb <= before:
        print("  (peak RSS not above an earlier child's; figure is an upper bound)")
    return wall, cpu, peak_kb / 1024, done.stdout.strip()


def floor(export: Path, folder: Path) -> float:
    """CPU s of the least any import must do: the CSV read (csv module, from the zip),
    each date parsed with strptime, and the rows inserted into SQLite in one transaction."""
    import io
    import sqlite3

    path = folder / "floor.db"
    path.unlink(missing_ok=True)
    started = time.process_time()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE a (id INTEGER PRIMARY KEY, start TEXT, name TEXT, type TEXT, distance REAL, "
                 "moving INTEGER, elapsed INTEGER, climb REAL, gear TEXT)")
    with zipfile.ZipFile(export) as archive, archive.open("activities.csv") as raw:
        rows = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        header = next(rows)
        at = {name: header.index(name) for name in ("Activity ID", "Activity Date", "Activity Name",
                                                     "Activity Type", "Distance", "Moving Time",
                                                     "Elapsed Time", "Elevation Gain", "Activity Gear")}
        with conn:
            conn.executemany("INSERT INTO a VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (
                (int(r[at["Activity ID"]]),
                 datetime.strptime(r[at["Activity Date"]], "%b %d, %Y, %I:%M:%S %p").isoformat(),
                 r[at["Activity Name"]], r[at["Activity Type"]], float(r[at["Distance"]] or 0),
                 float(r[at["Moving Time"]] or 0), float(r[at["Elapsed Time"]] or 0),
                 float(r[at["Elevation Gain"]] or 0), r[at["Activity Gear"]]) for r in rows))
    conn.close()
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--keep", type=Path, help="folder to write the exports into and keep")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for rows in sorted(args.rows):
            export = folder / f"export-{rows}.zip"
            if not export.exists():
                started = time.perf_counter()
                write_zip(export, rows)
                print(f"wrote {export.name}: {export.stat().st_size / 1e6:.0f} MB zipped "
                      f"in {time.perf_counter() - started:.0f} s")
            with zipfile.ZipFile(export) as archive:
                csv_mb = archive.getinfo("activities.csv").file_size / 1e6
            wall, cpu, peak, out = import_once(export, Path(tmp) / f"home-{rows}")
            least = floor(export, Path(tmp))
            print(f"{rows:>9,} activities ({csv_mb:.0f} MB of CSV): {wall:6.1f} s wall, {cpu:6.2f} s CPU, "
                  f"peak RSS {peak:6.0f} MB; floor (csv + strptime + SQLite insert) {least:5.2f} s CPU: "
                  f"{cpu / least:4.1f}x the floor")
            print(f"  {out[:160]}")


if __name__ == "__main__":
    main()
