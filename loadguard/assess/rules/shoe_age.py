"""shoes.age: a pair in use for longer than the runner's age limit for it, whatever its distance.

Foams age without mileage; no study ties a pair's age to injury (see the README), so
the rule is off until a limit is set and tells at info by default.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any, Mapping, NamedTuple

import numpy as np
import pandas as pd

from loadguard.advice import RULES
from loadguard.assess.frames import Frames
from loadguard.assess.rules.common import Dated, SpanRule, build_warning, require_choice
from loadguard.assess.rules.shoes import changes, months_between
from loadguard.model import Severity


def add_months(start: date, months: int) -> date:
    """The day `months` months after `start` (the month's last day when it is shorter)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


class _Aged(NamedTuple):
    """What shoes.age reads of a row of the shoes frame."""

    id: str
    name: str
    first_used: pd.Timestamp
    max_months: float
    retired_from: pd.Timestamp


class Age(SpanRule):
    """A pair in use for longer than its age limit (`[shoes] max_months`, `max_months_for`,
    or `shoes set-limit --max-months`); off unless a limit is set."""

    id = "shoes.age"
    about = RULES[id]   # title, advice and what is known of ageing foam: loadguard.advice
    # Info by default: the evidence for foams ageing into injuries is thin (see the README);
    # "warn" gets it mailed by the cron line.
    defaults: Mapping[str, Any] = {"severity": "info"}

    def validate(self, config: Mapping[str, Any]) -> None:
        require_choice(config, "severity", ("info", "warn"))

    def evaluate(self, frames: Frames, config: Mapping[str, Any], first: date, last: date) -> Dated:
        severity = Severity.parse(config["severity"])
        shoes = frames.shoes
        aged = np.flatnonzero(shoes["owned"].to_numpy() & pd.notna(shoes["max_months"].to_numpy())
                              & pd.notna(shoes["first_used"].to_numpy()))
        days = pd.date_range(first, last, freq="D")
        stamps = days.to_numpy()   # numpy compares each day far cheaper than pandas
        out = []
        # the few pairs with an age limit as plain rows (Timestamps, floats), not a frame's tuples
        for shoe in map(_Aged._make, zip(*(shoes[c].array.take(aged) for c in _Aged._fields))):
            since = shoe.first_used.date()
            due = pd.Timestamp(add_months(since, int(shoe.max_months))).to_datetime64()
            alive = stamps < shoe.retired_from.to_datetime64() if pd.notna(shoe.retired_from) \
                else np.ones(len(days), bool)
            level = np.where((stamps >= due) & alive, int(severity), 0)
            for i in changes(level, len(days)):
                day = days[i].date()
                months = int(months_between(shoe.first_used, day))
                message = (f"'{shoe.name}' has been in use for {months} months (since {since.isoformat()}), "
                           f"past its age limit of {int(shoe.max_months)} months, whatever its distance.")
                out.append((day, build_warning(self, severity, day, shoe.id, message, {
                    "gear_id": shoe.id,
                    "name": shoe.name,
                    "in_use_since": since.isoformat(),
                    "months": months,
                    "max_months": int(shoe.max_months),
                })))
        return out
