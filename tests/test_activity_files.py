"""`loadguard import` of FIT, GPX and TCX files: the real sample runs, folders, zips,
cron use, broken files, one run arriving from two sources, and source plugins."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sqlite3
import textwrap
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from activity_files import gpx_text, tcx_text, truncated_fit, write
from conftest import SHARED, run, steady_weeks
from strava_export import activity, write_export

from loadguard.sources.files import collect
from loadguard.sources.files.track import smoothed_gain
from loadguard.store import Store, schema

FILES = SHARED / "activity-files"
needs_files = pytest.mark.skipif(not (FILES / "manifest.json").is_file(), reason="../shared/activity-files absent")
START = datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)


def rows(home: Path) -> list[dict]:
    conn = sqlite3.connect(home / "loadguard.db")
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM activities ORDER BY start_utc")]
    finally:
        conn.close()


def digest(home: Path) -> str:
    return hashlib.sha256((home / "loadguard.db").read_bytes()).hexdigest()


# -- the ten real runs -----------------------------------------------------------------------


@needs_files
def test_the_real_files_import_with_the_figures_their_readme_lists(run_cli, home):
    manifest = json.loads((FILES / "manifest.json").read_text())["files"]
    result = run_cli("import", str(FILES))
    # The folder also holds README.md, manifest.json and five licence texts: plainly not
    # activities, so left alone and counted, not failures (a cron `import && check` goes on).
    assert result.exit_code == 0
    assert result.stderr == ""
    assert "7 files that are not activities left alone" in result.stdout
    stored = {r["start_utc"]: r for r in rows(home)}
    assert len(stored) == 10
    for name, item in manifest.items():
        m = item["measured"]
        start = m["start"][:19].replace(" ", "T") + "Z"
        row = stored[start]
        assert row["id"] == -int(datetime.fromisoformat(start[:-1]).replace(tzinfo=timezone.utc).timestamp())
        assert row["sport_type"] == "Run", name
        assert row["source"] == "files"
        assert round(row["distance_m"] / 1000, 2) == pytest.approx(m["distance_km"], abs=0.01), name
        assert row["elapsed_s"] == pytest.approx(m["elapsed_s"], abs=1.5), name
        assert row["moving_s"] == pytest.approx(m["timer_s"], abs=1.5), name
        if m["format"] in ("FIT", "GPX") and m["ascent_m"] is not None:
            # The watch's own total (FIT) and gpxpy's smoothed climb (GPX), as the README lists.
            assert row["elev_gain_m"] == pytest.approx(m["ascent_m"], abs=0.5), name
        elif m["format"] == "TCX":
            # The README sums every raw step; smoothing keeps the climb, drops some noise.
            assert 0.6 * m["ascent_m"] <= row["elev_gain_m"] < m["ascent_m"], name
        else:  # Stryd: no session ascent; ~83 m raw from the records
            assert 60 <= row["elev_gain_m"] < m["ascent_from_records_raw"], name
    by_name = {n: stored[i["measured"]["start"][:19].replace(" ", "T") + "Z"] for n, i in manifest.items()}
    # Steps per minute: FIT and GPX count strides of one leg.
    assert by_name["python-fitparse_activity-small-fenix2-run.fit"]["cadence_spm"] == pytest.approx(163, abs=2)
    assert by_name["runpandas_stopped_example.gpx"]["cadence_spm"] == pytest.approx(170, abs=1)
    assert by_name["runpandas_run_garmin.tcx"]["cadence_spm"] == pytest.approx(171, abs=3)
    assert by_name["derailleur_morning-trail-run.fit"]["cadence_spm"] == pytest.approx(131, abs=4)
    assert by_name["python-fitparse_2013-02-06-12-11-14.fit"]["cadence_spm"] is None
    # FIT files with a local clock put the run on the runner's day, not UTC's.
    assert by_name["workoutizer_example.fit"]["start_local"] == "2019-09-14T17:22:05"
    trail = by_name["derailleur_morning-trail-run.fit"]
    assert trail["steep_share"] > 0.35 > by_name["workoutizer_example.fit"]["steep_share"]


@needs_files
def test_smoothing_brings_the_fenix_climb_near_the_watch_figure():
    from loadguard.sources.files import fit

    track = fit.parse((FILES / "python-fitparse_activity-small-fenix2-run.fit").read_bytes())
    raw = sum(max(b - a, 0) for a, b in zip(track.altitude, track.altitude[1:]) if a is not None and b is not None)
    assert raw == pytest.approx(257, abs=1)
    assert smoothed_gain(track.seconds, track.altitude) == pytest.approx(64, abs=8)


@needs_files
def test_a_trail_run_labelled_street_counts_as_trail(run_cli, home, store, check_json, tmp_path):
    trail_day = date(2025, 4, 10)
    store.upsert_activities(steady_weeks(trail_day, 8, 30.0))
    target = tmp_path / "watch"
    target.mkdir()
    (target / "trail.fit").write_bytes((FILES / "derailleur_morning-trail-run.fit").read_bytes())
    assert run_cli("import", str(target)).exit_code == 0
    [warning] = [w for w in check_json(date(2025, 4, 11)) if w["rule"] == "terrain.trail_switch"]
    assert warning["evidence"]["trail_km"] == 20.3
    (home / "config.toml").write_text("[trail]\nsteep_share = 0\n")
    assert not [w for w in check_json(date(2025, 4, 11)) if w["rule"] == "terrain.trail_switch"]


# -- folders, zips, gzip, cron -------------------------------------------------------------------


def watch_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "GARMIN" / "Activity"
    write(folder / "a.gpx", gpx_text(START))
    write(folder / "2026" / "b.gpx.gz", gpx_text(START.replace(day=4), km=8.0), gz=True)
    write(folder / "c.tcx", tcx_text(START.replace(day=6)))
    return folder


def test_a_folder_is_read_recursively_and_a_second_run_is_silent(run_cli, home, tmp_path):
    folder = watch_folder(tmp_path)
    first = run_cli("import", str(folder), "--quiet")
    assert (first.exit_code, first.stdout, first.stderr) == (0, "", "")
    stored = rows(home)
    assert [round(r["distance_m"] / 1000) for r in stored] == [5, 8, 3]
    assert stored[0]["cadence_spm"] == 170.0
    before = digest(home)
    again = run_cli("import", str(folder), "--quiet")
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")
    assert run_cli("import", str(folder)).stdout.endswith("3 files read before, skipped\n")
    assert rows(home) == stored and digest(home) == before
    write(folder / "d.gpx", gpx_text(START.replace(day=8), km=12.0))
    third = run_cli("import", str(folder))
    assert third.stdout.startswith("imported 1 activity (1 new, 0 updated, 0 unchanged)")
    assert len(rows(home)) == 4


def test_a_copy_of_a_file_elsewhere_is_the_same_activity(run_cli, home, tmp_path):
    write(tmp_path / "one" / "run.gpx", gpx_text(START))
    write(tmp_path / "two" / "renamed.gpx", gpx_text(START))
    assert run_cli("import", str(tmp_path / "one")).exit_code == 0
    assert run_cli("import", str(tmp_path / "two")).exit_code == 0
    assert len(rows(home)) == 1


def test_a_zip_of_files_with_other_members(run_cli, home, tmp_path):
    archive = tmp_path / "runs.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("runs/a.gpx", gpx_text(START))
        z.writestr("runs/b.tcx.gz", gzip.compress(tcx_text(START.replace(day=3)).encode()))
        z.writestr("runs/photo.jpg", b"\xff\xd8\xff\xe0 not a run")
        z.writestr("runs/bomb.gpx", bytes(collect.MAX_FILE_BYTES + 1))  # deflates to ~64 KiB
    result = run_cli("import", str(archive))
    assert result.exit_code == 3
    # the photo is plainly no activity: left alone and counted; the broken run gets its line
    assert result.stderr == f"loadguard: {archive}:runs/bomb.gpx: inflates to more than 64 MiB\n"
    assert "1 file that is not an activity left alone" in result.stdout
    assert len(rows(home)) == 2
    quiet = run_cli("import", str(archive), "--quiet")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")


def test_non_running_files_are_stored_but_not_run(run_cli, home, tmp_path, check_json):
    write(tmp_path / "ride.gpx", gpx_text(START, km=40.0, sport="cycling"))
    write(tmp_path / "strava.gpx", gpx_text(START.replace(day=3), km=6.0, sport="9"))
    assert run_cli("import", str(tmp_path)).exit_code == 0
    assert [r["sport_type"] for r in rows(home)] == ["Ride", "Run"]
    from loadguard import config
    from loadguard.assess import frames

    with Store.open(home / "loadguard.db") as s:
        built = frames.build(s, config.load(home / "config.toml"), date(2026, 3, 10))
    assert list(built.runs["distance_km"].round()) == [6.0]


# -- bad input --------------------------------------------------------------------------------


def test_each_broken_file_is_one_line_and_the_rest_is_imported(run_cli, home, tmp_path):
    folder = tmp_path / "in"
    write(folder / "good.gpx", gpx_text(START))
    write(folder / "truncated.fit", truncated_fit())
    write(folder / "no-times.gpx", gpx_text(None))
    write(folder / "no-laps.tcx", tcx_text(START, laps=False))
    write(folder / "really-a-png.gpx", b"\x89PNG\r\n\x1a\n" + bytes(200))
    write(folder / "broken.gpx.gz", b"\x1f\x8b\x08\x00" + bytes(20))
    write(folder / "bomb.gpx.gz", bytes(collect.MAX_FILE_BYTES + 1), gz=True)
    os.mkfifo(folder / "pipe.fit")
    write(folder / "year-1600.gpx", gpx_text(datetime(1600, 1, 1, tzinfo=timezone.utc), km=1.0))
    result = run_cli("import", str(folder))
    assert result.exit_code == 3
    lines = sorted(result.stderr.splitlines())
    expected = {
        "bomb.gpx.gz": "inflates to more than 64 MiB",
        "broken.gpx.gz": "gzip",
        "no-laps.tcx": "no laps",
        "no-times.gpx": "no timestamps",
        "pipe.fit": "not a regular file",
        "really-a-png.gpx": "not a FIT, GPX or TCX file",
        "truncated.fit": "not a readable FIT file",
        "year-1600.gpx": "impossible values",
    }
    assert len(lines) == len(expected), lines
    for line, (name, words) in zip(lines, sorted(expected.items())):
        assert line.startswith(f"loadguard: {folder / name}: ") and words in line, line
    assert "Traceback" not in result.stderr
    assert [round(r["distance_m"] / 1000, 1) for r in rows(home)] == [5.0]
    # Remembered: the next hourly run says nothing about them again.
    again = run_cli("import", str(folder), "--quiet")
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")


def test_a_failure_while_writing_leaves_the_store_as_it_was(run_cli, home, tmp_path, monkeypatch):
    write(tmp_path / "in" / "a.gpx", gpx_text(START))
    assert run_cli("import", str(tmp_path / "in")).exit_code == 0
    write(tmp_path / "in" / "b.gpx", gpx_text(START.replace(day=9)))
    before = digest(home)

    def broken(self, marks):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Store, "remember_files", broken)
    result = run_cli("import", str(tmp_path / "in"))
    assert result.exit_code == 3 and result.stderr == "loadguard: store error: disk I/O error\n"
    assert len(rows(home)) == 1 and digest(home) == before


def test_a_single_file_with_an_unknown_extension_is_refused(run_cli, home, tmp_path):
    path = write(tmp_path / "run.kml", "<kml/>")
    result = run_cli("import", str(path))
    assert result.exit_code == 3 and str(path) in result.stderr and result.stderr.count("\n") == 1
    assert not (home / "loadguard.db").exists()


# -- one run from two sources -----------------------------------------------------------------


def test_a_file_run_and_its_strava_export_row_are_one_activity(run_cli, home, tmp_path):
    write(tmp_path / "watch" / "run.gpx", gpx_text(START, km=10.0))
    assert run_cli("import", str(tmp_path / "watch")).exit_code == 0
    [file_row] = rows(home)
    assert file_row["id"] < 0
    # Strava saw the same run 40 s later and measured 2% less.
    export = write_export(tmp_path / "export", [activity(555, START.replace(tzinfo=None, second=40), "Run", 9.8)])
    result = run_cli("import", str(export))
    assert result.exit_code == 0 and "1 merged with the same run from Strava" in result.stdout
    [merged] = rows(home)
    assert merged["id"] == 555 and merged["distance_m"] == 9800.0
    assert merged["cadence_spm"] == file_row["cadence_spm"] == 170.0
    # A second run the same morning, far off in distance, stays its own activity.
    write(tmp_path / "watch" / "other.gpx", gpx_text(START.replace(minute=1), km=3.0))
    assert run_cli("import", str(tmp_path / "watch")).exit_code == 0
    assert len(rows(home)) == 2


class _OnePage:
    page_size = 200

    def __init__(self, rows):
        self.rows = rows

    def activities_page(self, after, page):
        return self.rows if page == 1 else []

    def athlete_shoes(self):
        return []

    def gear(self, gear_id):
        return None

    def check_budget(self):
        pass


def test_a_synced_strava_activity_absorbs_its_earlier_file_import(run_cli, home, tmp_path):
    from loadguard.strava import sync as engine
    write(tmp_path / "run.gpx", gpx_text(START, km=10.0, climb_per_km=20))
    assert run_cli("import", str(tmp_path / "run.gpx")).exit_code == 0
    api_row = run(START.date(), 10.05, hour=7, id=9_876_543_210, gear_id=None, elev_m=180.0)
    api_row["source"] = "strava"
    with Store.open(home / "loadguard.db") as s:
        engine.run(s, _OnePage([api_row]), running_types=["Run"])
    [row] = rows(home)
    assert (row["id"], row["source"], row["elev_gain_m"]) == (9_876_543_210, "strava", 180.0)
    assert row["steep_share"] == 0.0 and row["cadence_spm"] == 170.0
    # The file is not read again, and were it read, it would merge again.
    assert run_cli("import", str(tmp_path / "run.gpx"), "--quiet").stdout == ""
    assert len(rows(home)) == 1


# -- the export's own activity files ---------------------------------------------------------------


def test_the_exports_activity_files_enrich_its_rows(run_cli, home, tmp_path):
    cells = activity(777, START.replace(tzinfo=None), "Run", 5.0, elev_m=None)
    cells[("Filename", 0)] = "activities/777.gpx.gz"
    other = activity(778, START.replace(tzinfo=None, day=5), "Run", 5.0)
    other[("Filename", 0)] = "activities/778.tcx.gz"
    folder = write_export(tmp_path / "export", [cells, other])
    write(folder / "activities" / "777.gpx.gz", gpx_text(START, km=5.0, climb_per_km=120), gz=True)
    write(folder / "activities" / "778.tcx.gz", b"  " + b"<broken", gz=True)
    result = run_cli("import", str(folder))
    assert result.exit_code == 3
    assert result.stderr.startswith(f"loadguard: {folder / 'activities' / '778.tcx.gz'}: ")
    by_id = {r["id"]: r for r in rows(home)}
    assert set(by_id) == {777, 778}
    assert by_id[777]["steep_share"] == pytest.approx(1.0, abs=0.01) and by_id[777]["cadence_spm"] == 170.0
    assert by_id[777]["elev_gain_m"] == pytest.approx(600, abs=5)  # the CSV had none
    assert by_id[778]["steep_share"] is None
    again = run_cli("import", str(folder))
    assert again.exit_code == 0 and again.stderr == ""
    # Unchanged tracks are not read again, and the figures they gave stay.
    assert {r["id"]: r["steep_share"] for r in rows(home)} == {777: by_id[777]["steep_share"], 778: None}


# -- the door for sources ---------------------------------------------------------------------------


def test_a_third_party_source_plugin_is_picked_up(run_cli, home, tmp_path, monkeypatch):
    site = tmp_path / "site"
    (site / "runlog-1.0.dist-info").mkdir(parents=True)
    (site / "runlog-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: runlog\nVersion: 1.0\n")
    (site / "runlog-1.0.dist-info" / "entry_points.txt").write_text("[loadguard.sources]\nrunlog = runlog:RunLog\n")
    (site / "runlog.py").write_text(textwrap.dedent('''
        from loadguard.sources import Batch

        class RunLog:
            """A paper log typed up as `YYYY-MM-DD HH:MM km shoe` lines."""
            name = "runlog"

            def claims(self, path):
                return path.suffix == ".runlog"

            def read(self, path, context):
                batch = Batch()
                for n, line in enumerate(path.read_text().splitlines(), 1):
                    day, clock, km, shoe = line.split()
                    batch.activities.append({
                        "id": -10**12 - n, "name": "From the paper log", "sport_type": "Run",
                        "start_utc": f"{day}T{clock}:00Z", "start_local": f"{day}T{clock}:00",
                        "distance_m": float(km) * 1000, "gear_id": "runlog-" + shoe})
                batch.gear = [{"id": "runlog-" + shoe, "name": shoe, "kind": "shoe", "source": "runlog"}
                              for shoe in sorted({g["gear_id"][7:] for g in batch.activities})]
                return batch
    '''))
    monkeypatch.syspath_prepend(str(site))
    log = tmp_path / "spring.runlog"
    log.write_text("2026-03-02 07:00 10 Ghost\n2026-03-04 07:00 12 Ghost\n")
    result = run_cli("import", str(log))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("imported 2 activities (2 new, 0 updated, 0 unchanged), 1 shoe")
    assert [(r["source"], r["distance_m"]) for r in rows(home)] == [("runlog", 10000.0), ("runlog", 12000.0)]
    shoes = json.loads(run_cli("shoes", "--format", "json", "--as-of", "2026-03-10").stdout)
    assert [(s["name"], s["distance_km"]) for s in shoes["shoes"]] == [("Ghost", 22.0)]


# -- the store ---------------------------------------------------------------------------------------


def test_a_store_from_before_activity_files_migrates_keeping_its_runs(home, monkeypatch):
    path = home / "loadguard.db"
    # the migrations before this one (others may follow it)
    before = schema.MIGRATIONS[:next(i for i, m in enumerate(schema.MIGRATIONS) if "imported_files" in m)]
    monkeypatch.setattr(schema, "MIGRATIONS", before)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(before))
    with Store.open(path) as s:
        s.upsert_activities([run(date(2026, 6, 1), 10.0, id=7)])
    monkeypatch.undo()
    with Store.open(path) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert s.activity_count() == 1 and s.known_files() == {}
        row = s.conn.execute("SELECT distance_m, cadence_spm, steep_share FROM activities").fetchone()
        assert tuple(row) == (10000.0, None, None)


def test_many_files_are_parsed_by_workers_with_the_same_result(run_cli, home, tmp_path):
    from loadguard.sources import files

    for day in range(1, files.PARALLEL_FROM + 3):
        write(tmp_path / "many" / f"{day:02d}.gpx", gpx_text(START.replace(day=day), km=4.0 + day / 10))
    write(tmp_path / "many" / "zz-broken.fit", truncated_fit())
    result = run_cli("import", str(tmp_path / "many"), "--timezone", "Europe/Berlin")
    assert result.exit_code == 3 and result.stderr.count("\n") == 1 and "zz-broken.fit" in result.stderr
    stored = rows(home)
    assert len(stored) == files.PARALLEL_FROM + 2
    assert [r["start_local"] for r in stored[:2]] == ["2026-03-01T08:00:00", "2026-03-02T08:00:00"]  # UTC+1
    assert [round(r["distance_m"] / 100) for r in stored] == [41 + d for d in range(len(stored))]


def test_a_plugin_taking_a_built_in_sources_name_is_refused(run_cli, home, tmp_path, monkeypatch):
    site = tmp_path / "site"
    (site / "source_impostor-1.0.dist-info").mkdir(parents=True)
    (site / "source_impostor-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: source-impostor\nVersion: 1.0\n")
    (site / "source_impostor-1.0.dist-info" / "entry_points.txt").write_text("[loadguard.sources]\nfiles = source_impostor:Files\n")
    (site / "source_impostor.py").write_text(
        "class Files:\n    name = 'files'\n    def claims(self, path):\n        return True\n"
        "    def read(self, path, context):\n        raise AssertionError('never asked')\n")
    monkeypatch.syspath_prepend(str(site))
    result = run_cli("import", str(write(tmp_path / "a.gpx", gpx_text(START))))
    assert result.exit_code == 3
    assert result.stderr.startswith("loadguard: two source plugins claim the name 'files': ")
    assert not (home / "loadguard.db").exists()


def test_file_runs_do_not_move_the_sync_window(store):
    """Strava never saw a run known only from a file: it says nothing about how far a sync got."""
    synced = run(date(2026, 3, 1), 10.0, id=123)
    watch_only = run(date(2026, 3, 20), 8.0, id=-1_774_000_000)
    store.upsert_activities([synced, watch_only])
    assert store.newest_start() == synced["start_utc"]


def test_a_zipped_export_one_folder_down_is_enriched_too(run_cli, home, tmp_path):
    from strava_export import csv_text

    cells = activity(901, START.replace(tzinfo=None), "Run", 5.0)
    cells[("Filename", 0)] = "activities/901.gpx.gz"
    archive = tmp_path / "export_1.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("export_1/activities.csv", csv_text([cells]))
        z.writestr("export_1/activities/901.gpx.gz", gzip.compress(gpx_text(START, km=5.0).encode()))
    result = run_cli("import", str(archive))
    assert result.exit_code == 0, result.stderr
    [row] = rows(home)
    assert (row["id"], row["cadence_spm"], row["steep_share"]) == (901, 170.0, 0.0)


def test_an_empty_watch_folder_is_quiet(run_cli, home, tmp_path):
    (tmp_path / "Activity").mkdir()
    result = run_cli("import", str(tmp_path / "Activity"), "--quiet")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
