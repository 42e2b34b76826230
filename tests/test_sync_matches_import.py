"""Done-when check: the same history via mocked Strava or via a bulk export gives the same warnings.

The example athlete's export is read with the importer, turned into the JSON the
API would send for it (SummaryActivity, the athlete's shoes, DetailedGear), and
served by the fake. `auth --code` + `sync` + `check` in one home is compared with
`import` + `check` in another.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import fake_strava as fs
import pytest
import responses
from click.testing import CliRunner

from loadguard.cli import cli

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "athlete"
ZONE = "America/New_York"
AS_OF_DAYS = ["2026-11-22", "2026-10-04", "2026-07-12"]


def as_api(export) -> tuple[list[dict], list[dict], dict[str, dict], dict[str, str]]:
    """The export as Strava's API would serve it; also export gear id -> Strava gear id."""
    shoes = [g for g in export.gear if g["kind"] == "shoe"]
    strava_id = {g["id"]: f"g{5000 + i}" for i, g in enumerate(shoes)}
    activities = []
    for row in export.activities:
        item = fs.activity(0, fs.datetime(2000, 1, 1), 0.0, sport_type=row["sport_type"])
        item.update(id=row["id"], name=row["name"], distance=row["distance_m"], moving_time=row["moving_s"],
                    elapsed_time=row["elapsed_s"], total_elevation_gain=row["elev_gain_m"],
                    gear_id=strava_id.get(row["gear_id"]), average_cadence=row["avg_cadence"],
                    trainer=row["trainer"], manual=row["manual"], start_date=row["start_utc"],
                    start_date_local=row["start_local"] + "Z")
        activities.append(item)
    listed = [fs.summary_shoe(strava_id[g["id"]], g["name"], g["distance_m"]) for g in shoes if not g["retired"]]
    details = {strava_id[g["id"]]: fs.detailed_gear(strava_id[g["id"]], g["brand"] or "", g["model"] or "",
                                                   g["distance_m"], retired=g["retired"], name=g["name"])
               for g in shoes}
    return activities, listed, details, strava_id


def invoke(home: Path, *args: str):
    return CliRunner().invoke(cli, ["--home", str(home), *args], catch_exceptions=False)


def findings(home: Path, day: str, rename: dict[str, str]) -> set[tuple[str, str, str]]:
    result = invoke(home, "check", "--as-of", day, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {(w["rule"], w["severity"], rename.get(w["subject"], w["subject"]))
            for w in json.loads(result.stdout)["warnings"]}


def test_sync_from_strava_warns_like_importing_the_export(tmp_path, monkeypatch):
    if not EXAMPLE.exists():
        pytest.skip("examples/athlete is not there")
    from loadguard.sources.export import read_export

    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.delenv("LOADGUARD_HOME", raising=False)
    read = read_export(EXAMPLE, ZoneInfo(ZONE), ["Run", "TrailRun", "VirtualRun"])
    rows = list(read.activities)
    export = SimpleNamespace(activities=rows, gear=read.gear)
    activities, listed, details, strava_id = as_api(export)

    imported, synced = tmp_path / "imported", tmp_path / "synced"
    assert invoke(imported, "import", str(EXAMPLE), "--timezone", ZONE).exit_code == 0
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = fs.FakeStrava(rsps, activities, shoes=listed, gear=details)
        # notes come from detail calls, read for recent runs only: here for all of them
        fake.notes = {r["id"]: {"description": r["description"], "private_note": r["private_note"]}
                      for r in export.activities}
        synced.mkdir()
        (synced / "config.toml").write_text("[sync]\nnotes_days = 100000\nnotes_per_sync = 1000\n")
        connected = invoke(synced, "auth", "--code", "good-code", "--client-id", str(fs.CLIENT_ID),
                           "--client-secret", fs.CLIENT_SECRET)
        assert connected.exit_code == 0, connected.stderr
        result = invoke(synced, "sync")
        assert result.exit_code == 0, result.stderr
        assert f"{len(activities)} new" in result.stdout

    for day in AS_OF_DAYS:
        via_export = findings(imported, day, strava_id)
        assert findings(synced, day, {}) == via_export
    assert len(findings(imported, AS_OF_DAYS[0], strava_id)) >= 4  # the comparison is not of empty sets
