"""The store's schema: the migrations that build it and the columns the code reads and writes.

The migration code reads MIGRATIONS and SCHEMA_VERSION from this module only, so
there is one place to append to (and for tests to shorten).
"""

from __future__ import annotations

ACTIVITY_COLUMNS = (
    "id", "name", "sport_type", "start_utc", "start_local", "distance_m",
    "moving_s", "elapsed_s", "elev_gain_m", "gear_id", "avg_cadence",
    "trainer", "manual", "source", "deleted", "workout_type",
)
# The runner's own words on a run, read for symptom mentions; they never leave the machine.
NOTE_COLUMNS = ("description", "private_note")
TRACK_COLUMNS = ("cadence_spm", "steep_share")
GEAR_COLUMNS = (
    "id", "name", "brand", "model", "kind", "retired", "is_primary",
    "distance_m", "source",
)
# The register's settings over a pair (shoe_pairs), one column each.
PAIR_COLUMNS = ("gear_id", "own", "name", "brand", "model", "limit_km", "max_months", "in_use_from", "retired_on")

# MIGRATIONS[n] takes a store from schema version n to n + 1. Append, never edit.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE activities (
        id          INTEGER PRIMARY KEY,      -- Strava's activity id
        name        TEXT,
        sport_type  TEXT NOT NULL,
        start_utc   TEXT NOT NULL,            -- ISO 8601, UTC, 'YYYY-MM-DDTHH:MM:SSZ'
        start_local TEXT NOT NULL,            -- wall-clock time where it was run, no zone
        distance_m  REAL NOT NULL DEFAULT 0,
        moving_s    INTEGER,
        elapsed_s   INTEGER,
        elev_gain_m REAL,
        gear_id     TEXT,
        avg_cadence REAL,
        trainer     INTEGER NOT NULL DEFAULT 0,
        manual      INTEGER NOT NULL DEFAULT 0,
        source      TEXT NOT NULL,            -- 'strava' (API) or 'export'
        deleted     INTEGER NOT NULL DEFAULT 0,
        updated_at  TEXT NOT NULL
    );
    CREATE INDEX activities_start_local ON activities (start_local);
    CREATE INDEX activities_gear ON activities (gear_id);
    CREATE TABLE gear (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        brand       TEXT,
        model       TEXT,
        kind        TEXT NOT NULL DEFAULT 'shoe',
        retired     INTEGER NOT NULL DEFAULT 0,
        is_primary  INTEGER NOT NULL DEFAULT 0,
        distance_m  REAL,                     -- Strava's own total, or summed from an export
        source      TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE reported (
        id             TEXT PRIMARY KEY,      -- the warning's fingerprint (rule + subject)
        rule           TEXT NOT NULL,
        subject        TEXT NOT NULL,
        severity       INTEGER NOT NULL,      -- the highest severity reported so far
        first_reported TEXT NOT NULL,
        last_reported  TEXT NOT NULL
    );
    CREATE TABLE sync_state (
        key   TEXT PRIMARY KEY,
        value TEXT
    );
    """,
    # 2: the shoe totals as of a day read only this index, not every activity row.
    """
    DROP INDEX activities_gear;
    CREATE INDEX activities_gear_use ON activities (gear_id, deleted, start_local, distance_m);
    """,
    # issue 7: Strava's workout type (1 = race, 2 = long run, 3 = workout) so a race is
    # not called an unexplained spike; the numbers a finding was reported with, so
    # `check --new` can tell "clearly worse" from "still the same".
    """
    ALTER TABLE activities ADD COLUMN workout_type INTEGER;
    ALTER TABLE reported ADD COLUMN magnitude REAL;
    """,
    # issue 10: activity files. What a recorded track adds to a run (steps per minute,
    # share of distance on steep grades); the files already read, so a folder read
    # every hour costs only a stat per file; start times looked up to find one run
    # that arrived from two sources.
    """
    ALTER TABLE activities ADD COLUMN cadence_spm REAL;
    ALTER TABLE activities ADD COLUMN steep_share REAL;
    CREATE TABLE imported_files (
        key         TEXT PRIMARY KEY,         -- absolute path, or 'ZIP::member'
        size        INTEGER NOT NULL,
        stamp       INTEGER NOT NULL,         -- mtime in ns, or a zip member's CRC-32
        problem     TEXT,                     -- why it could not be read, NULL when it was
        imported_at TEXT NOT NULL
    );
    CREATE INDEX activities_start_utc ON activities (start_utc);
    """,
    # issue 9: the runner's own notes on a run (read for symptom words, never sent
    # anywhere) and the symptom log. Self-contained: new columns and a new table only.
    """
    ALTER TABLE activities ADD COLUMN description TEXT;
    ALTER TABLE activities ADD COLUMN private_note TEXT;
    CREATE TABLE symptoms (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        day        TEXT NOT NULL,             -- local date, YYYY-MM-DD
        place      TEXT NOT NULL,             -- heel, arch, ball of foot, toes, inner ankle, calf, other
        side       TEXT NOT NULL,             -- left, right, both
        kind       TEXT NOT NULL,             -- tingling, numbness, burning, …
        timing     TEXT,                      -- during, after, night, morning
        intensity  INTEGER NOT NULL CHECK (intensity BETWEEN 0 AND 10),
        note       TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX symptoms_day ON symptoms (day);
    """,
    # issue 15: the day (as of which) a finding was last told, so a growing episode is
    # told again only a week after the last telling.
    """
    ALTER TABLE reported ADD COLUMN told_on TEXT;
    """,
    # issue 17: the runner's shoe register, beside the gear Strava and the export bring
    # (which stay as those sources said): pairs of their own, and their settings over
    # any pair (name, limits, in use from, retired on); which pair a run was in, over
    # what the source said; and the default pair for runs without one, by day. A shoe's
    # first and last *run* (a hike keeps no pair in use) are read from the gear index,
    # which now holds the sport type.
    """
    CREATE TABLE shoe_pairs (
        gear_id     TEXT PRIMARY KEY,         -- a pair of the register's own, or Strava's/the export's id
        own         INTEGER NOT NULL DEFAULT 0,   -- 1: known only to the register
        name        TEXT,                     -- the runner's name for it (a rename of a Strava pair)
        brand       TEXT,
        model       TEXT,
        limit_km    REAL,
        max_months  INTEGER,
        in_use_from TEXT,                     -- local day, YYYY-MM-DD
        retired_on  TEXT,                     -- the first local day it is retired
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE shoe_assignments (
        activity_id INTEGER PRIMARY KEY,
        gear_id     TEXT,                     -- NULL: no pair, whatever the source says
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE shoe_defaults (
        since   TEXT PRIMARY KEY,             -- the first local day runs without a pair get it
        gear_id TEXT NOT NULL
    );
    DROP INDEX activities_gear_use;
    CREATE INDEX activities_gear_use ON activities (gear_id, deleted, sport_type, start_local, distance_m);
    """,
    # issue 16: the training plan, checked ahead against the lines. One plan at a time:
    # `plan import` replaces it. Self-contained: a new table only.
    """
    CREATE TABLE planned_sessions (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        day         TEXT NOT NULL,            -- local date, YYYY-MM-DD
        km          REAL NOT NULL CHECK (km > 0),
        kind        TEXT NOT NULL,            -- race, trail or run
        title       TEXT NOT NULL,
        source      TEXT NOT NULL,            -- the file it was imported from
        imported_at TEXT NOT NULL
    );
    CREATE INDEX planned_sessions_day ON planned_sessions (day);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
