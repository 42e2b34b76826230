"""Read a training plan file: an iCalendar (.ics) or a CSV of `date,km[,type]`.

Each event or line that cannot be read is one problem line naming it; the rest
is read. Events with no distance at all (rest days, strength sessions) are not
problems: they are counted and left out. A file that is not a calendar or a CSV
at all is one error, and nothing is read.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path

from loadguard.errors import LoadguardError
from loadguard.plan.sessions import MAX_SESSION_KM, Session, distance_km, kind_of

# A plan is a few hundred events at most; a bigger file is not a training plan.
MAX_PLAN_BYTES = 16 * 1024 * 1024


@dataclass
class PlanFile:
    sessions: list[Session] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)   # one line per unreadable event or CSV line
    without_distance: int = 0                           # events with no distance (rest, strength)


def read_plan(path: Path, zone: tzinfo | None = None) -> PlanFile:
    """The sessions of a plan file; `zone` is where the runner lives, for calendar times with a zone."""
    try:
        if not path.is_file():
            raise LoadguardError(f"{path}: not a plan file (an .ics calendar or a CSV of date,km[,type])")
        if path.stat().st_size > MAX_PLAN_BYTES:
            raise LoadguardError(f"{path}: {path.stat().st_size} bytes is too big for a training plan")
        data = path.read_bytes()
    except OSError as exc:
        raise LoadguardError(f"cannot read {path}: {exc.strerror or exc}") from None
    if data.lstrip().upper().startswith(b"BEGIN:VCALENDAR"):
        return _calendar(path, data, zone)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LoadguardError(f"{path}: neither an iCalendar file nor a UTF-8 CSV of date,km[,type]") from None
    return _csv(path, text)


def _calendar(path: Path, data: bytes, zone: tzinfo | None) -> PlanFile:
    # imported here, not at the top: a CSV plan does without it
    import icalendar

    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except ValueError as exc:
        raise LoadguardError(f"{path}: not a readable iCalendar file: {exc}") from None
    out = PlanFile()
    for calendar in calendars:
        for n, event in enumerate(calendar.walk("VEVENT"), start=1):
            summary = str(event.get("SUMMARY", "") or "")
            description = str(event.get("DESCRIPTION", "") or "")
            name = f"event {n}" + (f" '{_short(summary)}'" if summary else "")
            try:
                start = event.start
            except Exception as exc:  # icalendar raises its own classes for a broken or missing DTSTART
                out.problems.append(f"{path.name}: {name}: no readable start ({_short(str(exc))})")
                continue
            if not isinstance(start, date):
                out.problems.append(f"{path.name}: {name}: no readable start ({_short(str(start))!r})")
                continue
            day = _local_day(start, zone)
            categories = " ".join(_categories(event))
            km = distance_km(summary, description)
            if km is None:
                out.without_distance += 1
                continue
            problem = _bad_km(km)
            if problem:
                out.problems.append(f"{path.name}: {name} on {day.isoformat()}: {problem}")
                continue
            out.sessions.append(Session(day, km, kind_of(categories, summary, description), summary or "Run"))
    return out


def _local_day(start, zone: tzinfo | None) -> date:
    if isinstance(start, datetime):
        if start.tzinfo is not None:
            start = start.astimezone(zone) if zone else start.astimezone()
        return start.date()
    return start


def _categories(event) -> list[str]:
    value = event.get("CATEGORIES")
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [str(c) for v in values for c in getattr(v, "cats", [v])]


def _csv(path: Path, text: str) -> PlanFile:
    out = PlanFile()
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and cells[0].lower() in ("date", "day"):
            continue  # the header
        where = f"{path.name}: line {number}"
        if len(cells) < 2:
            out.problems.append(f"{where}: expected date,km[,type], got {_short(','.join(cells))!r}")
            continue
        try:
            day = date.fromisoformat(cells[0])
        except ValueError:
            out.problems.append(f"{where}: {_short(cells[0])!r} is not a date (YYYY-MM-DD)")
            continue
        km = distance_km(cells[1]) if not _is_number(cells[1]) else float(cells[1].replace(",", "."))
        problem = _bad_km(km) if km is not None else f"{_short(cells[1])!r} is not a distance in km"
        if problem:
            out.problems.append(f"{where}: {problem}")
            continue
        declared = cells[2] if len(cells) > 2 else ""
        out.sessions.append(Session(day, km, kind_of(declared), declared or "Run"))
    return out


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
        return True
    except ValueError:
        return False


def _bad_km(km: float) -> str | None:
    if not km > 0:
        return f"a distance of {km:g} km is not a run"
    if km > MAX_SESSION_KM:
        return f"{km:g} km is more than a session can be ({MAX_SESSION_KM:g} km)"
    return None


def _short(text: str, limit: int = 60) -> str:
    """A name from a file as one short piece of a message line (made printable where it is shown)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
