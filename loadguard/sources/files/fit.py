"""FIT files (Garmin, Coros, Suunto, Wahoo, phone apps): read by fit_decode, and by
fitdecode when fit_decode refuses a file (fitdecode then reads it or says why not).

Values come from the session message where the device wrote them (its totals are
its own best estimate, barometric ascent included) and from the records otherwise.
"""

from __future__ import annotations

import io
import time
import warnings
from datetime import timedelta, timezone

from loadguard.sources.files import fit_decode
from loadguard.sources.files.track import NotAnActivity, Track, TrackError, fast_or_general

# FIT sport / sub_sport -> Strava's sport type; sports not listed keep their FIT name.
RUNNING_SUB_SPORTS = {"trail": "TrailRun", "virtual_activity": "VirtualRun"}
TRAINER_SUB_SPORTS = {"treadmill", "indoor_running", "virtual_activity"}
SPORTS = {
    "running": "Run", "walking": "Walk", "hiking": "Hike", "cycling": "Ride",
    "swimming": "Swim", "training": "Workout", "cross_country_skiing": "NordicSki",
    "rowing": "Rowing", "e_biking": "EBikeRide", "mountaineering": "Hike",
}
SEMICIRCLE = 180.0 / 2**31
# CPU seconds one file may take to decode, a last bound whatever the file holds: fitdecode
# takes ~5 s a MB, so a 24-hour recording at one record a second (~5 MB) stays well
# inside. CPU time, not wall time: a busy machine must not refuse a genuine file.
MAX_CPU_S = 60.0
# Developer fields (Connect IQ data fields, a power pod's extras) add a few bytes to a
# record. A file holding more than this of them, and more of them than of anything
# else, is not a recording: refused before decoding, which would take minutes.
MAX_DEVELOPER_BYTES = 1024 * 1024


def parse(data: bytes) -> Track:
    developer, total = developer_bytes(data)
    if developer > MAX_DEVELOPER_BYTES and developer * 2 > total:
        raise TrackError(f"{developer / 2**20:.0f} MB of its {total / 2**20:.0f} MB are developer fields, "
                         "not activity data; not read")
    return fast_or_general(lambda d: track_of(fit_decode.decode(d)), parse_general, data)


def track_of(decoded: fit_decode.Decoded) -> Track:
    """The Track of what fit_decode read: the same steps as parse_general's, on FIT seconds."""
    session = decoded.session or {}
    chosen = decoded.sport or {}
    sport = session.get("sport") or chosen.get("sport")
    sub_sport = session.get("sub_sport") or chosen.get("sub_sport")
    start = session.get("start_time") or (fit_decode.fit_time(decoded.times[0]) if decoded.times else None)
    if start is None:
        raise TrackError("no start time (no session and no timed records)")
    zero = fit_decode.fit_seconds(start)
    track = Track(fmt="fit", sport_type=_sport_type(sport, sub_sport), start=start,
                  trainer=sub_sport in TRAINER_SUB_SPORTS)
    track.seconds = [float(t - zero) for t in decoded.times]
    track.distance = decoded.distance
    track.altitude = decoded.altitude
    track.lat = [None if s is None else s * SEMICIRCLE for s in decoded.lat]
    track.lon = [None if s is None else s * SEMICIRCLE for s in decoded.lon]
    track.cadence = decoded.cadence
    track.distance_m = session.get("total_distance")
    track.elapsed_s = session.get("total_elapsed_time")
    track.moving_s = session.get("total_timer_time")
    track.ascent_m = session.get("total_ascent")
    _local_start(track, decoded.activity or {})
    return track


def parse_general(data: bytes) -> Track:
    """The file read by fitdecode, a general reader: slower, but it takes what fit_decode refuses."""
    import fitdecode  # only here: 20 ms to import, and most files never need it

    sport = sub_sport = None
    session: dict = {}
    activity: dict = {}
    kind = None
    records: list[dict] = []
    give_up_at = time.process_time() + MAX_CPU_S
    try:
        # fitdecode warns (on stderr) about each undeclared developer field and other
        # oddities it reads past; what matters is said in one line per file, if at all.
        with warnings.catch_warnings(), fitdecode.FitReader(
                io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE, keep_raw_chunks=False) as reader:
            warnings.simplefilter("ignore")
            for frame in reader:
                if time.process_time() > give_up_at:
                    raise TrackError(f"takes more than {MAX_CPU_S:g} s to decode ({len(data) / 2**20:.0f} MB, "
                                     "most of it no activity data); not read")
                if frame.frame_type != fitdecode.FIT_FRAME_DATA:
                    continue
                name = frame.name
                if name == "record":
                    records.append(_values(frame, ("timestamp", "distance", "enhanced_altitude", "altitude",
                                                   "position_lat", "position_long", "cadence",
                                                   "fractional_cadence")))
                elif name == "session" and not session:
                    session = _values(frame, ("sport", "sub_sport", "start_time", "total_elapsed_time",
                                              "total_timer_time", "total_distance", "total_ascent"))
                elif name == "sport" and sport is None:
                    sport, sub_sport = _values(frame, ("sport", "sub_sport")).values()
                elif name == "activity":
                    activity = _values(frame, ("timestamp", "local_timestamp"))
                elif name == "file_id":
                    kind = _values(frame, ("type",))["type"]
    except fitdecode.FitError as exc:
        raise TrackError(f"not a readable FIT file ({_short(exc)})") from None
    if kind not in (None, "activity"):
        raise NotAnActivity(f"a FIT {kind} file, not an activity")
    sport = session.get("sport") or sport
    sub_sport = session.get("sub_sport") or sub_sport
    stamped = [r for r in records if r["timestamp"] is not None]
    start = session.get("start_time") or (stamped[0]["timestamp"] if stamped else None)
    if start is None:
        raise TrackError("no start time (no session and no timed records)")
    start = start if start.tzinfo else start.replace(tzinfo=timezone.utc)
    track = Track(fmt="fit", sport_type=_sport_type(sport, sub_sport), start=start,
                  trainer=sub_sport in TRAINER_SUB_SPORTS)
    for r in stamped:
        track.seconds.append((_aware(r["timestamp"]) - start).total_seconds())
        track.distance.append(r["distance"])
        track.altitude.append(r["enhanced_altitude"] if r["enhanced_altitude"] is not None else r["altitude"])
        track.lat.append(_degrees(r["position_lat"]))
        track.lon.append(_degrees(r["position_long"]))
        cadence = r["cadence"]
        if cadence is not None and r["fractional_cadence"]:
            cadence += r["fractional_cadence"]
        track.cadence.append(cadence)
    track.distance_m = session.get("total_distance")
    track.elapsed_s = session.get("total_elapsed_time")
    track.moving_s = session.get("total_timer_time")
    track.ascent_m = session.get("total_ascent")
    _local_start(track, activity)
    return track


def _local_start(track: Track, activity: dict) -> None:
    start = track.start
    if activity.get("timestamp") and activity.get("local_timestamp"):
        # The activity message holds the same instant in UTC and on the local clock;
        # their difference is the zone offset where the run was recorded.
        offset = activity["local_timestamp"].replace(tzinfo=None) - activity["timestamp"].replace(tzinfo=None)
        if abs(offset) <= timedelta(hours=14):
            track.local_start = start.replace(tzinfo=None) + offset


def developer_bytes(data: bytes) -> tuple[int, int]:
    """(bytes of developer fields, bytes of messages) in a FIT file, by walking its
    message headers and definitions only: no value is decoded, so it takes
    milliseconds where decoding takes minutes. A malformed file stops the walk;
    fitdecode then says what is wrong with it."""
    if len(data) < 12:
        return 0, 0
    pos = data[0]
    end = min(len(data), pos + int.from_bytes(data[4:8], "little"))
    sizes: dict[int, tuple[int, int]] = {}  # local message type -> (bytes, of which developer)
    developer = 0
    try:
        while pos < end:
            head = data[pos]
            if head & 0x80:                      # compressed-timestamp data message
                size, dev = sizes[(head >> 5) & 0x3]
            elif head & 0x40:                    # definition message
                count = data[pos + 5]
                fields = data[pos + 6: pos + 6 + 3 * count]
                dev_at = pos + 6 + 3 * count
                dev_count = data[dev_at] if head & 0x20 else 0
                dev_fields = data[dev_at + 1: dev_at + 1 + 3 * dev_count]
                dev = sum(dev_fields[1::3])
                sizes[head & 0x0F] = (sum(fields[1::3]) + dev, dev)
                pos = dev_at + (1 + 3 * dev_count if head & 0x20 else 0)
                continue
            else:                                # normal data message
                size, dev = sizes[head & 0x0F]
            developer += dev
            pos += 1 + size
    except (KeyError, IndexError):
        pass
    return developer, max(end - data[0], 0)


def _values(frame, names: tuple[str, ...]) -> dict:
    # One pass over the frame's fields: get_value() would search them once per name,
    # and records are most of a file.
    out = dict.fromkeys(names)
    for item in frame.fields:
        if item.name in out and out[item.name] is None:
            out[item.name] = item.value
    return out


def _sport_type(sport, sub_sport) -> str:
    if isinstance(sport, int) or sport is None:
        return "Workout"
    if sport == "running":
        return RUNNING_SUB_SPORTS.get(sub_sport, "Run")
    return SPORTS.get(sport, "".join(w.capitalize() for w in str(sport).split("_")))


def _aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _degrees(semicircles) -> float | None:
    return None if semicircles is None else semicircles * SEMICIRCLE


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]
