"""GPX files (Garmin Connect, Strava, Locus, phone apps): read by gpx_scan (the plain
files), by gpx_stream when gpx_scan refuses a file, and by gpxpy when gpx_stream
refuses it too (GPX 1.0, odd namespaces, a value gpxpy may reject); gpxpy then reads
it or says why not.

GPX has no standard field for the sport: `<trk><type>` holds a word ("running"),
Strava writes its own activity number there ("9"), and Locus Map writes
`<locus:activity>` in the track's extensions. Cadence and heart rate sit in
Garmin's TrackPointExtension (`cad` counts strides of one leg).
"""

from __future__ import annotations

from datetime import timezone

from loadguard.sources.files import geo, gpx_scan, gpx_stream
from loadguard.sources.files.track import Refused, Track, TrackError, fast_or_general

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
    return fast_or_general((lambda d: track_of(gpx_scan.read(d)), lambda d: track_of(gpx_stream.read(d))),
                           parse_general, data)


def track_of(doc: gpx_stream.Document) -> Track:
    """The Track of what gpx_stream read: the same steps as parse_general's, gpxpy's sums by geo."""
    segments = [segment for *_, segments in doc.tracks for segment in segments]
    times = [t for segment in segments for t in segment.times]
    timed = [i for i, t in enumerate(times) if t is not None]
    if not timed:
        raise TrackError("no timestamps in the track" if times else "no track points")
    if len({times[i].tzinfo is None for i in timed}) > 1:
        raise Refused("zoned and unzoned times")  # gpxpy fails subtracting them
    start = times[timed[0]]
    start = start if start.tzinfo else start.replace(tzinfo=timezone.utc)
    word = _word_of(doc)
    track = Track(fmt="gpx", sport_type=_sport_type(word), start=start.astimezone(timezone.utc),
                  trainer=word in TREADMILL_WORDS,
                  name=next((name.strip() for name, *_ in doc.tracks if name and name.strip()), None))
    elevations = [e for segment in segments for e in segment.elevations]
    lats = [x for segment in segments for x in segment.lats]
    lons = [x for segment in segments for x in segment.lons]
    cadences = [c for segment in segments for c in segment.cadences]
    if len(timed) < len(times):
        times, elevations, lats, lons, cadences = ([column[i] for i in timed]
                                                   for column in (times, elevations, lats, lons, cadences))
    # all zoned or all naive (UTC) as settled above: the differences of the times as they are
    first = times[0]
    track.seconds = [(moment - first).total_seconds() for moment in times]
    track.distance = [None] * len(times)
    track.altitude, track.lat, track.lon, track.cadence = elevations, lats, lons, cadences
    # Sums per segment, then per track, then over the tracks: gpxpy's order of additions.
    per_track = [tuple(segments) for *_, segments in doc.tracks]
    track.distance_m = _total(per_track, lambda s: geo.length_2d(s.lats, s.lons))
    track.elapsed_s = track.seconds[-1]
    moving = _total(per_track, lambda s: geo.moving_seconds(s.times, s.lats, s.lons, s.elevations))
    if moving:
        track.moving_s = moving
    if any(e is not None for e in elevations):
        track.ascent_m = _total(per_track, lambda s: geo.uphill(s.elevations))
    return track


def _total(per_track, figure) -> float:
    total: float = 0
    for segments in per_track:
        of_track: float = 0
        for segment in segments:
            value = figure(segment)
            if value:
                of_track += value
        if of_track:
            total += of_track
    return total


def _word_of(doc: gpx_stream.Document) -> str | None:
    for _, kind, activity, _ in doc.tracks:
        if kind and kind.strip():
            return kind.strip().lower().replace("-", "_").replace(" ", "_")
        if activity:
            return activity.strip().lower().replace("-", "_").replace(" ", "_")
    return None


def parse_general(data: bytes) -> Track:
    """The file read by gpxpy: its whole object model, slower, but it takes what gpx_stream refuses."""
    if b"trkpt" not in data:
        # Said without gpxpy's parse: a zip of 20,000 empty tracks is read in seconds, not minutes.
        raise TrackError("no track points")
    import gpxpy  # only here: 0.1 s to import, and most files never need it
    import gpxpy.gpx


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
        track.cadence.append(gpx_stream.extension_number(p.extensions, "cad"))
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
