from __future__ import annotations

from datetime import date

from loadguard import numbers as num
from loadguard.model import Warning
from loadguard.render.printable import json_text


def render_check(as_of: date, warnings: list[Warning]) -> str:
    return json_text({"as_of": as_of.isoformat(), "warnings": [w.to_dict() for w in warnings]})


def render_shoes(as_of: date, table) -> str:
    """`{"as_of": …, "shoes": [{id, name, distance_km, limit_km, life, last_run, retired, in_use_from,
    retired_from, months, max_months}, …]}`."""
    shoes = [
        {
            "id": row.id,
            "name": row.name,
            "distance_km": num.km(row.distance_km),
            "limit_km": float(row.limit_km),
            "life": num.share(row.life),
            "last_run": row.last_run.date().isoformat() if row.last_run == row.last_run else None,
            "retired": bool(row.retired),
            "in_use_from": _day(row.first_used),
            "retired_from": _day(row.retired_from),
            "months": None if row.months != row.months else int(row.months),
            "max_months": None if row.max_months != row.max_months else int(row.max_months),
        }
        for row in table.itertuples()
    ]
    return json_text({"as_of": as_of.isoformat(), "shoes": shoes})


def _day(value) -> str | None:
    """A day of the shoe table (a Timestamp, or NaT) as YYYY-MM-DD."""
    return value.date().isoformat() if value == value and value is not None else None
