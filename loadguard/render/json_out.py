from __future__ import annotations

import json
from datetime import date

from loadguard.model import Warning


def render_check(as_of: date, warnings: list[Warning]) -> str:
    return json.dumps(
        {"as_of": as_of.isoformat(), "warnings": [w.to_dict() for w in warnings]},
        indent=2,
        ensure_ascii=False,
    )
