"""Benchmark `loadguard import` of activity files: CPU per MB for each format beside the
bare parsers' in the same run, then 1,000 mixed files with 1, 2 and all cores.

The folders are built in a temp dir from the ten real sample runs in
../shared/activity-files (never copied into the repo): copies of each, every
copy's timestamps shifted by a whole number of days, so each is a run of its own
(FIT copies get their timestamp fields rewritten and their CRCs recomputed).

Per format: `loadguard import` of a folder of that format alone, one worker (CPU of
the command from the call to its end, in ms per MB of files), against each bare
parser reading the same bytes in this process: fitdecode (every frame, CRC checked),
gpxpy and tcxreader (what loadguard used before issue 20), and ElementTree's
iterparse touching every element (the floor for XML). Ratios are what count: the
machine is shared.

Mix: 1,000 files (800 FIT, 120 GPX, 80 TCX with the default --copies 100), each a
fresh `loadguard import` process on its own home, with 1 worker (parsed in the
command's process), 2 workers and all cores; then the unchanged folder again.
CPU is user + system of the command and its workers; wall against CPU shows how
much of the machine the import actually got.

Run: python benchmarks/bench_import_files.py [--copies N] [--format-copies N]
(writes nothing outside a temp folder)

Before issue 20 (2026-11-25, shared 2-core machine): FIT 1,695 ms/MB (fitdecode
1,516 of it), GPX 161 (gpxpy 137), TCX 51; 1,000 files 168 s CPU.
Issue 20 (2026-12-02, same machine at load 10 from other jobs, so every figure
runs ~3x slow; the ratios hold):

    FIT  loadguard import  134 ms/MB | fitdecode alone 4,247
    GPX  loadguard import  152 ms/MB | gpxpy alone 287 | iterparse alone 93
    TCX  loadguard import   88 ms/MB | tcxreader alone 145 | iterparse alone 62
    mix of 1,000 files (163 MiB): 1 worker 26.1 s CPU, 157 s wall;
    2 workers 24.6 s CPU, 78 s wall; unchanged again 0.4 s

Again after the merges (2026-12-03, the same machine quiet, load 0.5):

    FIT  loadguard import   87 ms/MB | fitdecode alone 2,697
    GPX  loadguard import   65 ms/MB | gpxpy alone 133 | iterparse alone 31
    TCX  loadguard import   53 ms/MB | tcxreader alone 59 | iterparse alone 24
    mix of 1,000 files (163 MiB): 1 worker 10.7 s CPU, 10.7 s wall;
    2 workers 10.8 s CPU, 5.5 s wall; unchanged again 0.1 s

TCX is where it was before issue 20 (51): tcxreader was never the slow part.
With the usual time form read by datetime.fromisoformat (same day): FIT 82,
GPX 62, TCX 43 ms/MB; the mix 10.4 s CPU, 5.3 s wall on 2 workers.

With the GPX and TCX scanners in front of the streaming readers (gpx_scan,
tcx_scan; 2026-12-03, same machine, load 0.3; the commit before them measured
right after, at load 0.8: GPX 64, TCX 45, mix 11.0 s CPU, 5.7 s wall):

    FIT  loadguard import   82 ms/MB | fitdecode alone 2,690
    GPX  loadguard import   33 ms/MB | gpxpy alone 127 | iterparse alone 30
    TCX  loadguard import   25 ms/MB | tcxreader alone 58 | iterparse alone 23
    mix of 1,000 files (163 MiB): 1 worker 7.5 s CPU, 7.6 s wall;
    2 workers 7.6 s CPU, 4.0 s wall; unchanged again 0.1 s

A whole import of GPX or TCX now costs about what ElementTree takes merely to
iterate the same files. The fixed cost left out is an empty folder's: the readers'
modules and patterns, loaded only when there are files, count in the per-MB
figures (~15 ms a command here, where PYTHONDONTWRITEBYTECODE has every module
compiled again; ~5 ms/MB of the TCX figure).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "activity-files"
DAY = 86_400  # a multiple of 32 s, so FIT's compressed timestamps stay valid
FORMATS = (".fit", ".gpx", ".tcx")

# Runs the CLI in a child; prints "<seconds> <own peak KiB> <largest worker KiB> <exit> <CPU s> <command CPU s>".
CHILD = """
import resource, sys, time
import loadguard.sources.files as files
files.MAX_WORKERS = int(sys.argv[1])
if files.MAX_WORKERS < 2:
    files.PARALLEL_FROM = 10**9
from loadguard.cli import cli
start, cpu_start = time.perf_counter(), time.process_time()
try:
    cli.main(["--home", sys.argv[2], "import", sys.argv[3], "--quiet"], prog_name="loadguard")
except SystemExit as done:
    code = done.code
took, own_cpu = time.perf_counter() - start, time.process_time() - cpu_start
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
command_cpu = own_cpu + kids.ru_utime + kids.ru_stime
print(f"{took:.3f} {me.ru_maxrss} {kids.ru_maxrss} {code} {cpu:.1f} {command_cpu:.3f}")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=100, help="copies of each of the ten files in the mix")
    parser.add_argument("--format-copies", type=int, default=10, help="copies of each file per format")
    args = parser.parse_args()
    if not SAMPLES.is_dir():
        sys.exit(f"{SAMPLES} is absent: the benchmark needs the real sample files")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        per_format(Path(tmp), args.format_copies)
        mix(Path(tmp), args.copies)


def per_format(tmp: Path, copies: int) -> None:
    empty = tmp / "empty"
    empty.mkdir()
    # The command's fixed cost (its imports, the store), left out of the per-MB figures.
    fixed = float(_child(1, tmp / "home-empty", empty)[5])
    print(f"\nCPU ms per MB, {copies} copies of each sample file, one worker "
          f"(the command's fixed {fixed * 1000:.0f} ms left out):")
    for suffix in FORMATS:
        folder = tmp / f"only{suffix}"
        build_folder(folder, copies, (suffix,))
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        blobs = [p.read_bytes() for p in files]
        mb = sum(map(len, blobs)) / 2**20
        out = _child(1, tmp / f"home{suffix}", folder)
        parts = [f"loadguard import {(float(out[5]) - fixed) * 1000 / mb:6.0f}"]
        for name, read in BARE[suffix]:
            spent = time.process_time()
            for blob in blobs:
                read(blob)
            parts.append(f"{name} {(time.process_time() - spent) * 1000 / mb:6.0f}")
        print(f"  {suffix[1:].upper()} ({len(files)} files, {mb:5.1f} MB): " + " | ".join(parts))


def mix(tmp: Path, copies: int) -> None:
    folder = tmp / "files"
    made = build_folder(folder, copies, FORMATS)
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    print(f"\nmix: {made} files, {size / 2**20:.1f} MiB")
    cores = os.cpu_count() or 1
    scenarios = [("1 worker", 1, "h1"), ("2 workers", 2, "h2")]
    if cores > 2:
        scenarios.append((f"{min(cores, 8)} workers", 8, "h3"))
    scenarios.append(("again", 8, "h2"))
    for scenario, workers, home in scenarios:
        wall = time.perf_counter()
        took, own, largest, code, cpu, _ = _child(workers, tmp / home, folder)
        wall = time.perf_counter() - wall
        print(f"  {scenario:9s} import {float(took):6.2f} s (process wall {wall:5.2f} s, CPU {cpu} s, exit {code}); "
              f"peak RSS {int(own) / 1024:6.1f} MiB, largest worker {int(largest) / 1024:6.1f} MiB")
    count = subprocess.run(["sqlite3", str(tmp / "h2" / "loadguard.db"), "SELECT count(*) FROM activities"],
                           capture_output=True, text=True)
    if count.returncode == 0:
        print(f"  activities stored: {count.stdout.strip()}")


def _child(workers: int, home: Path, folder: Path) -> list[str]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(workers), str(home), str(folder)],
                         capture_output=True, text=True, check=True)
    if out.stderr.strip():
        print(out.stderr.strip())
    return out.stdout.split()


def _fitdecode(blob: bytes) -> None:
    import fitdecode

    with fitdecode.FitReader(io.BytesIO(blob), check_crc=fitdecode.CrcCheck.RAISE, keep_raw_chunks=False) as reader:
        for _ in reader:
            pass


def _gpxpy(blob: bytes) -> None:
    import gpxpy

    gpxpy.parse(blob.decode("utf-8-sig"))


def _tcxreader(blob: bytes) -> None:
    from tcxreader.tcxreader import TCXReader

    TCXReader().read(io.BytesIO(blob), only_gps=False)


def _iterparse(blob: bytes) -> None:
    for _ in ET.iterparse(io.BytesIO(blob)):
        pass


BARE = {".fit": [("fitdecode", _fitdecode)],
        ".gpx": [("gpxpy", _gpxpy), ("iterparse", _iterparse)],
        ".tcx": [("tcxreader", _tcxreader), ("iterparse", _iterparse)]}


def build_folder(folder: Path, copies: int, suffixes: tuple[str, ...]) -> int:
    folder.mkdir(parents=True)
    made = 0
    for sample in sorted(SAMPLES.iterdir()):
        suffix = sample.suffix.lower()
        if suffix not in suffixes:
            continue
        data = sample.read_bytes()
        for copy in range(copies):
            shift = (copy + 1) * 3 * DAY
            shifted = shift_fit(data, shift) if suffix == ".fit" else shift_xml(data, shift)
            target = folder / f"{copy % 10:02d}" / f"{sample.stem}-{copy:03d}{suffix}"
            target.parent.mkdir(exist_ok=True)
            target.write_bytes(shifted)
            made += 1
    return made


_XML_TIME = re.compile(rb"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)")


def shift_xml(data: bytes, seconds: int) -> bytes:
    def moved(match: re.Match) -> bytes:
        when = datetime.strptime(match.group(1).decode(), "%Y-%m-%dT%H:%M:%S") + timedelta(seconds=seconds)
        return when.strftime("%Y-%m-%dT%H:%M:%S").encode()
    return _XML_TIME.sub(moved, data)


# FIT: field 253 is every message's timestamp; these are the other date_time fields.
FIT_TIMES = {0: {4}, 18: {2}, 19: {2}, 34: {5}}


def shift_fit(data: bytes, seconds: int) -> bytes:
    """The FIT file with every date_time field moved by `seconds`, CRCs recomputed."""
    out = bytearray(data)
    header = out[0]
    end = header + int.from_bytes(out[4:8], "little")
    pos = header
    definitions: dict[int, tuple[int, bool, list[tuple[int, int]], int]] = {}
    while pos < end:
        head = out[pos]
        pos += 1
        if head & 0x80:  # compressed timestamp header: a data message of a local type
            local = (head >> 5) & 0x3
            pos = _shift_fields(out, pos, definitions[local], seconds)
        elif head & 0x40:  # definition message
            local = head & 0x0F
            big = out[pos + 1] == 1
            number = int.from_bytes(out[pos + 2:pos + 4], "big" if big else "little")
            count = out[pos + 4]
            fields = [(out[pos + 5 + 3 * i], out[pos + 6 + 3 * i]) for i in range(count)]
            pos += 5 + 3 * count
            dev_size = 0
            if head & 0x20:
                dev_count = out[pos]
                dev_size = sum(out[pos + 2 + 3 * i] for i in range(dev_count))
                pos += 1 + 3 * dev_count
            definitions[local] = (number, big, fields, dev_size)
        else:
            pos = _shift_fields(out, pos, definitions[head & 0x0F], seconds)
    if header >= 14 and out[12:14] != b"\0\0":
        out[12:14] = _crc(out[:12]).to_bytes(2, "little")
    out[end:end + 2] = _crc(out[:end]).to_bytes(2, "little")
    return bytes(out)


def _shift_fields(out: bytearray, pos: int, definition, seconds: int) -> int:
    number, big, fields, dev_size = definition
    wanted = FIT_TIMES.get(number, set()) | {253}
    order = "big" if big else "little"
    for field, size in fields:
        if field in wanted and size == 4:
            value = int.from_bytes(out[pos:pos + 4], order)
            if value not in (0xFFFFFFFF,) and value >= 0x10000000:  # an absolute time, not "invalid"
                out[pos:pos + 4] = ((value + seconds) & 0xFFFFFFFF).to_bytes(4, order)
        pos += size
    return pos + dev_size


_CRC_TABLE = (0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
              0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400)


def _crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        tmp = _CRC_TABLE[crc & 0xF]
        crc = (crc >> 4) & 0x0FFF
        crc = crc ^ tmp ^ _CRC_TABLE[byte & 0xF]
        tmp = _CRC_TABLE[crc & 0xF]
        crc = (crc >> 4) & 0x0FFF
        crc = crc ^ tmp ^ _CRC_TABLE[(byte >> 4) & 0xF]
    return crc


if __name__ == "__main__":
    main()
