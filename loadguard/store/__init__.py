"""The embedded SQLite store: activities, gear, the shoe register, reported warnings, sync state, files read,
symptoms, the training plan; every SQL statement of loadguard (store/history.py: the engine's reads, with pandas).

Every write runs inside one transaction, so a crash or a bad input leaves the
store as it was before the command started. One module per concern: schema.py
(the migrations, append-only), connection.py (opening, read-only fallback,
migrating, transactions), and one per family of tables, composed here.
"""

from __future__ import annotations

from loadguard.store.activities import Activities
from loadguard.store.files import ImportedFiles
from loadguard.store.gear import Gear
from loadguard.store.plan import PlanRows
from loadguard.store.reported import Reported
from loadguard.store.schema import ACTIVITY_COLUMNS, GEAR_COLUMNS, MIGRATIONS, NOTE_COLUMNS, SCHEMA_VERSION
from loadguard.store.shoes import ShoeRegister
from loadguard.store.state import SyncState
from loadguard.store.symptoms import SymptomRows

# MIGRATIONS and SCHEMA_VERSION are re-exported for reading; the migration code reads
# schema.py's, so that is the module to patch.
__all__ = ["ACTIVITY_COLUMNS", "GEAR_COLUMNS", "MIGRATIONS", "NOTE_COLUMNS", "SCHEMA_VERSION", "Store"]


class Store(Activities, Gear, ShoeRegister, Reported, SyncState, ImportedFiles, SymptomRows, PlanRows):
    """One open loadguard store: `Store.open(path)`, then the methods of every table family."""
