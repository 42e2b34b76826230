"""The fast readers (fit_decode, gpx_stream, tcx_stream) against the proven ones they
stand in front of (fitdecode, gpxpy, tcxreader): every figure loadguard stores must be
the same, and no input may make a fast reader hang, crash or read what the proven one
refuses.

Differential: each file is read both ways and the two Tracks compared whole (every
sample, every device total), and their summaries (distance, times, climb, steps per
minute, steep share, local start). Fuzz: bounded, with a fixed seed.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from activity_files import GPX_VARIANTS, TCX_VARIANTS, gpx_text, gpx_variant, tcx_text, tcx_variant
from conftest import SHARED
from fit_files import FitWriter, crc, run_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loadguard.sources.files import fit, fit_decode, geo, gpx, gpx_scan, gpx_stream, parse, tcx, tcx_scan, tcx_stream
from loadguard.sources.files.track import Refused, TrackError, summary

FILES = SHARED / "activity-files"
SAMPLES = sorted(FILES.glob("*.*")) if FILES.is_dir() else []
START = datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)

FAST = {"fit": (lambda d: fit.track_of(fit_decode.decode(d)), fit.parse_general),
        "gpx": (lambda d: gpx.track_of(gpx_stream.read(d)), gpx.parse_general),
        "tcx": (lambda d: tcx.track_of(tcx_stream.read(d)), tcx.parse_general),
        # the scanners in front of the streaming readers (tests/test_scanners.py holds them to those)
        "gpx_scan": (lambda d: gpx.track_of(gpx_scan.read(d)), gpx.parse_general),
        "tcx_scan": (lambda d: tcx.track_of(tcx_scan.read(d)), tcx.parse_general)}


def both(kind: str, data: bytes):
    """(fast track, general track); the fast reader must not refuse."""
    fast, general = FAST[kind]
    return fast(data), general(data)


def assert_same(kind: str, data: bytes) -> dict:
    fast, general = both(kind, data)
    assert summary(fast) == summary(general)
    assert vars(fast) == vars(general)
    return summary(fast)


# -- the real sample runs ------------------------------------------------------------------


@pytest.mark.skipif(not SAMPLES, reason="../shared/activity-files absent")
@pytest.mark.parametrize("path", [p for p in SAMPLES if p.suffix in (".fit", ".gpx", ".tcx")], ids=lambda p: p.name)
def test_every_sample_file_reads_the_same_fast(path):
    figures = assert_same(path.suffix[1:], path.read_bytes())
    assert figures["distance_m"] > 2000
    if path.suffix != ".fit":
        assert assert_same(path.suffix[1:] + "_scan", path.read_bytes()) == figures


# -- generated FIT files -------------------------------------------------------------------


@pytest.mark.parametrize("options", [
    {},
    {"compressed": True},
    {"developer": True},
    {"sessions": 3},
    {"pause": (600, 240)},
    {"big_endian": True},
    {"enhanced": False},
    {"cadence": False},
    {"sub_sport": 3},                       # trail
    {"sub_sport": 1, "climb_per_km": 0.0},  # treadmill
    {"sport": 2},                           # a ride
    {"sport": 200},                         # a sport the profile does not name
    {"local_offset_s": None},
    {"local_offset_s": 20 * 3600},          # not a zone: ignored
    {"with_session": False},
    {"every": 5, "compressed": True, "developer": True, "pause": (100, 95), "sessions": 2},
], ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "plain")
def test_generated_fit_files_read_the_same_fast(options):
    data = run_file(START, **options)
    figures = assert_same("fit", data)
    assert figures["start_utc"] == START + (timedelta(seconds=0))
    if options.get("pause"):
        assert figures["moving_s"] == figures["elapsed_s"] - options["pause"][1]


def test_crc_is_the_fit_sdks():
    for data in (b"", b"a", b".FIT", bytes(range(256)) * 3 + b"x", run_file(START, seconds=60)):
        assert fit_decode.crc16(data) == crc(data)


@pytest.mark.parametrize("spoil, why", [
    (lambda d: d[:-1] + bytes([d[-1] ^ 1]), "a bad CRC"),
    (lambda d: d[:-40], "truncated"),
    (lambda d: d + run_file(START + timedelta(days=1), seconds=60), "two files chained"),
])
def test_what_the_decoder_refuses_goes_to_fitdecode_with_todays_outcome(spoil, why):
    data = spoil(run_file(START, seconds=300))
    with pytest.raises(Refused):
        fit_decode.decode(data)
    try:
        expected = ("ok", vars(fit.parse_general(data)))
    except TrackError as exc:
        expected = ("refused", str(exc))
    try:
        got = ("ok", vars(parse(data)))
    except TrackError as exc:
        got = ("refused", str(exc))
    assert got == expected, why


def test_a_non_activity_fit_file_is_named_by_fitdecode():
    w = FitWriter()
    w.define(0, 0, [(0, 1, 0x00)])
    w.data(0, [5])  # a workout file
    with pytest.raises(TrackError, match="a FIT workout file, not an activity"):
        parse(w.bytes())


def test_an_undeclared_developer_field_is_left_to_fitdecode():
    w = FitWriter()
    w.define(0, 20, [(253, 4, 0x86)], [(0, 2, 9)])  # developer index 9 was never declared
    w.data(0, [fit_decode.fit_seconds(START) + 0], b"\0\0")
    with pytest.raises(Refused):
        fit_decode.decode(w.bytes())


def test_the_sport_names_are_the_fit_profiles():
    from fitdecode import profile

    assert fit_decode.SPORT_NAMES == profile.FIELD_TYPES["sport"].enum
    for number, name in fit_decode.SUB_SPORT_NAMES.items():
        assert profile.FIELD_TYPES["sub_sport"].enum[number] == name


# -- generated GPX and TCX files -----------------------------------------------------------


@pytest.mark.parametrize("how", GPX_VARIANTS)
def test_generated_gpx_files_read_the_same_fast(how):
    text = gpx_variant(gpx_text(START, km=6, climb_per_km=40, every_s=10), how)
    assert_same("gpx", text.encode())
    assert_same("gpx_scan", text.encode())


def test_a_gpx_10_file_goes_to_gpxpy():
    text = gpx_text(START).replace('version="1.1"', 'version="1.0"').replace("/GPX/1/1", "/GPX/1/0")
    with pytest.raises(Refused):
        gpx_stream.read(text.encode())
    assert vars(parse(text.encode())) == vars(gpx.parse_general(text.encode()))


@pytest.mark.parametrize("how", TCX_VARIANTS)
def test_generated_tcx_files_read_the_same_fast(how):
    assert_same("tcx", tcx_variant(tcx_text(START, km=4), how).encode())
    assert_same("tcx_scan", tcx_variant(tcx_text(START, km=4), how).encode())


BOMB = ('<?xml version="1.0"?>\n<!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + ']>\n<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>&i;</name></trk></gpx>')
XXE = ('<?xml version="1.0"?>\n<!DOCTYPE TrainingCenterDatabase [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
       "<Activities><Activity Sport=\"&x;\"/></Activities></TrainingCenterDatabase>")


@pytest.mark.parametrize("text", [BOMB, XXE], ids=["entity bomb", "external entity"])
def test_a_document_type_is_refused_before_any_parser(text, run_cli, home, tmp_path):
    path = tmp_path / ("bomb.gpx" if "gpx" in text[:200] else "xxe.tcx")
    path.write_text(text)
    result = run_cli("import", str(path))
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert "declares a document type" in result.stderr and "root:" not in result.stderr + result.stdout


# -- fuzz: no input makes a fast reader hang, crash, or read what the proven one refuses ---


def _outcome(read, data: bytes):
    try:
        return "ok", vars(read(data))
    except (Refused, TrackError) as exc:
        return type(exc).__name__, None


def _check_fast_against_general(kind: str, data: bytes) -> None:
    fast, general = FAST[kind]
    got, track = _outcome(fast, data)  # anything but Refused or TrackError fails the test here
    if got == "ok":
        # What the fast reader accepts, the proven one reads the same (or fails on
        # something the fast one leaves alone, like a malformed field nobody reads).
        try:
            assert vars(general(data)) == track
        except TrackError:
            pass


def _fit_mutant(data: bytes, rnd: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.randint(1, 4)):
        where = rnd.randrange(14, len(out) - 2)
        choice = rnd.random()
        if choice < 0.6:
            out[where] = rnd.randrange(256)
        elif choice < 0.8:
            del out[where:where + rnd.randint(1, 8)]
        else:
            out[where:where] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 8)))
    # Keep the header's size and the CRC right, or the decoder never gets past them.
    body = len(out) - 16
    out[4:8] = body.to_bytes(4, "little")
    out[12:14] = crc(bytes(out[:12])).to_bytes(2, "little")
    out[-2:] = fit_decode.crc16(bytes(out[:-2])).to_bytes(2, "little")
    return bytes(out)


FUZZ_FIT = run_file(START, seconds=120, compressed=True, developer=True, sessions=2)


@settings(max_examples=300, deadline=2000, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32))
def test_fuzzed_fit_files_never_crash_the_decoder(number):
    _check_fast_against_general("fit", _fit_mutant(FUZZ_FIT, random.Random(number)))


@settings(max_examples=200, deadline=2000, derandomize=True)
@given(st.binary(max_size=300))
def test_random_bytes_behind_a_fit_header_never_crash_the_decoder(tail):
    header = bytes([14, 0x20]) + (2140).to_bytes(2, "little") + len(tail).to_bytes(4, "little") + b".FIT"
    data = header + crc(header).to_bytes(2, "little") + tail
    data += fit_decode.crc16(data).to_bytes(2, "little")
    _check_fast_against_general("fit", data)


FUZZ_XML = {"gpx": gpx_text(START, km=0.5, every_s=30).encode(), "tcx": tcx_text(START, km=0.3).encode()}


@settings(max_examples=150, deadline=2000, derandomize=True)
@given(st.sampled_from(["gpx", "tcx"]), st.integers(min_value=0, max_value=2**32))
def test_fuzzed_gpx_and_tcx_files_never_crash_the_readers(kind, number):
    rnd = random.Random(number)
    data = bytearray(FUZZ_XML[kind])
    for _ in range(rnd.randint(1, 3)):
        where = rnd.randrange(len(data))
        choice = rnd.random()
        if choice < 0.5:  # a character from the markup's own alphabet, so the XML often stays well-formed
            data[where] = rnd.choice(b"<>/=\"' .-:0123456789TZ+abcdefghijklmnopqrstuvwxyz")
        elif choice < 0.8:
            del data[where:where + rnd.randint(1, 20)]
        else:
            start = rnd.randrange(len(data))
            data[where:where] = data[start:start + rnd.randint(1, 60)]
    _check_fast_against_general(kind, bytes(data))
    _check_fast_against_general(kind + "_scan", bytes(data))


def test_the_fuzzers_reach_past_the_checks():
    """The FIT mutants are not all refused at the door: some decode, some are refused inside."""
    outcomes = {"ok": 0, "Refused": 0}
    for number in range(60):
        kind, _ = _outcome(FAST["fit"][0], _fit_mutant(FUZZ_FIT, random.Random(number)))
        outcomes[kind] = outcomes.get(kind, 0) + 1
    assert outcomes["ok"] >= 5 and outcomes["Refused"] >= 5


def test_a_fast_readers_own_failure_hands_the_file_to_the_proven_one(monkeypatch):
    data = run_file(START, seconds=120)

    def broken(_data):
        raise IndexError("a bug in the fast reader")

    monkeypatch.setattr(fit_decode, "decode", broken)
    assert vars(parse(data)) == vars(fit.parse_general(data))


@pytest.mark.parametrize("text", [
    "2019-11-16T08:58:30Z", "2019-11-16T08:58:30.123456789Z", "2019-11-16 08:58:30", "2019-1-6T8:5:3Z",
    "2019-11-16T08:58:30+01:00", "2019-11-16T08:58:30-0130", "2019-11-16T08:58:30−05", "2019-11-16T08:58:30A12",
    "2019-11-16T08:58:30Z\n", " 2019-11-16T08:58:30Z", "2019-02-30T08:58:30Z", "2019-11-16T24:00:00Z",
    "20191116T085830Z", "", "not a time",
])
def test_gpx_times_read_as_gpxpy_reads_them(text):
    from gpxpy.gpxfield import TIME_TYPE

    expected = TIME_TYPE.from_string(text)
    got = gpx_stream.parse_time(text)
    assert got == expected
    assert (got is None or got.utcoffset()) == (expected is None or expected.utcoffset())


@settings(max_examples=500, deadline=None)
@given(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)),
       st.integers(0, 19), st.sampled_from([None, "０", "٣", "-", ":", "T", "t", " ", "9", "z", "+", "."]))
def test_gpx_times_of_the_usual_length_read_as_gpxpy_reads_them(moment, at, char):
    # the 20-character fast path (datetime.fromisoformat) against gpxpy, one character spoilt or none
    from gpxpy.gpxfield import TIME_TYPE

    text = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if char is not None:
        text = text[:at] + char + text[at + 1:]
    expected = TIME_TYPE.from_string(text)
    got = gpx_stream.parse_time(text)
    assert got == expected
    assert (got is None or got.utcoffset()) == (expected is None or expected.utcoffset())


@settings(max_examples=500, deadline=None)
@given(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)), st.sampled_from([3, 6]),
       st.integers(0, 26), st.sampled_from([None, "０", "-", ":", "T", " ", "9", "z", "+", ".", "5"]))
def test_gpx_times_with_fractions_read_as_gpxpy_reads_them(moment, digits, at, char):
    # Garmin's ".000" (and six digits) on the fast path too, against gpxpy, one character spoilt or none
    from gpxpy.gpxfield import TIME_TYPE

    text = moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:20 + digits] + "Z"
    if char is not None:
        text = text[:at] + char + text[at + 1:]
    try:
        got = gpx_stream.parse_time(text)
    except Refused:  # a zone of a day or more ('.0002' then '40:'): gpxpy fails on it, and reads the file
        return
    expected = TIME_TYPE.from_string(text)
    assert got == expected
    assert (got is None or got.utcoffset()) == (expected is None or expected.utcoffset())


def test_reading_the_usual_files_loads_none_of_the_general_readers(tmp_path):
    import subprocess
    import sys

    fit_path = tmp_path / "run.fit"
    fit_path.write_bytes(run_file(START, seconds=120))
    gpx_path = tmp_path / "run.gpx"
    gpx_path.write_text(gpx_text(START))
    tcx_path = tmp_path / "run.tcx"
    tcx_path.write_text(tcx_text(START))
    code = ("import sys\nfrom pathlib import Path\nfrom loadguard.sources.files import parse\n"
            f"for p in {[str(fit_path), str(gpx_path), str(tcx_path)]!r}:\n    parse(Path(p).read_bytes())\n"
            "print(sorted(m for m in ('fitdecode', 'gpxpy', 'tcxreader') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# -- the per-point sums, inlined for speed, against the functions they inline ---------------


def _reference_distance(lats, lons):
    out, total, last = [], 0.0, None
    for lat, lon in zip(lats, lons):
        if lat is None or lon is None:
            out.append(None)
            continue
        if last is not None:
            total += geo.haversine(last[0], last[1], lat, lon)
        last = (lat, lon)
        out.append(total)
    return out


def _reference_moving(times, lats, lons, elevations):
    moving = 0.
    for i in range(1, len(times)):
        if times[i] is None or times[i - 1] is None:
            continue
        if elevations[i] and elevations[i - 1]:
            step = geo.distance(lats[i], lons[i], elevations[i], lats[i - 1], lons[i - 1], elevations[i - 1])
        else:
            step = geo.distance(lats[i], lons[i], None, lats[i - 1], lons[i - 1], None)
        seconds = (times[i] - times[i - 1]).total_seconds()
        if seconds > 0 and step and (step / 1000) / (seconds / 60 ** 2) > geo.STOPPED_KMH:
            moving += seconds
    return moving


_COORD = st.one_of(st.sampled_from([47.0, 47.00001, 47.0003, 8.0]), st.none(), st.floats(-90, 90))
_ELEVATION = st.one_of(st.sampled_from([0.0, 400.0, 401.5]), st.none(), st.floats(-50, 3000))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(_COORD, _COORD, _ELEVATION, st.one_of(st.integers(0, 20), st.none())), max_size=30))
def test_the_inlined_sums_are_the_functions_they_inline(points):
    from loadguard.sources.files.track import Track, _cumulative_distance

    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    track = Track(fmt="gpx", sport_type="Run", start=START, lat=lats, lon=lons, distance=[None] * len(points))
    assert repr(_cumulative_distance(track)) == repr(_reference_distance(lats, lons))
    positioned = [p for p in points if p[0] is not None and p[1] is not None]
    times = [None if p[3] is None else START + timedelta(seconds=5 * i + p[3]) for i, p in enumerate(positioned)]
    args = (times, [p[0] for p in positioned], [p[1] for p in positioned], [p[2] for p in positioned])
    assert repr(geo.moving_seconds(*args)) == repr(_reference_moving(*args))


@pytest.mark.skipif(not SAMPLES, reason="../shared/activity-files absent")
def test_the_summary_climbs_and_distances_as_before():
    from loadguard.sources.files.track import _cumulative_distance, smoothed_altitude, smoothed_gain, steep_share

    for path in SAMPLES:
        if path.suffix in (".fit", ".gpx", ".tcx"):
            track = parse(path.read_bytes())
            figures = summary(track)
            ascent = track.ascent_m if track.ascent_m is not None else smoothed_gain(track.seconds, track.altitude)
            assert figures["elev_gain_m"] == (None if ascent is None else round(ascent, 1))
            if not any(d is not None for d in track.distance):
                assert _cumulative_distance(track) == _reference_distance(track.lat, track.lon)
            assert figures["steep_share"] == steep_share(_cumulative_distance(track),
                                                         smoothed_altitude(track.seconds, track.altitude))
