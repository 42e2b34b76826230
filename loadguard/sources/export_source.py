"""The Strava bulk export as a source (`strava-export`): a thin adapter over read_export.

The export's `activities/` folder holds each run's original file (FIT, GPX or TCX,
often gzipped), named in the CSV's `Filename` column; those files add what only a
track knows (steps per minute, steep share, and the climb when the CSV has none).
They are read first, and their figures join the CSV's rows as those stream into the
store. A track file that cannot be read costs that run its extras, not the import;
one read before is not parsed again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from loadguard.sources import Batch, ImportContext, export
from loadguard.sources.files import collect, read_jobs
from loadguard.sources.files.collect import FileJob

TRACKS_FOLDER = "activities"
TRACK_FIGURES = ("cadence_spm", "steep_share")


class ExportSource:
    name = "strava-export"

    def claims(self, path: Path) -> bool:
        # Asked last: whatever is left is read as an export, so a wrong path gets
        # the export reader's own words (no activities.csv, not a CSV file, …).
        return True

    def read(self, path: Path, context: ImportContext) -> Batch:
        read = export.read_export(path, context.zone, context.running_types, dict(context.known_gear))
        tracks = Batch()
        figures = _track_figures(path, context, tracks)

        def finish(batch: Batch) -> None:
            batch.gear, batch.replaced_gear, batch.note = read.gear, read.superseded, read.skipped.summary()

        return Batch(activities=_with_tracks(read.activities, figures) if figures else read.activities,
                     files=tracks.files, problems=tracks.problems, skipped=tracks.skipped, finish=finish)


def _with_tracks(rows: Iterable[dict], figures: dict[str, dict]) -> Iterator[dict]:
    for row in rows:
        found = figures.get((row.get("track_file") or "").strip("/"))
        if found is not None:
            row.update({k: found[k] for k in TRACK_FIGURES})
            if row.get("elev_gain_m") is None:
                row["elev_gain_m"] = found["elev_gain_m"]
        yield row


def _track_figures(path: Path, context: ImportContext, tracks: Batch) -> dict[str, dict]:
    """Figures of the export's new track files, by their name in the CSV (`activities/123.fit.gz`)."""
    jobs = _track_jobs(path)
    rows = read_jobs(list({job.key: job for job in jobs.values()}.values()), context, tracks)
    return {name: rows[job.key] for name, job in jobs.items() if job.key in rows}


def _track_jobs(path: Path) -> dict[str, FileJob]:
    """The activity files under the export's activities/ folder, by path relative to the export."""
    if path.is_dir() or path.name.lower().endswith(".csv"):
        root = path if path.is_dir() else path.parent
        if path.is_dir() and not (root / export.ACTIVITIES_CSV).is_file():
            nested = sorted(root.glob(f"*/{export.ACTIVITIES_CSV}"))
            if not nested:
                return {}
            root = nested[0].parent
        folder = root / TRACKS_FOLDER
        if not folder.is_dir():
            return {}
        wanted, _ = collect.in_folder(folder)
        return {Path(job.path).relative_to(root).as_posix(): job for job in wanted}
    try:
        members, _ = collect.in_zip(path)
    except collect.Unreadable:
        return {}
    by_name: dict[str, FileJob] = {}
    for job in members:
        parts = job.member.split("/")
        # activities/… at the top, or one folder down (export_12345/activities/…)
        for start in (0, 1):
            if len(parts) > start + 1 and parts[start] == TRACKS_FOLDER:
                by_name.setdefault("/".join(parts[start:]), job)
    return by_name
