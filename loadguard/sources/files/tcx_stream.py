"""A streaming TCX reader: ElementTree's iterparse, each trackpoint reduced to the few
values loadguard uses as soon as it is read.

It reads what tcx.parse_general reads through tcxreader (the same elements, times and
number conversions, laps without trackpoints dropped but their distance counted) or
refuses: a trackpoint without a time, zoned and unzoned times mixed, or a value
tcxreader would fail on raise Refused, and tcxreader decides, as before. A document
type declaration is refused outright, as in gpx_stream.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import datetime

from loadguard.sources.files.track import Refused, TrackError

NS = "{http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2}"
EXT = "{http://www.garmin.com/xmlschemas/ActivityExtension/v2}"
ACTIVITIES, ACTIVITY, LAP, TRACK, TRACKPOINT = (NS + t for t in ("Activities", "Activity", "Lap", "Track", "Trackpoint"))
TIME, POSITION, LATITUDE, LONGITUDE = NS + "Time", NS + "Position", NS + "LatitudeDegrees", NS + "LongitudeDegrees"
ALTITUDE, DISTANCE, HEART_RATE, CADENCE = NS + "AltitudeMeters", NS + "DistanceMeters", NS + "HeartRateBpm", NS + "Cadence"
EXTENSIONS, TPX, LX, CALORIES, AUTHOR = NS + "Extensions", EXT + "TPX", EXT + "LX", NS + "Calories", NS + "Author"
RUN_CADENCE = EXT + "RunCadence"
# The common time form, read without strptime; tcxreader's four strptime patterns decide the rest.
_UTC_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?Z\Z")
TIME_PATTERNS = ("%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S%z")
# A point: (time, latitude, longitude, altitude, distance, cadence)
Point = tuple


class Exercise:
    def __init__(self) -> None:
        self.sport: str | None = None
        self.distance: float = 0               # every lap's DistanceMeters, summed
        self.laps: list[list[Point]] = []      # laps that have trackpoints


def check(data: bytes) -> None:
    """What every fast TCX reader checks first (tcx_scan too)."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise TrackError("not a readable TCX file (it declares a document type, which TCX never needs)")


def read(data: bytes) -> Exercise:
    check(data)
    points: dict[int, Point] = {}
    root = None
    try:
        for _, element in ET.iterparse(io.BytesIO(data)):
            if element.tag == TRACKPOINT:
                points[id(element)] = _point(element)
                element.clear()
            root = element
    except ET.ParseError as exc:
        raise Refused(f"XML: {exc}") from None
    if root is None:
        raise Refused("empty")
    return exercise_of(root, lambda track: [points[id(p)] for p in track if p.tag == TRACKPOINT])


def exercise_of(root, points_of) -> Exercise:
    """The Exercise of a parsed document whose trackpoints were read already: `points_of(track)`
    gives a Track element's points (tcx_scan reads them off the text)."""
    exercise = Exercise()
    for node in root:
        if node.tag == ACTIVITIES:
            for activity in node:
                if activity.tag == ACTIVITY:
                    if "Sport" not in activity.attrib:
                        raise Refused("an activity without a sport")
                    exercise.sport = activity.attrib["Sport"]
                    for lap in activity:
                        if lap.tag == LAP:
                            _lap(lap, exercise, points_of)
        elif node.tag == AUTHOR:
            _check_author(node)
    if len({p[0].tzinfo is None for lap in exercise.laps for p in lap}) > 1:
        raise Refused("zoned and unzoned times")  # tcxreader fails subtracting them
    return exercise


def _lap(lap, exercise: Exercise, points_of) -> None:
    found: list[Point] = []
    for child in lap:
        tag = child.tag
        if tag == CALORIES:
            _number(lambda text: int(round(float(text))), child.text)
        elif tag == DISTANCE:
            exercise.distance += _number(float, child.text)
        elif tag == TRACK:
            found += points_of(child)
        elif tag == EXTENSIONS:
            for extension in child:
                if extension.tag == LX:
                    for value in extension:
                        _number(_tpx_number, value.text)
    if found:
        exercise.laps.append(found)


def _point(element) -> Point:
    moment = lat = lon = altitude = distance = cadence = None
    run_cadence = _ABSENT
    for child in element:
        tag = child.tag
        if tag == TIME:
            moment = parse_time(child.text)
        elif tag == POSITION:
            for position in child:
                if position.tag == LATITUDE:
                    lat = _float_or_none(position.text)
                elif position.tag == LONGITUDE:
                    lon = _float_or_none(position.text)
        elif tag == ALTITUDE:
            altitude = _float_or_none(child.text)
        elif tag == DISTANCE:
            distance = _float_or_none(child.text)
        elif tag == HEART_RATE:
            for value in child:
                _whole_or_none(value.text)
        elif tag == CADENCE:
            cadence = _whole_or_none(child.text)
        elif tag == EXTENSIONS:
            for extension in child:
                if extension.tag == TPX:
                    for value in extension:
                        number = _tpx_or_none(value.text)
                        if value.tag == RUN_CADENCE:
                            run_cadence = number
    if moment is None:
        raise Refused("a trackpoint without a time")
    return (moment, lat, lon, altitude, distance, cadence if run_cadence is _ABSENT else run_cadence)


_ABSENT = object()


def parse_time(text: str | None) -> datetime:
    if text is None:
        raise Refused("an empty time")
    if _UTC_TIME.match(text) is not None:
        try:
            # the shape is settled by the pattern: C reads the figures (naive, as tcxreader's)
            return datetime.fromisoformat(text[:-1])
        except ValueError:
            raise Refused("not a date") from None
    for pattern in TIME_PATTERNS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise Refused("a time tcxreader cannot read")


def _float_or_none(text: str | None) -> float | None:
    try:
        return float(text)
    except (ValueError, TypeError):
        return None


def _whole_or_none(text: str | None) -> int | None:
    try:
        return int(float(text))
    except (ValueError, TypeError):
        return None
    except OverflowError:
        raise Refused("an infinite whole number") from None


def _tpx_number(text: str) -> float | int:
    return float(text) if "." in text else int(text)


def _tpx_or_none(text: str | None) -> float | int | None:
    try:
        return _tpx_number(text)
    except (ValueError, TypeError):
        return None


def _number(convert, text: str | None):
    try:
        return convert(text)
    except (ValueError, TypeError, OverflowError):
        raise Refused("a lap figure that is not a number") from None


def _check_author(author) -> None:
    for node in author:
        if node.tag == NS + "Build":
            for build in node:
                if build.tag == NS + "Version":
                    for part in build:
                        if part.tag in (NS + "VersionMajor", NS + "VersionMinor", NS + "BuildMajor", NS + "BuildMinor"):
                            _number(int, part.text)
