"""The fastest GPX reader, for the plain files nearly every device and app writes: the
track points of each `<trkseg>` read off the text with one strict pattern, the rest
of the file (a few hundred bytes) by ElementTree (see xml_scan).

It returns the same Document as gpx_stream, or refuses and gpx_stream reads the file
(and gpxpy what that refuses). A point is taken only as

    <trkpt lat="…" lon="…"> <ele>…</ele> <time>…</time> <hdop>…</hdop>… <extensions>…</extensions> </trkpt>

each child optional but in this order, the two attributes alone and in this order,
lat, lon and ele plain decimal numbers, other children of the point elements without
children of their own, and the extensions elements two deep at most. The values are
read by gpx_stream's own conversions (its parse_time, float; `cad` by its rule, the
first one with text in any namespace), so what the scanner takes reads the same.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime

from loadguard.sources.files import gpx_stream
from loadguard.sources.files.gpx_stream import GPX_11, USUAL_TIME, Document, Segment, parse_time
from loadguard.sources.files.track import Refused
from loadguard.sources.files.xml_scan import NAME, NUMBER, REST, TEXT, WS, decoded, prefixes, read_bodies

_CAD = re.compile(f"<(?:{NAME}:)?cad>([^<]*)")

NS = "{" + GPX_11 + "}"
TRK, TRKSEG, TRKPT = NS + "trk", NS + "trkseg", NS + "trkpt"


@functools.lru_cache(maxsize=64)
def _points(prefix: str) -> re.Pattern:
    """The pattern of a segment's points, the extensions' elements under `prefix` (the
    prefixes bound there, xml_scan.prefixes) or none."""
    name = f"(?:{prefix})?{NAME}"
    # not a name that would make the element something gpx_stream reads (or refuses) as a point
    not_track = f"(?!(?:{prefix})?(?:trkpt|trkseg|trk)>)"
    extension = (f"{WS}<{not_track}(?P<outer>{name})>"
                 f"(?:{TEXT}|(?:{WS}<{not_track}(?P<inner>{name})>{TEXT}</(?P=inner)>)*+{WS})</(?P=outer)>")
    return re.compile(
        f'<trkpt lat="({NUMBER})" lon="({NUMBER})">{WS}'
        f"(?:<ele>({NUMBER})</ele>{WS})?"
        f"(?:<time>(?:({USUAL_TIME})|({TEXT}))</time>{WS})?"
        f"(?:<(?!(?:ele|time|extensions|trkpt|trkseg|trk)>)(?P<leaf>{NAME})>{TEXT}</(?P=leaf)>{WS})*+"
        f"(?:<extensions>(?P<ext>(?:{extension})*+{WS})</extensions>{WS})?"
        f"</trkpt>{REST}")


def read(data: bytes) -> gpx_stream.Document:
    gpx_stream.check(data)
    root, segments = read_bodies(decoded(data), "trkseg", TRKSEG, _segment)
    if root.tag != NS + "gpx" or root.get("version") != "1.1":
        raise Refused("not a GPX 1.1 root")
    if next(root.iter(TRKPT), None) is not None:
        raise Refused("a track point outside a track segment")
    doc = Document()
    for trk in root:
        if trk.tag == TRK:
            doc.tracks.append((gpx_stream._text(trk, NS + "name"), gpx_stream._text(trk, NS + "type"),
                               gpx_stream._activity(trk.find(NS + "extensions")),
                               [segments[id(child)] for child in trk if child.tag == TRKSEG]))
    return doc


def _segment(text: str, start: int, end: int, scope: dict[str, str]) -> Segment:
    segment = Segment()
    found = _points(prefixes(scope)).findall(text, start, end)
    if not found:
        return segment
    lats, lons, eles, usual, other, _, extensions, _, _, junk = zip(*found)
    if junk[-1]:
        raise Refused("a track segment the scanner does not read")
    try:
        segment.lats = list(map(float, lats))
        segment.lons = list(map(float, lons))
        segment.elevations = list(map(float, eles)) if all(eles) else [float(e) if e else None for e in eles]
    except ValueError:
        raise Refused("not a number") from None
    segment.times = _times(usual, other)
    if text.find("cad>", start, end) < 0:
        segment.cadences = [None] * len(found)
    else:  # a point's extensions are often the same text as another's: each read once
        cadences = {extra: _cadence(extra) for extra in set(extensions)}
        segment.cadences = list(map(cadences.__getitem__, extensions))
    return segment


def _times(usual: tuple[str, ...], other: tuple[str, ...]) -> list:
    if all(usual):
        try:
            return list(map(datetime.fromisoformat, usual))
        except ValueError:  # a day or hour out of range: parse_time has gpxpy's answer
            pass
    return [parse_time(u or o) for u, o in zip(usual, other)]


def _cadence(extensions: str) -> float | None:
    """gpx_stream.extension_number(…, "cad") on the text of a point's extensions."""
    for found in _CAD.finditer(extensions):
        text = found.group(1)
        if text:
            try:
                return float(text)
            except ValueError:
                return None
    return None
