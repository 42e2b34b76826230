"""Reading a Strava bulk export: the zip, its unpacked folder, or its activities.csv.

This module only reads and validates; the parts live beside it:
`export_files` finds and safely opens the CSV files, `csv_table` streams a CSV,
`export_rows` maps one record to an activity row, `export_gear` makes the gear.

`read_export` reads the whole activities.csv once to check every record before
anything is returned, so a damaged file is refused before the store is opened.
`Export.activities` then reads it a second time, record by record, for the
import command to write in one transaction. Neither pass holds the file, or
its rows, in memory: a million activities import in under 100 MB.

An activity whose values cannot be true is not a damaged file: it is skipped
(`Export.skipped`) and the rest imports, as `sync` does with the API's rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    activity,
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
    """The export's activity rows, read afresh from the file on each iteration."""

    def __init__(self, table: Table, zone: tzinfo | None, tally: GearTally, count: int):
        self._table, self._zone, self._tally, self._count = table, zone, tally, count
        self.remap: dict[str, str] = {}   # export gear id -> id of the same gear from the API

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[dict]:
        for _, row in _checked_rows(self._table, self._zone):
            if validate.problem(row) is not None:
                continue  # skipped, and counted, by read_export's pass
            if row["gear_id"]:
                gid = self._tally.resolve(row["gear_id"])
                row["gear_id"] = self.remap.get(gid, gid)
            yield row


@dataclass
class Export:
    """An export read into the store's row shapes (source 'export')."""

    activities: ExportActivities
    gear: list[dict]
    # Activities left out because their values cannot be true.
    skipped: validate.Skips
    # Export gear ids replaced by `adopt_gear`: an earlier import may have stored them.
    superseded: list[str] = field(default_factory=list)

    def adopt_gear(self, known: dict[str, str]) -> None:
        """Point activities at gear the store already has under the same name.

        `known` maps `gear_key(name)` to the id of gear synced from the API. Such
        gear keeps its API id and Strava's own total, so a runner who both syncs and
        imports sees one shoe, not two.
        """
        remap = {g["id"]: known[gear_key(g["name"])] for g in self.gear if gear_key(g["name"]) in known}
        if not remap:
            return
        self.activities.remap.update(remap)
        # Kept in the list (it still counts as a shoe of this export) but flagged so
        # the command does not overwrite the API's row.
        for g in self.gear:
            if g["id"] in remap:
                self.superseded.append(g["id"])
                g["id"] = remap[g["id"]]
                g["adopted"] = True


def _checked_rows(table: Table, zone: tzinfo | None) -> Iterator[tuple[int, dict]]:
    """(line, row) for every record; one that cannot be read raises LoadguardError naming line and column."""
    for line, fields in table.rows():
        if len(fields) > table.width:
            raise LoadguardError(
                f"{table.label} line {line}: {len(fields)} fields but the header has {table.width}; "
                "the file is damaged"
            )
        try:
            row = activity(table, fields, zone)
        except RowError as exc:
            raise LoadguardError(f"{table.label} line {line}, column '{exc.column}': {exc.message}") from None
        yield line, row


def _first_line_of(table: Table, zone: tzinfo | None, ident: int) -> int:
    return next(line for line, row in _checked_rows(table, zone) if row["id"] == ident)


def read_export(path: str | Path, zone: tzinfo | None, running_types: Iterable[str]) -> Export:
    """Read and check a whole export; raises LoadguardError naming file, line and column."""
    files: ExportFiles = locate(Path(path))
    listed = read_gear_list(files.shoes, "shoe") + read_gear_list(files.bikes, "bike")
    table = Table(files.activities)
    table.require(REQUIRED_COLUMNS, ACTIVITIES_CSV)
    tally = GearTally(listed)
    skipped = validate.Skips()
    seen: set[int] = set()
    for line, row in _checked_rows(table, zone):
        reason = validate.problem(row)
        if reason is not None:
            skipped.add(Skipped(row["id"], reason, f"line {line}"))
            continue
        if row["id"] in seen:
            raise LoadguardError(
                f"{table.label} line {line}: Activity ID {row['id']} already appears on line "
                f"{_first_line_of(table, zone, row['id'])}"
            )
        seen.add(row["id"])
        tally.add(row)
    return Export(activities=ExportActivities(table, zone, tally, len(seen)),
                  gear=tally.rows(set(running_types)), skipped=skipped)

