"""`loadguard import`: a Strava bulk export into the store."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import STRAVA_REAL, run
from strava_export import activity, csv_text, write_export, zip_folder

from loadguard import config as config_mod
from loadguard.assess import frames as frames_mod
from loadguard.sources.export import EXPORT_COLUMNS, gear_id, sport_type
from loadguard.store import Store

PEG = "Nike Pegasus 40"
GHOST = "Brooks Ghost 15, \"old\""
BIKE = "Canyon Endurace"


def quirky_rows() -> list[dict]:
    """An export holding every quirk of the real file (names taken from real Strava data)."""
    d = datetime(2024, 3, 4, 11, 0, 0)
    return [
        activity(101, d, "Run", 10.0105, name="Bagel Run 🥯", gear=PEG, elev_m=34.0),
        activity(102, d + timedelta(days=1), "Trail Run", 12.5, name='Palisades, "the long way"',
                 gear=PEG, elev_m=410.0),
        activity(103, d + timedelta(days=2), "Virtual Run", 8.0, name="Treadmill\nintervals", gear=""),
        # A swim: the first Distance is metres, and this one lacks the SI block entirely.
        activity(104, d + timedelta(days=2, hours=8), "Swim", 1.5, name="Pool", si_block=False),
        activity(105, d + timedelta(days=3), "Swim", 2.0, name="Open water"),
        activity(106, d + timedelta(days=4), "Ride", 61.3, name="Sunday spin", gear=BIKE, cadence=None),
        activity(107, d + timedelta(days=4, hours=6), "Weight Training", 0.0, name="Gym", elev_m=None),
        activity(108, d + timedelta(days=5), "Yoga", 0.0, name="Yoga", elev_m=None, cadence=None),
        activity(109, d + timedelta(days=6), "Hike", 6.2, name="Watchung Reservation", gear=PEG, elev_m=150.0),
        activity(110, d + timedelta(days=7), "Alpine Ski", 20.0, name="Ski day"),
        activity(111, d + timedelta(days=8), "Workout", 0.0, name="Core", elev_m=None),
        activity(112, d + timedelta(days=9), "Walk", 3.1, name="Dog walk"),
        activity(113, d + timedelta(days=10), "Run", 5.0, name="Old shoes", gear=GHOST, moving_s=None),
        # Empty cells where the device recorded nothing.
        activity(114, d + timedelta(days=11), "Run", 7.0, name="", elev_m=None, cadence=None),
        # A newer export writes a narrow no-break space before PM.
        activity(115, d + timedelta(days=12), "E-Bike Ride", 15.0, name="Commute", gear=BIKE,
                 extra={("Activity Date", 0): "Mar 16, 2024, 6:05:00\u202fPM"}),
    ]


def export_folder(tmp_path: Path, rows=None, **kw) -> Path:
    kw.setdefault("shoes", [("Nike Pegasus 40", "Nike", "Pegasus 40", "Run"),
                            ("Spare racers", "Saucony", "Endorphin Pro 3", "")])
    kw.setdefault("bikes", [(BIKE, "Canyon", "Endurace CF", "Ride")])
    return write_export(tmp_path / "export", quirky_rows() if rows is None else rows, **kw)


def db_rows(home: Path, table: str = "activities", *, stamps: bool = True) -> list[tuple]:
    """Every row; without `updated_at` when `stamps` is False (migrations add columns after it)."""
    conn = sqlite3.connect(home / "loadguard.db")
    try:
        cursor = conn.execute(f"SELECT * FROM {table} ORDER BY id")
        keep = [i for i, d in enumerate(cursor.description) if stamps or d[0] != "updated_at"]
        return [tuple(row[i] for i in keep) for row in cursor.fetchall()]
    finally:
        conn.close()


def stored(home: Path) -> tuple[dict[int, dict], dict[str, dict]]:
    conn = sqlite3.connect(home / "loadguard.db")
    conn.row_factory = sqlite3.Row
    try:
        acts = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM activities")}
        gear = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM gear")}
    finally:
        conn.close()
    return acts, gear


def summary(result) -> tuple[int, int, int, int, int]:
    m = re.fullmatch(r"imported (\d+) activit(?:y|ies) \((\d+) new, (\d+) updated, (\d+) unchanged\), "
                     r"(\d+) shoes? from .+\n", result.stdout)
    assert m, result.stdout
    return tuple(int(g) for g in m.groups())


# -- reading the real file's quirks ----------------------------------------------------------


def test_quirks_of_a_real_export_are_read_right(run_cli, home, tmp_path):
    result = run_cli("import", str(export_folder(tmp_path)), "--timezone", "America/New_York")
    assert result.exit_code == 0, result.stderr
    # 15 activities; shoes: Pegasus (listed and used), the unused spare pair, the Ghost used by a run.
    assert summary(result) == (15, 15, 0, 0, 3)
    acts, gear = stored(home)

    assert {i: a["sport_type"] for i, a in acts.items()} == {
        101: "Run", 102: "TrailRun", 103: "VirtualRun", 104: "Swim", 105: "Swim", 106: "Ride",
        107: "WeightTraining", 108: "Yoga", 109: "Hike", 110: "AlpineSki", 111: "Workout", 112: "Walk",
        113: "Run", 114: "Run", 115: "EBikeRide",
    }
    # The SI block wins (10010.5 m, not the 10.01 km shown first); a swim without it still reads metres.
    assert acts[101]["distance_m"] == 10010.5
    assert acts[104]["distance_m"] == 1500.0
    assert acts[105]["distance_m"] == 2000.0
    assert acts[101]["elapsed_s"] == acts[101]["moving_s"] + 45
    assert acts[101]["elev_gain_m"] == 34.0 and acts[101]["avg_cadence"] == 82.0
    # Names with emoji, commas, quotes and line breaks survive; an empty name is no name.
    assert acts[101]["name"] == "Bagel Run 🥯"
    assert acts[102]["name"] == 'Palisades, "the long way"'
    assert acts[103]["name"] == "Treadmill\nintervals"
    assert acts[114]["name"] is None and acts[114]["elev_gain_m"] is None and acts[114]["avg_cadence"] is None
    # UTC from the export, local wall-clock time from the zone (EST before 10 March 2024).
    assert acts[101]["start_utc"] == "2024-03-04T11:00:00Z"
    assert acts[101]["start_local"] == "2024-03-04T06:00:00"
    assert acts[115]["start_utc"] == "2024-03-16T18:05:00Z"
    assert acts[115]["start_local"] == "2024-03-16T14:05:00"  # EDT from 10 March
    # A virtual run is a treadmill run; nothing else here is.
    assert [i for i, a in acts.items() if a["trainer"]] == [103]
    assert all(a["source"] == "export" and not a["manual"] and not a["deleted"] for a in acts.values())

    peg, ghost, bike, spare = (gear_id(n) for n in (PEG, GHOST, BIKE, "Spare racers"))
    assert acts[101]["gear_id"] == peg and acts[106]["gear_id"] == bike and acts[113]["gear_id"] == ghost
    assert acts[103]["gear_id"] is None
    assert set(gear) == {peg, ghost, bike, spare}
    assert gear[peg]["kind"] == "shoe" and (gear[peg]["brand"], gear[peg]["model"]) == ("Nike", "Pegasus 40")
    assert gear[ghost]["kind"] == "shoe" and gear[ghost]["name"] == GHOST
    assert gear[bike]["kind"] == "bike"
    assert gear[spare]["kind"] == "shoe" and gear[spare]["distance_m"] == 0.0


def test_gear_distance_is_the_sum_of_all_its_activities(run_cli, home, tmp_path):
    assert run_cli("import", str(export_folder(tmp_path))).exit_code == 0
    _, gear = stored(home)
    # Pegasus: run 10.0105 km + trail run 12.5 km + hike 6.2 km.
    assert gear[gear_id(PEG)]["distance_m"] == pytest.approx(10010.5 + 12500.0 + 6200.0)
    assert gear[gear_id(BIKE)]["distance_m"] == pytest.approx(61300.0 + 15000.0)
    assert gear[gear_id(GHOST)]["distance_m"] == pytest.approx(5000.0)


def test_gear_used_only_by_rides_is_a_bike_even_when_not_listed(run_cli, home, tmp_path):
    d = datetime(2024, 5, 1, 12)
    rows = [activity(1, d, "Ride", 40, gear="Gravel bike"), activity(2, d, "Virtual Ride", 30, gear="Gravel bike"),
            activity(3, d, "Run", 8, gear="Road shoes"), activity(4, d, "Ride", 10, gear="Road shoes")]
    assert run_cli("import", str(write_export(tmp_path / "e", rows))).exit_code == 0
    _, gear = stored(home)
    assert gear[gear_id("Gravel bike")]["kind"] == "bike"
    # Worn on a run at least once: a shoe, whatever else it did.
    assert gear[gear_id("Road shoes")]["kind"] == "shoe"


def test_activities_naming_gear_by_brand_and_model_join_the_listed_nickname(run_cli, home, tmp_path):
    rows = [activity(1, datetime(2024, 5, 1, 12), "Run", 8, gear="Hoka Speedgoat 5")]
    folder = write_export(tmp_path / "e", rows, shoes=[("Mud pair", "Hoka", "Speedgoat 5", "Trail Run")])
    assert run_cli("import", str(folder)).exit_code == 0
    acts, gear = stored(home)
    assert list(gear) == [gear_id("Mud pair")]
    assert acts[1]["gear_id"] == gear_id("Mud pair") and gear[gear_id("Mud pair")]["distance_m"] == 8000.0


def test_gear_ids_are_stable_readable_and_distinct():
    assert gear_id("Nike Pegasus 40") == gear_id("  nike  pegasus 40 ")
    assert re.fullmatch(r"export-nike-pegasus-40-[0-9a-f]{8}", gear_id("Nike Pegasus 40"))
    assert gear_id("Pegasus 40") != gear_id("Pegasus-40")
    assert gear_id("Ботинки") != gear_id("Кеды")


@pytest.mark.parametrize("label, expected", [
    ("Run", "Run"), ("Trail Run", "TrailRun"), ("Virtual Run", "VirtualRun"), ("Ride", "Ride"),
    ("Virtual Ride", "VirtualRide"), ("Swim", "Swim"), ("Walk", "Walk"), ("Hike", "Hike"),
    ("Weight Training", "WeightTraining"), ("Yoga", "Yoga"), ("Alpine Ski", "AlpineSki"),
    ("Backcountry Ski", "BackcountrySki"), ("Nordic Ski", "NordicSki"), ("Workout", "Workout"),
    ("E-Bike Ride", "EBikeRide"), ("Stair-Stepper", "StairStepper"), ("Rock Climb", "RockClimbing"),
    ("HIIT", "HighIntensityIntervalTraining"), ("Stand Up Paddling", "StandUpPaddling"),
    ("TrailRun", "TrailRun"),
])
def test_activity_labels_become_api_sport_types(label, expected):
    assert sport_type(label) == expected


def test_swims_and_rides_are_stored_but_never_count_as_running(run_cli, home, tmp_path):
    # Six steady weeks of 20 km running, then a week of the same running plus
    # 12 km of swimming and 120 km of riding: no load jump for a runner.
    end = date(2024, 6, 30)
    run_days = [end - timedelta(days=i) for i in range(49) if i % 7 in (0, 2, 4, 5)]
    rows = [activity(n, datetime.combine(day, datetime.min.time()) + timedelta(hours=12), "Run", 5.0, gear=PEG)
            for n, day in enumerate(run_days, start=1)]
    n = len(rows) + 1
    for i in range(3):
        rows.append(activity(n, datetime(2024, 6, 25 + i, 18), "Swim", 4.0))
        rows.append(activity(n + 1, datetime(2024, 6, 25 + i, 7), "Ride", 40.0))
        n += 2
    assert run_cli("import", str(write_export(tmp_path / "e", rows))).exit_code == 0
    acts, _ = stored(home)
    assert sum(1 for a in acts.values() if a["sport_type"] in ("Swim", "Ride")) == 6

    with Store.open(home / "loadguard.db") as store:
        frames = frames_mod.build(store, config_mod.load(home / "config.toml"), end)
    assert set(frames.runs["sport_type"]) == {"Run"}
    assert len(frames.runs) == 28

    checked = run_cli("check", "--as-of", end.isoformat(), "--format", "json")
    assert checked.exit_code == 0, checked.stderr
    assert "volume.weekly_load" not in {w["rule"] for w in json.loads(checked.stdout)["warnings"]}


def test_trainer_and_manual_columns_are_honoured_when_present(run_cli, home, tmp_path):
    d = datetime(2024, 5, 1, 12)
    rows = [activity(1, d, "Run", 8, extra={("Trainer", 0): "true"}),
            activity(2, d + timedelta(days=1), "Run", 8, extra={("Trainer", 0): "false", ("From Upload", 0): "0.0"}),
            activity(3, d + timedelta(days=2), "Virtual Run", 5, extra={("Trainer", 0): ""})]
    path = tmp_path / "activities.csv"
    path.write_text(csv_text(rows, columns=(*EXPORT_COLUMNS, "Trainer")), encoding="utf-8")
    assert run_cli("import", str(path)).exit_code == 0
    acts, _ = stored(home)
    assert [(i, a["trainer"], a["manual"]) for i, a in sorted(acts.items())] == [(1, 1, 0), (2, 0, 1), (3, 1, 0)]


def test_races_and_long_runs_flagged_in_the_export_keep_their_workout_type(run_cli, home, tmp_path):
    # the export's "Competition" / "Long Run" columns, as the API's workout_type (1 race, 2 long run)
    d = datetime(2024, 5, 1, 12)
    rows = [activity(1, d, "Run", 21.1, extra={("Competition", 0): "1.0"}),
            activity(2, d + timedelta(days=1), "Run", 25, extra={("Long Run", 0): "true"}),
            activity(3, d + timedelta(days=2), "Run", 8, extra={("Competition", 0): "0.0", ("Long Run", 0): ""}),
            activity(4, d + timedelta(days=3), "Run", 8, extra={("Competition", 0): "maybe"})]
    path = tmp_path / "activities.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    assert run_cli("import", str(path)).exit_code == 0
    acts, _ = stored(home)
    assert [(i, a["workout_type"]) for i, a in sorted(acts.items())] == [(1, 1), (2, 2), (3, None), (4, None)]


# -- where the export comes from --------------------------------------------------------------


def test_zip_folder_and_csv_give_the_same_store(run_cli, home, tmp_path):
    folder = export_folder(tmp_path)
    nested_zip = zip_folder(folder, tmp_path / "export_1234.zip", inside="export_1234/")
    flat_zip = zip_folder(folder, tmp_path / "flat.zip")
    results = []
    for target in (folder, folder / "activities.csv", nested_zip, flat_zip, tmp_path):
        for name in ("loadguard.db", "loadguard.db-wal", "loadguard.db-shm"):
            (home / name).unlink(missing_ok=True)
        result = run_cli("import", str(target), "--timezone", "Europe/Berlin")
        assert result.exit_code == 0, (target, result.stderr)
        assert result.stdout.endswith(f"from {target}\n")
        results.append((db_rows(home, stamps=False), db_rows(home, "gear", stamps=False)))
    # tmp_path holds the export one folder down, as unpacking a zip often leaves it.
    assert all(r == results[0] for r in results[1:])
    acts, gear = results[0]
    assert len(acts) == 15 and len(gear) == 4  # shoes.csv and bikes.csv were found every time


def test_a_lone_csv_with_another_name_imports_without_gear_lists(run_cli, home, tmp_path):
    path = tmp_path / "my-strava.csv"
    path.write_text(csv_text(quirky_rows()), encoding="utf-8")
    result = run_cli("import", str(path))
    assert result.exit_code == 0, result.stderr
    _, gear = stored(home)
    assert gear_id("Spare racers") not in gear  # only in shoes.csv, which is not beside this file
    assert gear[gear_id(PEG)]["brand"] is None


# -- repeating an import ----------------------------------------------------------------------


def test_second_import_of_the_same_export_changes_nothing(run_cli, home, tmp_path):
    folder = export_folder(tmp_path)
    assert run_cli("import", str(folder)).exit_code == 0
    before = db_rows(home), db_rows(home, "gear")
    time.sleep(1.1)  # updated_at has one-second resolution: a rewrite would show
    again = run_cli("import", str(folder))
    assert again.exit_code == 0
    assert summary(again) == (15, 0, 0, 15, 3)
    assert (db_rows(home), db_rows(home, "gear")) == before


def test_a_newer_export_updates_changed_rows_and_adds_new_ones(run_cli, home, tmp_path):
    rows = quirky_rows()
    assert run_cli("import", str(export_folder(tmp_path, rows))).exit_code == 0
    rows[0][("Activity Name", 0)] = "Bagel Run 🥯 (renamed)"
    rows.append(activity(116, datetime(2024, 3, 20, 11), "Run", 9.0, gear=PEG))
    newer = export_folder(tmp_path / "newer", rows)
    result = run_cli("import", str(newer))
    assert summary(result) == (16, 1, 1, 14, 3)
    acts, gear = stored(home)
    assert acts[101]["name"] == "Bagel Run 🥯 (renamed)"
    assert acts[116]["gear_id"] == gear_id(PEG)
    assert gear[gear_id(PEG)]["distance_m"] == pytest.approx(10010.5 + 12500.0 + 6200.0 + 9000.0)


def test_rows_synced_from_the_api_are_never_overwritten(run_cli, home, tmp_path):
    api = run(date(2024, 3, 4), 10.5, id=101, gear_id="g19999385", name="From the API")
    api["source"] = "strava"
    with Store.open(home / "loadguard.db") as store:
        store.upsert_activities([api])
        store.upsert_gear([{"id": "g19999385", "name": "Nike Pegasus 40", "kind": "shoe",
                            "distance_m": 752427.0, "source": "strava"}])
    before = [r for r in db_rows(home) if r[0] == 101]

    result = run_cli("import", str(export_folder(tmp_path)))
    assert result.exit_code == 0, result.stderr
    assert summary(result) == (15, 14, 0, 1, 3)
    assert [r for r in db_rows(home) if r[0] == 101] == before
    acts, gear = stored(home)
    # The export's "Nike Pegasus 40" is the shoe the API already knows: one shoe, Strava's total kept.
    assert acts[102]["gear_id"] == "g19999385"
    assert gear_id(PEG) not in gear
    assert gear["g19999385"]["distance_m"] == 752427.0 and gear["g19999385"]["source"] == "strava"


def test_a_shoe_imported_before_the_api_synced_it_is_not_counted_twice(run_cli, home, tmp_path):
    folder = export_folder(tmp_path)
    assert run_cli("import", str(folder)).exit_code == 0
    assert gear_id(PEG) in stored(home)[1]
    # Later the runner syncs from the API, which knows the same shoe by its Strava id.
    with Store.open(home / "loadguard.db") as store:
        store.upsert_gear([{"id": "g19999385", "name": PEG, "kind": "shoe", "distance_m": 800000.0,
                            "source": "strava"}])
    result = run_cli("import", str(folder))
    assert summary(result)[2] == 3  # the three activities worn in that shoe now point at the API's id
    acts, gear = stored(home)
    assert gear_id(PEG) not in gear
    assert {acts[i]["gear_id"] for i in (101, 102, 109)} == {"g19999385"}
    shoes = run_cli("shoes")
    assert shoes.stdout.count(PEG) == 1


# -- local days ---------------------------------------------------------------------------------


def early_utc_run(tmp_path: Path) -> Path:
    # 02:30 UTC on 4 March is still 3 March in New York.
    return write_export(tmp_path / "e", [activity(1, datetime(2024, 3, 4, 2, 30), "Run", 10.0),
                                         activity(2, datetime(2024, 7, 4, 2, 30), "Run", 10.0)])


def test_timezone_option_decides_the_local_day(run_cli, home, tmp_path):
    assert run_cli("import", str(early_utc_run(tmp_path)), "--timezone", "America/New_York").exit_code == 0
    acts, _ = stored(home)
    assert acts[1]["start_local"] == "2024-03-03T21:30:00"   # EST, UTC-5
    assert acts[2]["start_local"] == "2024-07-03T22:30:00"   # EDT, UTC-4
    with Store.open(home / "loadguard.db") as store:
        frames = frames_mod.build(store, config_mod.load(home / "config.toml"), date(2024, 3, 3))
    assert [d.date() for d in frames.runs["day"]] == [date(2024, 3, 3)]


def test_config_timezone_applies_and_the_option_wins(run_cli, home, tmp_path):
    (home / "config.toml").write_text('timezone = "Asia/Tokyo"\n')
    folder = early_utc_run(tmp_path)
    assert run_cli("import", str(folder)).exit_code == 0
    assert stored(home)[0][1]["start_local"] == "2024-03-04T11:30:00"
    result = run_cli("import", str(folder), "--timezone", "America/New_York")
    assert summary(result)[2] == 2  # both rows moved to New York time
    assert stored(home)[0][1]["start_local"] == "2024-03-03T21:30:00"


def test_without_a_zone_the_machines_zone_is_used_per_date(run_cli, home, tmp_path, monkeypatch):
    folder = early_utc_run(tmp_path)
    try:
        with monkeypatch.context() as m:
            m.setenv("TZ", "America/New_York")
            time.tzset()
            assert run_cli("import", str(folder)).exit_code == 0
    finally:
        time.tzset()
    acts, _ = stored(home)
    assert acts[1]["start_local"] == "2024-03-03T21:30:00"
    assert acts[2]["start_local"] == "2024-07-03T22:30:00"


def test_an_unknown_timezone_is_one_line_and_writes_nothing(run_cli, home, tmp_path):
    result = run_cli("import", str(early_utc_run(tmp_path)), "--timezone", "Mars/Olympus")
    assert result.exit_code == 3
    assert result.stderr.startswith("loadguard: timezone 'Mars/Olympus'") and result.stderr.count("\n") == 1
    assert not (home / "loadguard.db").exists()


# -- broken exports --------------------------------------------------------------------------------


def _break_cell(rows, row_index, column, value):
    rows[row_index][(column, 0)] = value
    rows[row_index].pop((column, 1), None)
    return rows


def bad_exports(tmp_path: Path) -> dict[str, tuple[Path, list[str]]]:
    """name -> (path, words the one error line must hold)."""
    out: dict[str, tuple[Path, list[str]]] = {}

    def folder_with(name, rows):
        return export_folder(tmp_path / name, rows)

    rows = quirky_rows()
    out["bad date"] = (folder_with("d", _break_cell(rows, 2, "Activity Date", "yesterday")),
                       ["activities.csv line 4", "Activity Date", "yesterday"])
    rows = quirky_rows()
    out["bad number"] = (folder_with("n", _break_cell(rows, 13, "Distance", "7,0 km")),
                         ["activities.csv line 16", "Distance", "7,0 km"])
    rows = quirky_rows()
    out["bad id"] = (folder_with("i", _break_cell(rows, 0, "Activity ID", "abc")),
                     ["line 2", "Activity ID", "abc"])
    rows = quirky_rows()
    rows[5][("Activity ID", 0)] = rows[4][("Activity ID", 0)]
    out["duplicate id"] = (folder_with("dup", rows), ["line 8", "105", "line 7"])  # row 4 spans two lines

    missing = tmp_path / "missing" / "activities.csv"
    missing.parent.mkdir()
    missing.write_text(csv_text(quirky_rows(), columns=("Activity ID", "Activity Name", "Distance")))
    out["missing columns"] = (missing, ["missing columns", "'Activity Date'", "'Activity Type'"])

    no_csv = tmp_path / "no-activities.zip"
    with zipfile.ZipFile(no_csv, "w") as archive:
        archive.writestr("profile.csv", "Athlete ID\n1\n")
    out["zip without activities.csv"] = (no_csv, ["no-activities.zip", "no activities.csv"])

    png = tmp_path / "activities.csv.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    out["binary file"] = (png, ["activities.csv.png", "not a CSV"])

    text = tmp_path / "notes.txt"
    text.write_text("Dear diary,\nran 10k today.\n")
    out["some other text"] = (text, ["notes.txt", "missing columns"])

    latin = tmp_path / "latin1.csv"
    latin.write_bytes(csv_text(quirky_rows()[:1]).replace("Bagel Run 🥯", "Café").encode("latin-1"))
    out["not utf-8"] = (latin, ["latin1.csv", "not UTF-8"])

    # a deflated activities.csv whose compressed bytes were damaged in transit
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("activities.csv", csv_text(quirky_rows() * 40))
    data = bytearray(damaged.read_bytes())
    start = 30 + len("activities.csv")          # after the local file header
    data[start:start + 40] = bytes(b ^ 0xFF for b in data[start:start + 40])
    damaged.write_bytes(bytes(data))
    out["damaged zip"] = (damaged, ["damaged.zip", "cannot read the zip"])

    # Python cannot write encrypted zips: set the "encrypted" flag by hand
    locked = tmp_path / "locked.zip"
    with zipfile.ZipFile(locked, "w") as archive:
        archive.writestr("activities.csv", csv_text(quirky_rows()))
    data = bytearray(locked.read_bytes())
    data[6] |= 1                                  # local header's flag bits
    data[data.find(b"PK\x01\x02") + 8] |= 1      # the central directory's
    locked.write_bytes(bytes(data))
    out["encrypted zip"] = (locked, ["locked.zip", "password"])

    out["no such path"] = (tmp_path / "nowhere.zip", ["nowhere.zip", "no such file"])
    # An empty folder is an empty watch folder (nothing to import); one with other files is no export.
    other_dir = tmp_path / "documents"
    other_dir.mkdir()
    (other_dir / "notes.txt").write_text("not a run\n")
    out["folder without export"] = (other_dir, ["documents", "no activities.csv"])
    return out


BAD_CASES = ["bad date", "bad number", "bad id", "duplicate id", "missing columns", "zip without activities.csv",
             "binary file", "some other text", "not utf-8", "no such path", "folder without export",
             "damaged zip", "encrypted zip"]


@pytest.mark.parametrize("case", BAD_CASES)
def test_a_bad_export_is_one_line_and_leaves_the_store_byte_for_byte(run_cli, home, tmp_path, case):
    good = write_export(tmp_path / "good", [activity(9, datetime(2024, 1, 2, 12), "Run", 5.0, gear=PEG)])
    assert run_cli("import", str(good)).exit_code == 0
    files = sorted(home.iterdir())
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}

    path, words = bad_exports(tmp_path)[case]
    result = run_cli("import", str(path))

    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr.startswith("loadguard: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(home.iterdir())} == before


def test_a_damaged_row_with_extra_fields_is_refused(run_cli, home, tmp_path):
    folder = export_folder(tmp_path)
    text = (folder / "activities.csv").read_text(encoding="utf-8-sig").splitlines()
    text[1] += ",surplus"
    (folder / "activities.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    result = run_cli("import", str(folder))
    assert result.exit_code == 3 and "line 2" in result.stderr and "damaged" in result.stderr
    assert not (home / "loadguard.db").exists()


# -- the real data's shape ---------------------------------------------------------------------------


def _label(sport: str) -> str:
    """The export's label for an API sport type: words split at capitals ("TrailRun" -> "Trail Run")."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", sport)


@pytest.mark.skipif(not (STRAVA_REAL / "activities.json").exists(), reason="../shared/strava-real is absent")
def test_the_real_recorded_history_imports_as_an_export(run_cli, home, tmp_path):
    """Write the real API history (1,132 activities) as an export and import it.

    Local times computed from UTC and the runner's zone must match what the API
    reported as local, and shoe totals summed from the export must match Strava's.
    """
    acts = json.loads((STRAVA_REAL / "activities.json").read_text())
    athlete = json.loads((STRAVA_REAL / "athlete.json").read_text())
    names = {s["id"]: s["name"] for s in athlete["shoes"]}
    rows = []
    for a in acts:
        start = datetime.strptime(a["start_date"], "%Y-%m-%dT%H:%M:%SZ")
        sport = a.get("sport_type") or a["type"]
        gear = names.get(a["gear_id"], f"Shoe {a['gear_id']}") if a.get("gear_id") else ""
        rows.append(activity(a["id"], start, _label(sport), a["distance"] / 1000.0, name=a["name"], gear=gear,
                             elev_m=a.get("total_elevation_gain"), moving_s=a["moving_time"],
                             cadence=a.get("average_cadence")))
    folder = write_export(tmp_path / "real", rows)
    result = run_cli("import", str(folder), "--timezone", "America/New_York")
    assert result.exit_code == 0, result.stderr
    assert summary(result)[:2] == (1132, 1132)

    stored_acts, gear = stored(home)
    by_id = {a["id"]: a for a in acts}
    new_york = [i for i, a in by_id.items() if "America/New_York" in a["timezone"]]
    assert len(new_york) > 500
    assert all(stored_acts[i]["start_local"] == by_id[i]["start_date_local"].rstrip("Z") for i in new_york)
    assert {a["sport_type"] for a in stored_acts.values()} == {a["sport_type"] for a in acts}

    switch = gear[gear_id("Adidas Switch FWD 2")]
    assert switch["distance_m"] == pytest.approx(752427, abs=50)  # Strava's own total for that shoe
    running = config_mod.DEFAULTS["running_types"]
    assert sum(1 for a in stored_acts.values() if a["sport_type"] in running) == 902 + 6
