"""The Strava bulk export as a source (`strava-export`): a thin adapter over read_export.

The export's `activities/` folder holds each run's original file (FIT, GPX or TCX,
often gzipped), named in the CSV's `Filename` column; those files add what only a
track knows (steps per minute, steep share, and the climb when the CSV has none).
A track file that cannot be read costs that run its extras, not the import.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from loadguard.sources import Batch, ImportContext
from loadguard.sources import export
from loadguard.sources.files import collect, read_jobs
from loadguard.sources.files.collect import FileJob


class ExportSource:
    name = "strava-export"

    def claims(self, path: Path) -> bool:
        # Asked last: whatever is left is read as an export, so a wrong path gets
        # the export reader's own words (no activities.csv, not a CSV file, …).
        return True

    def read(self, path: Path, context: ImportContext) -> Batch:
        read = export.read_export(path, context.zone, context.running_types)
        read.adopt_gear(dict(context.known_gear))
        batch = Batch(activities=read.activities, gear=read.gear, replaced_gear=read.superseded)
        _enrich(batch, path, context)
        return batch


def _enrich(batch: Batch, path: Path, context: ImportContext) -> None:
    wanted = {row["track_file"].strip("/"): row for row in batch.activities if row.get("track_file")}
    if not wanted:
        return
    jobs = _track_jobs(path, set(wanted))
    # Remembered and reported like files of their own, so an unchanged export's
    # tracks are not parsed again; only their figures join the CSV rows.
    tracks = Batch()
    rows = read_jobs(list(jobs.values()), context, tracks)
    batch.files += tracks.files
    batch.problems += tracks.problems
    batch.skipped += tracks.skipped
    for name, job in jobs.items():
        found = rows.get(job.key)
        if found is None:
            continue
        row = wanted[name]
        row["cadence_spm"] = found["cadence_spm"]
        row["steep_share"] = found["steep_share"]
        if row.get("elev_gain_m") is None:
            row["elev_gain_m"] = found["elev_gain_m"]


def _track_jobs(path: Path, names: set[str]) -> dict[str, FileJob]:
    """The export's track files by their CSV name, wherever the export's root is."""
    # A name is the export's own relative path; one that climbs out of it is not followed.
    names = {n for n in names if not PurePosixPath(n).is_absolute() and ".." not in PurePosixPath(n).parts}
    if path.is_dir() or path.name.lower().endswith(".csv"):
        root = path if path.is_dir() else path.parent
        if path.is_dir() and not (root / export.ACTIVITIES_CSV).is_file():
            root = next(iter(root.glob(f"*/{export.ACTIVITIES_CSV}"))).parent
        return {n: collect.file_job(root / n) for n in names if (root / n).exists()}
    members, _ = collect.in_zip(path)
    by_name: dict[str, FileJob] = {}
    for job in members:
        by_name[job.member] = job
        inside = job.member.split("/", 1)  # the export may sit one folder down in the zip
        if len(inside) == 2:
            by_name.setdefault(inside[1], job)
    return {n: by_name[n] for n in names if n in by_name}
