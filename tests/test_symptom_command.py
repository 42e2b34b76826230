"""`loadguard symptom add|list|edit|rm`: the log a runner keeps, and what bad input does to it."""

from __future__ import annotations

import json

import pytest

ADD = ("symptom", "add", "--today", "2026-11-22", "--where", "arch", "--side", "left", "--what", "tingling",
       "--when", "during", "--intensity", "4")


def entries(run_cli) -> list[dict]:
    result = run_cli("symptom", "list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["symptoms"]


def test_add_list_edit_rm(run_cli):
    added = run_cli(*ADD, "--note", "after 10k")
    assert added.exit_code == 0, added.stderr
    assert added.stdout == ("symptom 1 logged: 2026-11-22, tingling, left arch, during the run, "
                            "growing with distance, 4/10\n")
    run_cli("symptom", "add", "--date", "2026-11-20", "--where", "Ball-of-Foot", "--side", "both",
            "--what", "dull ache", "--intensity", "2")
    assert entries(run_cli) == [
        {"id": 2, "day": "2026-11-20", "place": "ball of foot", "side": "both", "kind": "dull ache",
         "timing": None, "intensity": 2, "note": None},
        {"id": 1, "day": "2026-11-22", "place": "arch", "side": "left", "kind": "tingling",
         "timing": "during", "intensity": 4, "note": "after 10k"},
    ]
    edited = run_cli("symptom", "edit", "1", "--intensity", "6", "--when", "night")
    assert edited.exit_code == 0, edited.stderr
    assert [(e["intensity"], e["timing"], e["note"]) for e in entries(run_cli) if e["id"] == 1] == [(6, "night", "after 10k")]
    assert run_cli("symptom", "rm", "2").exit_code == 0
    assert [e["id"] for e in entries(run_cli)] == [1]
    text = run_cli("symptom", "list").stdout
    assert "2026-11-22  tingling, left arch, at night, 6/10 — after 10k" in text


def test_the_date_defaults_to_today_in_the_configured_zone(run_cli, home):
    from datetime import datetime, timezone

    (home / "config.toml").write_text('timezone = "UTC"\n')
    args = [a for a in ADD if a not in ("--today", "2026-11-22")]
    assert run_cli(*args).exit_code == 0
    assert entries(run_cli)[0]["day"] == datetime.now(timezone.utc).date().isoformat()


@pytest.mark.parametrize("option, value, names", [
    ("--where", "foot", "--where must be one of heel, arch, ball of foot, toes, inner ankle, calf, other"),
    ("--side", "middle", "--side must be one of left, right, both"),
    ("--what", "itchy", "--what must be one of tingling, numbness, burning, electric, stabbing, dull ache"),
    ("--when", "sometimes", "--when must be one of during, after, night, morning"),
    ("--intensity", "11", "--intensity must be a whole number from 0 to 10"),
    ("--intensity", "high", "--intensity must be a whole number from 0 to 10"),
])
def test_a_bad_value_is_one_line_naming_the_field_and_choices_and_stores_nothing(run_cli, option, value, names):
    args = list(ADD)
    args[args.index(option) + 1] = value
    result = run_cli(*args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and names in result.stderr
    assert entries(run_cli) == []


def test_a_bad_edit_keeps_the_entry_as_it_was(run_cli):
    run_cli(*ADD)
    before = entries(run_cli)
    result = run_cli("symptom", "edit", "1", "--side", "left", "--where", "knee")
    assert result.exit_code == 2 and "--where must be one of" in result.stderr
    assert entries(run_cli) == before


@pytest.mark.parametrize("command", [("edit", "9", "--intensity", "2"), ("rm", "9")])
def test_an_unknown_entry_is_one_line_and_exit_3(run_cli, command):
    result = run_cli("symptom", *command)
    assert result.exit_code == 3
    assert result.stderr == "loadguard: no symptom entry 9 (see `loadguard symptom list`)\n"


def test_add_without_the_needed_fields_is_a_usage_error(run_cli):
    result = run_cli("symptom", "add", "--where", "heel")
    assert result.exit_code == 2
    assert result.stderr == "loadguard: symptom add needs --side, --what, --intensity\n"


def test_symptoms_never_reach_strava(run_cli, monkeypatch):
    import requests

    def refuse(*args, **kwargs):
        raise AssertionError("a symptom command made a network request")

    monkeypatch.setattr(requests.Session, "request", refuse)
    assert run_cli(*ADD).exit_code == 0
    assert run_cli("symptom", "list").exit_code == 0
    assert run_cli("check", "--as-of", "2026-11-22").exit_code == 0


def test_a_day_that_has_not_come_yet_is_refused(run_cli):
    result = run_cli("symptom", "add", "--today", "2026-11-22", "--date", "2026-11-23", "--where", "heel",
                     "--side", "left", "--what", "stiffness", "--intensity", "2")
    assert result.exit_code == 2
    assert result.stderr == "loadguard: symptom --date 2026-11-23 is after today (2026-11-22)\n"
    assert entries(run_cli) == []
