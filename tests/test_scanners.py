"""The scanners (gpx_scan, tcx_scan) against the streaming readers they stand in front of
(gpx_stream, tcx_stream): what a scanner reads must be exactly what the streaming reader
reads from the same bytes (the whole Document or Exercise, then the Track and its
summary), and whatever a scanner does not vouch for must be refused, so the streaming
reader (then the general one) reads it as before.

Differential on the sample runs and generated files; each refused construct checked to
reach the same final figures; fuzz (bounded, fixed seeds) for hangs, crashes and any
file a scanner takes but reads differently.
"""

from __future__ import annotations

import random
import re
import time
from datetime import datetime, timezone

import pytest
from activity_files import GPX_VARIANTS, TCX_VARIANTS, gpx_text, gpx_variant, tcx_text, tcx_variant
from conftest import SHARED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loadguard.sources.files import gpx, gpx_scan, gpx_stream, parse, tcx, tcx_scan, tcx_stream
from loadguard.sources.files.track import Refused, TrackError, summary

FILES = SHARED / "activity-files"
SAMPLES = sorted(FILES.glob("*.*")) if FILES.is_dir() else []
START = datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)


def gpx_doc(doc: gpx_stream.Document) -> str:
    # repr, so a NaN a fuzzed file may hold compares equal to itself
    return repr([(name, kind, activity, [(s.times, s.lats, s.lons, s.elevations, s.cadences) for s in segments])
                 for name, kind, activity, segments in doc.tracks])


def tcx_doc(exercise: tcx_stream.Exercise) -> str:
    return repr(vars(exercise))


# kind -> (scanner, streaming reader, the document as comparable text, its Track)
READERS = {"gpx": (gpx_scan.read, gpx_stream.read, gpx_doc, gpx.track_of),
           "tcx": (tcx_scan.read, tcx_stream.read, tcx_doc, tcx.track_of)}


def _outcome(read, data: bytes):
    try:
        return "ok", read(data)
    except Refused:
        return "Refused", None
    except TrackError as exc:
        return "TrackError", str(exc)


def _figures(track_of, doc):
    try:
        track = track_of(doc)
    except TrackError as exc:
        return "TrackError", str(exc)
    return repr(vars(track)), repr(summary(track))


def assert_scans_the_same(kind: str, data: bytes) -> None:
    """The scanner reads the file (it must not refuse it) exactly as the streaming reader does."""
    scan, stream, doc, track_of = READERS[kind]
    got, want = scan(data), stream(data)
    assert doc(got) == doc(want)
    assert _figures(track_of, got) == _figures(track_of, want)


def _chain_before(kind: str, data: bytes):
    """What parse() gave before the scanners: the streaming reader, or the general one when it refuses."""
    fast = {"gpx": lambda d: gpx.track_of(gpx_stream.read(d)), "tcx": lambda d: tcx.track_of(tcx_stream.read(d))}[kind]
    general = {"gpx": gpx.parse_general, "tcx": tcx.parse_general}[kind]
    try:
        try:
            track = fast(data)
        except TrackError:
            raise
        except Exception:  # noqa: BLE001 - as fast_or_general
            track = general(data)
    except TrackError as exc:
        return "TrackError", str(exc)
    return repr(vars(track)), repr(summary(track))


def _chain_now(data: bytes):
    try:
        track = parse(data)
    except TrackError as exc:
        return "TrackError", str(exc)
    return repr(vars(track)), repr(summary(track))


# -- the real sample runs and generated files ---------------------------------------------


@pytest.mark.skipif(not SAMPLES, reason="../shared/activity-files absent")
@pytest.mark.parametrize("path", [p for p in SAMPLES if p.suffix in (".gpx", ".tcx")], ids=lambda p: p.name)
def test_every_sample_file_scans_as_the_streaming_reader_reads_it(path):
    assert_scans_the_same(path.suffix[1:], path.read_bytes())


@pytest.mark.parametrize("every_s", [1, 10])
@pytest.mark.parametrize("how", GPX_VARIANTS)
def test_generated_gpx_files_scan_the_same(how, every_s):
    text = gpx_variant(gpx_text(START, km=3, climb_per_km=40, every_s=every_s), how)
    assert_scans_the_same("gpx", text.encode())
    if how not in ("plain", "crlf"):
        assert_scans_the_same("gpx", gpx_variant(gpx_text(START, km=1, cadence=None, every_s=every_s), how).encode())


@pytest.mark.parametrize("how", TCX_VARIANTS)
def test_generated_tcx_files_scan_the_same(how):
    assert_scans_the_same("tcx", tcx_variant(tcx_text(START, km=3), how).encode())


def test_a_bom_and_a_file_without_declaration_scan_the_same():
    text = gpx_text(START, km=1)
    assert_scans_the_same("gpx", b"\xef\xbb\xbf" + text.encode())
    assert_scans_the_same("gpx", text.split("\n", 1)[1].encode())
    assert_scans_the_same("tcx", b"\xef\xbb\xbf" + tcx_text(START, km=1).encode())


def test_parse_reads_the_plain_files_with_the_scanners(monkeypatch):
    """parse() gets its Track from the scanner: the streaming readers are not called."""
    def broken(_data):
        raise AssertionError("the streaming reader was called")

    monkeypatch.setattr(gpx_stream, "read", broken)
    monkeypatch.setattr(tcx_stream, "read", broken)
    for data in (gpx_variant(gpx_text(START), "garmin").encode(), tcx_variant(tcx_text(START), "garmin").encode()):
        parse(data)


@pytest.mark.parametrize("break_it", ["gpx cadence", "gpx times", "tcx run cadence", "tcx numbers"])
def test_the_differential_check_sees_a_wrong_scanner(break_it, monkeypatch):
    """The comparison above is not blind: a scanner made wrong in a small way fails it."""
    if break_it == "gpx cadence":
        monkeypatch.setattr(gpx_scan, "_cadence", lambda text: 84.0)
    elif break_it == "gpx times":
        monkeypatch.setattr(gpx_scan, "_times", lambda usual, other: [gpx_stream.parse_time(u or o) for u, o in
                                                                     zip(usual[1:] + usual[:1], other)])
    elif break_it == "tcx run cadence":
        monkeypatch.setattr(tcx_scan, "_run_cadence", lambda values: 85)
    else:
        monkeypatch.setattr(tcx_scan, "_floats", lambda column: [float(x) + 1e-9 if x else None for x in column])
    kind = break_it[:3]
    data = (gpx_variant(gpx_text(START, km=1), "garmin") if kind == "gpx"
            else tcx_variant(tcx_text(START, km=1), "garmin")).encode()
    with pytest.raises(AssertionError):
        assert_scans_the_same(kind, data)


# -- what the scanners refuse reaches the streaming (or general) reader ---------------------

GPX_PLAIN = gpx_variant(gpx_text(START, km=1, every_s=10), "garmin")
_GPX_POINT = '<trkpt lat="47.0002725" lon="8.0">'
_FOREIGN_SEGMENT = ('<trkseg >{}</trkseg></trk><extensions><x:e xmlns:x="urn:x" xmlns="urn:x"><trkseg><trkpt lat="1" '
                    'lon="2"><time>2026-03-02T06:00:00Z</time></trkpt></trkseg></x:e></extensions><trk><trkseg>')
GPX_REFUSED = {
    "a comment": ("<ns3:hr>140</ns3:hr>", "<ns3:hr>140</ns3:hr><!-- hr -->"),
    "a comment outside the track": ("<trk>", "<!-- <trkseg> --><trk>"),
    "CDATA": ("<name>Test run</name>", "<name><![CDATA[Test <run>]]></name>"),
    "an entity": ("<ele>400.0</ele>", "<ele>400.0</ele><desc>up &amp; down</desc>"),
    "a character reference": ("<ele>400.0</ele>", "<ele>&#52;00.0</ele>"),
    "a processing instruction": (_GPX_POINT, "<?pi x?>" + _GPX_POINT),
    "a prefixed point": (_GPX_POINT + "\n", '<g:trkpt xmlns:g="http://www.topografix.com/GPX/1/1" lat="1" lon="2">'
                         "</g:trkpt>" + _GPX_POINT + "\n"),
    "a prefixed elevation": ("<ele>400.0</ele>", '<g:ele xmlns:g="http://www.topografix.com/GPX/1/1">400.0</g:ele>'),
    "an attribute it does not expect": (_GPX_POINT, _GPX_POINT[:-1] + ' src="gps">'),
    "attributes the other way round": (_GPX_POINT, '<trkpt lon="8.0" lat="47.0008175">'),
    "single quotes": (_GPX_POINT, "<trkpt lat='47.0008175' lon='8.0'>"),
    "a padded number": ("<ele>400.0</ele>", "<ele> 400.0 </ele>"),
    "a carriage return in a text": ("<ns3:hr>140</ns3:hr>", "<ns3:hr>14\r0</ns3:hr>"),
    "time before elevation": ("<ele>400.0</ele>\n      <time>2026-03-02T07:00:10.000Z</time>",
                              "<time>2026-03-02T07:00:10.000Z</time><ele>400.0</ele>"),
    "an empty point": (_GPX_POINT, '<trkpt lat="1.0" lon="2.0"/>' + _GPX_POINT),
    "an empty segment element": ("<trkseg>", "<trkseg/><trkseg>"),
    "extensions three deep": ("<ns3:hr>140</ns3:hr>", "<ns3:hr><ns3:x><ns3:y>1</ns3:y></ns3:x></ns3:hr>"),
    "a point in the extensions": ("<ns3:hr>140</ns3:hr>", '<trkpt lat="1" lon="2">1</trkpt>'),
    "a bare point in the extensions": ("<ns3:hr>140</ns3:hr>", "<trkpt>1</trkpt>"),
    # a segment element the scanner did not hollow, where one it did is not a GPX segment
    "a segment passing for another": ("<trkseg>", _FOREIGN_SEGMENT.format("#0")),
    "a segment passing for another with a marker": ("<trkseg>", _FOREIGN_SEGMENT.format("<scan_0/>")),
    "an empty segment element at the end": ("</trk>", "<trkseg/></trk>"),
    "a prefix declared elsewhere": lambda text: text.replace("<trk>", '<metadata xmlns:q="urn:q"/><trk>').replace(
        "<ns3:hr>140</ns3:hr>", "<q:hr>140</q:hr>", 1),
    "a namespace on the segment": ("<trkseg>", '<trkseg xmlns="http://www.topografix.com/GPX/1/1">'),
    "a namespace default inside": ("<ns3:TrackPointExtension>", '<ns3:TrackPointExtension xmlns="urn:x">'),
    "a prefix declared inside": ("<ns3:hr>140</ns3:hr>", '<x:hr xmlns:x="urn:x">140</x:hr>'),
    "a prefix not declared": ("<ns3:hr>140</ns3:hr>", "<x:hr>140</x:hr>"),
    "another encoding": ('encoding="UTF-8"', 'encoding="ISO-8859-1"'),
    "a point outside a segment": ("<trkseg>", '<trkpt lat="1" lon="2"><time>2026-03-02T06:00:00Z</time></trkpt><trkseg>'),
    "a space in an end tag": ("</ele>", "</ele >"),
    "an unclosed segment": ("</trkseg>", ""),
    "not a number": ('lon="8.0"', 'lon="8.0.1"'),
}
TCX_PLAIN = tcx_variant(tcx_text(START, km=1), "garmin")
TCX_REFUSED = {
    "a comment": ("<ns3:Speed>", "<!-- speed --><ns3:Speed>"),
    "CDATA": ("<Value>141</Value>", "<Value><![CDATA[141]]></Value>"),
    "an entity": ("<AltitudeMeters>400</AltitudeMeters>", "<AltitudeMeters>4&#48;0</AltitudeMeters>"),
    "an entity in a leaf": ("</HeartRateBpm>", "</HeartRateBpm><SensorState>Pres&amp;ent</SensorState>"),
    "a prefixed trackpoint": ("<Trackpoint>", '<t:Trackpoint xmlns:t="http://www.garmin.com/xmlschemas/'
                              'TrainingCenterDatabase/v2"><t:Time>2026-03-02T06:00:00Z</t:Time></t:Trackpoint>'
                              "<Trackpoint>"),
    "TPX in TCX's own namespace": lambda text: re.sub("<(/?)ns3:", r"<\1", text),
    "TPX under another namespace": ("<ns3:TPX>", '<ns3:TPX xmlns:ns3="urn:x">'),
    "two extensions": ("</ns3:TPX>", "</ns3:TPX><ns3:TPX><ns3:RunCadence>1</ns3:RunCadence></ns3:TPX>"),
    "a heart rate in decimals": ("<Value>141</Value>", "<Value>141.0</Value>"),
    "altitude before time": ("<Time>2026-03-02T07:00:10.000Z</Time>",
                             "<AltitudeMeters>1</AltitudeMeters><Time>2026-03-02T07:00:10.000Z</Time>"),
    "an empty track element": ("<Track>", "<Track/></Lap><Lap><Track>"),
    "latitude alone": ("<LongitudeDegrees>8.0</LongitudeDegrees>", ""),
    "a namespace on the track": ("<Track>", '<Track xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'),
    "another encoding": ('encoding="UTF-8"', 'encoding="ISO-8859-1"'),
    "an attribute it does not expect": ("<Trackpoint>", '<Trackpoint id="1">'),
    "a processing instruction": ("<Trackpoint>", "<?pi?><Trackpoint>"),
    "a carriage return in a time": ("0.000Z</Time>", "0.000Z\r</Time>"),
    "a trackpoint without a time": ("<Time>2026-03-02T07:00:10.000Z</Time>", ""),
    "an impossible date": ("2026-03-02T07:00:10.000Z", "2026-02-30T07:00:10.000Z"),
}


def _refused_case(plain: str, change) -> bytes:
    """`plain` with `change` made: (old, new) replaced once, or a function of the text."""
    if callable(change):
        return change(plain).encode()
    old, new = change
    assert old in plain
    return plain.replace(old, new, 1).encode()


@pytest.mark.parametrize("how", list(GPX_REFUSED))
def test_what_the_gpx_scanner_refuses_reads_as_before(how):
    data = _refused_case(GPX_PLAIN, GPX_REFUSED[how])
    with pytest.raises(Refused):
        gpx_scan.read(data)
    assert _chain_now(data) == _chain_before("gpx", data)


@pytest.mark.parametrize("how", list(TCX_REFUSED))
def test_what_the_tcx_scanner_refuses_reads_as_before(how):
    data = _refused_case(TCX_PLAIN, TCX_REFUSED[how])
    with pytest.raises(Refused):
        tcx_scan.read(data)
    assert _chain_now(data) == _chain_before("tcx", data)


def test_most_refused_files_are_still_read_by_the_streaming_readers():
    """The refusals above are not all files nobody reads: the streaming reader takes most."""
    read = 0
    for kind, plain, cases in (("gpx", GPX_PLAIN, GPX_REFUSED), ("tcx", TCX_PLAIN, TCX_REFUSED)):
        for change in cases.values():
            read += _outcome(READERS[kind][1], _refused_case(plain, change))[0] == "ok"
    assert read >= 25


@pytest.mark.parametrize("kind", ["gpx", "tcx"])
def test_a_document_type_is_still_refused_before_any_parser(kind):
    plain = GPX_PLAIN if kind == "gpx" else TCX_PLAIN
    data = plain.replace("?>", '?><!DOCTYPE x [<!ENTITY a "b">]>', 1).encode()
    with pytest.raises(TrackError, match="declares a document type"):
        READERS[kind][0](data)


# -- no input makes a scanner hang, crash, or read what the streaming reader reads otherwise --


def _check_scan_against_stream(kind: str, data: bytes) -> str:
    scan, stream, doc, _ = READERS[kind]
    got, scanned = _outcome(scan, data)  # anything but Refused or TrackError fails the test here
    if got == "ok":
        try:
            want, streamed = _outcome(stream, data)
        except Exception:  # noqa: BLE001 - the streaming reader's own failure (fast_or_general passes the file on)
            want, streamed = "failed", None
        assert want == "ok"
        assert doc(scanned) == doc(streamed)
    elif got == "TrackError":  # a document type, refused before any parser by both
        assert _outcome(stream, data) == (got, scanned)
    return got


FUZZ = {"gpx": GPX_PLAIN.replace("47.0", "47.00", 3), "tcx": TCX_PLAIN}
# Pieces of markup that often keep a file well-formed, or nearly, and that a scanner must see.
PIECES = ["<!-- c -->", "<![CDATA[1]]>", "&amp;", "&#49;", "\r", "\r\n", " ", "\t", "<x>1</x>", "<x/>", "<a:x>1</a:x>",
          'xmlns="urn:x"', ' xmlns:ns3="urn:x"', ' a="1"', "<?pi?>", "nan", "1e999", "-", ".", "Z", "+01:00", "٣",
          "<trkpt>", "</trkpt>", "<trkseg>", "</trkseg>", "<Track>", "</Track>", "<Trackpoint>", "</Trackpoint>",
          "<cad>7</cad>", "<ns3:cad>", "<ns3:RunCadence>9</ns3:RunCadence>", "<extensions>", "</extensions>", "\x00",
          "\ufffe", "]]>", "ns3:", "<ele>1</ele>", "<time>2026-03-02T07:00:00Z</time>", "<Time>x</Time>"]


# Values a text or attribute may be given: numbers and times in odd forms, and what is none.
VALUES = ["", " ", "0", "-0.0", "1e3", "1E-3", "+5", "5.", ".5", "1_0", "nan", "inf", "1e999", "0x10", "٣", "12 ", " 12",
          "2026-03-02T07:00:00Z", "2026-03-02T07:00:00.5Z", "2026-03-02T07:00:00.000+01:00", "2026-03-02 07:00:00",
          "2026-03-02T24:00:00Z", "2026-02-29T07:00:00Z", "2026-03-02T07:00:00−05", "2026-3-2T7:0:0Z", "x", "85.5", "-"]
_TEXT_OR_VALUE = re.compile(r'>([^<]*)<|="([^"]*)"')


def _mutant(text: str, rnd: random.Random) -> bytes:
    for _ in range(rnd.randint(1, 2)):
        where = rnd.randrange(len(text))
        choice = rnd.random()
        if choice < 0.35:  # a text or attribute value changed: the file stays well-formed
            spots = list(_TEXT_OR_VALUE.finditer(text, where))[:50] or list(_TEXT_OR_VALUE.finditer(text))
            spot = rnd.choice(spots)
            group = 1 if spot.group(1) is not None else 2
            text = text[:spot.start(group)] + rnd.choice(VALUES) + text[spot.end(group):]
        elif choice < 0.6:
            text = text[:where] + rnd.choice(PIECES) + text[where:]
        elif choice < 0.7:
            text = text[:where] + rnd.choice("<>/=\"' .-:0123456789TZ+abcdefghijklmnopqrstuvwxyz") + text[where + 1:]
        elif choice < 0.85:
            text = text[:where] + text[where + rnd.randint(1, 20):]
        else:
            start = rnd.randrange(len(text))
            text = text[:where] + text[start:start + rnd.randint(1, 80)] + text[where:]
    return text.encode("utf-8", "surrogatepass")


@settings(max_examples=400, deadline=2000, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["gpx", "tcx"]), st.integers(min_value=0, max_value=2**32))
def test_fuzzed_files_never_make_a_scanner_read_otherwise(kind, number):
    _check_scan_against_stream(kind, _mutant(FUZZ[kind], random.Random(number)))


@settings(max_examples=150, deadline=2000, derandomize=True)
@given(st.sampled_from(["gpx", "tcx"]), st.binary(max_size=200), st.integers(min_value=0, max_value=2**32))
def test_random_bytes_in_a_file_never_make_a_scanner_read_otherwise(kind, junk, number):
    text = FUZZ[kind].encode()
    where = random.Random(number).randrange(len(text))
    _check_scan_against_stream(kind, text[:where] + junk + text[where:])


def test_the_scanner_fuzzer_reaches_past_the_checks():
    """Some mutants are read, some refused: the fuzzing is not all refused at the door."""
    for kind in ("gpx", "tcx"):
        outcomes = [_check_scan_against_stream(kind, _mutant(FUZZ[kind], random.Random(n))) for n in range(200)]
        assert outcomes.count("ok") >= 8 and outcomes.count("Refused") >= 40, kind


@pytest.mark.parametrize("kind, body", [
    ("gpx", "<trkseg>" + " " * 2_000_000 + "x</trkseg>"),
    ("gpx", "<trkseg>" + '<trkpt lat="1" lon="2">' + " \n" * 500_000 + "<ele>1</ele></trkseg>"),
    ("gpx", "<trkseg>" + '<trkpt lat="1" lon="2"><extensions>' + "<a:b>1</a:b>" * 200_000 + "</trkseg>"),
    ("gpx", "<trkseg>" + '<trkpt lat="1" lon="2"><extensions><a:b>' + " " * 1_000_000 + "</trkseg>"),
    ("gpx", "<trkseg>" + '<trkpt lat="1" lon="2">' * 200_000 + "</trkseg>"),
    ("gpx", "<trkseg>" + '<trkpt lat="' + "1" * 2_000_000 + "</trkseg>"),
    ("tcx", "<Track>" + "<Trackpoint>" + "<Notes>1</Notes>" * 200_000 + "</Track>"),
    ("tcx", "<Track>" + "<Trackpoint><Extensions><ns3:TPX>" + " " * 1_000_000 + "</Track>"),
    ("tcx", "<Track>" + "<Trackpoint><Time>" + "1" * 2_000_000 + "</Track>"),
])
def test_hostile_bodies_are_refused_quickly(kind, body):
    if kind == "gpx":
        data = GPX_PLAIN.replace("<trkseg>", body + "<trkseg>", 1).replace("<ns3:", "<a:").replace(
            "</ns3:", "</a:").replace("xmlns:ns3=", "xmlns:a=")
    else:
        data = TCX_PLAIN.replace("<Track>", body + "<Track>", 1)
    spent = time.process_time()
    with pytest.raises(Refused):
        READERS[kind][0](data.encode())
    assert time.process_time() - spent < 3
