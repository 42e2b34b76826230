"""Writers of small synthetic activity files (GPX, TCX) and broken ones, for tests.

The real sample runs live in ../shared/activity-files and are only read from there.
"""

from __future__ import annotations

import gzip
from datetime import datetime, timedelta
from pathlib import Path

GPX_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<gpx version="1.1" creator="loadguard tests" xmlns="http://www.topografix.com/GPX/1/1" '
            'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n')


def gpx_text(start: datetime | None, km: float = 5.0, *, sport: str = "running", climb_per_km: float = 0.0,
             cadence: int | None = 85, name: str = "Test run", every_s: int = 5, pace_s_per_km: int = 330) -> str:
    """A straight run north at a steady pace; `start` None writes points without times."""
    points = []
    steps = int(km * pace_s_per_km / every_s)
    metres_per_step = km * 1000 / steps
    for i in range(steps + 1):
        lat = 47.0 + i * metres_per_step / 111_195.0
        ele = 400.0 + (i * metres_per_step / 1000.0) * climb_per_km
        when = "" if start is None else f"<time>{(start + timedelta(seconds=i * every_s)):%Y-%m-%dT%H:%M:%SZ}</time>"
        ext = ("" if cadence is None else
               f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:cad>{cadence}</gpxtpx:cad>"
               "</gpxtpx:TrackPointExtension></extensions>")
        points.append(f'<trkpt lat="{lat:.7f}" lon="8.0"><ele>{ele:.1f}</ele>{when}{ext}</trkpt>')
    return (GPX_HEAD + f"<trk><name>{name}</name><type>{sport}</type><trkseg>\n" + "\n".join(points)
            + "\n</trkseg></trk></gpx>\n")


def tcx_text(start: datetime, km: float = 3.0, *, laps: bool = True, sport: str = "Running") -> str:
    ns = 'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"'
    points = "".join(
        f"<Trackpoint><Time>{(start + timedelta(seconds=i * 10)):%Y-%m-%dT%H:%M:%SZ}</Time>"
        f"<Position><LatitudeDegrees>{47 + i * 30 / 111_195:.7f}</LatitudeDegrees>"
        f"<LongitudeDegrees>8.0</LongitudeDegrees></Position><AltitudeMeters>400</AltitudeMeters>"
        f"<DistanceMeters>{i * 30.0:.1f}</DistanceMeters></Trackpoint>"
        for i in range(int(km * 1000 / 30) + 1))
    lap = (f'<Lap StartTime="{start:%Y-%m-%dT%H:%M:%SZ}"><TotalTimeSeconds>{km * 330:.0f}</TotalTimeSeconds>'
           f"<DistanceMeters>{km * 1000:.1f}</DistanceMeters><Track>{points}</Track></Lap>") if laps else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<TrainingCenterDatabase {ns}><Activities>'
            f'<Activity Sport="{sport}"><Id>{start:%Y-%m-%dT%H:%M:%SZ}</Id>{lap}</Activity>'
            "</Activities></TrainingCenterDatabase>\n")


def truncated_fit() -> bytes:
    """A FIT header promising 1,000 bytes of records, followed by ten."""
    header = bytes([14, 0x20]) + (2140).to_bytes(2, "little") + (1000).to_bytes(4, "little") + b".FIT" + b"\0\0"
    return header + bytes(10)


def write(path: Path, text: str | bytes, *, gz: bool = False) -> Path:
    data = text.encode() if isinstance(text, str) else text
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path
