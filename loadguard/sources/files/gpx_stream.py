"""A streaming GPX 1.1 reader of the tracks alone: ElementTree's iterparse, each point
dropped once read, several times faster than building gpxpy's object model of it.

It reads what gpx.parse_general reads through gpxpy (the same elements, the same
time syntax, geo's copies of gpxpy's sums) or refuses: a GPX 1.0 file, one without
the GPX namespace as its default, a coordinate or elevation that is not a number, or
a mix of zoned and unzoned times raise Refused, and gpxpy decides, as before.

A document type declaration is refused outright and never reaches gpxpy: GPX has no
use for one, and it is how entity bombs and external entities (XXE) get in.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

from loadguard.sources.files.track import Refused, TrackError

GPX_11 = "http://www.topografix.com/GPX/1/1"
# gpxpy drops the first default namespace declaration and reads the elements it covered.
_DEFAULT_NAMESPACE = re.compile(rb"""\sxmlns=(['"])([^'"]+)\1""")
# The times gpxpy accepts: one- or two-digit fields, 'T' or a space, up to 15 digits of
# fraction (6 kept), and 'Z', '+hh', '+hhmm' or '+hh:mm' (with '-' or '−' too).
# The zone's first character is any from '+' to '−' (U+2212), digits and letters
# included, as in gpxpy's pattern; _zone then reads it as gpxpy does.
_TIME = re.compile("([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})[T ]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})"
                   "(?:\\.([0-9]{1,15}))?(Z|[+-\u2212][0-9]{2}:?(?:[0-9]{2})?)?$")
# The form nearly every device writes ("2024-05-01T06:30:00Z", Garmin's with ".000"):
# datetime.fromisoformat reads it as gpxpy does, in C, on Python 3.11 to 3.13 (an hour
# of 24 is left out: gpxpy has none, and a newer Python may read it as midnight).
USUAL_TIME = ("[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-9]{2}:[0-9]{2}(?:\\.[0-9]{3}|\\.[0-9]{6})?Z")
_USUAL_TIME = re.compile(USUAL_TIME + "\\Z")
_ENCODING = re.compile(rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_ZONES: dict[str, timezone] = {}


class Segment:
    __slots__ = ("times", "lats", "lons", "elevations", "cadences")

    def __init__(self) -> None:
        self.times: list[datetime | None] = []
        self.lats: list[float] = []
        self.lons: list[float] = []
        self.elevations: list[float | None] = []
        self.cadences: list[float | None] = []


class Document:
    """The tracks of a GPX file: per track its name, type word, activity extension and segments."""

    def __init__(self) -> None:
        self.tracks: list[tuple[str | None, str | None, str | None, list[Segment]]] = []


def check(data: bytes) -> None:
    """What every fast GPX reader checks first (gpx_scan too): a document type is refused
    outright; GPX 1.1 in the default namespace and UTF-8, or gpxpy decides."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise TrackError("not a readable GPX file (it declares a document type, which GPX never needs)")
    declared = _DEFAULT_NAMESPACE.search(data)
    if declared is None or declared.group(2) != GPX_11.encode():
        raise Refused("not GPX 1.1 in the default namespace")
    encoding = _ENCODING.match(data)
    if encoding is not None and encoding.group(1).lower() not in (b"utf-8", b"utf8"):
        raise Refused("not declared UTF-8")  # gpxpy reads the bytes as UTF-8 whatever the declaration


def read(data: bytes) -> Document:
    check(data)
    ns = "{" + GPX_11 + "}"
    gpx, trk, trkseg, trkpt = ns + "gpx", ns + "trk", ns + "trkseg", ns + "trkpt"
    ele, time, extensions = ns + "ele", ns + "time", ns + "extensions"
    points: dict[int, tuple] = {}   # a read point element's id -> its values (the element lives on, empty)
    segments: dict[int, Segment] = {}
    tracks: dict[int, tuple] = {}
    root = None
    try:
        data.decode("utf-8-sig")
        # End events only (half the events of start+end): which points belong to
        # which segment and track is settled from the parents' children lists.
        for _, element in ET.iterparse(io.BytesIO(data)):
            tag = element.tag
            if tag == trkpt:
                points[id(element)] = _point(element, ele, time, extensions)
                element.clear()
            elif tag == trkseg:
                segments[id(element)] = _segment([points.pop(id(child)) for child in element if child.tag == trkpt])
                element.clear()
            elif tag == trk:
                tracks[id(element)] = (_text(element, ns + "name"), _text(element, ns + "type"),
                                       _activity(element.find(extensions)),
                                       [segments.pop(id(child)) for child in element if child.tag == trkseg])
                element.clear()
            root = element
    except ET.ParseError as exc:
        raise Refused(f"XML: {exc}") from None
    except ValueError:  # a number that is not one, or text that is not UTF-8
        raise Refused("not a number") from None
    if root is None or root.tag != gpx or root.get("version") != "1.1":
        raise Refused("not a GPX 1.1 root")
    doc = Document()
    doc.tracks = [tracks[id(child)] for child in root if child.tag == trk]
    return doc


def _point(element, ele: str, time: str, extensions: str) -> tuple:
    lat, lon = element.get("lat"), element.get("lon")
    if lat is None or lon is None:
        raise Refused("a point without a position")
    height = element.find(ele)
    moment = element.find(time)
    extra = element.find(extensions)
    return (None if moment is None else parse_time(moment.text), float(lat.strip()), float(lon.strip()),
            None if height is None or height.text is None else float(height.text.strip()),
            None if extra is None else extension_number(extra, "cad"))


def _segment(points: list[tuple]) -> Segment:
    segment = Segment()
    if points:
        segment.times, segment.lats, segment.lons, segment.elevations, segment.cadences = map(list, zip(*points))
    return segment


def _text(element, tag: str) -> str | None:
    child = element.find(tag)
    return None if child is None else child.text


def _activity(extensions) -> str | None:
    """Locus Map's `<locus:activity>` among a track's extensions."""
    if extensions is None:
        return None
    for child in extensions:
        if child.tag.rsplit("}", 1)[-1] == "activity" and child.text:
            return child.text
    return None


def extension_number(extensions, name: str) -> float | None:
    """The first number named `name` (any namespace) within the extension elements; gpx.py's too."""
    suffix = "}" + name
    for element in extensions:
        for child in element.iter():
            if (child.tag == name or child.tag.endswith(suffix)) and child.text:
                try:
                    return float(child.text)
                except ValueError:
                    return None
    return None


def parse_time(text: str | None) -> datetime | None:
    """A GPX time as gpxpy reads it; None for text it does not take as a time."""
    if not text:
        return None
    if _USUAL_TIME.match(text):
        # the form nearly every device writes ("2024-05-01T06:30:00Z"), read in C; a day
        # or hour out of range goes the long way below and gets gpxpy's answer there
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    match = _TIME.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    zone = None if zone is None else _zone(zone)
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro, zone)
    except ValueError:
        return None


def _zone(text: str) -> timezone:
    zone = _ZONES.get(text)
    if zone is None:
        minutes = 0
        if len(text) >= 2:
            sign, digits = 1, text
            if text[0] in "-−":
                sign, digits = -1, text[1:]
            elif text[0] == "+":
                digits = text[1:]
            hours = int(digits[:2]) if digits[:2].isdigit() else 0
            minutes = sign * (hours * 60 + (int(digits[-2:]) if len(digits) >= 4 and digits[-2:].isdigit() else 0))
        if abs(minutes) >= 24 * 60:
            raise Refused("a zone offset of a day or more")  # gpxpy fails on it later
        zone = _ZONES[text] = timezone(timedelta(minutes=minutes))
    return zone
