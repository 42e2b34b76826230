"""The symptom log: what a runner felt, where and when, kept in the local store only.

Nothing here talks to Strava or any other service: symptoms are health data and
never leave the machine. The choices the command offers and the rules read are
in loadguard.symptoms.terms.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from loadguard.errors import EXIT_USAGE, LoadguardError

# The vocabulary lives apart so `loadguard --help` can list it without this module;
# the rules read it from here too.
from loadguard.symptoms.terms import (  # noqa: F401 - re-exported
    FOOT_PLACES,
    KINDS,
    MAX_INTENSITY,
    NERVE_KINDS,
    PLACES,
    SIDES,
    TIMINGS,
)

if TYPE_CHECKING:
    from loadguard.store import Store


def nerve_in_foot(kind: str, place: str) -> bool:
    """A sensation that comes from a nerve, felt in the foot: the one the rules never let pass."""
    return kind in NERVE_KINDS and place in FOOT_PLACES


class BadValue(LoadguardError):
    """A value outside the log's choices: a usage error, one line naming field and choices."""

    def __init__(self, message: str):
        super().__init__(message, EXIT_USAGE)


@dataclass(frozen=True)
class Symptom:
    id: int
    day: date
    place: str
    side: str
    kind: str
    timing: str | None
    intensity: int
    note: str | None

    @property
    def nerve_in_foot(self) -> bool:
        return nerve_in_foot(self.kind, self.place)

    def describe(self) -> str:
        """'tingling, left arch, during the run, growing with distance, 4/10'."""
        where = f"{self.place}, both sides" if self.side == "both" else f"{self.side} {self.place}"
        parts = [self.kind, where]
        if self.timing:
            parts.append(TIMINGS[self.timing])
        parts.append(f"{self.intensity}/{MAX_INTENSITY}")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["day"] = self.day.isoformat()
        return out


# How the runner names each field (the command's options); the columns avoid SQL's words.
LABELS = {"day": "--date", "place": "--where", "side": "--side", "kind": "--what", "timing": "--when",
          "intensity": "--intensity", "note": "--note"}


def check_value(field: str, value: Any) -> Any:
    """The value if it is one the log takes, else one error line naming the field and the choices."""
    label = LABELS.get(field, field)
    choices = {"place": PLACES, "side": SIDES, "kind": KINDS, "timing": tuple(TIMINGS)}.get(field)
    if choices is not None:
        if value is None and field == "timing":
            return None
        if value not in choices:
            raise BadValue(f"symptom {label} must be one of {', '.join(choices)}; got {value!r}")
        return value
    if field == "intensity":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_INTENSITY:
            raise BadValue(f"symptom --intensity must be a whole number from 0 to {MAX_INTENSITY}; got {value!r}")
        return value
    if field == "day":
        if not isinstance(value, date):
            raise BadValue(f"symptom --date must be a date (YYYY-MM-DD); got {value!r}")
        return value
    if field == "note":
        return (value or "").strip() or None
    raise LoadguardError(f"symptoms have no field {field!r}")


# The symptoms table's columns, as every reader selects them.
COLUMNS = ("id", "day", "place", "side", "kind", "timing", "intensity", "note")


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _from_row(row: Any) -> Symptom:
    values = dict(zip(COLUMNS, row))
    values["day"] = date.fromisoformat(values["day"])
    return Symptom(**values)


def add(store: "Store", *, day: date, place: str, side: str, kind: str, timing: str | None,
        intensity: int, note: str | None = None) -> Symptom:
    values = {"day": day, "place": place, "side": side, "kind": kind, "timing": timing,
              "intensity": intensity, "note": note}
    values = {k: check_value(k, v) for k, v in values.items()}
    new_id = store.insert_symptom((values["day"].isoformat(), values["place"], values["side"], values["kind"],
                                   values["timing"], values["intensity"], values["note"]), _now())
    return get(store, new_id)


def get(store: "Store", symptom_id: int) -> Symptom:
    # SQLite's integers end at 2**63 - 1; an id past them names no entry (and would not bind).
    fits = -(2**63) <= symptom_id < 2**63
    row = store.symptom_row(COLUMNS, symptom_id) if fits else None
    if row is None:
        raise LoadguardError(f"no symptom entry {symptom_id} (see `loadguard symptom list`)")
    return _from_row(row)


def between(store: "Store", first: date | None = None, last: date | None = None) -> list[Symptom]:
    """Entries whose day lies in [first, last] (open ends when None), oldest first."""
    rows = store.symptom_rows(COLUMNS, (first or date.min).isoformat(), (last or date.max).isoformat())
    return [_from_row(r) for r in rows]


def edit(store: "Store", symptom_id: int, changes: dict[str, Any]) -> Symptom:
    """Correct the given fields of one entry; the others stay as they were."""
    get(store, symptom_id)  # a missing id is one clear line, not a silent no-op
    checked = {k: check_value(k, v) for k, v in changes.items()}
    if not checked:
        raise BadValue(f"nothing to change: give at least one of {', '.join(LABELS.values())}")
    if "day" in checked:
        checked["day"] = checked["day"].isoformat()
    store.update_symptom(symptom_id, checked, _now())
    return get(store, symptom_id)


def remove(store: "Store", symptom_id: int) -> Symptom:
    gone = get(store, symptom_id)
    store.delete_symptom(symptom_id)
    return gone
