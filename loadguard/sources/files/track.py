"""A recorded activity as read from a FIT, GPX or TCX file, and what loadguard derives from it.

Every format parser fills a `Track`; `summary` turns it into the figures the store
keeps. What is derived here, and why this way:

- Elevation gain. Raw altitude samples carry metres of noise (GPS altitude more than
  barometric), and summing every positive step counts that noise as climbing: the
  fenix2 sample run sums to 257 m where the watch itself says 64 m. So the device's
  own total is used when the file has one (a FIT session's `total_ascent`), and for
  GPX gpxpy's smoothed figure; otherwise altitude is averaged over a sliding window
  of SMOOTH_WINDOW_S seconds and a rise is counted only once it exceeds
  CLIMB_HYSTERESIS_M above the last low point. Those two were chosen on the sample
  FIT runs whose watch wrote its own total: 69 m for the fenix2's 64 (raw 257),
  167 for the FR110's 168, 1,201 for the Nike trail run's 1,202, 214 for the
  FR645's 234.
- Cadence in steps per minute. FIT, TCX `RunCadence` and GPX `cad` count strides of
  one leg, so the per-sample mean of moving samples is doubled.
- Share of distance on steep grades: the grade of the smoothed altitude over each
  STEEP_SPAN_M of distance (long enough that GPS jitter cannot fake a wall),
  counted steep at STEEP_GRADE or more, up or down. Trail running is where this share is high; see frames.is_trail.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime, timezone

from loadguard.sources.files.geo import haversine

SMOOTH_WINDOW_S = 20.0
CLIMB_HYSTERESIS_M = 0.5
STEEP_SPAN_M = 100.0
STEEP_GRADE = 0.10
# Below this many steps a minute a sample is a pause (or a missing sensor), not running.
MIN_CADENCE_SPM = 60.0


class TrackError(ValueError):
    """The file is not a readable activity; the message says why, in a few words."""


class Refused(Exception):
    """A fast reader does not vouch for this file; the format's general reader decides."""


def fast_or_general(fast, general, data: bytes) -> Track:
    """The first of the `fast` readers (one, or several tried in order) that reads the
    file, or `general(data)` when each refuses the file or fails on it: a fast reader's
    own bug on an odd file must not cost the runner that run (tests/test_fast_readers.py
    fuzzes them for such bugs). What one finds wrong with the file itself (TrackError) stands."""
    for reader in (fast if isinstance(fast, (tuple, list)) else (fast,)):
        try:
            return reader(data)
        except TrackError:
            raise
        except Exception:  # noqa: BLE001, S112 - Refused, or a bug: the next reader decides
            continue
    return general(data)


class NotAnActivity(TrackError):
    """A well-formed file that holds no activity (a watch's settings, totals or monitoring)."""


@dataclass
class Track:
    fmt: str                                   # 'fit', 'gpx', 'tcx'
    sport_type: str                            # Strava's sport type names ('Run', 'TrailRun', 'Ride', …)
    start: datetime                            # aware, UTC
    trainer: bool = False
    name: str | None = None
    local_start: datetime | None = None        # wall clock where it was run, when the file says
    # Per sample, all the same length; None where a sample lacks the value.
    seconds: list[float] = field(default_factory=list)          # since start
    distance: list[float | None] = field(default_factory=list)  # cumulative metres
    altitude: list[float | None] = field(default_factory=list)
    lat: list[float | None] = field(default_factory=list)
    lon: list[float | None] = field(default_factory=list)
    cadence: list[float | None] = field(default_factory=list)   # strides of one leg per minute
    # Totals the device wrote, when it wrote them.
    distance_m: float | None = None
    elapsed_s: float | None = None
    moving_s: float | None = None
    ascent_m: float | None = None


def summary(track: Track) -> dict:
    """The activity row's figures derived from a track (distances in m, times in s)."""
    if track.start.tzinfo is None:
        raise TrackError("start time has no zone")
    distance = _cumulative_distance(track)
    last_m = next((d for d in reversed(distance) if d is not None), 0.0)  # none: a run without a distance
    total_m = track.distance_m if track.distance_m is not None else last_m
    elapsed = track.elapsed_s if track.elapsed_s is not None else (track.seconds[-1] if track.seconds else None)
    smooth = smoothed_altitude(track.seconds, track.altitude)  # once, for the climb and the grades
    ascent = track.ascent_m if track.ascent_m is not None else _gain(smooth)
    return {
        "start_utc": track.start.astimezone(timezone.utc),
        "local_start": track.local_start,
        "distance_m": round(total_m, 1),
        "elapsed_s": None if elapsed is None else int(round(elapsed)),
        "moving_s": None if track.moving_s is None else int(round(track.moving_s)),
        "elev_gain_m": None if ascent is None else round(ascent, 1),
        "cadence_spm": cadence_spm(track.cadence),
        # Grades from smoothed altitude: a few metres of jitter over 100 m would fake a 10% slope.
        "steep_share": steep_share(distance, smooth),
    }


def smoothed_altitude(seconds: list[float], altitude: list[float | None]) -> list[float | None]:
    """Each altitude averaged over SMOOTH_WINDOW_S seconds around it; None stays None."""
    present = [i for i, a in enumerate(altitude) if a is not None]
    out: list[float | None] = [None] * len(altitude)
    if present:
        means = _window_mean([seconds[i] for i in present], [altitude[i] for i in present], SMOOTH_WINDOW_S)
        for i, value in zip(present, means):
            out[i] = value
    return out


def smoothed_gain(seconds: list[float], altitude: list[float | None]) -> float | None:
    return _gain(smoothed_altitude(seconds, altitude))


def _gain(smoothed: list[float | None]) -> float | None:
    smooth = [a for a in smoothed if a is not None]
    if len(smooth) < 2:
        return None
    gain, low = 0.0, smooth[0]
    for value in smooth[1:]:
        if value < low:
            low = value
        if value - low >= CLIMB_HYSTERESIS_M:
            # A climb under way: count it from the low point, then move the mark up.
            gain += value - low
            low = value
    return gain


def cadence_spm(strides: list[float | None]) -> float | None:
    steps = [2 * c for c in strides if c is not None and 2 * c >= MIN_CADENCE_SPM]
    if not steps:
        return None
    return round(sum(steps) / len(steps), 1)


def steep_share(distance: list[float | None], altitude: list[float | None]) -> float | None:
    """Share (0-1) of the distance covered on grades of STEEP_GRADE or more."""
    points = [(d, a) for d, a in zip(distance, altitude) if d is not None and a is not None]
    if len(points) < 2 or points[-1][0] - points[0][0] < STEEP_SPAN_M:
        return None
    dist = [d for d, _ in points]
    alt = [a for _, a in points]
    steep = 0.0
    start = dist[0]
    end_total = dist[-1]
    while start + STEEP_SPAN_M <= end_total:
        end = start + STEEP_SPAN_M
        rise = _at(dist, alt, end) - _at(dist, alt, start)
        if abs(rise) / STEEP_SPAN_M >= STEEP_GRADE:
            steep += STEEP_SPAN_M
        start = end
    covered = end_total - dist[0]
    return round(steep / covered, 3) if covered > 0 else None


def _at(dist: list[float], values: list[float], where: float) -> float:
    """Linear interpolation of `values` at distance `where`."""
    i = bisect_left(dist, where)
    if i <= 0:
        return values[0]
    if i >= len(dist):
        return values[-1]
    d0, d1 = dist[i - 1], dist[i]
    if d1 == d0:
        return values[i]
    return values[i - 1] + (values[i] - values[i - 1]) * (where - d0) / (d1 - d0)


def _window_mean(times: list[float], values: list[float], window: float) -> list[float]:
    """Mean of the samples within ±window/2 seconds of each sample (a running sum, O(n))."""
    out: list[float] = []
    append = out.append
    lo, hi, total, n = 0, 0, 0.0, len(times)
    half = window / 2
    for t in times:
        upper, lower = t + half, t - half
        while hi < n and times[hi] <= upper:
            total += values[hi]
            hi += 1
        while times[lo] < lower:
            total -= values[lo]
            lo += 1
        append(total / (hi - lo))
    return out


def _cumulative_distance(track: Track) -> list[float | None]:
    """The file's own cumulative distance, or one summed from positions when it has none."""
    if any(d is not None for d in track.distance):
        return track.distance
    out: list[float | None] = []
    total, last = 0.0, None
    for lat, lon in zip(track.lat, track.lon):
        if lat is None or lon is None:
            out.append(None)
            continue
        if last is not None:
            total += haversine(last[0], last[1], lat, lon)
        last = (lat, lon)
        out.append(total)
    return out
