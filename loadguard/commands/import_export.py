"""`loadguard import PATH`: load a Strava bulk export into the store."""

from __future__ import annotations

import click

from loadguard.cli import App, pass_app


@click.command("import")
@click.argument("path")
@click.option(
    "--timezone", "zone_name", metavar="ZONE", default=None,
    help="IANA zone the activities were run in, e.g. Europe/Berlin; the export's times are UTC "
         "(default: config `timezone`, else this machine's zone).",
)
@pass_app
def import_cmd(app: App, path: str, zone_name: str | None) -> None:
    """Load a Strava bulk export: the zip, its unpacked folder, or its activities.csv.

    Safe to repeat: unchanged activities are left alone, and activities already
    synced from the Strava API are never overwritten by the export.
    """
    from loadguard.sources import export as export_source

    zone = export_source.resolve_zone(zone_name or app.config["timezone"])
    # Read and validate the whole export before the store is even opened: a broken
    # file must leave the store exactly as it was.
    export = export_source.read_export(path, zone, app.config["running_types"])

    store = app.store
    known = {
        export_source.gear_key(row["name"]): row["id"]
        for row in store.conn.execute("SELECT id, name FROM gear WHERE source != ?", (export_source.SOURCE,))
    }
    export.adopt_gear(known)
    new = updated = 0
    with store.transaction():
        # In batches: the export is read again row by row, never held whole.
        for batch in export.activity_batches():
            added, changed = store.upsert_activities(batch, keep_source="strava")
            new, updated = new + added, updated + changed
        store.upsert_gear(g for g in export.gear if not g.get("adopted"))
        # A shoe first imported from an export and since synced from the API would
        # otherwise show twice; its export copy goes once nothing points at it.
        store.conn.executemany(
            "DELETE FROM gear WHERE id = ? AND source = ? AND NOT EXISTS "
            "(SELECT 1 FROM activities WHERE gear_id = gear.id)",
            [(gid, export_source.SOURCE) for gid in export.superseded],
        )
    total = len(export.activities)
    shoes = export.shoe_count
    from loadguard.render.printable import printable

    # the skipped activities are named with what the export holds
    click.echo(printable(
        f"imported {total} {_plural(total, 'activity', 'activities')} "
        f"({new} new, {updated} updated, {total - new - updated} unchanged), "
        f"{shoes} {_plural(shoes, 'shoe', 'shoes')} from {path}{export.skipped.summary()}"
    ))


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many
