"""A writer of small FIT activity files for tests: plain or compressed timestamps,
developer fields, several sessions, pauses, either byte order.

Written from the FIT protocol (file header, definition and data messages, CRC-16),
independently of both readers it is used to compare.
"""

from __future__ import annotations

import struct
from datetime import datetime, timezone

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=timezone.utc)
_CRC_NIBBLES = (0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
                0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400)
# base type number -> struct code
CODES = {0x00: "B", 0x02: "B", 0x84: "H", 0x85: "i", 0x86: "I", 0x07: "s", 0x8C: "I", 0x83: "h"}


def crc(data: bytes) -> int:
    """The FIT SDK's nibble-wise CRC."""
    value = 0
    for byte in data:
        for nibble in (byte & 0xF, byte >> 4):
            tmp = _CRC_NIBBLES[value & 0xF]
            value = (value >> 4) & 0x0FFF
            value ^= tmp ^ _CRC_NIBBLES[nibble]
    return value


def fit_seconds(moment: datetime) -> int:
    return int((moment - FIT_EPOCH).total_seconds())


class FitWriter:
    def __init__(self, *, big_endian: bool = False) -> None:
        self.body = bytearray()
        self.big = big_endian
        self.layouts: dict[int, tuple] = {}

    def define(self, local: int, number: int, fields: list[tuple[int, int, int]],
               developer: list[tuple[int, int, int]] = ()) -> None:
        """fields: (field number, size, base type); developer: (field number, size, developer index)."""
        head = 0x40 | local | (0x20 if developer else 0)
        order = ">" if self.big else "<"
        self.body += bytes([head, 0, 1 if self.big else 0]) + struct.pack(order + "H", number) + bytes([len(fields)])
        for field in fields:
            self.body += bytes(field)
        if developer:
            self.body += bytes([len(developer)])
            for field in developer:
                self.body += bytes(field)
        self.layouts[local] = (fields, developer)

    def data(self, local: int, values: list, developer: bytes = b"", *, time_offset: int | None = None) -> None:
        """values in the definition's order (strings as bytes); time_offset: a compressed-timestamp header."""
        fields, _ = self.layouts[local]
        head = local if time_offset is None else 0x80 | (local << 5) | (time_offset & 0x1F)
        order = ">" if self.big else "<"
        out = bytearray([head])
        for (_, size, base), value in zip(fields, values):
            if base == 0x07:
                out += value.ljust(size, b"\0")[:size]
            else:
                out += struct.pack(order + CODES[base], value)
        self.body += out + developer

    def bytes(self, *, header_crc: bool = True) -> bytes:
        header = bytearray([14, 0x20]) + struct.pack("<H", 2140) + struct.pack("<I", len(self.body)) + b".FIT"
        header += struct.pack("<H", crc(header) if header_crc else 0)
        whole = bytes(header) + bytes(self.body)
        return whole + struct.pack("<H", crc(whole))


INVALID_U8, INVALID_U16, INVALID_U32, INVALID_S32 = 0xFF, 0xFFFF, 0xFFFFFFFF, 0x7FFFFFFF


def run_file(start: datetime, *, seconds: int = 1800, every: int = 1, compressed: bool = False,
             developer: bool = False, sessions: int = 1, pause: tuple[int, int] | None = None,
             big_endian: bool = False, sub_sport: int = 0, enhanced: bool = True, cadence: bool = True,
             climb_per_km: float = 20.0, local_offset_s: int | None = 3600, with_session: bool = True,
             sport: int = 1) -> bytes:
    """A run going north at 3 m/s with a hill profile; `pause` (from s, length s) leaves out
    records and keeps the timer short of the elapsed time."""
    w = FitWriter(big_endian=big_endian)
    t0 = fit_seconds(start)
    w.define(0, 0, [(0, 1, 0x00), (1, 2, 0x84), (4, 4, 0x86)])  # file_id: type, manufacturer, time_created
    w.data(0, [4, 1, t0])
    w.define(1, 12, [(0, 1, 0x00), (1, 1, 0x00)])  # sport
    w.data(1, [sport, sub_sport])
    dev = []
    if developer:
        w.define(4, 207, [(3, 1, 0x02), (1, 4, 0x8C)])  # developer_data_id: index, application version
        w.data(4, [0, 7])
        w.define(5, 206, [(0, 1, 0x02), (1, 1, 0x02), (2, 1, 0x02), (3, 16, 0x07)])  # field_description
        w.data(5, [0, 0, 0x84, b"Form Power"])
        w.data(5, [0, 1, 0x02, b"Air"])
        dev = [(0, 2, 0), (1, 1, 0)]
    fields = [(253, 4, 0x86)] if not compressed else []
    fields += [(0, 4, 0x85), (1, 4, 0x85), (5, 4, 0x86)]
    fields += [(78, 4, 0x86)] if enhanced else [(2, 2, 0x84)]
    if cadence:
        fields += [(4, 1, 0x02), (53, 1, 0x02)]
    w.define(2, 20, fields, dev)  # compressed headers reach local types 0-3 only
    if compressed:  # the first record carries a full timestamp; the rest, 5 bits of it
        w.define(3, 20, [(253, 4, 0x86)] + fields, dev)
    elapsed = 0
    last = None
    for i in range(0, seconds + 1, every):
        if pause and pause[0] <= i < pause[0] + pause[1]:
            continue
        metres = 3.0 * i
        lat = int((47.0 + metres / 111_195.0) / (180.0 / 2**31))
        height = 400 + (metres / 1000.0) * climb_per_km + (25 if (i // 300) % 2 else 0)
        altitude = int((height + 500) * 5)
        values = [lat, int(8.0 / (180.0 / 2**31)), int(metres * 100), altitude]
        if cadence:
            values += [INVALID_U8 if i % 97 == 0 else 84 + i % 3, (i * 37) % 128]
        extra = struct.pack(">H" if big_endian else "<H", 200 + i % 50) + bytes([i % 7]) if developer else b""
        if not compressed:
            w.data(2, [t0 + i] + values, extra)
        elif last is None or i - last >= 31:  # offsets reach back at most 31 s
            w.data(3, [t0 + i] + values, extra)
        else:
            w.data(2, values, extra, time_offset=(t0 + i) & 0x1F)
        last = i
        elapsed = i
    timer = elapsed - (pause[1] if pause else 0)
    if with_session:
        session = [(253, 4, 0x86), (2, 4, 0x86), (5, 1, 0x00), (6, 1, 0x00), (7, 4, 0x86), (8, 4, 0x86),
                   (9, 4, 0x86), (22, 2, 0x84)]
        w.define(6, 18, session)
        for n in range(sessions):
            w.data(6, [t0 + elapsed, t0 + n * 10, sport, sub_sport, elapsed * 1000, timer * 1000,
                       int(3.0 * elapsed * 100) - n, INVALID_U16 if developer else 55 + n])
    if local_offset_s is not None:
        w.define(7, 34, [(253, 4, 0x86), (5, 4, 0x86), (1, 2, 0x84)])
        w.data(7, [t0 + elapsed, t0 + elapsed + local_offset_s, 1])
    return w.bytes()
