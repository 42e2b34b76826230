"""Shared fixtures: a fresh home per test, a CLI runner on it, and run builders."""

from __future__ import annotations

import itertools
import os
import sqlite3
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from loadguard.cli import cli
from loadguard.store import Store

# ../shared beside the repo; LOADGUARD_SHARED points elsewhere (a git worktree has no ../shared)
SHARED = Path(os.environ.get("LOADGUARD_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")
STRAVA_REAL = SHARED / "strava-real"

_ids = itertools.count(1_000_000)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("LOADGUARD_HOME", str(h))
    # The machine's zone must never decide a test's local days.
    monkeypatch.setenv("TZ", "UTC")
    # Output width follows COLUMNS, else the terminal: a test asks for a width itself.
    monkeypatch.delenv("COLUMNS", raising=False)
    return h


@pytest.fixture
def run_cli(home: Path):
    """Invoke `loadguard --home HOME ARGS…`; returns click's Result (stdout, stderr, exit_code)."""

    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(cli, ["--home", str(home), *args], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def store(home: Path):
    s = Store.open(home / "loadguard.db")
    yield s
    s.close()


def flat(text: str) -> str:
    """Output as one line of single spaces: what it says, whatever width it was wrapped to."""
    return " ".join(text.split())


def run(day: date, km: float, *, sport_type: str = "Run", hour: int = 7, gear_id: str | None = "gA",
        elev_m: float = 0.0, trainer: bool = False, manual: bool = False, name: str = "Run",
        utc_offset_h: int = 0, id: int | None = None) -> dict:
    """One activity row as the store takes it; `day` and `hour` are local wall-clock time."""
    local = datetime.combine(day, time(hour))
    utc = local - timedelta(hours=utc_offset_h)
    return {
        "id": id if id is not None else next(_ids),
        "name": name,
        "sport_type": sport_type,
        "start_utc": utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "start_local": local.strftime("%Y-%m-%dT%H:%M:%S"),
        "distance_m": km * 1000.0,
        "moving_s": int(km * 330),
        "elapsed_s": int(km * 340),
        "elev_gain_m": elev_m,
        "gear_id": gear_id,
        "avg_cadence": 84.0,
        "trainer": trainer,
        "manual": manual,
        "source": "export",
    }


def shoe(id: str = "gA", name: str = "Shoe A", distance_km: float | None = None, *, retired: bool = False) -> dict:
    return {
        "id": id, "name": name, "brand": None, "model": None, "kind": "shoe",
        "retired": retired, "is_primary": False,
        "distance_m": None if distance_km is None else distance_km * 1000.0, "source": "export",
    }


def steady_weeks(end: date, weeks: int, km_per_week: float, *, runs_per_week: int = 4, **kw) -> list[dict]:
    """`weeks` weeks of even running, the last run on the day before `end`: same km every week."""
    out = []
    per_run = km_per_week / runs_per_week
    start = end - timedelta(days=7 * weeks)
    for w in range(weeks):
        for r in range(runs_per_week):
            out.append(run(start + timedelta(days=7 * w + [6, 4, 2, 1, 0, 3, 5][r]), per_run, **kw))
    return out


@pytest.fixture
def check_json(run_cli):
    """Run `check --format json` as of a day and return its warnings, failing on a non-zero exit."""
    import json

    def invoke(as_of: date, *extra: str) -> list[dict]:
        result = run_cli("check", "--as-of", as_of.isoformat(), "--format", "json", *extra)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)["warnings"]

    return invoke


def table_rows(home: Path, *tables: str) -> list:
    """Every row of these tables of the store in `home`, read apart from loadguard (what a fault must leave)."""
    conn = sqlite3.connect(home / "loadguard.db")
    try:
        return [conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables]
    finally:
        conn.close()


def by_rule(warnings: list[dict], rule: str) -> list[dict]:
    return [w for w in warnings if w["rule"] == rule]


def all_rules(warnings: list[dict]) -> set[str]:
    """Every rule a check told of, those folded into another warning's evidence included."""
    return {w["rule"] for w in warnings} | {a["rule"] for w in warnings for a in w["evidence"].get("also", [])}
