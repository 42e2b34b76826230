"""Writers of small synthetic activity files (GPX, TCX) and broken ones, for tests.

The real sample runs live in ../shared/activity-files and are only read from there.
"""

from __future__ import annotations

import gzip
import re
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


def gpx_variant(text: str, how: str) -> str:
    """gpx_text changed in one way (GPX_VARIANTS)."""
    if how == "segments":
        return text.replace("\n<trkpt", "\n</trkseg><trkseg><trkpt", 1).replace(
            '<trkpt lat="47.0100', '</trkseg><trkseg><trkpt lat="47.0100', 1)
    if how == "two tracks":
        return text.replace("</trk>", "</trk><trk><name> </name><type>hiking</type><trkseg>"
                                      '<trkpt lat="47.5" lon="8.5"><ele>0</ele><time>2026-03-02T09:00:00Z</time></trkpt>'
                                      '<trkpt lat="47.5001" lon="8.5"><ele>0</ele><time>2026-03-02T09:00:30Z</time></trkpt>'
                                      "</trkseg></trk>")
    if how == "zoned times":
        return text.replace("Z</time>", "+01:00</time>")
    if how == "two zones":  # the same moments written in two zones
        return re.sub(r"T07:(0[0-4]):([0-9]{2})Z</time>", r"T08:\1:\2+01:00</time>", text)
    if how == "fractions":
        return text.replace(":00Z</time>", ":00.123456789Z</time>")
    if how == "untimed points":
        return re.sub(r"<time>2026-03-02T07:01:[0-9]+Z</time>", "", text)
    if how == "odd times":
        return text.replace("<time>2026-03-02T07:02:00Z", "<time>not a time").replace(
            "<time>2026-03-02T07:03:00Z", "<time> 2026-03-02T07:03:00Z")
    if how == "locus":
        return text.replace("<type>running</type>", '<extensions><locus:activity xmlns:locus="http://www.locusmap.eu">'
                                                    "trail-running</locus:activity></extensions>")
    if how == "pause":
        return text.replace("2026-03-02T07:1", "2026-03-02T08:1")
    if how == "garmin":  # Garmin Connect's layout: indented, ".000" times, ns3 extensions with hr and atemp
        text = text.replace('xmlns:gpxtpx="', 'xmlns:ns3="').replace("gpxtpx:", "ns3:").replace(
            "Z</time>", ".000Z</time>").replace("<ns3:cad>", "<ns3:atemp>21.0</ns3:atemp><ns3:hr>140</ns3:hr><ns3:cad>")
        return text.replace("><", ">\n      <")
    if how == "crlf":
        return text.replace("\n", "\r\n").replace("><", ">\r\n  <")
    if how == "hdop":  # Locus: a leaf the reader ignores between the time and the extensions
        return text.replace("</time>", "</time><pdop>6.43</pdop><sat>7</sat>")
    if how == "no elevation":
        return re.sub(r"<ele>[^<]*</ele>", "", text)
    if how == "empty elements":
        return text.replace("<ele>400.0</ele>", "<ele></ele>", 3).replace("<gpxtpx:cad>85", "<gpxtpx:cad>", 5)
    if how == "empty segment":
        return text.replace("<trkseg>", "<trkseg>\n</trkseg><trkseg>", 1)
    if how == "repeated times":
        return re.sub(r"T07:00:[0-9]{2}Z", "T07:00:00Z", text)
    if how == "impossible dates":
        return text.replace("2026-03-02T07:00:1", "2026-02-30T07:00:1").replace("T07:00:2", "T24:00:2")
    if how == "nested extensions":  # the first cad with text counts, wherever it is
        return text.replace("<extensions>", "<extensions><gpxtpx:Other><gpxtpx:cad></gpxtpx:cad></gpxtpx:Other>")
    if how == "odd cadences":
        return text.replace("<gpxtpx:cad>85", "<gpxtpx:cad>x", 3).replace("<gpxtpx:cad>85", "<gpxtpx:cad> 85.5 ", 3)
    return text


GPX_VARIANTS = ["plain", "segments", "two tracks", "zoned times", "two zones", "fractions", "untimed points", "odd times", "locus",
                "pause", "garmin", "crlf", "hdop", "no elevation", "empty elements", "empty segment", "repeated times",
                "impossible dates", "nested extensions", "odd cadences"]


def tcx_variant(text: str, how: str) -> str:
    """tcx_text changed in one way (TCX_VARIANTS)."""
    if how == "run cadence":
        return text.replace("</DistanceMeters></Trackpoint>",
                            '</DistanceMeters><Extensions><TPX xmlns="http://www.garmin.com/xmlschemas/'
                            'ActivityExtension/v2"><Speed>3.1</Speed><RunCadence>86</RunCadence></TPX>'
                            "</Extensions></Trackpoint>")
    if how == "two laps":
        lap_start = text.index("<Lap ")
        lap = text[lap_start:text.index("</Lap>") + len("</Lap>")]
        second = lap.replace("T07:", "T08:").replace("<DistanceMeters>3000.0", "<DistanceMeters>2000.0")
        return text.replace(lap, lap + second + '<Lap StartTime="x"><DistanceMeters>5</DistanceMeters></Lap>')
    if how == "fractions and zones":
        return re.sub(r":([0-9]{2})Z</Time>", r":\1.25+01:00</Time>", text)
    if how == "two zones":  # the same moments written in two zones, none naive
        text = re.sub(r"T07:(0[0-4]):([0-9]{2})Z</Time>", r"T08:\1:\2+01:00</Time>", text)
        return text.replace("Z</Time>", "+00:00</Time>")
    if how == "garmin":  # Garmin Connect's layout: indented, ".000" times, heart rate, ns3 TPX with RunCadence
        text = text.replace("<TrainingCenterDatabase ", '<TrainingCenterDatabase xmlns:ns3="http://www.garmin.com/'
                            'xmlschemas/ActivityExtension/v2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ')
        text = text.replace("Z</Time>", ".000Z</Time>").replace(
            "</DistanceMeters></Trackpoint>",
            '</DistanceMeters><HeartRateBpm xsi:type="HeartRateInBeatsPerMinute_t"><Value>141</Value></HeartRateBpm>'
            "<Extensions><ns3:TPX><ns3:Speed>3.0</ns3:Speed><ns3:RunCadence>88</ns3:RunCadence></ns3:TPX>"
            "</Extensions></Trackpoint>")
        return text.replace("><", ">\n        <")
    if how == "crlf":
        return text.replace("\n", "\r\n").replace("><", ">\r\n  <")
    if how == "bike cadence":
        return text.replace("</DistanceMeters></Trackpoint>",
                            "</DistanceMeters><Cadence>90</Cadence><SensorState>Present</SensorState></Trackpoint>")
    if how == "no position":
        return re.sub(r"<Position>(?:(?!</Position>).)*</Position>", "", text, count=20)
    if how == "empty track":
        return text.replace("<Track>", "<Track></Track></Lap><Lap StartTime=\"x\"><Track>", 1)
    if how == "pause":
        return text.replace("T07:1", "T08:1")
    if how == "two run cadences":  # the last one counts
        return tcx_variant(text, "garmin").replace("<ns3:RunCadence>88", "<ns3:RunCadence>80</ns3:RunCadence>"
                                                   "<ns3:RunCadence>88", 5)
    return text


TCX_VARIANTS = ["plain", "run cadence", "two laps", "fractions and zones", "two zones", "garmin", "crlf", "bike cadence",
                "no position", "empty track", "pause", "two run cadences"]


def truncated_fit() -> bytes:
    """A FIT header promising 1,000 bytes of records, followed by ten."""
    header = bytes([14, 0x20]) + (2140).to_bytes(2, "little") + (1000).to_bytes(4, "little") + b".FIT" + b"\0\0"
    return header + bytes(10)


def write(path: Path, text: str | bytes, *, gz: bool = False) -> Path:
    data = text.encode() if isinstance(text, str) else text
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path
