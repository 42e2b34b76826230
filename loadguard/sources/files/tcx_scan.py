"""The fastest TCX reader, for the plain files Garmin Connect, Strava and most apps
write: the trackpoints of each `<Track>` read off the text with one strict pattern, the
rest of the file (laps, creator, author) by ElementTree and tcx_stream's own code
(see xml_scan).

It returns the same Exercise as tcx_stream, or refuses and tcx_stream reads the file
(and tcxreader what that refuses). A trackpoint is taken only as

    <Trackpoint> <Time>…</Time> <Position> <LatitudeDegrees>…</LatitudeDegrees>
    <LongitudeDegrees>…</LongitudeDegrees> </Position> <AltitudeMeters>…</AltitudeMeters>
    <DistanceMeters>…</DistanceMeters> <HeartRateBpm> <Value>…</Value> </HeartRateBpm>
    <Cadence>…</Cadence> <SensorState>…</SensorState>… <Extensions> <ns3:TPX> <ns3:Speed>…</ns3:Speed>
    <ns3:RunCadence>…</ns3:RunCadence> </ns3:TPX> </Extensions> </Trackpoint>

with a time, each other child optional but in this order, numbers as plain decimals
(a heart rate of digits), other children without children of their own, and the TPX
element under a prefix bound to Garmin's ActivityExtension namespace (or declaring it
as its default). The values are read by tcx_stream's own conversions.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime

from loadguard.sources.files import tcx_stream
from loadguard.sources.files.tcx_stream import TRACK, TRACKPOINT, Exercise, parse_time
from loadguard.sources.files.track import Refused
from loadguard.sources.files.xml_scan import NAME, NUMBER, REST, TEXT, WS, decoded, prefixes, read_bodies

EXT = tcx_stream.EXT[1:-1]
_KNOWN = "(?:Time|Position|AltitudeMeters|DistanceMeters|HeartRateBpm|Cadence|Extensions|Trackpoint|Track)>"
_RUN_CADENCE = re.compile(f"<(?:{NAME}:)?RunCadence>({TEXT})</")


@functools.lru_cache(maxsize=64)
def _points(tpx: str, xsi: str) -> re.Pattern:
    """The pattern of a track's trackpoints: TPX under `tpx` (the prefixes bound to
    ActivityExtension's namespace there, xml_scan.prefixes) and `xsi:type` under `xsi`."""
    return re.compile(
        f"<Trackpoint>{WS}"
        # the usual UTC time without its 'Z' (read by datetime.fromisoformat as tcx_stream does), or another
        f"(?:<Time>(?:([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}(?:\\.[0-9]{{1,6}})?)Z|({TEXT}))"
        f"</Time>{WS})?"
        f"(?:<Position>{WS}<LatitudeDegrees>({NUMBER})</LatitudeDegrees>{WS}"
        f"<LongitudeDegrees>({NUMBER})</LongitudeDegrees>{WS}</Position>{WS})?"
        f"(?:<AltitudeMeters>({NUMBER})</AltitudeMeters>{WS})?"
        f"(?:<DistanceMeters>({NUMBER})</DistanceMeters>{WS})?"
        # a heart rate is read by tcx_stream for its failures alone, and digits never fail
        f'(?:<HeartRateBpm(?: {xsi}type="HeartRateInBeatsPerMinute_t")?>{WS}<Value>[0-9]{{0,20}}</Value>{WS}'
        f"</HeartRateBpm>{WS})?"
        f"(?:<Cadence>({NUMBER})</Cadence>{WS})?"
        f"(?:<(?!{_KNOWN})(?P<leaf>{NAME})>{TEXT}</(?P=leaf)>{WS})*+"
        # TPX under its prefix, or declaring its namespace the default ('>' alone: in TCX's own, refused)
        f"(?:<Extensions>{WS}<(?P<p>(?:{tpx})?)TPX(?P<x>(?: xmlns=\"{EXT}\")?>)"
        f"(?P<values>(?:{WS}<(?P=p)(?P<v>{NAME})>{TEXT}</(?P=p)(?P=v)>)*+){WS}"
        f"</(?P=p)TPX>{WS}</Extensions>{WS})?"
        f"</Trackpoint>{REST}")


def read(data: bytes) -> Exercise:
    tcx_stream.check(data)
    root, tracks = read_bodies(decoded(data), "Track", TRACK, _track)
    if next(root.iter(TRACKPOINT), None) is not None:
        raise Refused("a trackpoint outside a track")
    return tcx_stream.exercise_of(root, lambda track: tracks[id(track)])


def _track(text: str, start: int, end: int, scope: dict[str, str]) -> list:
    found = _points(prefixes(scope, EXT), "xsi:" if "xsi" in scope else "(?!)").findall(text, start, end)
    if not found:
        return []
    usual, other, lats, lons, altitudes, distances, cadences, _, prefix, default, values, _, junk = zip(*found)
    if junk[-1]:
        raise Refused("a track the scanner does not read")
    if ("", ">") in set(zip(prefix, default)):
        raise Refused("a TPX extension in TCX's own namespace")
    times = _times(usual, other)
    cadences = [tcx_stream._whole_or_none(c or None) for c in cadences] if any(cadences) else [None] * len(found)
    if any(values):
        # tcx_stream: a RunCadence in the TPX extension stands for the Cadence element
        run = {v: _run_cadence(v) for v in set(values)}
        cadences = [c if (r := run[v]) is _ABSENT else r for c, v in zip(cadences, values)]
    return list(zip(times, _floats(lats), _floats(lons), _floats(altitudes), _floats(distances), cadences))


_ABSENT = object()


def _run_cadence(values: str):
    """The last RunCadence's number (tcx_stream._tpx_or_none), or _ABSENT."""
    found = _RUN_CADENCE.findall(values)
    return tcx_stream._tpx_or_none(found[-1] or None) if found else _ABSENT


def _times(usual: tuple[str, ...], other: tuple[str, ...]) -> list[datetime]:
    if all(usual):
        try:
            return list(map(datetime.fromisoformat, usual))
        except ValueError:
            raise Refused("not a date") from None
    return [parse_time(u + "Z" if u else (o or None)) for u, o in zip(usual, other)]


def _floats(column: tuple[str, ...]) -> list[float | None]:
    """tcx_stream._float_or_none of each: None for no text or not a number."""
    try:
        return list(map(float, column)) if all(column) else [float(x) if x else None for x in column]
    except ValueError:
        return [tcx_stream._float_or_none(x) for x in column]
