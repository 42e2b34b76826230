"""One name for the judged day: --as-of in every command; the old flags (--today of
digest and symptom add, --to of replay) still work for one release, hidden (issue 14)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import run, steady_weeks

DAY = date(2026, 6, 21)   # a Sunday


@pytest.fixture
def history(store):
    store.upsert_activities(steady_weeks(DAY, 8, 30.0) + [run(DAY, 21.0)])


@pytest.mark.parametrize("command, old", [
    (["replay", "--from", "2026-06-01", "--format", "json"], "--to"),
    (["digest", "--week", "this"], "--today"),
])
def test_old_flag_is_a_hidden_alias_of_as_of(history, run_cli, command, old):
    new = run_cli(*command, "--as-of", DAY.isoformat())
    assert new.exit_code == 0, new.stderr
    assert DAY.isoformat() in new.stdout or "2026-W25" in new.stdout
    aliased = run_cli(*command, old, DAY.isoformat())
    assert (aliased.exit_code, aliased.stdout) == (0, new.stdout)
    both = run_cli(*command, old, DAY.isoformat(), "--as-of", DAY.isoformat())
    assert both.exit_code == 2 and "old name of --as-of" in both.stderr
    shown = run_cli(command[0], "--help").stdout
    assert "--as-of" in shown and f"{old} " not in shown


def test_symptom_add_takes_as_of_for_today(run_cli):
    args = ["symptom", "add", "--where", "arch", "--side", "left", "--what", "tingling", "--intensity", "3"]
    ahead = (DAY + timedelta(days=1)).isoformat()
    refused = run_cli(*args, "--date", ahead, "--as-of", DAY.isoformat())
    assert refused.exit_code == 2 and "is after today (2026-06-21)" in refused.stderr
    old = run_cli(*args, "--today", DAY.isoformat())
    assert old.exit_code == 0 and "logged: 2026-06-21" in old.stdout
