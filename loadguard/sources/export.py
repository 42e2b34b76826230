"""Reading a Strava bulk export: the zip, its unpacked folder, or its activities.csv.

This module only reads and validates; the parts live beside it:
`export_files` finds and safely opens the CSV files, `csv_table` streams a CSV,
`export_rows` maps one record to an activity row, `export_gear` makes the gear.

`read_export` checks the files and the CSV's header; `Export.activities` then
reads activities.csv once, record by record, checking each as it goes, while the
import writes them in one transaction: a damaged record raises LoadguardError
there, the transaction is rolled back, and the store is as it was (the import
command removes a store this import created). The gear, summed as the records
stream past, is known once they are all read (`Export.gear`). The file and its
rows are never held in memory: a million activities import in under 100 MB.

An activity whose values cannot be true is not a damaged file: it is skipped
(`Export.skipped`) and the rest imports, as `sync` does with the API's rows.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from datetime import tzinfo
from pathlib import Path
from typing import Iterable, Iterator

from loadguard.errors import LoadguardError
from loadguard.sources import validate
from loadguard.sources.csv_table import Table
from loadguard.sources.export_files import ACTIVITIES_CSV, BIKES_CSV, SHOES_CSV, ExportFiles, locate
from loadguard.sources.export_gear import GearTally, gear_id, gear_key, read_gear_list
from loadguard.sources.export_rows import (
    EXPORT_COLUMNS,
    REQUIRED_COLUMNS,
    SOURCE,
    RowError,
    activity_reader,
    export_row,
    local_wall_clock,
    resolve_zone,
    sport_type,
)
from loadguard.sources.validate import Skipped

__all__ = [
    "ACTIVITIES_CSV", "BIKES_CSV", "EXPORT_COLUMNS", "SHOES_CSV", "SOURCE", "Export", "export_row", "gear_id",
    "gear_key", "local_wall_clock", "read_export", "resolve_zone", "sport_type",
]

class ExportActivities:
    """The export's activity rows, checked as they are read: one pass over the file."""

    def __init__(self, table: Table, zone: tzinfo | None, tally: GearTally, known_gear: dict[str, str]):
        self._table, self._zone = table, zone
        self.tally = tally
        self.known_gear = known_gear
        self._adopted: dict[str, str] = {}  # export gear id -> id of the same gear from the API
        self.skipped = validate.Skips()
        self.read = False   # iteration started: the file is read once
        self.done = False   # ... and reached its end

    def __iter__(self) -> Iterator[dict]:
        if self.read:
            raise RuntimeError("an export's activities are read once")
        self.read = True
        table, tally, seen = self._table, self.tally, _IdSet()
        for line, row in _checked_rows(table, self._zone):
            reason = validate.problem(row)
            if reason is not None:
                self.skipped.add(Skipped(row["id"], reason, f"line {line}"))
                continue
            if not seen.add(row["id"]):
                raise LoadguardError(
                    f"{table.label} line {line}: Activity ID {row['id']} already appears on line "
                    f"{_first_line_of(table, self._zone, row['id'])}"
                )
            tally.add(row)
            if row["gear_id"]:
                row["gear_id"] = self._adopted_id(row["gear_id"])
            yield row
        self.done = True

    def _adopted_id(self, gid: str) -> str:
        """Gear the store already has from the API under the same name keeps its API id
        (and Strava's own total), so a runner who both syncs and imports sees one shoe."""
        if gid not in self._adopted:
            self._adopted[gid] = self.known_gear.get(gear_key(self.tally.name_of(gid)), gid)
        return self._adopted[gid]


class _IdSet:
    """Activity ids seen, at 8 bytes each: sorted arrays in 4,096 buckets by the low
    bits. A set of a million ints would cost ~60 MB, more than the rest of an import,
    and the ids live as long as the write does."""

    def __init__(self) -> None:
        self._buckets = [array("q") for _ in range(4096)]

    def add(self, ident: int) -> bool:
        """False when `ident` was added before."""
        bucket = self._buckets[ident & 4095]
        at = bisect_left(bucket, ident)
        if at < len(bucket) and bucket[at] == ident:
            return False
        bucket.insert(at, ident)
        return True


class Export:
    """An export read into the store's row shapes (source 'export')."""

    def __init__(self, activities: ExportActivities, running_types: set[str]):
        self.activities = activities
        self.running_types = running_types
        self._gear: list[dict] | None = None
        # Export gear ids replaced by the API's id of the same gear: an earlier import may have stored them.
        self._superseded: list[str] = []

    @property
    def skipped(self) -> validate.Skips:
        """Activities left out because their values cannot be true."""
        return self.activities.skipped

    @property
    def gear(self) -> list[dict]:
        """The gear, with the distance of its activities: known once they are all read.
        Gear the API has under the same name is flagged `adopted` (not written over;
        it still counts as this export's shoe)."""
        return self._settled()[0]

    @property
    def superseded(self) -> list[str]:
        return self._settled()[1]

    def _settled(self) -> tuple[list[dict], list[str]]:
        if not self.activities.done:
            raise RuntimeError("an export's gear is known once its activities are read")
        if self._gear is None:
            self._gear = self.activities.tally.rows(self.running_types)
            for g in self._gear:
                known = self.activities.known_gear.get(gear_key(g["name"]))
                if known is not None:
                    self._superseded.append(g["id"])
                    g["id"] = known
                    g["adopted"] = True
        return self._gear, self._superseded


def _checked_rows(table: Table, zone: tzinfo | None) -> Iterator[tuple[int, dict]]:
    """(line, row) for every record; one that cannot be read raises LoadguardError naming line and column."""
    read = activity_reader(table, zone)
    for line, fields in table.rows():
        if len(fields) > table.width:
            raise LoadguardError(
                f"{table.label} line {line}: {len(fields)} fields but the header has {table.width}; "
                "the file is damaged"
            )
        try:
            row = read(fields)
        except RowError as exc:
            raise LoadguardError(f"{table.label} line {line}, column '{exc.column}': {exc.message}") from None
        yield line, row


def _first_line_of(table: Table, zone: tzinfo | None, ident: int) -> int:
    return next(line for line, row in _checked_rows(table, zone) if row["id"] == ident)


def read_export(path: str | Path, zone: tzinfo | None, running_types: Iterable[str],
                known_gear: dict[str, str] | None = None) -> Export:
    """The export's files and header checked; its records are checked as `activities` reads them.
    `known_gear` maps `gear_key(name)` to the id of gear synced from the API.
    Raises LoadguardError naming file, line and column."""
    files: ExportFiles = locate(Path(path))
    listed = read_gear_list(files.shoes, "shoe") + read_gear_list(files.bikes, "bike")
    table = Table(files.activities)
    table.require(REQUIRED_COLUMNS, ACTIVITIES_CSV)
    activities = ExportActivities(table, zone, GearTally(listed), dict(known_gear or {}))
    return Export(activities=activities, running_types=set(running_types))
