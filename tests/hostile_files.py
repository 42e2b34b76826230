"""Writers of hostile inputs (issue 18), shared by the tests and benchmarks/hostile_harness.py:
FIT files built message by message, zips of many tiny members, file names that are not UTF-8."""

from __future__ import annotations

import os
import struct
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from fitdecode.utils import compute_crc

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=timezone.utc)
# FIT file_id `type` values (FIT profile): what a watch writes besides activities.
FIT_TYPES = {"activity": 4, "settings": 2, "sport": 3, "totals": 10, "monitoring_a": 15, "monitoring_b": 32}


def _fit(body: bytes) -> bytes:
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    header += struct.pack("<H", compute_crc(header))
    data = header + body
    return data + struct.pack("<H", compute_crc(data))


def _file_id(kind: int) -> bytes:
    # definition: local 0, global 0 (file_id), fields type (0, enum) and time_created (4, uint32)
    definition = bytes([0x40, 0, 0]) + struct.pack("<HB", 0, 2) + bytes([0, 1, 0x00, 4, 4, 0x86])
    return definition + bytes([0x00, kind]) + struct.pack("<I", 1_000_000_000)


def fit_of_type(kind: str) -> bytes:
    """A valid FIT file holding only a file_id of `kind` (settings, totals, monitoring…)."""
    return _fit(_file_id(FIT_TYPES[kind]))


def fit_endless_developer_fields(megabytes: float = 19.0) -> bytes:
    """An activity FIT whose records each carry 255 developer fields of 255 bytes, none of
    them described: a parser warns about each and takes minutes over the bytes."""
    definition = bytes([0x60 | 1, 0, 0]) + struct.pack("<HB", 20, 1) + bytes([253, 4, 0x86])
    definition += bytes([255]) + b"".join(bytes([i, 255, i]) for i in range(255))
    record_size = 4 + 255 * 255
    count = max(1, int(megabytes * 1024 * 1024 / (record_size + 1)))
    filler = bytes(255 * 255)
    records = b"".join(bytes([0x01]) + struct.pack("<I", 1_000_000_000 + i) + filler for i in range(count))
    return _fit(_file_id(FIT_TYPES["activity"]) + definition + records)


def zip_of_tiny_gpx(path: Path, members: int) -> Path:
    """A zip of `members` tiny GPX files without a single timed point."""
    tiny = b'<?xml version="1.0"?><gpx version="1.1" creator="x"><trk><trkseg></trkseg></trk></gpx>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for i in range(members):
            archive.writestr(f"run{i:05d}.gpx", tiny)
    return path


def non_utf8_name(folder: Path, content: bytes, stem: bytes = b"caf\xe9-run") -> Path:
    """A file whose name is latin-1 bytes, not valid UTF-8 (as old FAT cards write them)."""
    raw = os.fsencode(folder) + b"/" + stem + b".gpx"
    with open(raw, "wb") as fh:
        fh.write(content)
    return Path(os.fsdecode(raw))
