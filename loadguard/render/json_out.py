from __future__ import annotations

from datetime import date

from loadguard import numbers as num
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
            "distance_km": num.km(row.distance_km),
            "limit_km": float(row.limit_km),
            "life": num.share(row.life),
            "last_run": row.last_run.date().isoformat() if row.last_run == row.last_run else None,
            "retired": bool(row.retired),
        }
        for row in table.itertuples()
    ]
    return json_text({"as_of": as_of.isoformat(), "shoes": shoes})
