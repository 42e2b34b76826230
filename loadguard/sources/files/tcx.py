"""TCX files (Garmin Training Center, older watches, some apps), read with tcxreader.

tcxreader returns times without a zone although TCX writes UTC (`…Z`), so they are
taken as UTC here. Running cadence sits in the `RunCadence` extension, which
tcxreader hands over untouched in each trackpoint's `tpx_ext`.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import timezone

from tcxreader.tcxreader import TCXReader

from loadguard.sources.files.track import Track, TrackError

SPORTS = {"running": "Run", "biking": "Ride", "other": "Workout"}


def parse(data: bytes) -> Track:
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
