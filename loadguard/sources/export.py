"""Reading a Strava bulk export: the zip, its unpacked folder, or its activities.csv.

This module only reads and validates. Every row is checked before anything is
returned, so the import command can write the whole export in one transaction or
not at all.

What the real `activities.csv` looks like, and how each quirk is read:

- Some column names appear twice. The first block shows values in the athlete's
  display units (the first `Distance` is km for most sports but metres for swims);
  the later block holds the same values in SI units. The later occurrence is used
  when it has a value, the first one otherwise.
- `Activity Date` is UTC without a zone (`Mar 3, 2024, 10:15:23 AM`); the local
  wall-clock time is computed with the zone the caller passes, per date, so
  daylight-saving changes land on the right day.
- `Activity Type` is a label with spaces (`Trail Run`); it becomes the API's sport
  type (`TrailRun`).
- Gear is named, not numbered (`Activity Gear`). Export gear gets a stable id built
  from its name, see `gear_id`.
- The file may start with a byte-order mark; names may hold commas, quotes and
  line breaks (standard CSV quoting).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from pathlib import Path, PurePosixPath
from typing import Iterable, Mapping, Sequence

from loadguard.errors import LoadguardError

SOURCE = "export"
# Longer than any single activity (the longest multi-day races are ~5,000 km):
# anything beyond is a broken cell, and would swamp every ratio.
MAX_DISTANCE_M = 10_000_000.0
ACTIVITIES_CSV = "activities.csv"
SHOES_CSV = "shoes.csv"
BIKES_CSV = "bikes.csv"

REQUIRED_COLUMNS = ("Activity ID", "Activity Date", "Activity Type", "Distance")
# The columns of an English-language activities.csv as Strava writes it today (2025-26),
# repeats included. The reader needs only REQUIRED_COLUMNS; this is for code that
# writes export-shaped files (tests, examples/make_example.py).
EXPORT_COLUMNS = (
    "Activity ID", "Activity Date", "Activity Name", "Activity Type", "Activity Description",
    "Elapsed Time", "Distance", "Max Heart Rate", "Relative Effort", "Commute",
    "Activity Private Note", "Activity Gear", "Filename", "Athlete Weight", "Bike Weight",
    "Elapsed Time", "Moving Time", "Distance", "Max Speed", "Average Speed", "Elevation Gain",
    "Elevation Loss", "Elevation Low", "Elevation High", "Max Grade", "Average Grade",
    "Average Positive Grade", "Average Negative Grade", "Max Cadence", "Average Cadence",
    "Max Heart Rate", "Average Heart Rate", "Max Watts", "Average Watts", "Calories",
    "Max Temperature", "Average Temperature", "Relative Effort", "Total Work", "Number of Runs",
    "Uphill Time", "Downhill Time", "Other Time", "Perceived Exertion", "Type", "Start Time",
    "Weighted Average Power", "Power Count", "Prefer Perceived Exertion",
    "Perceived Relative Effort", "Commute", "Total Weight Lifted", "From Upload",
    "Grade Adjusted Distance", "Weather Observation Time", "Weather Condition",
    "Weather Temperature", "Apparent Temperature", "Dewpoint", "Humidity", "Weather Pressure",
    "Wind Speed", "Wind Gust", "Wind Bearing", "Precipitation Intensity", "Sunrise Time",
    "Sunset Time", "Moon Phase", "Bike", "Gear", "Precipitation Probability", "Precipitation Type",
    "Cloud Cover", "Weather Visibility", "UV Index", "Weather Ozone", "Jump Count", "Total Grit",
    "Average Flow", "Flagged", "Average Elapsed Speed", "Dirt Distance", "Newly Explored Distance",
    "Newly Explored Dirt Distance", "Activity Count", "Total Steps", "Carbon Saved", "Pool Length",
    "Training Load", "Intensity", "Average Grade Adjusted Pace", "Timer Time", "Total Cycles",
    "Recovery", "With Pet", "Competition", "Long Run", "For a Cause", "With Kid",
    "Downhill Distance", "Total Sets", "Total Reps", "Media",
)

# Export labels whose API sport type is not simply the label without spaces.
# Every other label is joined word by word ("Weight Training" -> "WeightTraining",
# "E-Bike Ride" -> "EBikeRide"), which is how the API names them.
SPORT_TYPE_EXCEPTIONS = {
    "HIIT": "HighIntensityIntervalTraining",
    "High Intensity Interval Training": "HighIntensityIntervalTraining",
    "Rock Climb": "RockClimbing",
    "Rock Climbing": "RockClimbing",
    "Canoe": "Canoeing",
    "Kayak": "Kayaking",
    "Row": "Rowing",
    "Stair Stepper": "StairStepper",
    "Ski": "AlpineSki",
}

# Sport types whose gear is a bike (gear used only by these becomes kind 'bike').
RIDE_TYPES = frozenset({
    "Ride", "VirtualRide", "EBikeRide", "EMountainBikeRide", "MountainBikeRide",
    "GravelRide", "Handcycle", "Velomobile",
})
# Indoor by definition, whatever the export's columns say.
TRAINER_TYPES = frozenset({"VirtualRun", "VirtualRide", "VirtualRow"})

# Strava has written the date in more than one shape over the years.
DATE_FORMATS = (
    "%b %d, %Y, %I:%M:%S %p",   # Mar 3, 2024, 10:15:23 AM  (the usual one)
    "%b %d, %Y %I:%M:%S %p",
    "%d %b %Y, %H:%M:%S",       # 3 Mar 2024, 10:15:23      (day-first English)
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S",
)
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_TRUE = {"true", "yes", "1", "1.0"}
_FALSE = {"false", "no", "0", "0.0", ""}


@dataclass
class Export:
    """An export read into the store's row shapes (source 'export')."""

    origin: str                                   # the path as the user gave it
    activities: list[dict] = field(default_factory=list)
    gear: list[dict] = field(default_factory=list)
    # Export gear ids replaced by `adopt_gear`: an earlier import may have stored them.
    superseded: list[str] = field(default_factory=list)

    @property
    def shoe_count(self) -> int:
        return sum(1 for g in self.gear if g["kind"] == "shoe")

    def adopt_gear(self, known: dict[str, str]) -> None:
        """Point activities at gear the store already has under the same name.

        `known` maps `gear_key(name)` to the id of gear synced from the API. Such
        gear keeps its API id and Strava's own total, so a runner who both syncs and
        imports sees one shoe, not two.
        """
        remap = {g["id"]: known[gear_key(g["name"])] for g in self.gear if gear_key(g["name"]) in known}
        if not remap:
            return
        for row in self.activities:
            if row["gear_id"] in remap:
                row["gear_id"] = remap[row["gear_id"]]
        # Kept in the list (it still counts as a shoe of this export) but flagged so
        # the command does not overwrite the API's row.
        for g in self.gear:
            if g["id"] in remap:
                self.superseded.append(g["id"])
                g["id"] = remap[g["id"]]
                g["adopted"] = True


# -- gear ids --------------------------------------------------------------------------


def export_row(cells: Mapping[tuple[str, int], str], columns: Sequence[str] = EXPORT_COLUMNS) -> list[str]:
    """Lay out cells keyed by (column name, occurrence) in header order.

    A repeated column name is told apart by its occurrence (0 for the first
    `Distance`, 1 for the second); missing cells are empty, as in Strava's files.
    For code that writes export-shaped files: tests and examples/make_example.py.
    """
    seen: dict[str, int] = {}
    out = []
    for column in columns:
        occurrence = seen.get(column, 0)
        seen[column] = occurrence + 1
        out.append(cells.get((column, occurrence), ""))
    return out


def gear_key(name: str) -> str:
    """How gear names are compared: case and runs of spaces do not matter."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def gear_id(name: str) -> str:
    """Stable id for gear that the export knows only by name.

    `export-<slug>-<hash>`: the slug keeps it readable in config files, the first
    8 hex digits of the SHA-256 of `gear_key(name)` keep two names that slug alike
    ("Pegasus 40" / "Pegasus-40") apart. The same name always gives the same id, so
    re-importing never creates a second shoe. It cannot clash with Strava's own ids
    (`g123`, `b123`).
    """
    key = gear_key(name)
    ascii_name = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:40].strip("-") or "gear"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"export-{slug}-{digest}"


# -- sport types and zones ---------------------------------------------------------------


def sport_type(label: str) -> str:
    """The API sport type for an export's activity label ("Trail Run" -> "TrailRun")."""
    label = " ".join(label.split())
    if label in SPORT_TYPE_EXCEPTIONS:
        return SPORT_TYPE_EXCEPTIONS[label]
    words = [w for w in re.split(r"[\s\-_/]+", label) if w]
    return "".join(w[:1].upper() + w[1:] for w in words)


def resolve_zone(name: str | None) -> tzinfo | None:
    """The IANA zone for local times; None means the machine's own zone."""
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise LoadguardError(f"timezone {name!r} is not a known IANA time zone (e.g. Europe/Berlin)") from None


def local_wall_clock(utc: datetime, zone: tzinfo | None) -> str:
    aware = utc.replace(tzinfo=timezone.utc)
    # astimezone() without a zone uses the machine's rules for that very date (DST included).
    local = aware.astimezone(zone) if zone is not None else aware.astimezone()
    return local.strftime("%Y-%m-%dT%H:%M:%S")


# -- finding the files -------------------------------------------------------------------


@dataclass
class _Text:
    label: str      # how error messages name the file
    text: str


@dataclass
class _Files:
    activities: _Text
    shoes: _Text | None = None
    bikes: _Text | None = None


def _locate(path: Path) -> _Files:
    try:
        if path.is_dir():
            return _from_folder(path)
        if not path.exists():
            raise LoadguardError(f"cannot read {path}: no such file or folder")
        if zipfile.is_zipfile(path):
            return _from_zip(path)
        if _looks_like_zip(path):
            raise LoadguardError(f"{path}: the zip is damaged (cut short, or not a zip file at all); "
                                 "download the export again")
        files = _Files(_read_text(path, path.read_bytes()))
        if path.name.lower() == ACTIVITIES_CSV:
            # An unpacked export's activities.csv: its gear lists sit beside it.
            files.shoes = _optional_file(path.parent / SHOES_CSV)
            files.bikes = _optional_file(path.parent / BIKES_CSV)
        return files
    except OSError as exc:
        raise LoadguardError(f"cannot read {path}: {exc.strerror or exc}") from None


def _looks_like_zip(path: Path) -> bool:
    """Named .zip, or starting as a zip does: an archive zipfile cannot open is damaged,
    and reading it as a CSV would only say "missing columns"."""
    if path.suffix.lower() == ".zip":
        return True
    if not path.is_file():  # a device or FIFO is not peeked at: reading it may never end
        return False
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def _from_folder(folder: Path) -> _Files:
    found = folder / ACTIVITIES_CSV
    if not found.is_file():
        # Unpacking a zip often adds one folder level (export_12345/activities.csv).
        nested = sorted(folder.glob(f"*/{ACTIVITIES_CSV}"))
        if len(nested) != 1:
            raise LoadguardError(f"{folder}: no {ACTIVITIES_CSV} in this folder; is it an unpacked Strava export?")
        found = nested[0]
    return _Files(
        _read_text(found, found.read_bytes()),
        _optional_file(found.parent / SHOES_CSV),
        _optional_file(found.parent / BIKES_CSV),
    )


def _optional_file(path: Path) -> _Text | None:
    return _read_text(path, path.read_bytes()) if path.is_file() else None


def _from_zip(path: Path) -> _Files:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
            candidates = [n for n in names if PurePosixPath(n).name.lower() == ACTIVITIES_CSV]
            if not candidates:
                raise LoadguardError(f"{path}: the zip has no {ACTIVITIES_CSV}; is it a Strava bulk export?")
            # The export's own activities.csv sits at the top (or one folder down);
            # deeper ones would be something else the runner zipped along.
            depth = min(n.count("/") for n in candidates)
            top = [n for n in candidates if n.count("/") == depth]
            if len(top) > 1:
                raise LoadguardError(f"{path}: the zip holds more than one {ACTIVITIES_CSV} ({', '.join(top)})")
            member = top[0]
            folder = str(PurePosixPath(member).parent)
            prefix = "" if folder == "." else folder + "/"

            def read(name: str) -> _Text:
                return _read_text(f"{path}:{name}", archive.read(name))

            def sibling(filename: str) -> _Text | None:
                match = [n for n in names if n.lower() == (prefix + filename).lower()]
                return read(match[0]) if match else None

            return _Files(read(member), sibling(SHOES_CSV), sibling(BIKES_CSV))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, zlib.error) as exc:
        raise LoadguardError(f"{path}: cannot read the zip: {exc}") from None
    except RuntimeError as exc:  # zipfile's word for a password-protected member
        raise LoadguardError(f"{path}: cannot read the zip: {exc}") from None


def _read_text(label: Path | str, data: bytes) -> _Text:
    if b"\x00" in data:
        raise LoadguardError(f"{label}: not a CSV file (it holds binary data)")
    try:
        # utf-8-sig drops the byte-order mark Strava's file may start with.
        return _Text(str(label), data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise LoadguardError(f"{label}: not a CSV file (not UTF-8 text)") from None


# -- parsing -----------------------------------------------------------------------------


class _Table:
    """A CSV whose header may repeat names; cells are looked up by name."""

    def __init__(self, source: _Text):
        self.label = source.label
        try:
            records = list(_records(source.text))
        except csv.Error as exc:
            raise LoadguardError(f"{self.label}: not a readable CSV file: {exc}") from None
        if not records:
            raise LoadguardError(f"{self.label}: the file is empty")
        _, header = records[0]
        self.columns: dict[str, list[int]] = {}
        for index, name in enumerate(header):
            self.columns.setdefault(name.strip(), []).append(index)
        self.width = len(header)
        self.rows = records[1:]

    def require(self, names: Sequence[str], what: str) -> None:
        missing = [n for n in names if n not in self.columns]
        if missing:
            raise LoadguardError(
                f"{self.label}: missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(repr(m) for m in missing)}; is this a Strava export's {what}?"
            )

    def cell(self, row: list[str], name: str, *, prefer_last: bool = True) -> tuple[str, int]:
        """(value, occurrence) of the first non-empty occurrence, the later block first."""
        positions = self.columns.get(name, [])
        order = list(enumerate(positions))
        if prefer_last:
            order.reverse()
        for occurrence, pos in order:
            value = row[pos].strip() if pos < len(row) else ""
            if value:
                return value, occurrence
        return "", -1


def _records(text: str) -> Iterable[tuple[int, list[str]]]:
    """(line where the record starts, fields), skipping blank lines."""
    reader = csv.reader(io.StringIO(text, newline=""))
    next_line = 1
    for fields in reader:
        start, next_line = next_line, reader.line_num + 1
        if fields and any(f.strip() for f in fields):
            yield start, fields


class _RowError(Exception):
    def __init__(self, column: str, message: str):
        self.column, self.message = column, message


def _number(value: str, column: str) -> float | None:
    if not value:
        return None
    text = value.replace(",", "") if _THOUSANDS.match(value) else value
    try:
        number = float(text)
    except ValueError:
        raise _RowError(column, f"not a number: {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise _RowError(column, f"not a number: {value!r}")
    return number


def _non_negative(value: str, column: str) -> float | None:
    number = _number(value, column)
    if number is not None and number < 0:
        raise _RowError(column, f"negative: {value!r}")
    return number


def _flag(value: str, column: str) -> bool | None:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return None if not text else False
    raise _RowError(column, f"not true or false: {value!r}")


def _date(value: str, column: str) -> datetime:
    # Newer exports put a (narrow) no-break space before AM/PM, and "Sept" for Sep.
    text = " ".join(value.replace("\u202f", " ").replace("\xa0", " ").split())
    text = re.sub(r"^Sept\b", "Sep", text)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise _RowError(column, f"cannot read the date {value!r} (expected e.g. 'Mar 3, 2024, 10:15:23 AM')")


def _activity(table: _Table, row: list[str], zone: tzinfo | None) -> dict:
    raw_id, _ = table.cell(row, "Activity ID")
    if not raw_id:
        raise _RowError("Activity ID", "empty")
    try:
        activity_id = int(raw_id)
    except ValueError:
        raise _RowError("Activity ID", f"not a whole number: {raw_id!r}") from None
    if not 0 < activity_id < 2**63:  # Strava ids are positive and fit SQLite's integer
        raise _RowError("Activity ID", f"not a Strava activity id: {raw_id!r}")

    label, _ = table.cell(row, "Activity Type")
    if not label:
        raise _RowError("Activity Type", "empty")
    sport = sport_type(label)

    raw_date, _ = table.cell(row, "Activity Date")
    if not raw_date:
        raise _RowError("Activity Date", "empty")
    start = _date(raw_date, "Activity Date")

    raw_distance, occurrence = table.cell(row, "Distance")
    distance = _number(raw_distance, "Distance") or 0.0
    if occurrence == 0 and sport != "Swim":
        distance *= 1000.0  # the display block: km, except for swims (metres)

    if not 0 <= distance <= MAX_DISTANCE_M:
        raise _RowError("Distance", f"not a plausible distance: {raw_distance!r}")
    elapsed = _non_negative(table.cell(row, "Elapsed Time")[0], "Elapsed Time")
    moving = _non_negative(table.cell(row, "Moving Time")[0], "Moving Time")
    trainer = _flag(table.cell(row, "Trainer")[0], "Trainer") if "Trainer" in table.columns else None
    from_upload = _flag(table.cell(row, "From Upload")[0], "From Upload")
    gear_name = " ".join(table.cell(row, "Activity Gear")[0].split())

    return {
        "id": activity_id,
        "name": table.cell(row, "Activity Name", prefer_last=False)[0] or None,
        "sport_type": sport,
        "start_utc": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "start_local": local_wall_clock(start, zone),
        "distance_m": round(distance, 1),
        "moving_s": None if moving is None else int(round(moving)),
        "elapsed_s": None if elapsed is None else int(round(elapsed)),
        "elev_gain_m": _non_negative(table.cell(row, "Elevation Gain")[0], "Elevation Gain"),
        "gear_id": gear_name or None,  # a name for now; `_attach_gear` turns it into an id
        "avg_cadence": _number(table.cell(row, "Average Cadence")[0], "Average Cadence"),
        "trainer": bool(trainer) or sport in TRAINER_TYPES,
        # An activity typed in by hand was not uploaded from a device.
        "manual": from_upload is False,
        "source": SOURCE,
        "deleted": False,
    }


def _parse_activities(source: _Text, zone: tzinfo | None) -> list[dict]:
    table = _Table(source)
    table.require(REQUIRED_COLUMNS, ACTIVITIES_CSV)
    rows: list[dict] = []
    seen: dict[int, int] = {}
    for line, fields in table.rows:
        if len(fields) > table.width:
            raise LoadguardError(
                f"{table.label} line {line}: {len(fields)} fields but the header has {table.width}; "
                "the file is damaged"
            )
        try:
            row = _activity(table, fields, zone)
        except _RowError as exc:
            raise LoadguardError(f"{table.label} line {line}, column '{exc.column}': {exc.message}") from None
        if row["id"] in seen:
            raise LoadguardError(
                f"{table.label} line {line}: Activity ID {row['id']} already appears on line {seen[row['id']]}"
            )
        seen[row["id"]] = line
        rows.append(row)
    return rows


@dataclass
class _Listed:
    name: str
    brand: str | None
    model: str | None
    kind: str


def _parse_gear_list(source: _Text | None, kind: str) -> list[_Listed]:
    """shoes.csv (`Shoe Name, Shoe Brand, Shoe Model, Shoe Default Sport Types`) or bikes.csv."""
    if source is None:
        return []
    prefix = "Shoe" if kind == "shoe" else "Bike"
    table = _Table(source)
    name_col, brand_col, model_col = f"{prefix} Name", f"{prefix} Brand", f"{prefix} Model"
    if name_col not in table.columns and not {brand_col, model_col} <= set(table.columns):
        table.require([name_col], f"{kind}s.csv")
    out = []
    for _, fields in table.rows:
        name = table.cell(fields, name_col)[0]
        brand = table.cell(fields, brand_col)[0] or None
        model = table.cell(fields, model_col)[0] or None
        display = " ".join((name or " ".join(p for p in (brand, model) if p)).split())
        if display:
            out.append(_Listed(display, brand, model, kind))
    return out


def _attach_gear(activities: list[dict], listed: list[_Listed], running: set[str]) -> list[dict]:
    """Turn gear names into gear rows and ids; distance is the sum of the export's activities."""
    by_key: dict[str, _Listed] = {}
    for item in listed:
        keys = [gear_key(item.name)]
        if item.brand and item.model:
            # Activities may name gear "Brand Model" while the list shows a nickname.
            keys.append(gear_key(f"{item.brand} {item.model}"))
        for key in keys:
            by_key.setdefault(key, item)

    gear: dict[str, dict] = {}
    used_by: dict[str, set[str]] = {}

    def row_for(name: str, item: _Listed | None) -> dict:
        gid = gear_id(name)
        if gid not in gear:
            gear[gid] = {
                "id": gid, "name": name,
                "brand": item.brand if item else None, "model": item.model if item else None,
                "kind": item.kind if item else None,
                "retired": False, "is_primary": False, "distance_m": 0.0, "source": SOURCE,
            }
            used_by[gid] = set()
        return gear[gid]

    for item in listed:
        row_for(item.name, item)
    for activity in activities:
        name = activity["gear_id"]
        if not name:
            continue
        item = by_key.get(gear_key(name))
        row = row_for(item.name if item else name, item)
        activity["gear_id"] = row["id"]
        row["distance_m"] += activity["distance_m"]
        used_by[row["id"]].add(activity["sport_type"])

    for gid, row in gear.items():
        row["distance_m"] = round(row["distance_m"], 1)
        if row["kind"] is None:
            sports = used_by[gid]
            only_rides = bool(sports) and sports <= RIDE_TYPES and not sports & running
            row["kind"] = "bike" if only_rides else "shoe"
    return sorted(gear.values(), key=lambda g: g["id"])


def read_export(path: str | Path, zone: tzinfo | None, running_types: Iterable[str]) -> Export:
    """Read and validate a whole export; raises LoadguardError naming file, line and column."""
    files = _locate(Path(path))
    activities = _parse_activities(files.activities, zone)
    listed = _parse_gear_list(files.shoes, "shoe") + _parse_gear_list(files.bikes, "bike")
    gear = _attach_gear(activities, listed, set(running_types))
    return Export(origin=str(path), activities=activities, gear=gear)
