"""The SQLite store: schema versions, WAL, and all-or-nothing writes."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import run, shoe

from loadguard.errors import LoadguardError
from loadguard.store import Store, schema


def test_new_store_is_at_the_current_schema_in_wal_mode(home):
    with Store.open(home / "loadguard.db") as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_forward_migration_keeps_the_data(home, monkeypatch):
    path = home / "loadguard.db"
    with Store.open(path) as s:
        s.upsert_activities([run(date(2026, 6, 1), 10.0, id=7)])
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS,
                                               "ALTER TABLE activities ADD COLUMN rpe INTEGER"])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    with Store.open(path) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        row = s.conn.execute("SELECT distance_m, rpe FROM activities WHERE id = 7").fetchone()
        assert tuple(row) == (10000.0, None)


def test_failed_migration_leaves_the_store_at_its_old_version(home, monkeypatch):
    path = home / "loadguard.db"
    with Store.open(path) as s:
        s.upsert_activities([run(date(2026, 6, 1), 10.0, id=7)])
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS,
                                               "ALTER TABLE activities ADD COLUMN rpe INTEGER; "
                                               "ALTER TABLE no_such_table ADD COLUMN x"])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    with pytest.raises(LoadguardError):
        Store.open(path)
    monkeypatch.undo()
    with Store.open(path) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        columns = [r[1] for r in s.conn.execute("PRAGMA table_info(activities)")]
        assert "rpe" not in columns and s.activity_count() == 1


def test_upsert_counts_new_updated_and_skips_unchanged(store):
    rows = [run(date(2026, 6, d), 10.0, id=d) for d in range(1, 4)]
    assert store.upsert_activities(rows) == (3, 0)
    stamp = store.conn.execute("SELECT updated_at FROM activities WHERE id = 1").fetchone()[0]
    assert store.upsert_activities(rows) == (0, 0)
    rows[0]["distance_m"] = 12000.0
    assert store.upsert_activities(rows) == (0, 1)
    assert store.conn.execute("SELECT updated_at FROM activities WHERE id = 2").fetchone()[0] == stamp


def test_a_bad_row_writes_nothing(store):
    good = [run(date(2026, 6, d), 10.0, id=d) for d in range(1, 4)]
    bad = dict(good[1], id=99, sport_type=None)
    with pytest.raises(LoadguardError):
        with store.transaction():
            store.upsert_gear([shoe("g1", "Pegasus")])
            store.upsert_activities([*good, bad])
    assert store.activity_count() == 0 and store.gear_ids() == set()


def test_a_failure_inside_a_transaction_rolls_everything_back(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.upsert_activities([run(date(2026, 6, 1), 10.0, id=1)])
            store.upsert_gear([shoe("g1", "Pegasus")])
            raise RuntimeError("power cut")
    assert store.activity_count() == 0 and store.gear_ids() == set()


def test_deleted_activities_leave_detection(store, check_json):
    from datetime import timedelta

    from conftest import all_rules, steady_weeks
    as_of = date(2026, 6, 28)
    store.upsert_activities(steady_weeks(as_of - timedelta(days=6), 6, 40.0))
    store.upsert_activities([run(as_of, 30.0, id=5), run(as_of - timedelta(days=1), 30.0, id=6)])
    assert "volume.weekly_load" in all_rules(check_json(as_of))   # told with the spikes that explain it
    assert store.mark_deleted([5, 6]) == 2
    assert not all_rules(check_json(as_of)) & {"volume.weekly_load", "volume.long_run_spike"}


def test_a_store_from_schema_1_migrates_to_today(home, monkeypatch):
    path = home / "loadguard.db"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 1)
    with Store.open(path) as s:
        old_row(s, run(date(2026, 6, 1), 10.0, id=7))
    monkeypatch.undo()
    with Store.open(path) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION >= 2
        indexes = {r[0] for r in s.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "activities_gear_use" in indexes and "activities_gear" not in indexes
        assert s.activity_count() == 1


def test_a_store_from_before_the_symptom_log_migrates_keeping_its_runs(home, monkeypatch):
    from loadguard.symptoms import log as symptoms
    path = home / "loadguard.db"
    mine = next(i for i, m in enumerate(schema.MIGRATIONS) if "CREATE TABLE symptoms" in m)
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:mine])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", mine)
    with Store.open(path) as s:
        s.upsert_activities([run(date(2026, 6, 1), 10.0, id=7)])
    monkeypatch.undo()
    with Store.open(path) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        row = s.conn.execute("SELECT distance_m, description, private_note FROM activities WHERE id = 7").fetchone()
        assert tuple(row) == (10000.0, None, None)
        entry = symptoms.add(s, day=date(2026, 6, 2), place="arch", side="left", kind="tingling",
                             timing=None, intensity=3)
        assert symptoms.between(s) == [entry]


def test_notes_survive_an_activity_list_that_carries_none(store):
    noted = {**run(date(2026, 6, 1), 10.0, id=8), "description": "easy", "private_note": "left arch tingling"}
    assert store.upsert_activities([noted]) == (1, 0)
    # Strava's activity list has no notes: the same run from it changes nothing else
    plain = run(date(2026, 6, 1), 10.0, id=8)
    assert store.upsert_activities([plain]) == (0, 0)
    assert store.upsert_activities([{**plain, "distance_m": 10500.0}]) == (0, 1)
    row = store.conn.execute("SELECT distance_m, description, private_note FROM activities WHERE id = 8").fetchone()
    assert tuple(row) == (10500.0, "easy", "left arch tingling")
    # a source that does carry notes corrects them, and counts it as an update
    assert store.upsert_activities([{**noted, "distance_m": 10500.0, "private_note": None}]) == (0, 1)
    assert store.conn.execute("SELECT private_note FROM activities WHERE id = 8").fetchone()[0] is None


def test_an_export_adds_notes_to_a_run_synced_from_the_api_and_nothing_else(store):
    synced = {**run(date(2026, 6, 1), 10.0, id=9), "source": "strava"}
    store.upsert_activities([synced])
    exported = {**run(date(2026, 6, 1), 9.0, id=9), "private_note": "right heel stiff in the morning",
                "description": None}
    assert store.upsert_activities([exported], keep_source="strava") == (0, 1)
    row = store.conn.execute("SELECT distance_m, source, private_note FROM activities WHERE id = 9").fetchone()
    assert tuple(row) == (10000.0, "strava", "right heel stiff in the morning")
    # notes the run already has are the API's word: a later export does not replace them
    assert store.upsert_activities([{**exported, "private_note": "other"}], keep_source="strava") == (0, 0)


def old_row(s: Store, row: dict) -> None:
    """Insert an activity the way a store of an older schema holds it (no later columns)."""
    cols = [c for c in schema.ACTIVITY_COLUMNS if c != "workout_type"]
    s.conn.execute(f"INSERT INTO activities ({', '.join(cols)}, updated_at) VALUES "
                   f"({', '.join('?' for _ in cols)}, '2026-06-01T00:00:00Z')", [row.get(c, 0) for c in cols])


def test_the_workout_type_migration_keeps_activities_and_reported_findings(home, monkeypatch, check_json):
    # issue 7's migration: activities gain workout_type, reported findings their magnitude
    path = home / "loadguard.db"
    mine = next(i for i, m in enumerate(schema.MIGRATIONS) if "workout_type" in m)
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:mine])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", mine)
    with Store.open(path) as s:
        old_row(s, run(date(2026, 6, 1), 10.0, id=7))
        s.conn.execute("INSERT INTO reported VALUES ('abc', 'volume.weekly_load', '2026-W22', 2, "
                       "'2026-06-01T00:00:00Z', '2026-06-01T00:00:00Z')")
    monkeypatch.undo()
    with Store.open(path) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert s.activity_count() == 1
        row = s.conn.execute("SELECT distance_m, workout_type FROM activities WHERE id = 7").fetchone()
        assert (row[0], row[1]) == (10000.0, None)
        assert s.reported() == {"abc": (2, None)}
        s.upsert_activities([run(date(2026, 6, 2), 21.1, id=8) | {"workout_type": 1}])
        assert s.conn.execute("SELECT workout_type FROM activities WHERE id = 8").fetchone()[0] == 1
