"""TCX files (Garmin Training Center, older watches, some apps): read by tcx_scan (the
plain files), by tcx_stream when tcx_scan refuses a file, and by tcxreader when
tcx_stream refuses it too (tcxreader then reads it or says why not).

tcxreader returns times without a zone although TCX writes UTC (`…Z`), so they are
taken as UTC here. Running cadence sits in the `RunCadence` extension, which
tcxreader hands over untouched in each trackpoint's `tpx_ext`.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import timezone

from loadguard.sources.files import tcx_scan, tcx_stream
from loadguard.sources.files.track import Track, TrackError, fast_or_general

SPORTS = {"running": "Run", "biking": "Ride", "other": "Workout"}


def parse(data: bytes) -> Track:
    return fast_or_general((lambda d: track_of(tcx_scan.read(d)), lambda d: track_of(tcx_stream.read(d))),
                           parse_general, data)


def track_of(exercise: tcx_stream.Exercise) -> Track:
    """The Track of what tcx_stream read: the same steps as parse_general's."""
    if not exercise.laps:
        raise TrackError("no laps with track points")
    points = [p for lap in exercise.laps for p in lap]
    first = points[0][0]
    start = first.replace(tzinfo=timezone.utc) if first.tzinfo is None else first
    track = Track(fmt="tcx", sport_type=SPORTS.get((exercise.sport or "").lower(), "Workout"),
                  start=start.astimezone(timezone.utc))
    moments, lats, lons, altitudes, distances, cadences = map(list, zip(*points))
    # all naive or all zoned (tcx_stream refuses a mix): naive ones are UTC, so either way
    # the differences are those of the moments as they are
    track.seconds = [(moment - first).total_seconds() for moment in moments]
    track.distance, track.altitude, track.lat, track.lon, track.cadence = distances, altitudes, lats, lons, cadences
    if exercise.distance:
        track.distance_m = exercise.distance
    track.elapsed_s = track.seconds[-1]
    # A lap's time is its first to last trackpoint, counted from three trackpoints (tcxreader's rule).
    track.moving_s = sum(abs((lap[0][0] - lap[-1][0]).total_seconds()) if len(lap) > 2 else 0.0
                         for lap in exercise.laps) or None
    return track


def parse_general(data: bytes) -> Track:
    """The file read by tcxreader: slower, but it takes what tcx_stream refuses."""
    from tcxreader.tcxreader import TCXReader  # only here: most files never need it

    try:
        exercise = TCXReader().read(io.BytesIO(data), only_gps=False)
    except ET.ParseError as exc:
        raise TrackError(f"not a readable TCX file ({exc})") from None
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise TrackError(f"not a readable TCX file ({type(exc).__name__}: {exc})") from None
    if not exercise.laps:
        raise TrackError("no laps with track points")
    timed = [p for p in exercise.trackpoints if p.time is not None]
    if not timed:
        raise TrackError("no timestamps in the track")
    start = timed[0].time.replace(tzinfo=timezone.utc) if timed[0].time.tzinfo is None else timed[0].time
    track = Track(fmt="tcx", sport_type=SPORTS.get((exercise.activity_type or "").lower(), "Workout"),
                  start=start.astimezone(timezone.utc))
    for p in timed:
        moment = p.time.replace(tzinfo=timezone.utc) if p.time.tzinfo is None else p.time
        track.seconds.append((moment - start).total_seconds())
        track.distance.append(p.distance)
        track.altitude.append(p.elevation)
        track.lat.append(p.latitude)
        track.lon.append(p.longitude)
        ext = p.tpx_ext or {}
        track.cadence.append(ext.get("RunCadence", p.cadence))
    if exercise.distance:
        track.distance_m = exercise.distance
    track.elapsed_s = track.seconds[-1]
    track.moving_s = sum(_lap_seconds(lap) for lap in exercise.laps) or None
    return track


def _lap_seconds(lap) -> float:
    duration = getattr(lap, "duration", None)
    return float(duration) if duration else 0.0
