from __future__ import annotations

from datetime import date

from loadguard.model import Warning
from loadguard.render.printable import json_text


def render_check(as_of: date, warnings: list[Warning]) -> str:
    return json_text({"as_of": as_of.isoformat(), "warnings": [w.to_dict() for w in warnings]})


def render_shoes(as_of: date, table) -> str:
    """`{"as_of": …, "shoes": [{id, name, distance_km, limit_km, life, last_run, retired}, …]}`."""
    shoes = [
        {
            "id": row.id,
            "name": row.name,
            "distance_km": round(float(row.distance_km), 1),
            "limit_km": round(float(row.limit_km), 1),
            "life": round(float(row.life), 3),
            "last_run": row.last_run.date().isoformat() if row.last_run == row.last_run else None,
            "retired": bool(row.retired),
        }
        for row in table.itertuples()
    ]
    return json_text({"as_of": as_of.isoformat(), "shoes": shoes})
