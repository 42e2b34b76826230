"""One row of a Strava export's activities.csv as the store's activity row.

How each quirk of the real file is read:

- Some column names appear twice. The first block shows values in the athlete's
  display units (the first `Distance` is km for most sports but metres for swims);
  the later block holds the same values in SI units. The later occurrence is used
  when it has a value, the first one otherwise.
- `Activity Date` is UTC without a zone (`Mar 3, 2024, 10:15:23 AM`); the local
  wall-clock time is computed with the zone the caller passes, per date, so
  daylight-saving changes land on the right day.
- `Activity Type` is a label with spaces (`Trail Run`); it becomes the API's sport
  type (`TrailRun`).
- Gear is named, not numbered (`Activity Gear`): the row carries the name in
  `gear_id`, and `export_gear` turns it into an id.

A cell that cannot be read at all (not a number, not a date) raises RowError:
the file is damaged. A readable value that cannot be true is left for
`validate.problem` to judge, as for the API's rows.
"""

from __future__ import annotations

import functools
import math
import re
from datetime import datetime, timezone, tzinfo
from typing import Callable, Mapping, Sequence

from loadguard.sources.csv_table import Table
from loadguard.zones import known_zone

SOURCE = "export"
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

# Sport types indoor by definition, whatever the export's columns say.
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
# The usual shape, read without strptime: a million rows spend seconds in it.
_USUAL_DATE = re.compile(r"([A-Z][a-z]{2}) (\d{1,2}), (\d{4}), (\d{1,2}):(\d\d):(\d\d) ([AP]M)")
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                                        "Nov", "Dec"), start=1)}
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_TRUE = {"true", "yes", "1", "1.0"}
_FALSE = {"false", "no", "0", "0.0", ""}


class RowError(Exception):
    """A cell that cannot be read; the file is damaged there."""

    def __init__(self, column: str, message: str):
        self.column, self.message = column, message


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


@functools.lru_cache(maxsize=512)
def sport_type(label: str) -> str:
    """The API sport type for an export's activity label ("Trail Run" -> "TrailRun")."""
    label = " ".join(label.split())
    if label in SPORT_TYPE_EXCEPTIONS:
        return SPORT_TYPE_EXCEPTIONS[label]
    words = [w for w in re.split(r"[\s\-_/]+", label) if w]
    return "".join(w[:1].upper() + w[1:] for w in words)


def resolve_zone(name: str | None) -> tzinfo | None:
    """The IANA zone for local times; None means the machine's own zone."""
    return known_zone(name) if name else None


def local_wall_clock(utc: datetime, zone: tzinfo | None) -> str | None:
    """The wall-clock time at `utc` in `zone`; None past the calendar's ends (year 1 or 9999)."""
    aware = utc.replace(tzinfo=timezone.utc)
    try:
        # astimezone() without a zone uses the machine's rules for that very date (DST included).
        local = aware.astimezone(zone) if zone is not None else aware.astimezone()
    except (OverflowError, ValueError, OSError):
        return None
    return _clock_text(local)


def _number(value: str, column: str) -> float | None:
    if not value:
        return None
    text = value.replace(",", "") if "," in value and _THOUSANDS.match(value) else value
    try:
        number = float(text)
    except ValueError:
        raise RowError(column, f"not a number: {value!r}") from None
    if not math.isfinite(number):
        raise RowError(column, f"not a number: {value!r}")
    return number


def _whole(value: float | None) -> int | None:
    return None if value is None else int(round(value))


def _flag(value: str, column: str) -> bool | None:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return None if not text else False
    raise RowError(column, f"not true or false: {value!r}")


def _date(value: str, column: str) -> datetime:
    usual = _USUAL_DATE.fullmatch(value)  # nearly every row: nothing to tidy
    text = value
    if usual is None:
        # Newer exports put a (narrow) no-break space before AM/PM, and "Sept" for Sep.
        text = " ".join(value.replace("\u202f", " ").replace("\xa0", " ").split())
        text = re.sub(r"^Sept\b", "Sep", text)
        usual = _USUAL_DATE.fullmatch(text)
    if usual and usual[1] in _MONTHS and 1 <= int(usual[4]) <= 12:
        hour = int(usual[4]) % 12 + (12 if usual[7] == "PM" else 0)
        try:
            return datetime(int(usual[3]), _MONTHS[usual[1]], int(usual[2]), hour, int(usual[5]), int(usual[6]))
        except ValueError:
            pass  # e.g. Feb 30: strptime below refuses it with the usual message
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise RowError(column, f"cannot read the date {value!r} (expected e.g. 'Mar 3, 2024, 10:15:23 AM')")


def activity_reader(table: Table, zone: tzinfo | None) -> Callable[[list[str]], dict]:
    """The function giving the store's activity row for one record of `table` (its
    `gear_id` still holding the gear's name); each column's place is looked up once."""
    def cell(name: str, *, prefer_last: bool = True) -> Callable[[list[str]], str]:
        return table.getter(name, prefer_last=prefer_last, occurrence=False)

    raw_id, label_of, date_of = cell("Activity ID"), cell("Activity Type"), cell("Activity Date")
    distance_of = table.getter("Distance")
    trainer_of = cell("Trainer") if "Trainer" in table.columns else None
    upload_of, gear_of, name_of = cell("From Upload"), cell("Activity Gear"), cell("Activity Name", prefer_last=False)
    moving_of, elapsed_of, climb_of = cell("Moving Time"), cell("Elapsed Time"), cell("Elevation Gain")
    cadence_of, file_of = cell("Average Cadence"), cell("Filename")
    description_of, note_of = cell("Activity Description"), cell("Activity Private Note")
    # The export's "Competition" / "Long Run" flags as the API's workout type (1 race, 2 long run);
    # optional columns we only take a hint from: a value we cannot read is no flag.
    flags = [(cell(column), kind) for column, kind in (("Competition", 1), ("Long Run", 2)) if column in table.columns]

    def read(row: list[str]) -> dict:
        text = raw_id(row)
        if not text:
            raise RowError("Activity ID", "empty")
        try:
            activity_id = int(text)
        except ValueError:
            raise RowError("Activity ID", f"not a whole number: {text!r}") from None
        label = label_of(row)
        if not label:
            raise RowError("Activity Type", "empty")
        sport = sport_type(label)
        raw_date = date_of(row)
        if not raw_date:
            raise RowError("Activity Date", "empty")
        start = _date(raw_date, "Activity Date")
        raw_distance, occurrence = distance_of(row)
        distance = _number(raw_distance, "Distance") or 0.0
        if occurrence == 0 and sport != "Swim":
            distance *= 1000.0  # the display block: km, except for swims (metres)
        trainer = _flag(trainer_of(row), "Trainer") if trainer_of is not None else None
        from_upload = _flag(upload_of(row), "From Upload")
        gear_name = " ".join(gear_of(row).split())
        return {
            "id": activity_id,
            "name": name_of(row) or None,
            "sport_type": sport,
            "start_utc": _clock_text(start) + "Z",
            "start_local": local_wall_clock(start, zone),
            "distance_m": round(distance, 1),
            "moving_s": _whole(_number(moving_of(row), "Moving Time")),
            "elapsed_s": _whole(_number(elapsed_of(row), "Elapsed Time")),
            "elev_gain_m": _number(climb_of(row), "Elevation Gain"),
            "gear_id": gear_name or None,  # a name for now; export_gear turns it into an id
            "avg_cadence": _number(cadence_of(row), "Average Cadence"),
            # the runner's notes, read for symptom words (issue 9); absent columns read as none
            "description": description_of(row) or None,
            "private_note": note_of(row) or None,
            "trainer": bool(trainer) or sport in TRAINER_TYPES,
            # An activity typed in by hand was not uploaded from a device.
            "manual": from_upload is False,
            "source": SOURCE,
            "deleted": False,
            "workout_type": _workout_type(flags, row),
            # The run's original FIT/GPX/TCX inside the export (activities/…): enriches this row.
            "track_file": file_of(row) or None,
        }
    return read


def _workout_type(flags: list, row: list[str]) -> int | None:
    for flag, kind in flags:
        if flag(row).lower() in _TRUE:
            return kind
    return None


def _clock_text(moment: datetime) -> str:
    """'YYYY-MM-DDTHH:MM:SS', the wall clock of `moment`, as strftime writes it."""
    # isoformat is quicker; strftime's year below 1000 is unpadded, which a skip message shows.
    if moment.year >= 1000 and not moment.microsecond:
        return moment.isoformat()[:19]  # without the zone's offset
    return moment.strftime("%Y-%m-%dT%H:%M:%S")
