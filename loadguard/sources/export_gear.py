"""The gear of a Strava export: its shoes.csv and bikes.csv, and the gear its activities name.

Export gear has no Strava id, only a name, so it gets a stable id built from
that name (`gear_id`). Its distance is the sum of the export's activities,
added up as they stream past (`GearTally`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from loadguard.sources.csv_table import CsvFile, Table
from loadguard.sources.export_rows import SOURCE

# Sport types whose gear is a bike (gear used only by these becomes kind 'bike').
RIDE_TYPES = frozenset({
    "Ride", "VirtualRide", "EBikeRide", "EMountainBikeRide", "MountainBikeRide",
    "GravelRide", "Handcycle", "Velomobile",
})


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


@dataclass
class Listed:
    name: str
    brand: str | None
    model: str | None
    kind: str


def read_gear_list(source: CsvFile | None, kind: str) -> list[Listed]:
    """shoes.csv (`Shoe Name, Shoe Brand, Shoe Model, Shoe Default Sport Types`) or bikes.csv."""
    if source is None:
        return []
    prefix = "Shoe" if kind == "shoe" else "Bike"
    table = Table(source)
    name_col, brand_col, model_col = f"{prefix} Name", f"{prefix} Brand", f"{prefix} Model"
    if name_col not in table.columns and not {brand_col, model_col} <= set(table.columns):
        table.require([name_col], f"{kind}s.csv")
    out = []
    for _, fields in table.rows():
        name = table.cell(fields, name_col)[0]
        brand = table.cell(fields, brand_col)[0] or None
        model = table.cell(fields, model_col)[0] or None
        display = " ".join((name or " ".join(p for p in (brand, model) if p)).split())
        if display:
            out.append(Listed(display, brand, model, kind))
    return out


class GearTally:
    """Gear rows for the listed gear and every name the activities give, with summed distance."""

    def __init__(self, listed: list[Listed]):
        self._by_key: dict[str, Listed] = {}
        for item in listed:
            keys = [gear_key(item.name)]
            if item.brand and item.model:
                # Activities may name gear "Brand Model" while the list shows a nickname.
                keys.append(gear_key(f"{item.brand} {item.model}"))
            for key in keys:
                self._by_key.setdefault(key, item)
        self._gear: dict[str, dict] = {}
        self._used_by: dict[str, set[str]] = {}
        self._ids: dict[str, str] = {}   # a name as activities write it -> gear id
        for item in listed:
            self._row(item.name, item)

    def resolve(self, name: str) -> str:
        """The gear id an activity's gear name stands for."""
        gid = self._ids.get(name)
        if gid is None:
            item = self._by_key.get(gear_key(name))
            gid = self._row(item.name if item else name, item)["id"]
            self._ids[name] = gid
        return gid

    def name_of(self, gid: str) -> str:
        return self._gear[gid]["name"]

    def add(self, activity: dict) -> None:
        """Count an activity (its `gear_id` still a name) towards its gear, and give it the id."""
        name = activity["gear_id"]
        if not name:
            return
        gid = self.resolve(name)
        activity["gear_id"] = gid
        self._gear[gid]["distance_m"] += activity["distance_m"]
        self._used_by[gid].add(activity["sport_type"])

    def rows(self, running: set[str]) -> list[dict]:
        out = []
        for gid, row in sorted(self._gear.items()):
            row = {**row, "distance_m": round(row["distance_m"], 1)}
            if row["kind"] is None:
                sports = self._used_by[gid]
                only_rides = bool(sports) and sports <= RIDE_TYPES and not sports & running
                row["kind"] = "bike" if only_rides else "shoe"
            out.append(row)
        return out

    def _row(self, name: str, item: Listed | None) -> dict:
        gid = gear_id(name)
        if gid not in self._gear:
            self._gear[gid] = {
                "id": gid, "name": name,
                "brand": item.brand if item else None, "model": item.model if item else None,
                "kind": item.kind if item else None,
                "retired": False, "is_primary": False, "distance_m": 0.0, "source": SOURCE,
            }
            self._used_by[gid] = set()
        return self._gear[gid]
