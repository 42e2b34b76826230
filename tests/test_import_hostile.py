"""`loadguard import` given hostile input: impossible values, calendar edges, special files, zip bombs.

The contract for each: exit 0 with the bad activity skipped and named, or one
line on stderr with exit 3 and the store exactly as it was.
"""

from __future__ import annotations

import hashlib
import os
import threading
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from strava_export import activity, csv_text, write_export, zip_folder
from test_import import PEG, db_rows, export_folder, quirky_rows, stored

from loadguard import safe_open


def _set_cell(rows, index, column, value):
    rows[index][(column, 0)] = value
    rows[index].pop((column, 1), None)
    return rows


def snapshot(home: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(home.iterdir())}


def one_line_failure(result, *words: str) -> None:
    assert result.exit_code == 3, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("loadguard: ") and result.stderr.count("\n") == 1, result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)


# -- impossible values: skipped and named, the rest imported -------------------------------------

IMPOSSIBLE = {
    # case: (column, value, words of the reason)
    "moving time 1e19": ("Moving Time", "1e19", "moving time"),
    "elapsed time 1e300": ("Elapsed Time", "1e300", "elapsed time"),
    "moving time of two years": ("Moving Time", str(2 * 365 * 86400), "moving time"),
    "id beyond SQLite": ("Activity ID", "99999999999999999999", "not a Strava activity id"),
    "id 2**70": ("Activity ID", str(2**70), "not a Strava activity id"),
    "id zero": ("Activity ID", "0", "not a Strava activity id"),
    "negative distance": ("Distance", "-5.2", "distance"),
    "absurd distance": ("Distance", "1e308", "distance"),
    "negative time": ("Moving Time", "-60", "moving time"),
    "elevation 1e20": ("Elevation Gain", "1e20", "elevation gain"),
    "year 9999": ("Activity Date", "Dec 31, 9999, 11:00:00 PM", "outside the years"),
    "year 1": ("Activity Date", "Jan 1, 0001, 1:00:00 AM", "outside the years"),
}


@pytest.mark.parametrize("case", list(IMPOSSIBLE))
def test_an_impossible_activity_is_skipped_and_named_and_the_rest_imports(run_cli, home, tmp_path, case):
    column, value, reason = IMPOSSIBLE[case]
    rows = _set_cell(quirky_rows(), 0, column, value)
    result = run_cli("import", str(export_folder(tmp_path, rows)))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert "imported 14 activities" in result.stdout
    assert "skipped 1 activity with impossible values" in result.stdout and reason in result.stdout
    assert "line 2" in result.stdout
    acts, _ = stored(home)
    assert 101 not in acts and len(acts) == 14


@pytest.mark.parametrize("zone, value", [("Asia/Tokyo", "Dec 31, 9999, 11:00:00 PM"),
                                         ("Pacific/Kiritimati", "Dec 31, 9999, 10:00:00 AM"),
                                         ("America/Los_Angeles", "Jan 1, 0001, 1:00:00 AM"),
                                         ("Pacific/Pago_Pago", "Jan 1, 0001, 10:59:59 AM")])
def test_dates_at_the_calendars_edges_do_not_overflow_in_any_zone(run_cli, home, tmp_path, zone, value):
    rows = _set_cell(quirky_rows(), 3, "Activity Date", value)
    result = run_cli("import", str(export_folder(tmp_path, rows)), "--timezone", zone)
    assert result.exit_code == 0, result.stderr
    assert "skipped 1 activity" in result.stdout and "outside the years" in result.stdout
    assert 104 not in stored(home)[0]


def test_many_impossible_activities_are_counted_not_all_listed(run_cli, home, tmp_path):
    rows = [activity(i, datetime(2024, 1, 1 + i % 28, 7), "Run", 5.0, moving_s=10**20) for i in range(1, 31)]
    rows.append(activity(99, datetime(2024, 2, 1, 7), "Run", 5.0))
    result = run_cli("import", str(write_export(tmp_path / "x", rows)))
    assert result.exit_code == 0, result.stderr
    assert "skipped 30 activities" in result.stdout and "and 20 more" in result.stdout
    assert result.stdout.count("\n") == 1
    assert list(stored(home)[0]) == [99]


def test_a_folder_of_the_zone_database_is_one_line(run_cli, home, tmp_path):
    for zone in ("America", "Europe/", "../etc", "/etc/passwd", "America/"):
        result = run_cli("import", str(export_folder(tmp_path)), "--timezone", zone)
        one_line_failure(result, "timezone", "not a known IANA time zone")
        assert not (home / "loadguard.db").exists()


# -- special files: never read until memory runs out, never waited on -----------------------------


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


SPECIAL = {
    "/dev/zero": lambda tmp: Path("/dev/zero"),
    "/dev/urandom": lambda tmp: Path("/dev/urandom"),
    "a FIFO without a writer": lambda tmp: _fifo(tmp / "export.zip"),
    "a FIFO as activities.csv": lambda tmp: _fifo(tmp / "activities.csv"),
    "a link to /dev/zero as activities.csv": lambda tmp: _link(tmp / "activities.csv", "/dev/zero"),
    "a FIFO inside an export folder": lambda tmp: _fifo_in_folder(tmp),
    "a FIFO as the folder's shoes.csv": lambda tmp: _fifo_shoes(tmp),
}


def _link(path: Path, target: str) -> Path:
    path.symlink_to(target)
    return path


def _fifo_in_folder(tmp: Path) -> Path:
    folder = tmp / "export"
    folder.mkdir()
    _fifo(folder / "activities.csv")
    return folder


def _fifo_shoes(tmp: Path) -> Path:
    folder = export_folder(tmp)
    (folder / "shoes.csv").unlink()
    _fifo(folder / "shoes.csv")
    return folder


@pytest.mark.parametrize("case", list(SPECIAL))
def test_a_special_file_as_the_export_is_refused_at_once(run_cli, home, tmp_path, case):
    good = write_export(tmp_path / "good", [activity(9, datetime(2024, 1, 2, 12), "Run", 5.0, gear=PEG)])
    assert run_cli("import", str(good)).exit_code == 0
    before = snapshot(home)
    path = SPECIAL[case](tmp_path)

    outcome = {}
    worker = threading.Thread(target=lambda: outcome.setdefault("result", run_cli("import", str(path))),
                              daemon=True)
    worker.start()
    worker.join(20)
    if worker.is_alive():
        # Unblock the hung open so the test run itself can end.
        for fifo in tmp_path.rglob("*"):
            if fifo.is_fifo():
                try:
                    os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
                except OSError:
                    pass
        pytest.fail(f"import of {case} did not return within 20 s")
    one_line_failure(outcome["result"], "not")
    assert snapshot(home) == before


# -- zip bombs and oversized files --------------------------------------------------------------


def _bomb(path: Path, size: int, *, member: str = "activities.csv") -> Path:
    header = csv_text([])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open(member, "w") as out:
            out.write(header.encode())
            chunk = b"\n" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                out.write(chunk)
    return path


def _lying_bomb(tmp: Path, size: int) -> Path:
    """A zip whose headers declare 1 KiB for a member that inflates to `size`."""
    path = _bomb(tmp / "liar.zip", size)
    data = bytearray(path.read_bytes())
    data[22:26] = (1024).to_bytes(4, "little")            # the local header's uncompressed size
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (1024).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("where", ["zip", "zip in a folder", "declared size lies"])
def test_a_zip_bomb_is_refused_by_its_size(run_cli, home, tmp_path, monkeypatch, where):
    # A cap of 8 MiB stands in for the real one (512 MiB) so the test inflates little.
    monkeypatch.setattr("loadguard.sources.export_files.MAX_FILE_BYTES", 8 * safe_open.MIB)
    assert run_cli("import", str(export_folder(tmp_path))).exit_code == 0
    before = snapshot(home)
    size = 64 * safe_open.MIB
    if where == "zip":
        path = _bomb(tmp_path / "bomb.zip", size)
    elif where == "zip in a folder":
        path = _bomb(tmp_path / "bomb.zip", size, member="export_1/activities.csv")
    else:
        path = _lying_bomb(tmp_path, size)
    assert path.stat().st_size < size / 100
    # A lying size is caught by the cap, or by the zip's checksum once the declared size is read.
    words = ("larger than 8 MiB", "zip bomb") if where != "declared size lies" else (str(path),)
    one_line_failure(run_cli("import", str(path)), *words)
    assert snapshot(home) == before


def test_an_oversized_plain_csv_is_refused(run_cli, home, tmp_path, monkeypatch):
    monkeypatch.setattr("loadguard.sources.export_files.MAX_FILE_BYTES", 64 * 1024)
    rows = [activity(i, datetime(2024, 1, 1 + i % 28, 7), "Run", 5.0) for i in range(1, 400)]
    path = write_export(tmp_path / "big", rows) / "activities.csv"
    assert path.stat().st_size > 64 * 1024
    one_line_failure(run_cli("import", str(path)), "larger than")
    assert not (home / "loadguard.db").exists()


def test_the_real_cap_is_far_above_a_lifetime_export():
    per_activity = len(csv_text([activity(12_345_678_901, datetime(2024, 1, 1), "Run", 10.0, name="Run",
                                           gear=PEG)]).splitlines()[1]) + 1
    assert safe_open.MAX_FILE_BYTES > 1_000_000 * per_activity


def test_a_damaged_row_near_the_end_of_a_long_export_leaves_the_store_as_it_was(run_cli, home, tmp_path):
    assert run_cli("import", str(export_folder(tmp_path))).exit_code == 0
    before = db_rows(home)
    rows = [activity(i, datetime(2020, 1, 1 + i % 28, 7), "Run", 5.0) for i in range(1, 3001)]
    rows[2990][("Activity Date", 0)] = "not a date"
    path = zip_folder(write_export(tmp_path / "long", rows), tmp_path / "long.zip")
    one_line_failure(run_cli("import", str(path)), "line 2992", "Activity Date")
    assert db_rows(home) == before


def test_every_hour_of_strava_dates_reads_back_exactly():
    """The usual date shape is read without strptime (for speed); it must agree with it to the second."""
    from datetime import timedelta

    from strava_export import strava_date

    from loadguard.sources.export_rows import _date

    start = datetime(2023, 12, 31, 0, 0, 7)
    for step in range(0, 24 * 40, 7):
        when = start + timedelta(hours=step, minutes=step % 60)
        assert _date(strava_date(when), "Activity Date") == when
