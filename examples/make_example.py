"""Writes the synthetic example athlete: examples/athlete/{activities,shoes,bikes}.csv.

Thirty weeks of a made-up runner in New York (27 Apr - 22 Nov 2026), shaped like a
Strava bulk export. Most of it is ordinary training; the last week, ending on
Sunday 2026-11-22, is the kind of week loadguard exists for: volume up ~60%, a
long trail run 40% longer than anything in the month before, and the first trail
running in months, on top of a road shoe near the end of its life.

The output is fixed by SEED: rerunning the script rewrites the same bytes, and
the script runs loadguard's own importer and detectors on them before writing.

    python examples/make_example.py            # rewrite examples/athlete/
    python examples/make_example.py --check    # fail if the committed files differ
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import random
import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from loadguard.sources.export import EXPORT_COLUMNS, export_row

SEED = 20261122
ZONE = ZoneInfo("America/New_York")
FIRST_MONDAY = date(2026, 4, 27)
WEEKS = 30
AS_OF = FIRST_MONDAY + timedelta(weeks=WEEKS, days=-1)    # Sunday 2026-11-22
OUT = Path(__file__).resolve().parent / "athlete"
DESCRIPTION = "Synthetic example data from loadguard's examples/make_example.py; not a real athlete."

GHOST = "Brooks Ghost 15"        # replaced in July, retired-looking since
PEGASUS = "Nike Pegasus 40"      # the daily shoe, near its 700 km limit by November
SPEEDGOAT = "Hoka Speedgoat 5"   # trail shoe: a June trip, then the November switch
BIKE = "Trek Domane AL 2"
NEW_SHOES = date(2026, 7, 13)
SHOES = [(GHOST, "Brooks", "Ghost 15", "Run"), (PEGASUS, "Nike", "Pegasus 40", "Run"),
         (SPEEDGOAT, "Hoka", "Speedgoat 5", "Trail Run")]
BIKES = [(BIKE, "Trek", "Domane AL 2", "Ride")]

# Weekly running km: a spring build, down weeks every fourth week, a steady autumn.
# The last four full weeks (the detectors' 4-week base) are fixed by hand.
BASE_WEEKS = [38.0, 40.0, 35.0, 39.0]
BASE_LONG_RUNS = [14.0, 16.0, 13.0, 15.5]
TREADMILL_WEEKS = {4, 13, 20, 29}
UNTRACKED_WEEKS = {10, 27}           # a Saturday run logged without a shoe
TRAIL_TRIP_WEEKS = {6, 7}           # a June weekend trail trip


@dataclass
class Session:
    day: date
    at: time                 # local start
    label: str               # the export's Activity Type
    km: float
    name: str
    gear: str = ""
    climb_m_per_km: float = 0.0
    pace_s_per_km: float = 330.0
    description: str = ""            # added after the synthetic-data label
    private_note: str = ""
    cadence: float | None = None     # per leg, as Strava stores it; None: the usual random one


def week_km(week: int, rng: random.Random) -> float:
    if week >= WEEKS - 5 and week < WEEKS - 1:
        return BASE_WEEKS[week - (WEEKS - 5)]
    build = min(26.0 + 1.3 * week, 39.0)
    km = build * (0.75 if week % 4 == 3 else 1.0)
    return round(km + rng.uniform(-1.5, 1.5), 1)


def shoe_for(day: date) -> str:
    # The Ghost gave way to the Pegasus in July; a week of overlap while breaking them in.
    if day < NEW_SHOES:
        return GHOST
    if day < NEW_SHOES + timedelta(days=7):
        return GHOST if day.weekday() in (1, 3) else PEGASUS
    return PEGASUS


def ordinary_week(week: int, rng: random.Random) -> list[Session]:
    monday = FIRST_MONDAY + timedelta(weeks=week)
    total = week_km(week, rng)
    base_index = week - (WEEKS - 5)
    long_km = BASE_LONG_RUNS[base_index] if 0 <= base_index < 4 else round(min(max(0.38 * total, 10.0), 18.0), 1)
    rest = total - long_km
    shares = [0.30, 0.36, 0.34] if week % 2 else [0.27, 0.33, 0.22, 0.18]
    days = [1, 3, 5] if week % 2 else [1, 2, 3, 5]
    out: list[Session] = []
    for share, wd in zip(shares, days):
        day = monday + timedelta(days=wd)
        km = round(rest * share, 2)
        start = time(6, rng.randrange(10, 55, 5))
        if wd == 3 and week in TREADMILL_WEEKS:
            out.append(Session(day, time(18, 40), "Virtual Run", km, "Treadmill intervals 🌧️", "", 0.0, 300))
        elif wd == 3:
            out.append(Session(day, start, "Run", km, rng.choice(["Tempo Thursday", "6 x 800m", "Progression run"]),
                               shoe_for(day), rng.uniform(4, 8), 290))
        elif wd == 5 and week in TRAIL_TRIP_WEEKS:
            out.append(Session(day, time(8, 5), "Trail Run", km + 3.0, "Harriman loops, \"roots everywhere\"",
                               SPEEDGOAT, rng.uniform(32, 40), 420))
        elif wd == 5 and week in UNTRACKED_WEEKS:
            out.append(Session(day, start, "Run", km, "Easy, forgot to pick shoes", "", rng.uniform(4, 8), 345))
        else:
            out.append(Session(day, start, "Run", km, rng.choice(["Morning Run", "Easy miles", "Recovery jog",
                                                                  "Run with Dana, coffee after"]),
                               shoe_for(day), rng.uniform(4, 9), 340))
    sunday = monday + timedelta(days=6)
    out.append(Session(sunday, time(7, rng.randrange(30, 60, 5)), "Run", long_km,
                       rng.choice(["Long run", "Sunday long one", "Hudson River long run"]),
                       shoe_for(sunday), rng.uniform(5, 9), 350))
    return out


def cross_training(week: int, rng: random.Random) -> list[Session]:
    monday = FIRST_MONDAY + timedelta(weeks=week)
    out = []
    if week % 2 == 0:
        out.append(Session(monday, time(12, 10), "Swim", round(rng.uniform(1.8, 2.6), 2), "Lunch swim",
                           pace_s_per_km=1150))
    if 8 <= week <= 20 and week % 3 == 0:
        out.append(Session(monday + timedelta(days=5), time(14, 0), "Ride", round(rng.uniform(35, 65), 1),
                           "Afternoon ride", BIKE, rng.uniform(8, 12), 125))
    if week % 5 == 1:
        out.append(Session(monday + timedelta(days=4), time(18, 30), "Yoga", 0.0, "Yoga, hips and calves"))
    if week % 3 == 2:
        out.append(Session(monday + timedelta(days=2), time(19, 0), "Weight Training", 0.0,
                           "Gym: calves, glutes, foot strength"))
    return out


def switch_week() -> list[Session]:
    """The last week: road base, then trail, with a long trail run 40% over the month's longest."""
    monday = FIRST_MONDAY + timedelta(weeks=WEEKS - 1)
    return [
        Session(monday + timedelta(days=1), time(6, 20), "Run", 10.0, "Morning Run", PEGASUS, 6.0, 335),
        Session(monday + timedelta(days=2), time(6, 40), "Trail Run", 11.2, "First trail run since June",
                SPEEDGOAT, 34.0, 420),
        Session(monday + timedelta(days=3), time(18, 40), "Virtual Run", 8.0, "Treadmill intervals 🌧️", "",
                0.0, 300),
        Session(monday + timedelta(days=5), time(7, 15), "Trail Run", 9.3, "Palisades, up and down", SPEEDGOAT,
                38.0, 430),
        # Tired on the descents, long reaching strides: the step rate drops (stride.cadence), and the
        # runner's private note mentions the arch (symptoms.notes, symptoms.after_load).
        Session(monday + timedelta(days=6), time(7, 5), "Trail Run", 22.4, "Bear Mountain, \"finally\" 🏔️",
                SPEEDGOAT, 41.0, 440, private_note="Left arch tingling after about 15k, worse the longer I went.",
                cadence=76.0),
        Session(monday, time(12, 10), "Swim", 2.2, "Lunch swim", pace_s_per_km=1150),
    ]


# Notes on earlier runs, by day: one the matcher must pass over (effort, not a symptom),
# and a morning heel stiffness (symptoms.notes, with the plantar-fascia wording).
NOTES = {
    date(2026, 11, 12): {"description": "Burning pace on the last rep, legs burning on the way home."},
    date(2026, 11, 14): {"private_note": "Right heel stiff on the first steps this morning, fine once warm."},
}


def sessions(rng: random.Random) -> list[Session]:
    out: list[Session] = []
    for week in range(WEEKS - 1):
        out += ordinary_week(week, rng) + cross_training(week, rng)
    out += switch_week()
    out = [dataclasses.replace(s, **NOTES[s.day]) if s.day in NOTES and s.label == "Run" else s for s in out]
    return sorted(out, key=lambda s: (s.day, s.at))


def strava_date(utc: datetime) -> str:
    hour = utc.hour % 12 or 12
    return f"{utc:%b} {utc.day}, {utc.year}, {hour}:{utc:%M:%S} {'AM' if utc.hour < 12 else 'PM'}"


def row(activity_id: int, s: Session, rng: random.Random) -> list[str]:
    local = datetime.combine(s.day, s.at, ZONE) + timedelta(seconds=rng.randrange(0, 60))
    utc = local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    timed = s.km > 0
    moving = round(s.km * s.pace_s_per_km * rng.uniform(0.97, 1.03)) if timed else rng.randrange(2400, 3900, 60)
    elapsed = moving + rng.randrange(20, 240)
    metres = round(s.km * 1000.0, 1)
    climb = round(s.km * s.climb_m_per_km, 1)
    running = s.label in ("Run", "Trail Run", "Virtual Run")
    heart = rng.randrange(132, 158)
    cells = {
        ("Activity ID", 0): str(activity_id),
        ("Activity Date", 0): strava_date(utc),
        ("Activity Name", 0): s.name,
        ("Activity Type", 0): s.label,
        ("Activity Description", 0): f"{DESCRIPTION} {s.description}".strip(),
        ("Activity Private Note", 0): s.private_note,
        ("Elapsed Time", 0): str(elapsed),
        ("Distance", 0): f"{metres:.0f}" if s.label == "Swim" else f"{s.km:.2f}",
        ("Max Heart Rate", 0): f"{heart + rng.randrange(10, 25)}.0",
        ("Relative Effort", 0): f"{rng.randrange(15, 90)}.0",
        ("Commute", 0): "false",
        ("Activity Gear", 0): s.gear,
        ("Filename", 0): f"activities/{activity_id + 1_180_000_000}.fit.gz",
        ("Athlete Weight", 0): "64.0",
        ("Elapsed Time", 1): f"{elapsed}.0",
        ("Moving Time", 0): f"{moving}.0",
        ("Distance", 1): f"{metres:.1f}" if timed else "0.0",
        ("Max Speed", 0): f"{(metres / moving) * 1.4:.3f}" if timed else "",
        ("Average Speed", 0): f"{metres / moving:.3f}" if timed else "",
        ("Elevation Gain", 0): f"{climb:.1f}" if timed and s.label != "Swim" else "",
        ("Elevation Loss", 0): f"{climb * rng.uniform(0.95, 1.02):.1f}" if timed and s.label != "Swim" else "",
        ("Average Cadence", 0): f"{cadence(s, rng):.1f}" if running else "",
        ("Max Heart Rate", 1): f"{heart + rng.randrange(10, 25)}.0",
        ("Average Heart Rate", 0): f"{heart}.0",
        ("Calories", 0): f"{(s.km * 62 if timed else moving / 9):.0f}",
        ("Commute", 1): "0.0",
        ("From Upload", 0): "1.0",
    }
    return export_row(cells)


def cadence(s: Session, rng: random.Random) -> float:
    drawn = rng.uniform(82, 88)  # drawn even when overridden, so every later row stays the same
    return drawn if s.cadence is None else s.cadence


def csv_bytes(header: tuple[str, ...] | list[str], rows: list[list[str]], bom: bool) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + buf.getvalue().encode("utf-8")


def build() -> tuple[dict[str, bytes], list[Session]]:
    rng = random.Random(SEED)
    plan = sessions(rng)
    activity_id = 17_300_000_000
    rows = []
    for s in plan:
        activity_id += rng.randrange(20_000_000, 60_000_000)
        rows.append(row(activity_id, s, rng))
    files = {
        "activities.csv": csv_bytes(EXPORT_COLUMNS, rows, bom=True),
        "shoes.csv": csv_bytes(["Shoe Name", "Shoe Brand", "Shoe Model", "Shoe Default Sport Types"], SHOES, False),
        "bikes.csv": csv_bytes(["Bike Name", "Bike Brand", "Bike Model", "Bike Default Sport Types"], BIKES, False),
    }
    return files, plan


# What examples/README.md promises as of AS_OF: rule -> severity; and rules that must stay quiet.
# The long-run spike is an alert rather than a warn because the arch note on that
# run makes the volume rules judge with their stricter, symptoms-recent thresholds.
PROMISED = {"volume.weekly_load": "alert", "volume.long_run_spike": "alert",
            "terrain.trail_switch": "warn", "shoes.mileage": "info", "symptoms.notes": "warn",
            "symptoms.after_load": "warn", "stride.cadence": "info"}
QUIET = {"volume.comeback", "shoes.untracked", "symptoms.nerve"}
# The symptom entry examples/README.md tells the reader to log; a bulk export has no
# symptom log, so this one is typed in. With it, symptoms.nerve raises an alert.
LOGGED = {"day": AS_OF, "place": "arch", "side": "left", "kind": "tingling", "timing": "during",
          "intensity": 4, "note": "synthetic example entry"}


def check_targets(files: dict[str, bytes], plan: list[Session]) -> list[str]:
    """Run loadguard's own importer and detectors (default config) on the files about to be written."""
    import tempfile

    from loadguard import config as config_mod
    from loadguard.assess.assessment import Assessment
    from loadguard.sources.export import read_export
    from loadguard.store import Store
    from loadguard.symptoms import log as symptoms

    def strongest(warnings) -> dict[str, str]:
        out: dict = {}
        for w in warnings:
            out[w.rule] = max(out.get(w.rule, w.severity), w.severity)
        return {rule: severity.label for rule, severity in out.items()}

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "athlete"
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        settings = config_mod.load(Path(tmp) / "config.toml")       # absent: the defaults
        export = read_export(folder, ZONE, settings["running_types"])
        with Store.open(Path(tmp) / "loadguard.db") as store:
            store.upsert_activities(export.activities)
            store.upsert_gear(export.gear)
            warnings = Assessment(store, settings, AS_OF, AS_OF).findings(AS_OF)
            symptoms.add(store, **LOGGED)
            logged = strongest(Assessment(store, settings, AS_OF, AS_OF).findings(AS_OF))
    found = strongest(warnings)
    noted = {w.date for w in warnings if w.rule == "symptoms.notes"}
    runs = [s for s in plan if s.label in ("Run", "Trail Run", "Virtual Run")]
    span = (runs[-1].day - runs[0].day).days
    checks = {f"{rule} {severity}": found.get(rule) == severity for rule, severity in PROMISED.items()}
    checks.update({f"{rule} quiet": rule not in found for rule in QUIET})
    checks["notes: the heel and the arch, not the burning pace"] = noted == {date(2026, 11, 14), AS_OF}
    checks["with the logged entry: symptoms.nerve alert"] = logged.get("symptoms.nerve") == "alert"
    checks[f"{len(runs)} runs over {span} days (>= 6 months)"] = span >= 183
    for text, ok in checks.items():
        print(("ok   " if ok else "FAIL ") + text)
    print(f"all rules as of {AS_OF}: {', '.join(f'{r} {s}' for r, s in sorted(found.items()))}")
    return [text for text, ok in checks.items() if not ok]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the files on disk, write nothing")
    args = parser.parse_args()
    files, plan = build()
    if check_targets(files, plan):
        print("the example no longer shows what it promises", file=sys.stderr)
        return 1
    if args.check:
        stale = [n for n, data in files.items() if not (OUT / n).exists() or (OUT / n).read_bytes() != data]
        if stale:
            print(f"out of date: {', '.join(stale)}; rerun examples/make_example.py", file=sys.stderr)
            return 1
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (OUT / name).write_bytes(data)
    print(f"wrote {len(plan)} activities to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
