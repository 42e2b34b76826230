"""A FIT decoder of just the messages and fields loadguard reads, about 20× faster
than a general reader.

A general FIT reader decodes every field of every message, and fitdecode does it a
byte read at a time; that was 85% of an import's CPU. Here each message definition
is compiled once into a `struct` layout that pulls out only the wanted fields
(record: time, distance, altitude, position, cadence; session totals; sport;
activity clock; file type) and steps over the rest, and the CRC runs two bytes a
step through a 64K table.

It decodes exactly what fitdecode would, or refuses: anything it does not vouch for
(a CRC mismatch, a chained or truncated file, a field in an unexpected type, a
relative time, undeclared developer fields, compressed speed/distance, heart-rate
messages) raises `Refused`, and fit.parse hands the file to fitdecode, which then
reads it or reports why not, as before. tests/test_fit_decode.py holds the two
equal on the sample files, generated files and random bytes.
"""

from __future__ import annotations

import struct
from datetime import datetime, timedelta, timezone

from loadguard.sources.files.track import Refused

# Seconds from the Unix epoch to FIT's (1989-12-31 00:00 UTC).
FIT_EPOCH = 631065600
# Below this a FIT date_time is seconds since the device was switched on, not a date;
# fitdecode hands those (and exactly this value, its profile's "min") over undecoded.
FIT_DATE_MIN = 0x10000000
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

FILE_ID, SPORT, SESSION, RECORD, ACTIVITY, HR = 0, 12, 18, 20, 34, 132
FIELD_DESCRIPTION, DEVELOPER_DATA_ID = 206, 207
TIMESTAMP = 253
# record.compressed_speed_distance: a distance accumulated across records.
COMPRESSED_SPEED_DISTANCE = 8

# The fields read, by message and field number, with the names fitdecode gives them
# (a developer field of the same name would shadow or stand in for one: refused).
WANTED = {
    FILE_ID: {0: "type"},
    SPORT: {0: "sport", 1: "sub_sport"},
    SESSION: {5: "sport", 6: "sub_sport", 2: "start_time", 7: "total_elapsed_time",
              8: "total_timer_time", 9: "total_distance", 22: "total_ascent"},
    RECORD: {TIMESTAMP: "timestamp", 5: "distance", 78: "enhanced_altitude", 2: "altitude",
             0: "position_lat", 1: "position_long", 4: "cadence", 53: "fractional_cadence"},
    ACTIVITY: {TIMESTAMP: "timestamp", 5: "local_timestamp"},
    FIELD_DESCRIPTION: {0: "developer_data_index", 1: "field_definition_number",
                        2: "fit_base_type_id", 3: "field_name"},
    DEVELOPER_DATA_ID: {3: "developer_data_index"},
}

# FIT base types: number -> (struct code, size, the value meaning "invalid").
INTEGER_TYPES = {
    0x00: ("B", 1, 0xFF), 0x01: ("b", 1, 0x7F), 0x02: ("B", 1, 0xFF),
    0x83: ("h", 2, 0x7FFF), 0x84: ("H", 2, 0xFFFF), 0x85: ("i", 4, 0x7FFFFFFF),
    0x86: ("I", 4, 0xFFFFFFFF), 0x0A: ("B", 1, 0), 0x8B: ("H", 2, 0), 0x8C: ("I", 4, 0),
    0x8E: ("q", 8, 0x7FFFFFFFFFFFFFFF), 0x8F: ("Q", 8, 0xFFFFFFFFFFFFFFFF), 0x90: ("Q", 8, 0),
}
STRING = 0x07
OTHER_SIZES = {STRING: 1, 0x0D: 1, 0x88: 4, 0x89: 8}  # string, byte, float32, float64
BASE_SIZES = {**{k: v[1] for k, v in INTEGER_TYPES.items()}, **OTHER_SIZES}

# The FIT profile's names (fitdecode 0.11's) for the enumerations loadguard maps.
SPORT_NAMES = {
    0: "generic", 1: "running", 2: "cycling", 3: "transition", 4: "fitness_equipment", 5: "swimming",
    6: "basketball", 7: "soccer", 8: "tennis", 9: "american_football", 10: "training", 11: "walking",
    12: "cross_country_skiing", 13: "alpine_skiing", 14: "snowboarding", 15: "rowing",
    16: "mountaineering", 17: "hiking", 18: "multisport", 19: "paddling", 20: "flying", 21: "e_biking",
    22: "motorcycling", 23: "boating", 24: "driving", 25: "golf", 26: "hang_gliding",
    27: "horseback_riding", 28: "hunting", 29: "fishing", 30: "inline_skating", 31: "rock_climbing",
    32: "sailing", 33: "ice_skating", 34: "sky_diving", 35: "snowshoeing", 36: "snowmobiling",
    37: "stand_up_paddleboarding", 38: "surfing", 39: "wakeboarding", 40: "water_skiing",
    41: "kayaking", 42: "rafting", 43: "windsurfing", 44: "kitesurfing", 45: "tactical",
    46: "jumpmaster", 47: "boxing", 48: "floor_climbing", 49: "baseball", 53: "diving", 62: "hiit",
    64: "racket", 65: "wheelchair_push_walk", 66: "wheelchair_push_run", 67: "meditation",
    69: "disc_golf", 71: "cricket", 72: "rugby", 73: "hockey", 74: "lacrosse", 75: "volleyball",
    76: "water_tubing", 77: "wakesurfing", 80: "mixed_martial_arts", 82: "snorkeling", 83: "dance",
    84: "jump_rope", 254: "all",
}
# Only these sub-sports change what loadguard stores; any other stays its (non-zero) number.
SUB_SPORT_NAMES = {0: "generic", 1: "treadmill", 2: "street", 3: "trail", 45: "indoor_running",
                   58: "virtual_activity"}
ACTIVITY_FILE = 4


class Decoded:
    """The messages fit.py builds a Track from, as fitdecode would name and scale them;
    times are FIT seconds (see fit_time), positions semicircles."""

    __slots__ = ("file_type", "sport", "session", "activity", "times", "distance", "altitude",
                 "lat", "lon", "cadence")

    def __init__(self) -> None:
        self.file_type: str | None = None  # "activity" or None: any other type is refused
        self.sport: dict | None = None     # the first sport message: sport, sub_sport
        self.session: dict | None = None   # the first session message
        self.activity: dict | None = None  # the last activity message
        # One entry per record message that has a time.
        self.times: list[int] = []
        self.distance: list[float | None] = []
        self.altitude: list[float | None] = []
        self.lat: list[int | None] = []
        self.lon: list[int | None] = []
        self.cadence: list[float | None] = []


def fit_time(seconds: int) -> datetime:
    """A FIT date_time as fitdecode gives it: aware, UTC."""
    return EPOCH + timedelta(seconds=FIT_EPOCH + seconds)


def fit_seconds(moment: datetime) -> int:
    return int((moment - EPOCH).total_seconds()) - FIT_EPOCH


def decode(data: bytes) -> Decoded:
    header_size = data[0] if data else 0
    if header_size not in (12, 14) or len(data) < header_size or data[8:12] != b".FIT":
        raise Refused("header")
    end = header_size + int.from_bytes(data[4:8], "little")
    if len(data) != end + 2:
        raise Refused("length")  # truncated, or more than one FIT file chained
    if header_size == 14 and data[12:14] != b"\0\0" and crc16(data[:12]) != int.from_bytes(data[12:14], "little"):
        raise Refused("header CRC")
    if crc16(data[:end]) != int.from_bytes(data[end:end + 2], "little"):
        raise Refused("CRC")
    out = Decoded()
    _columns(out, _messages(data, header_size, end, out))
    return out


class _Layout:
    """One local message definition, compiled: its size, and how to pull out the wanted fields."""

    __slots__ = ("number", "size", "unpack", "fields", "stamp", "stamp_invalid")

    def __init__(self, number: int, size: int) -> None:
        self.number = number
        self.size = size
        self.unpack = None  # struct unpack_from giving the wanted fields; None: nothing wanted
        self.fields: dict[int, tuple[int, object]] = {}  # field number -> (tuple index, invalid value)
        self.stamp: int | None = None  # tuple index of the timestamp field
        self.stamp_invalid = None


def _messages(data: bytes, pos: int, end: int, out: Decoded) -> _Records:
    """Walk the messages: the wanted ones into `out`, the records' raw values returned."""
    layouts: dict[int, _Layout] = {}
    developer: dict[int, dict[int, tuple[int, str | None]]] = {}  # index -> field -> (base type, name)
    records = _Records()
    values_of, stamps, layouts_of = records.values, records.stamps, records.layouts
    clock = 0  # the last full timestamp, which compressed ones count from
    while pos < end:
        head = data[pos]
        pos += 1
        if head & 0x80:  # compressed timestamp header: a data message, 5 bits of time
            layout = layouts.get((head >> 5) & 0x3)
            offset = head & 0x1F
        elif head & 0x40:
            pos = _definition(data, pos, end, head, layouts, developer)
            continue
        else:
            layout = layouts.get(head & 0x0F)
            offset = None
        if layout is None:
            raise Refused("undefined local message")
        if pos + layout.size > end:
            raise Refused("message crosses the end")
        if layout.unpack is None:
            pos += layout.size
            if offset is not None:
                clock = _compressed(clock, offset)
            continue
        values = layout.unpack(data, pos)
        pos += layout.size
        stamp = None
        if layout.stamp is not None:
            raw = values[layout.stamp]
            if raw != layout.stamp_invalid:
                clock = stamp = raw
        if offset is not None:
            clock = _compressed(clock, offset)
            if stamp is None:
                stamp = clock
        if layout.number == RECORD:
            values_of.append(values)
            stamps.append(stamp)
            layouts_of.append(layout)
        else:
            _message(out, layout, values, stamp, developer)
    return records


class _Records:
    """The record messages as read: raw values, time, and the layout each was read with."""

    __slots__ = ("values", "stamps", "layouts")

    def __init__(self) -> None:
        self.values: list[tuple] = []
        self.stamps: list[int | None] = []
        self.layouts: list[_Layout] = []


def _compressed(clock: int, offset: int) -> int:
    """The full time of a 5-bit offset after `clock` (the offset rolls over every 32 s)."""
    value = offset + (clock & ~0x1F)
    if offset < (clock & 0x1F):
        value += 0x20
    return value


def _definition(data: bytes, pos: int, end: int, head: int, layouts: dict, developer: dict) -> int:
    if pos + 5 > end:
        raise Refused("definition crosses the end")
    endian = ">" if data[pos + 1] else "<"
    number = int.from_bytes(data[pos + 2:pos + 4], "big" if endian == ">" else "little")
    count = data[pos + 4]
    pos += 5
    if pos + 3 * count > end:
        raise Refused("definition crosses the end")
    if number == HR:
        raise Refused("hr message")  # fitdecode's hr event times can fail on their own
    wanted = WANTED.get(number, {})
    fmt = [endian]
    fields: dict[int, tuple[int, object]] = {}
    size = 0
    for _ in range(count):
        field, width, base = data[pos], data[pos + 1], data[pos + 2]
        pos += 3
        if width == 0 or width % BASE_SIZES.get(base, 1):
            raise Refused("field size")  # fitdecode warns and reads it as bytes
        size += width
        if number == RECORD and field == COMPRESSED_SPEED_DISTANCE:
            raise Refused("compressed speed/distance")
        if field not in wanted and field != TIMESTAMP:
            fmt.append(f"{width}x")
            continue
        if field in fields:
            raise Refused("field defined twice")
        if number == FIELD_DESCRIPTION and field == 3:  # the field's name
            if base != STRING:
                raise Refused("field type")
            fields[field] = (len(fields), None)
            fmt.append(f"{width}s")
            continue
        if number == RECORD and field == 2 and base not in (0x84, 0x8B):
            raise Refused("field type")  # its 16-bit component is what fitdecode reads
        integer = INTEGER_TYPES.get(base)
        if integer is None or integer[1] != width:
            raise Refused("field type")
        fields[field] = (len(fields), integer[2])
        fmt.append(integer[0])
    if head & 0x20:  # developer fields follow
        if pos + 1 > end or pos + 1 + 3 * data[pos] > end:
            raise Refused("definition crosses the end")
        names = set(wanted.values())
        for _ in range(data[pos]):
            field, width, index = data[pos + 1], data[pos + 2], data[pos + 3]
            pos += 3
            described = developer.get(index, {}).get(field)
            if described is None or field == TIMESTAMP or width == 0:
                raise Refused("undeclared developer field")
            if width % BASE_SIZES[described[0]] or described[1] in names:
                raise Refused("developer field")
            size += width
            fmt.append(f"{width}x")
        pos += 1
    layout = _Layout(number, size)
    if fields or number in (FIELD_DESCRIPTION, DEVELOPER_DATA_ID):  # those two are checked even when empty
        layout.fields = fields
        layout.unpack = struct.Struct("".join(fmt)).unpack_from
        if TIMESTAMP in fields:
            layout.stamp, layout.stamp_invalid = fields[TIMESTAMP]
    layouts[head & 0x0F] = layout
    return pos


def _message(out: Decoded, layout: _Layout, values: tuple, stamp: int | None, developer: dict) -> None:
    """A wanted message other than a record, into `out`."""
    def value(field: int):
        if field not in layout.fields:
            return None
        index, invalid = layout.fields[field]
        raw = values[index]
        return None if raw == invalid else raw

    number = layout.number
    if number == SESSION:
        if out.session is None:
            out.session = {
                "sport": _sport(value(5)), "sub_sport": _sub_sport(value(6)),
                "start_time": _date(value(2)), "total_elapsed_time": _scaled(value(7), 1000),
                "total_timer_time": _scaled(value(8), 1000), "total_distance": _scaled(value(9), 100),
                "total_ascent": value(22),
            }
    elif number == ACTIVITY:
        local = value(5)
        if stamp is not None and stamp <= FIT_DATE_MIN or local == FIT_DATE_MIN:
            raise Refused("activity time")
        out.activity = {"timestamp": None if stamp is None else fit_time(stamp),
                        "local_timestamp": None if local is None else fit_time(local)}
    elif number == SPORT:
        if out.sport is None or out.sport["sport"] is None:  # as fit.py's general path reads it
            out.sport = {"sport": _sport(value(0)), "sub_sport": _sub_sport(value(1))}
    elif number == FILE_ID:
        kind = value(0)
        if kind not in (None, ACTIVITY_FILE):
            raise Refused("not an activity file")  # fitdecode names the type in its message
        out.file_type = None if kind is None else "activity"
    elif number == DEVELOPER_DATA_ID:
        index = value(3)
        if index is None:
            raise Refused("developer data id without an index")
        developer[index] = {}
    elif number == FIELD_DESCRIPTION:
        index, field, base = value(0), value(1), value(2)
        if index not in developer or field is None or (base is not None and base not in BASE_SIZES):
            raise Refused("field description")
        name = None
        if 3 in layout.fields:
            raw = values[layout.fields[3][0]]
            name = raw.split(b"\0", 1)[0].decode("utf-8", "replace") or None
        developer[index][field] = (0x0D if base is None else base, name)


def _columns(out: Decoded, records: _Records) -> None:
    """The timed records' values, converted as fitdecode converts them: a column at a
    time for each run of records read with the same field layout."""
    start = 0
    count = len(records.values)
    layouts = records.layouts
    while start < count:
        fields = layouts[start].fields
        stop = start + 1
        while stop < count and (layouts[stop] is layouts[start] or layouts[stop].fields == fields):
            stop += 1
        _run(out, fields, records.values[start:stop], records.stamps[start:stop])
        start = stop


def _run(out: Decoded, fields: dict, rows: list[tuple], stamps: list[int | None]) -> None:
    if None in stamps:  # records without a time are left out, as fit.py's general path does
        rows = [row for row, stamp in zip(rows, stamps) if stamp is not None]
        stamps = [stamp for stamp in stamps if stamp is not None]
    if not rows:
        return
    if min(stamps) <= FIT_DATE_MIN:
        raise Refused("relative time")
    columns = list(zip(*rows))
    empty = [None] * len(rows)

    def column(field: int) -> tuple[tuple, object]:
        if field not in fields:
            return empty, None  # every value "invalid", so None
        index, invalid = fields[field]
        return columns[index], invalid

    values, invalid = column(5)
    out.distance += [None if v == invalid else v / 100.0 for v in values]
    for field, target in ((0, out.lat), (1, out.lon)):
        values, invalid = column(field)
        target += [None if v == invalid else v for v in values]
    whole, whole_invalid = column(4)
    part, part_invalid = column(53)
    out.cadence += [None if c == whole_invalid else (c + f / 128.0 if f != part_invalid and f else c)
                    for c, f in zip(whole, part)]
    # The record's altitude is the first valid one of the two fields in the file's order.
    first, second = sorted((2, 78), key=lambda f: fields[f][0] if f in fields else 1000)
    a, a_invalid = column(first)
    b, b_invalid = column(second)
    out.altitude += [(x / 5.0 - 500 if x != a_invalid else None if y == b_invalid else y / 5.0 - 500)
                     for x, y in zip(a, b)]
    out.times += stamps


def _date(raw: int | None):
    if raw is None:
        return None
    if raw <= FIT_DATE_MIN:
        raise Refused("relative time")
    return fit_time(raw)


def _scaled(raw: int | None, scale: int) -> float | None:
    return None if raw is None else raw / scale


def _sport(raw: int | None):
    return None if raw is None else SPORT_NAMES.get(raw, raw)


def _sub_sport(raw: int | None):
    return None if raw is None else SUB_SPORT_NAMES.get(raw, raw)


_BYTE_TABLE = []
for _byte in range(256):
    _crc = _byte
    for _ in range(8):
        _crc = (_crc >> 1) ^ 0xA001 if _crc & 1 else _crc >> 1
    _BYTE_TABLE.append(_crc)


def crc16(data: bytes) -> int:
    """FIT's CRC (CRC-16/ARC), computed without a Python step per byte.

    Over two-byte words w (little-endian), the CRC's state moves as s' = L(s ^ w),
    where L, the CRC of two bytes from a zero state, is linear over GF(2). So the
    final state is L(u) for u = Horner's scheme in L over the words, and pairing
    neighbours, M(v[2k]) ^ v[2k+1], leaves the same scheme in M∘M over half as many
    values. Each halving applies one linear map to a whole sequence at once: a
    16-bit map is four byte-to-byte tables (bytes.translate) on the sequence's low
    and high bytes, and the XORs are on big integers, all in C. About twenty
    halvings take a megabyte down to one value.
    """
    even = len(data) & ~1
    low, high = data[0:even:2], data[1:even:2]
    step = _WORD_MAP
    while len(low) > 1:
        if len(low) & 1:  # a leading zero word leaves Horner's scheme unchanged
            low, high = b"\0" + low, b"\0" + high
        moved_low, moved_high = _apply(step, low[0::2], high[0::2])
        low, high = _xor(moved_low, low[1::2]), _xor(moved_high, high[1::2])
        step = _square(step)
    crc = _apply_one(_WORD_MAP, low[0] | high[0] << 8) if low else 0
    if even != len(data):
        crc = (crc >> 8) ^ _BYTE_TABLE[(crc ^ data[-1]) & 0xFF]
    return crc


class _LinearMap:
    """A GF(2)-linear map on 16-bit values: the images of the 16 bits, and as byte tables."""

    __slots__ = ("images", "tables")

    def __init__(self, images: list[int]) -> None:
        self.images = images
        tables = [bytearray(256) for _ in range(4)]  # low byte -> low, low -> high, high -> low, high -> high
        for byte in range(256):
            from_low = _apply_bits(images[:8], byte)
            from_high = _apply_bits(images[8:], byte)
            tables[0][byte], tables[1][byte] = from_low & 0xFF, from_low >> 8
            tables[2][byte], tables[3][byte] = from_high & 0xFF, from_high >> 8
        self.tables = [bytes(t) for t in tables]


def _apply_bits(images: list[int], value: int) -> int:
    out = 0
    for bit, image in enumerate(images):
        if value >> bit & 1:
            out ^= image
    return out


def _apply_one(step: _LinearMap, value: int) -> int:
    return _apply_bits(step.images, value)


def _apply(step: _LinearMap, low: bytes, high: bytes) -> tuple[bytes, bytes]:
    low_low, low_high, high_low, high_high = step.tables
    return (_xor(low.translate(low_low), high.translate(high_low)),
            _xor(low.translate(low_high), high.translate(high_high)))


def _xor(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "little") ^ int.from_bytes(b, "little")).to_bytes(len(a), "little")


_SQUARES: dict[int, _LinearMap] = {}


def _square(step: _LinearMap) -> _LinearMap:
    key = id(step)
    if key not in _SQUARES:
        _SQUARES[key] = _LinearMap([_apply_one(step, _apply_one(step, 1 << bit)) for bit in range(16)])
    return _SQUARES[key]


def _word_image(word: int) -> int:
    """The CRC state after the two bytes of `word` from a zero state."""
    crc = (0 >> 8) ^ _BYTE_TABLE[(0 ^ word) & 0xFF]
    return (crc >> 8) ^ _BYTE_TABLE[(crc ^ (word >> 8)) & 0xFF]


_WORD_MAP = _LinearMap([_word_image(1 << bit) for bit in range(16)])
