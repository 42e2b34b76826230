"""Writers of synthetic Strava bulk exports, shaped like the real files.

`activity(...)` gives one activities.csv row as {(column, occurrence): text}, with
both blocks of repeated columns filled the way Strava fills them (display units
first, SI units later); `write_export(folder, rows, ...)` writes activities.csv
(with a byte-order mark, as Strava does) plus shoes.csv / bikes.csv.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Iterable, Mapping

from loadguard.sources.export import EXPORT_COLUMNS, export_row

Cells = dict[tuple[str, int], str]

SHOE_COLUMNS = ("Shoe Name", "Shoe Brand", "Shoe Model", "Shoe Default Sport Types")
BIKE_COLUMNS = ("Bike Name", "Bike Brand", "Bike Model", "Bike Default Sport Types")


def strava_date(when: datetime) -> str:
    """'Mar 3, 2024, 10:15:23 AM': Strava's English date, no leading zeros, UTC."""
    hour = when.hour % 12 or 12
    return (f"{when:%b} {when.day}, {when.year}, {hour}:{when:%M:%S} "
            f"{'AM' if when.hour < 12 else 'PM'}")


def activity(id: int, when_utc: datetime, label: str = "Run", km: float = 10.0, *, name: str = "Morning Run",
             gear: str = "", elev_m: float | None = 0.0, moving_s: int | None = None,
             cadence: float | None = 82.0, description: str = "", si_block: bool = True,
             extra: Mapping[tuple[str, int], str] | None = None) -> Cells:
    """One row. `km` is the distance; swims show it in metres in the first block too."""
    moving = moving_s if moving_s is not None else int(km * 330)
    elapsed = moving + 45
    first_distance = f"{km * 1000:.0f}" if label == "Swim" else f"{km:.2f}"
    cells: Cells = {
        ("Activity ID", 0): str(id),
        ("Activity Date", 0): strava_date(when_utc),
        ("Activity Name", 0): name,
        ("Activity Type", 0): label,
        ("Activity Description", 0): description,
        ("Elapsed Time", 0): str(elapsed),
        ("Distance", 0): first_distance,
        ("Commute", 0): "false",
        ("Activity Gear", 0): gear,
        ("Filename", 0): f"activities/{id + 7_000_000_000}.fit.gz",
    }
    if si_block:
        cells.update({
            ("Elapsed Time", 1): f"{elapsed:.1f}",
            ("Moving Time", 0): f"{moving:.1f}",
            ("Distance", 1): f"{km * 1000:.1f}",
            ("Elevation Gain", 0): "" if elev_m is None else f"{elev_m:.1f}",
            ("Average Cadence", 0): "" if cadence is None else f"{cadence:.1f}",
            ("Commute", 1): "0.0",
            ("From Upload", 0): "1.0",
        })
    cells.update(extra or {})
    return cells


def csv_text(rows: Iterable[Cells], columns: tuple[str, ...] = EXPORT_COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for cells in rows:
        writer.writerow(export_row(cells, columns))
    return out.getvalue()


def gear_csv(columns: tuple[str, ...], rows: Iterable[tuple[str, str, str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def write_export(folder: Path, rows: Iterable[Cells], *, shoes: Iterable[tuple[str, str, str, str]] = (),
                 bikes: Iterable[tuple[str, str, str, str]] = (), bom: bool = True) -> Path:
    """An unpacked export: activities.csv, shoes.csv, bikes.csv. Returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "activities.csv").write_bytes(("\ufeff" if bom else "").encode() + csv_text(rows).encode("utf-8"))
    (folder / "shoes.csv").write_text(gear_csv(SHOE_COLUMNS, shoes), encoding="utf-8")
    (folder / "bikes.csv").write_text(gear_csv(BIKE_COLUMNS, bikes), encoding="utf-8")
    return folder


def zip_folder(folder: Path, target: Path, *, inside: str = "") -> Path:
    """Zip an unpacked export; `inside` puts the files under a folder in the zip."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{inside}{path.name}")
        archive.writestr(f"{inside}profile.csv", "Athlete ID,Email Address\n1,runner@example.org\n")
    return target
