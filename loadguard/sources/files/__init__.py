"""The `files` source: FIT, GPX and TCX activity files, plain or gzipped, alone, in a
folder (read recursively) or in a zip.

Runs known only from a file get the id `-(start as Unix seconds)`: negative, so it
can never be one of Strava's (positive) ids, and the same for every copy of the
same recording, so one run read from two paths is one activity. When the same run
arrives from Strava too, the store merges the two (Store.fold_file_copies).
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Iterable

from loadguard.sources import Batch, FileSeen, ImportContext
from loadguard.sources.export_files import ACTIVITIES_CSV
from loadguard.sources.files import collect
from loadguard.sources.files.collect import FileJob, Unreadable

SOURCE = "files"
# Below this many new files the worker processes cost more than they save.
PARALLEL_FROM = 16
# Worker processes at most (one a core below that).
MAX_WORKERS = 8


def activity_id(start_utc: datetime) -> int:
    return -int(start_utc.timestamp())


class FilesSource:
    name = SOURCE

    def claims(self, path: Path) -> bool:
        """Activity files, or a folder or zip holding some (and no Strava export's CSV);
        an empty folder too, so an hourly import of an emptied watch folder stays quiet."""
        if path.is_dir():
            return not _holds_export_csv(path) and collect.folder_for_files(path)
        if collect.is_activity_name(path.name):
            return True
        if path.suffix.lower() == ".zip" and path.is_file():
            try:
                wanted, other = collect.in_zip(path)
            except Unreadable:
                return False
            return bool(wanted) and not any(Path(j.member).name.lower() == ACTIVITIES_CSV for j in other)
        return False

    def read(self, path: Path, context: ImportContext) -> Batch:
        batch = Batch()
        if path.is_dir():
            wanted, other = collect.in_folder(path)
        elif path.suffix.lower() == ".zip" and not collect.is_activity_name(path.name):
            try:
                wanted, other = collect.in_zip(path)
            except Unreadable as why:
                batch.problems.append(f"{path}: {why}")
                return batch
        else:
            wanted, other = [collect.file_job(path)], []
        # A watch folder or a download holds README.md, manifest.json, licences: left
        # alone, counted in the summary, and remembered so they are not counted again.
        for job in other:
            if context.is_new(job.key, job.size, job.stamp):
                _ignore(batch, job)
        read_jobs(wanted, context, batch)
        return batch


def read_jobs(jobs: list[FileJob], context: ImportContext, batch: Batch) -> dict[str, dict]:
    """Read the jobs not seen before into `batch`; returns their rows by job key."""
    new = [job for job in jobs if context.is_new(job.key, job.size, job.stamp)]
    batch.skipped += len(jobs) - len(new)
    zone = context.zone
    rows: dict[str, dict] = {}
    context.progress.start(len(new), "files")
    for job, (row, problem) in zip(new, _map(read_one, new, zone)):
        context.progress.advance()
        if problem is not None:
            _fail(batch, job, problem)
            continue
        if row is None:
            _ignore(batch, job)
            continue
        batch.files.append(FileSeen(job.key, job.size, job.stamp))
        batch.activities.append(row)
        rows[job.key] = row
    return rows


def read_one(job: FileJob, zone) -> tuple[dict | None, str | None]:
    """(activity row, None) for a readable file, (None, None) for one that is plainly no
    activity (a watch's settings, totals or monitoring), (None, reason) otherwise. Runs in a worker."""
    from loadguard.sources import validate
    from loadguard.sources.files.track import NotAnActivity, TrackError

    try:
        data = collect.read_bytes(job)
        track = parse(data)
        row = activity_row(track, job, zone)
        # The checks Strava's rows pass, on the file's figures (its id is negative by design).
        problem = validate.problem({**row, "id": -row["id"]})
        if problem is not None:
            return None, f"impossible values: {problem}"
        return row, None
    except NotAnActivity:
        return None, None
    except (Unreadable, TrackError) as why:
        return None, str(why)
    except Exception as exc:  # noqa: BLE001 - a parser's own bug on one odd file must not stop the rest
        return None, f"cannot be read ({type(exc).__name__}: {' '.join(str(exc).split())[:100]})"


def parse(data: bytes):
    """The Track in a file's bytes, whatever its name says: the content decides the format."""
    from loadguard.sources.files.track import TrackError

    if len(data) >= 12 and data[8:12] == b".FIT":
        from loadguard.sources.files import fit

        return fit.parse(data)
    head = data[:4096].lstrip().lower()  # Strava's TCX files start with spaces
    if head.startswith(b"<?xml") or head.startswith(b"<"):
        if b"<gpx" in head:
            from loadguard.sources.files import gpx

            return gpx.parse(data.lstrip())
        if b"<trainingcenterdatabase" in head:
            from loadguard.sources.files import tcx

            return tcx.parse(data.lstrip())
    raise TrackError("not a FIT, GPX or TCX file (its content is neither)")


def activity_row(track, job: FileJob, zone) -> dict:
    from loadguard.sources.export import local_wall_clock
    from loadguard.sources.files.track import summary

    figures = summary(track)
    start = figures["start_utc"]
    local = figures["local_start"]
    cadence = figures["cadence_spm"]
    return {
        "id": activity_id(start),
        "name": track.name or _stem(job.label),
        "sport_type": track.sport_type,
        "start_utc": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        # The file's own wall clock when it has one (FIT); otherwise UTC in the runner's zone.
        "start_local": (local.strftime("%Y-%m-%dT%H:%M:%S") if local is not None
                        else local_wall_clock(start.replace(tzinfo=None), zone)),
        "distance_m": figures["distance_m"],
        "moving_s": figures["moving_s"],
        "elapsed_s": figures["elapsed_s"],
        "elev_gain_m": figures["elev_gain_m"],
        "gear_id": None,
        # avg_cadence keeps Strava's meaning (one leg); cadence_spm counts both feet.
        "avg_cadence": None if cadence is None else round(cadence / 2, 1),
        "cadence_spm": cadence,
        "steep_share": figures["steep_share"],
        "trainer": track.trainer,
        "manual": False,
        "source": SOURCE,
        "deleted": False,
    }


def _map(func, jobs: list[FileJob], zone) -> Iterable[tuple[dict | None, str | None]]:
    """Each job's outcome, in order, as it is ready (so progress can be shown)."""
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if len(jobs) < PARALLEL_FROM or workers < 2:
        yield from (func(job, zone) for job in jobs)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(func, jobs, [zone] * len(jobs), chunksize=8)


def _ignore(batch: Batch, job: FileJob) -> None:
    batch.ignored += 1
    batch.files.append(FileSeen(job.key, job.size, job.stamp))


def _fail(batch: Batch, job: FileJob, problem: str) -> None:
    batch.problems.append(f"{job.label}: {problem}")
    batch.files.append(FileSeen(job.key, job.size, job.stamp, problem))


def _stem(label: str) -> str:
    """A file's name without its folder and activity suffixes: the run's name when the file has none."""
    name = label.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    for suffix in (".gz", *collect.ACTIVITY_SUFFIXES):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name


def _holds_export_csv(folder: Path) -> bool:
    return (folder / ACTIVITIES_CSV).is_file() or any(folder.glob(f"*/{ACTIVITIES_CSV}"))
