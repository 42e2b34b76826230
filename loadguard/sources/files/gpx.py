"""GPX files (Garmin Connect, Strava, Locus, phone apps), read with gpxpy.

GPX has no standard field for the sport: `<trk><type>` holds a word ("running"),
Strava writes its own activity number there ("9"), and Locus Map writes
`<locus:activity>` in the track's extensions. Cadence and heart rate sit in
Garmin's TrackPointExtension (`cad` counts strides of one leg).
"""

from __future__ import annotations

from datetime import timezone

import gpxpy
import gpxpy.gpx

from loadguard.sources.files.track import Track, TrackError

# The words GPX writers use, lower-cased with '-' and ' ' as '_' -> Strava's sport type.
WORDS = {
    "running": "Run", "run": "Run", "street_running": "Run", "road_running": "Run",
    "trail_running": "TrailRun", "trail_run": "TrailRun", "trailrun": "TrailRun",
    "treadmill_running": "Run", "walking": "Walk", "walk": "Walk", "hiking": "Hike", "hike": "Hike",
    "cycling": "Ride", "biking": "Ride", "ride": "Ride", "mountain_biking": "MountainBikeRide",
    "swimming": "Swim", "swim": "Swim",
}
# Strava's GPX export numbers its activity types.
STRAVA_NUMBERS = {"1": "Ride", "4": "Hike", "9": "Run", "10": "Walk", "16": "Swim"}
TREADMILL_WORDS = {"treadmill_running"}


def parse(data: bytes) -> Track:
    if b"trkpt" not in data:
        # Said without parsing: a zip of 20,000 empty tracks is read in seconds, not minutes.
        raise TrackError("no track points")
    try:
        doc = gpxpy.parse(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise TrackError("not a GPX file (not UTF-8 text)") from None
    except gpxpy.gpx.GPXException as exc:
        raise TrackError(f"not a readable GPX file ({' '.join(str(exc).split())[:120]})") from None
    points = [p for track in doc.tracks for segment in track.segments for p in segment.points]
    timed = [p for p in points if p.time is not None]
    if not timed:
        raise TrackError("no timestamps in the track" if points else "no track points")
    start = timed[0].time
    start = start if start.tzinfo else start.replace(tzinfo=timezone.utc)
    word = _sport_word(doc)
    track = Track(fmt="gpx", sport_type=_sport_type(word), start=start.astimezone(timezone.utc),
                  trainer=word in TREADMILL_WORDS,
                  name=next((t.name.strip() for t in doc.tracks if t.name and t.name.strip()), None))
    for p in timed:
        moment = p.time if p.time.tzinfo else p.time.replace(tzinfo=timezone.utc)
        track.seconds.append((moment - start).total_seconds())
        track.distance.append(None)
        track.altitude.append(p.elevation)
        track.lat.append(p.latitude)
        track.lon.append(p.longitude)
        track.cadence.append(_extension_number(p, "cad"))
    track.distance_m = doc.length_2d()
    track.elapsed_s = track.seconds[-1]
    moving = doc.get_moving_data()
    if moving is not None and moving.moving_time:
        track.moving_s = moving.moving_time
    ascent = doc.get_uphill_downhill()
    if ascent is not None and any(p.elevation is not None for p in timed):
        # gpxpy smooths altitude before summing it, which is what files without a
        # device total need; the same figure Garmin Connect and Strava show for GPX.
        track.ascent_m = ascent.uphill
    return track


def _sport_word(doc) -> str | None:
    for t in doc.tracks:
        if t.type and t.type.strip():
            return t.type.strip().lower().replace("-", "_").replace(" ", "_")
        for element in t.extensions:
            if element.tag.rsplit("}", 1)[-1] == "activity" and element.text:
                return element.text.strip().lower().replace("-", "_").replace(" ", "_")
    return None


def _sport_type(word: str | None) -> str:
    if word is None:
        return "Workout"
    if word in STRAVA_NUMBERS:
        return STRAVA_NUMBERS[word]
    return WORDS.get(word, "".join(w.capitalize() for w in word.split("_")) or "Workout")


def _extension_number(point, name: str) -> float | None:
    for element in point.extensions:
        for child in element.iter():
            if child.tag.rsplit("}", 1)[-1] == name and child.text:
                try:
                    return float(child.text)
                except ValueError:
                    return None
    return None
