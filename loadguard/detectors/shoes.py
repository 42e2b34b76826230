"""Shoe rules: wear against a limit, rotation between pairs, runs without a shoe."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Mapping

import pandas as pd

from loadguard import numbers as num
from loadguard.detectors.common import build_warning, exceeds, reaches, require_order, require_positive
from loadguard.frames import Frames
from loadguard.model import Severity, Warning, iso_week
from loadguard.shoe_keys import display_name, first_match


class Mileage:
    id = "shoes.mileage"
    defaults: Mapping[str, Any] = {
        "limit_km": 700.0,
        "info": 0.8,     # shares of the limit
        "warn": 1.0,
        "alert": 1.2,
        # Per-shoe limits: gear id, exact name, or a name pattern (`*Vaporfly*`) -> km.
        "limits": {},
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_positive(config, "limit_km")
        require_order(config, "info", "warn", "alert")

    def detect(self, frames: Frames, config: Mapping[str, Any]) -> list[Warning]:
        out = []
        for shoe in shoe_table(frames, config).itertuples():
            severity = mileage_severity(shoe.life, config)
            if shoe.retired or severity is None:
                continue
            last = f"; last run {shoe.last_run.date().isoformat()}" if pd.notna(shoe.last_run) else ""
            message = (
                f"'{shoe.name}' has {num.km_text(shoe.distance_km)}, {num.percent_text(shoe.life)} "
                f"of its {num.limit_km_text(shoe.limit_km)} limit{last}."
            )
            out.append(build_warning(self.id, severity, frames.as_of, shoe.id, message, {
                "gear_id": shoe.id,
                "name": shoe.name,
                "distance_km": num.km(shoe.distance_km),
                "limit_km": float(shoe.limit_km),
                "life_used": num.share(shoe.life),
                "thresholds": {k: config[k] for k in ("info", "warn", "alert")},
            }))
        return out


def mileage_severity(life: float | None, config: Mapping[str, Any]) -> Severity | None:
    """How worn a pair is, by its share of life used: None below the info threshold."""
    if life is None or life != life:  # NaN: a shoe without a limit
        return None
    for severity in (Severity.ALERT, Severity.WARN, Severity.INFO):
        if reaches(life, config[severity.label]):
            return severity
    return None


def shoe_limit(gear_id: str, name: str, config: Mapping[str, Any]) -> float:
    """A shoe's limit: by gear id, then exact name, then the first matching name pattern."""
    limits: Mapping[str, float] = config["limits"]
    key = first_match(limits, gear_id, name)
    return float(limits[key] if key is not None else config["limit_km"])


def shoe_table(frames: Frames, settings: Mapping[str, Any]) -> pd.DataFrame:
    """Every shoe with distance, limit, share of life used, last run and retired flag.

    `settings` are the mileage detector's (for the limits).
    """
    shoes = frames.shoes[frames.shoes["owned"]]
    limits = [shoe_limit(i, n, settings) for i, n in zip(shoes["id"], shoes["name"])]
    # The share of life is taken from the distance as shown, so "840.0 km" of a
    # 700 km limit is always 120%, never 119%.
    distance = shoes["distance_km"].map(num.km)
    table = pd.DataFrame({
        "id": shoes["id"],
        "name": shoes["name"],
        "distance_km": distance,
        "limit_km": pd.Series(limits, index=shoes.index, dtype=float),
        "life": distance / pd.Series(limits, index=shoes.index, dtype=float),
        "last_run": shoes["last_used"],
        "retired": shoes["retired"],
    })
    return table.sort_values(["retired", "life"], ascending=[True, False]).reset_index(drop=True)


class Rotation:
    id = "shoes.rotation"
    defaults: Mapping[str, Any] = {
        "share": 0.9,     # one shoe carrying at least this share of the tracked distance
        "weeks": 8,
        "min_km": 40.0,   # too little running in the window says nothing about habits
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_positive(config, "share", "weeks")

    def detect(self, frames: Frames, config: Mapping[str, Any]) -> list[Warning]:
        window = frames.last_days(int(config["weeks"]) * 7)
        tracked = window[window["gear_id"].notna()]
        total = float(tracked["distance_km"].sum())
        if total <= 0 or total < config["min_km"]:
            return []
        per_shoe = tracked.groupby("gear_id")["distance_km"].sum().sort_values(ascending=False)
        top_id, top_km = str(per_shoe.index[0]), float(per_shoe.iloc[0])
        share = top_km / total
        if not reaches(share, config["share"]):
            return []
        names = dict(zip(frames.shoes["id"], frames.shoes["name"]))
        active = frames.shoes[~frames.shoes["retired"] & frames.shoes["owned"]]
        # With another active pair the advice is to rotate it in; without one (the
        # rest retired, or never a second pair), to get one.
        others = [n for i, n in zip(active["id"], active["name"]) if i != top_id]
        top_name = display_name(top_id, names.get(top_id))
        tail = _rotation_tail([(n, float(per_shoe.get(i, 0.0))) for i, n in zip(active["id"], active["name"])
                               if i != top_id])
        message = (
            f"'{top_name}' carried {num.percent_text(share)} of your {num.km_text(total)} of shod running in the last "
            f"{int(config['weeks'])} weeks, {tail}."
        )
        # One finding per shoe, like every shoes.* rule: the same habit is not news every week.
        return [build_warning(self.id, Severity.INFO, frames.as_of, top_id, message, {
            "gear_id": top_id,
            "name": top_name,
            "share": num.share(share),
            "km": num.km(top_km),
            "tracked_km": num.km(total),
            "other_active_shoes": others,
        })]


def _rotation_tail(others: list[tuple[str, float]]) -> str:
    """How the other active pairs were used: idle only when they ran nothing in the window."""
    if not others:
        return "and it is your only active pair"
    used = [f"{name!r} ran only {num.km_text(km)}" for name, km in others if km > 0]
    idle = [repr(name) for name, km in others if km <= 0]
    parts = []
    if used:
        parts.append(", ".join(used[:3]))
    if idle:
        parts.append(f"{', '.join(idle[:3])} {'sits' if len(idle) == 1 else 'sit'} idle")
    return "while " + " and ".join(parts)


class Untracked:
    id = "shoes.untracked"
    defaults: Mapping[str, Any] = {
        "share": 0.2,     # more than this share of the distance without a shoe
        "weeks": 4,
        "min_km": 10.0,
    }

    def validate(self, config: Mapping[str, Any]) -> None:
        require_positive(config, "share", "weeks")

    def detect(self, frames: Frames, config: Mapping[str, Any]) -> list[Warning]:
        window = frames.last_days(int(config["weeks"]) * 7)
        total = float(window["distance_km"].sum())
        if total <= 0 or total < config["min_km"]:
            return []
        bare = window[window["gear_id"].isna()]
        bare_km = float(bare["distance_km"].sum())
        share = bare_km / total
        if not exceeds(share, config["share"]):
            return []
        message = (
            f"{num.km(bare_km):.1f} of {num.km_text(total)} ({num.percent_text(share)}) in the last "
            f"{int(config['weeks'])} weeks "
            f"ran with no shoe set ({len(bare)} runs), so their wear is not counted."
        )
        first = frames.as_of - timedelta(weeks=int(config["weeks"])) + timedelta(days=1)
        # Runs without a shoe have no gear id to be the subject: the week is.
        return [build_warning(self.id, Severity.INFO, frames.as_of, iso_week(frames.as_of), message, {
            "untracked_km": num.km(bare_km),
            "total_km": num.km(total),
            "share": num.share(share),
            "runs": int(len(bare)),
            "window": [first.isoformat(), frames.as_of.isoformat()],
        })]
