"""Benchmark `loadguard import FOLDER` on 1,000 activity files: time and peak memory.

The folder is built in a temp dir from the ten real sample runs in
../shared/activity-files (never copied into the repo): 100 copies of each, every
copy's timestamps shifted by a whole number of days, so each is a run of its own
(FIT copies get their timestamp fields rewritten and their CRCs recomputed).

Scenarios, each a fresh `loadguard import` process on its own home:

  serial     the files parsed one after another in the command's process
  parallel   the files parsed by a pool of worker processes (the default)
  again      the unchanged folder imported a second time (target: under 1 s)

Peak RSS: the command's own process, and the largest worker. CPU: user + system
time of the command and its workers; with other jobs on the machine, wall time
against CPU time shows how much of it the import actually got.
Run: python benchmarks/bench_import_files.py [--copies N]   (writes nothing outside a temp folder)

Measured 2026-11-25 on the 2-core build machine, shared with other jobs:
1,000 files (163 MiB), load ~2-4: serial 123 s (112 s CPU, peak 41 MiB),
parallel 122 s (115 s CPU; 29 MiB + 35 MiB per worker): the other jobs held the
second core. 200 files at load ~1.6: serial 21.8 s, parallel 14.6 s (22 s CPU
either way), so the workers pay once a core is free. Unchanged folder again:
0.03 s in the command (0.12 s for the whole process).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "activity-files"
DAY = 86_400  # a multiple of 32 s, so FIT's compressed timestamps stay valid

# Runs the CLI in a child and prints "<seconds> <own peak KiB> <largest worker KiB>".
CHILD = """
import resource, sys, time
import loadguard.sources.files as files
if sys.argv[1] == "serial":
    files.PARALLEL_FROM = 10**9
from loadguard.app import cli
start = time.perf_counter()
try:
    cli.main(["--home", sys.argv[2], "import", sys.argv[3], "--quiet"], prog_name="loadguard")
except SystemExit as done:
    code = done.code
took = time.perf_counter() - start
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
print(f"{took:.3f} {me.ru_maxrss} {kids.ru_maxrss} {code} {cpu:.1f}")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=100, help="copies of each of the ten files")
    args = parser.parse_args()
    if not SAMPLES.is_dir():
        sys.exit(f"{SAMPLES} is absent: the benchmark needs the real sample files")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "files"
        made = build_folder(folder, args.copies)
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        print(f"{made} files, {size / 2**20:.1f} MiB")
        for scenario, home in (("serial", "h1"), ("parallel", "h2"), ("again", "h2")):
            mode = "serial" if scenario == "serial" else "default"
            wall = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", CHILD, mode, str(Path(tmp) / home), str(folder)],
                                 capture_output=True, text=True, check=True)
            wall = time.perf_counter() - wall
            took, own, workers, code, cpu = out.stdout.split()
            print(f"{scenario:9s} import {float(took):6.2f} s (process wall {wall:5.2f} s, CPU {cpu} s, exit {code}); "
                  f"peak RSS {int(own) / 1024:6.1f} MiB, largest worker {int(workers) / 1024:6.1f} MiB")
            if out.stderr.strip():
                print(out.stderr.strip())
        count = subprocess.run(["sqlite3", str(Path(tmp) / "h2" / "loadguard.db"),
                                "SELECT count(*) FROM activities"], capture_output=True, text=True)
        if count.returncode == 0:
            print(f"activities stored: {count.stdout.strip()}")


def build_folder(folder: Path, copies: int) -> int:
    folder.mkdir(parents=True)
    made = 0
    for sample in sorted(SAMPLES.iterdir()):
        suffix = sample.suffix.lower()
        if suffix not in (".fit", ".gpx", ".tcx"):
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
