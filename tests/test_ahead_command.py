"""`loadguard ahead`, `check --ahead` and the digest's next week, as a runner reads them."""

from __future__ import annotations

import json
from datetime import date, timedelta

from conftest import run, steady_weeks

from loadguard.symptoms import log as symptom_log

AS_OF = date(2026, 6, 28)   # a Sunday


def history(store, **kw):
    """Six even weeks of 40 km (four 10 km runs a week) up to AS_OF."""
    store.upsert_activities(steady_weeks(AS_OF + timedelta(days=1), 6, 40.0, **kw))


def ahead_json(run_cli, *extra) -> dict:
    result = run_cli("ahead", "--as-of", AS_OF.isoformat(), "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_ahead_json_gives_both_numbers_and_why(run_cli, store):
    history(store)
    out = ahead_json(run_cli)
    assert (out["as_of"], out["days"], out["first_day"]) == ("2026-06-28", 7, "2026-06-29")
    # the month's longest is 10 km: 2 km past it (more than 10%) is the spike line
    assert out["longest_run_km"] == 11.9
    [spike] = [b for b in out["because"]["longest_run_km"] if b["rule"] == "volume.long_run_spike"]
    assert spike["km"] == 11.9 and "Frandsen" in spike["reference"]
    assert spike["evidence"]["previous_longest_km"] == 10.0
    # the weekly base is 40 km, so each day's 7-day load stays under 1.3 x 40 = 52 km. Spread
    # evenly, X/7 a day: on Saturday the window still holds Sunday's 10 km and 6/7 of X, so
    # X < 7/6 x 42 = 49 km, the tightest of the seven days
    assert out["week_km"] == 48.9
    [week] = out["because"]["week_km"]
    assert week["rule"] == "volume.weekly_load" and week["evidence"]["week_line_km"] == 52.0
    assert "2026-07-04" in week["line"]
    assert out["sentence"] == "Monday's run: up to 11.9 km; next 7 days: up to 48.9 km."
    assert out["comeback"] is None and out["symptoms"] is None


def test_ahead_text_states_the_spread_and_what_the_lines_are(run_cli, store):
    history(store)
    text = " ".join(run_cli("ahead", "--as-of", AS_OF.isoformat()).stdout.split())
    assert "Monday's run: up to 11.9 km; next 7 days: up to 48.9 km." in text
    assert "spread evenly over the days" in text and "one-run line still caps each run" in text
    assert "not a personal prescription" in text and "not medical advice" in text


def test_the_long_run_day_is_the_runners_own(run_cli, store):
    # the same weeks with Sunday's run the long one: Sunday's line is named
    store.upsert_activities(steady_weeks(AS_OF + timedelta(days=1), 6, 40.0))
    store.upsert_activities([run(AS_OF - timedelta(days=7 * w), 6.0, hour=17) for w in range(6)])
    out = ahead_json(run_cli)
    assert out["long_run"]["date"] == "2026-07-05"
    assert "Sunday's long run: up to" in out["sentence"]


def test_stricter_lines_after_a_symptom(run_cli, store):
    history(store)
    symptom_log.add(store, day=AS_OF - timedelta(days=3), place="arch", side="left", kind="dull ache",
                    timing="after", intensity=3)
    out = ahead_json(run_cli)
    assert out["symptoms"] == {"stricter_until": "2026-07-05"}
    # the careful caution line is 1.1 x 40 = 44 km; Monday's window still holds last week's
    # 40 km, so X/7 < 4 km: X < 28
    assert out["week_km"] == 27.9
    # one run on Monday: the window's 40 km leave it 4 km under the careful weekly line
    assert {b["rule"]: b["km"] for b in out["because"]["longest_run_km"]} == {
        "volume.weekly_load": 3.9, "volume.long_run_spike": 11.9}   # 2 km past 10 km is more than 5%
    assert out["longest_run_km"] == 3.9
    assert all(b["stricter_after_symptom"] for b in out["because"]["week_km"])
    assert "Stricter lines" in run_cli("ahead", "--as-of", AS_OF.isoformat()).stdout


def test_comeback_line_after_a_break(run_cli, store):
    # 6 weeks of 40 km, then 25 days off: the first week back may hold half the 40 km
    store.upsert_activities(steady_weeks(AS_OF - timedelta(days=24), 6, 40.0))
    out = ahead_json(run_cli)
    assert out["comeback"]["rule"] == "volume.comeback"
    assert out["comeback"]["evidence"]["first_week_km"] == 20.0
    assert out["week_km"] == 20.0
    # the month before still holds 10 km runs: the spike line is the tighter for one run
    assert out["longest_run_km"] == 11.9
    assert {b["rule"]: b["km"] for b in out["because"]["longest_run_km"]} == {
        "volume.comeback": 20.0, "volume.long_run_spike": 11.9}
    assert "back on 2026-06-29 after" in out["comeback"]["line"]


def test_ahead_on_a_fresh_home_and_bad_days(run_cli):
    result = run_cli("ahead", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0 and "No lines ahead: no runs on record yet." in result.stdout
    for days in ("0", "29", "a week"):
        bad = run_cli("ahead", "--days", days)
        assert bad.exit_code == 2 and "Traceback" not in bad.stderr, days
    ahead_day = run_cli("ahead", "--as-of", "2999-01-01")
    assert ahead_day.exit_code == 2 and "after today" in ahead_day.stderr


def test_check_ahead_ends_with_the_sentence_and_stays_off_cron(run_cli, store):
    history(store)
    text = run_cli("check", "--as-of", AS_OF.isoformat(), "--ahead").stdout
    assert text.rstrip().splitlines()[-1] == "Ahead: Monday's run: up to 11.9 km; next 7 days: up to 48.9 km."
    for extra in (["--new"], ["--format", "json"]):
        result = run_cli("check", "--as-of", AS_OF.isoformat(), "--ahead", *extra)
        assert result.exit_code == 2 and result.stdout == ""
    # the cron line itself prints nothing new about the days ahead
    assert "Ahead" not in run_cli("check", "--as-of", AS_OF.isoformat(), "--new").stdout


def test_digest_next_week_holds_both_numbers_and_the_plan_over_a_line(run_cli, store, tmp_path):
    history(store)
    plan = tmp_path / "plan.csv"
    plan.write_text("2026-07-01,8,easy\n2026-07-05,15,long run\n", encoding="utf-8")
    assert run_cli("plan", "import", str(plan)).exit_code == 0
    md = run_cli("digest", "--week", "2026-W26", "--today", AS_OF.isoformat()).stdout
    # ahead's numbers: 48.9 km in whole km, the spike line for the next run
    assert "**Next week: up to 48 km, long run up to 11.9 km.**" in md
    crossing = md[md.index("Planned sessions over a line:"):md.index("## ")]
    assert "- Sun 2026-07-05: long run (15.0 km) crosses volume.long_run_spike (warn, line 11.9 km)" in crossing
    assert "2026-07-01" not in crossing       # under every line
    page = tmp_path / "d.html"
    assert run_cli("digest", "--week", "2026-W26", "--today", AS_OF.isoformat(), "-o", str(page)).exit_code == 0
    html = page.read_text()
    assert 'id="next-week"' in html and "long run (15.0 km) crosses volume.long_run_spike" in html
    # the cron mail carries findings only: no next week in check --new
    assert "Next week" not in run_cli("check", "--as-of", AS_OF.isoformat(), "--new").stdout


def test_ahead_and_plan_help_stay_light():
    import subprocess
    import sys

    code = ("import sys; from click.testing import CliRunner; from loadguard.cli import cli; "
            "[CliRunner().invoke(cli, args) for args in (['ahead', '--help'], ['plan', '--help'], "
            "['plan', 'import', '--help'], ['plan', 'check', '--help'])]; "
            "print(sorted(m for m in ('pandas', 'icalendar', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_climb_line_for_the_next_run(run_cli, store):
    # 20 m of climb per km for six weeks: the 7 days may reach 1.5 x 20 = 30 m/km. The
    # last 7 days hold 40 km and 800 m; with the next run of 11.9 km, (800 + c) / 51.9 < 30
    history(store, elev_m=200.0)
    [climb] = ahead_json(run_cli)["climb"]
    assert (climb["rule"], climb["run_km"], climb["climb_m"]) == ("terrain.climb_jump", 11.9, 756)
    assert climb["evidence"]["base_m_per_km"] == 20
    text = run_cli("ahead", "--as-of", AS_OF.isoformat()).stdout
    assert "A hilly run on Mon 2026-06-29: 11.9 km with up to 756 m of climb" in text


def test_two_weeks_ahead(run_cli, store):
    # Spread over 14 days, X/14 a day: the first week's tightest day is Saturday, whose
    # window holds Sunday's 10 km and 6 days of it, 10 + 6X/14 < 52, so X < 98; the
    # second week's base then holds the first week's 49 km, so it stays under its line
    history(store)
    out = ahead_json(run_cli, "--days", "14")
    assert (out["days"], out["week_km"]) == (14, 97.9)
    text = run_cli("ahead", "--as-of", AS_OF.isoformat(), "--days", "14").stdout
    assert "next 14 days: up to 97.9 km" in text and "Past the first week" in text
