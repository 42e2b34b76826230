"""Distances, climb and moving time from track points, computed as gpxpy computes them.

GPX summaries were gpxpy's figures (README: "gpxpy's smoothed climb"), and stored
activities must not change when the reader does, so the formulas and even the order
of the float operations follow gpxpy 1.6: the differential test compares the two
to the last bit. Standard library only, so a FIT-only import never loads gpxpy.
"""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6378.137 * 1000
ONE_DEGREE_M = (2 * math.pi * EARTH_RADIUS_M) / 360
# Closer than this in both latitude and longitude (degrees), the flat approximation
# is used; farther, the haversine.
FLAT_WITHIN_DEG = 0.2
# gpxpy counts a step slower than this (km/h) as stopped.
STOPPED_KMH = 1.0


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    d_lon = math.radians(lon1 - lon2)
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    d_lat = phi1 - phi2
    a = (math.pow(math.sin(d_lat / 2), 2)
         + math.pow(math.sin(d_lon / 2), 2) * math.cos(phi1) * math.cos(phi2))
    return EARTH_RADIUS_M * (2 * math.asin(math.sqrt(a)))


def distance(lat1: float, lon1: float, ele1: float | None, lat2: float, lon2: float, ele2: float | None) -> float:
    """Metres between two points; with both elevations, the slope distance (near points only)."""
    if abs(lat1 - lat2) > FLAT_WITHIN_DEG or abs(lon1 - lon2) > FLAT_WITHIN_DEG:
        return haversine(lat1, lon1, lat2, lon2)
    x = lat1 - lat2
    y = (lon1 - lon2) * math.cos(math.radians(lat1))
    flat = math.sqrt(x * x + y * y) * ONE_DEGREE_M
    if ele1 is None or ele2 is None or ele1 == ele2:
        return flat
    return math.sqrt(flat ** 2 + (ele1 - ele2) ** 2)


def length_2d(lats: list[float], lons: list[float]) -> float:
    """A segment's length along its points, ignoring elevation."""
    total: float = 0
    cos, radians, sqrt = math.cos, math.radians, math.sqrt
    for i in range(1, len(lats)):
        lat1, lon1, lat2, lon2 = lats[i], lons[i], lats[i - 1], lons[i - 1]
        # distance() inlined, the same operations: this runs for every point of a GPX file
        if abs(lat1 - lat2) > FLAT_WITHIN_DEG or abs(lon1 - lon2) > FLAT_WITHIN_DEG:
            step = haversine(lat1, lon1, lat2, lon2)
        else:
            x = lat1 - lat2
            y = (lon1 - lon2) * cos(radians(lat1))
            step = sqrt(x * x + y * y) * ONE_DEGREE_M
        if step:
            total += step
    return total


def uphill(elevations: list[float | None]) -> float:
    """A segment's climb over its elevations, each averaged 0.3/0.4/0.3 with its neighbours."""
    values = [e for e in elevations if e is not None]
    last = len(values) - 1
    smooth = [values[i - 1] * .3 + values[i] * .4 + values[i + 1] * .3 if 0 < i < last else values[i]
              for i in range(len(values))]
    climb = 0.
    for before, after in zip(smooth, smooth[1:]):
        if after - before > 0:
            climb += after - before
    return climb


def moving_seconds(times: list, lats: list[float], lons: list[float], elevations: list[float | None]) -> float:
    """A segment's time spent faster than STOPPED_KMH between points that both have a time."""
    moving = 0.
    for i in range(1, len(times)):
        now, before = times[i], times[i - 1]
        if now is None or before is None:
            continue
        if elevations[i] and elevations[i - 1]:  # gpxpy's test: a zero elevation counts as none
            step = distance(lats[i], lons[i], elevations[i], lats[i - 1], lons[i - 1], elevations[i - 1])
        else:
            step = distance(lats[i], lons[i], None, lats[i - 1], lons[i - 1], None)
        seconds = (now - before).total_seconds()
        if seconds > 0 and step and (step / 1000) / (seconds / 60 ** 2) > STOPPED_KMH:
            moving += seconds
    return moving
