"""The lines `ahead` draws are exact, judged by the real detectors.

For each day D of a history: a run of `longest_run_km` on D+1 raises no volume
finding, and one 5% and 0.5 km longer does; the same for the spike line alone, and
for `week_km` spread as `ahead` says it assumes (evenly, a run a day) against the
rules that sum over days; and a trail run of a terrain line's km against that rule.
"Raises" means a finding that the history alone, with no running ahead, does not
have on that day. The findings come from `Assessment.findings_with`: the enabled
rules' own `evaluate` on the history carried forward with the runs, each day with
the settings `check` uses then (the stricter ones after a symptom). When a rule's
tuning changes and its line does not follow, these fail.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import STRAVA_REAL, run

from loadguard import config as config_mod
from loadguard.assess.assessment import Assessment
from loadguard.plan.sessions import Session
from loadguard.store import Store
from loadguard.symptoms import log as symptom_log

SPIKE = "volume.long_run_spike"


def longer(km: float) -> float:
    """5% and 0.5 km past `km`: what must cross the line."""
    return max(km * 1.05, km + 0.5)


def found(assessment: Assessment, sessions, last) -> set[tuple[date, str, str]]:
    return {(day, w.rule, w.subject) for day, ws in assessment.findings_with(sessions, last).items() for w in ws}


def raised(assessment: Assessment, sessions, last, baseline) -> set[str]:
    """Rules with a finding the runs in `sessions` bring about, on the days up to `last`."""
    return {rule for day, rule, _ in found(assessment, sessions, last) - baseline if day <= last}


def one_run(assessment: Assessment, day: date, km: float, kind: str, baseline, climb_m: float = 0.0,
            days: int = 1) -> set[str]:
    """Rules with a finding one run of `km` (and `climb_m` of climb) on `day` brings about
    on the `days` days from it."""
    return raised(assessment, [Session(day, km, kind, "probe", climb_m)], day + timedelta(days=days - 1),
                  baseline)


def spread(first: date, days: int, km: float) -> list[Session]:
    return [Session(first + timedelta(days=k), km / days, "run", "even") for k in range(days)]


def assert_exact(store, config, days: list[date], ahead: int = 7) -> dict[str, int]:
    """Check every line on each day of `days`; returns how many of each were checked."""
    counts = {"run": 0, "spike": 0, "week": 0, "terrain": 0, "climb": 0}
    for as_of in days:
        f = Assessment(store, config, as_of, as_of)
        a = f.lines(ahead)
        first, last = as_of + timedelta(days=1), as_of + timedelta(days=a.days)
        base = found(f, [], max(last, first + timedelta(days=6)))
        if a.longest_run_km is not None:
            L = a.longest_run_km
            # the run's km stays in the 7 days' sums: judged on each of them
            assert one_run(f, first, L, "run", base, days=7) == set(), (as_of, L, a.run_lines)
            assert one_run(f, first, longer(L), "run", base, days=7), (as_of, L, a.run_lines)
            counts["run"] += 1
            spike = next((s for s in a.run_lines if s.rule == SPIKE), None)
            if spike is not None and spike.km != L:
                assert SPIKE not in one_run(f, first, spike.km, "run", base), (as_of, spike)
                assert SPIKE in one_run(f, first, longer(spike.km), "run", base), (as_of, spike)
            counts["spike"] += spike is not None
        for line in a.terrain_lines:
            assert line.rule not in one_run(f, first, line.km, line.terrain, base), (as_of, line)
            assert line.rule in one_run(f, first, longer(line.km), line.terrain, base), (as_of, line)
            counts["terrain"] += 1
        for c in a.climb_lines:
            # the climb of the run of longest_run_km: at the line none, 5% and 5 m more speaks
            assert c.rule not in one_run(f, first, c.run_km, "run", base, c.climb_m), (as_of, c)
            more = max(c.climb_m * 1.05, c.climb_m + 5)
            assert c.rule in one_run(f, first, c.run_km, "run", base, more), (as_of, c)
            counts["climb"] += 1
        if a.week_km is not None:
            sums = {s.rule for s in a.week_lines}
            W = a.week_km
            assert not raised(f, spread(first, a.days, W), last, base) & sums, (as_of, W, a.week_lines)
            assert raised(f, spread(first, a.days, longer(W)), last, base) & sums, (as_of, W, a.week_lines)
            counts["week"] += 1
    return counts


def every(first: date, last: date, step: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(0, (last - first).days + 1, step)]


# -- the example athlete -------------------------------------------------------------------


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "athlete"


@pytest.fixture(scope="module")
def example_store(tmp_path_factory):
    from click.testing import CliRunner

    from loadguard.cli import cli

    home = tmp_path_factory.mktemp("example")
    result = CliRunner().invoke(cli, ["--home", str(home), "import", str(EXAMPLE), "--timezone", "America/New_York"])
    assert result.exit_code == 0, result.output
    return home


def test_example_athlete_lines_are_exact_every_day(example_store):
    from loadguard.store import Store

    config = config_mod.load(example_store / "config.toml")
    # every third day of the last 5 months, so each weekday comes round: the build-up, the
    # trail block, the symptom weeks at the end (stricter lines)
    with Store.open(example_store / "loadguard.db") as store:
        counts = assert_exact(store, config, every(date(2026, 7, 1), date(2026, 11, 28), 3))
    assert counts["run"] >= 45 and counts["spike"] >= 45 and counts["week"] >= 45, counts
    assert counts["terrain"] >= 20 and counts["climb"] >= 45, counts


def test_example_athlete_two_weeks_ahead_are_exact(example_store):
    """Past a week, the second week's base holds the first week's running: the total is
    still the most that keeps every day under the weekly line."""
    config = config_mod.load(example_store / "config.toml")
    with Store.open(example_store / "loadguard.db") as store:
        counts = assert_exact(store, config, every(date(2026, 7, 2), date(2026, 11, 26), 9), ahead=14)
    assert counts["week"] >= 15, counts


# -- the recorded real history --------------------------------------------------------------


@pytest.mark.skipif(not (STRAVA_REAL / "activities.json").exists(), reason="no recorded Strava data")
def test_real_history_lines_are_exact(tmp_path):
    import json

    from loadguard.strava.api import activity_row

    activities = json.loads((STRAVA_REAL / "activities.json").read_text(encoding="utf-8"))
    config = config_mod.load(tmp_path / "config.toml")
    with Store.open(tmp_path / "loadguard.db") as store:
        store.upsert_activities([activity_row(a, "the recorded history") for a in activities])
        first = date.fromisoformat(store.conn.execute("SELECT min(start_local) FROM activities").fetchone()[0][:10])
        # every 6 weeks and a day of the eight years, so each weekday comes round: breaks,
        # comebacks, races and long-run blocks
        counts = assert_exact(store, config, every(first + timedelta(days=20), date(2025, 10, 19), 43))
    assert counts["run"] >= 55 and counts["spike"] >= 45 and counts["week"] >= 55, counts
    assert counts["climb"] >= 40, counts


# -- generated runners ------------------------------------------------------------------------


def generated(seed: int, start: date, days: int) -> tuple[list[dict], list[date]]:
    """A runner: 2-7 runs a week around a drifting base, a long run most weekends, now
    and then a race, a light week or a break of two to five weeks, and a few symptoms."""
    rng = random.Random(seed)
    runs, symptoms = [], []
    base = rng.uniform(15, 70)
    day, off_until = start, start
    while day < start + timedelta(days=days):
        if day >= off_until and rng.random() < 0.004:
            off_until = day + timedelta(days=rng.randint(14, 35))
        if day >= off_until and rng.random() < rng.choice([0.3, 0.5, 0.8]):
            long = day.weekday() == 6 and rng.random() < 0.8
            km = base / 4 * (rng.uniform(1.5, 2.6) if long else rng.uniform(0.4, 1.2))
            row = run(day, round(km, 2), hour=rng.choice([6, 7, 18]))
            if long and rng.random() < 0.05:
                row["workout_type"] = 1   # a race
            runs.append(row)
        if rng.random() < 0.01:
            symptoms.append(day)
        base = min(max(base * rng.uniform(0.97, 1.035), 8.0), 110.0)
        day += timedelta(days=1)
    return runs, symptoms


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_runners_lines_are_exact(store, home, seed):
    start = date(2024, 1, 1)
    runs, symptoms = generated(seed, start, 420)
    store.upsert_activities(runs)
    for day in symptoms:
        symptom_log.add(store, day=day, place="arch", side="left", kind="dull ache", timing="after", intensity=3)
    config = config_mod.load(home / "config.toml")
    counts = assert_exact(store, config, every(start + timedelta(days=25), start + timedelta(days=418), 7))
    assert counts["run"] >= 40 and counts["week"] >= 40, counts


# -- the EWMA method ---------------------------------------------------------------------------


EWMA = '[detectors."volume.weekly_load"]\nmethod = "ewma"\n'


def test_example_athlete_lines_are_exact_with_the_ewma_method(example_store, tmp_path):
    """With `method = "ewma"` the weekly rule draws the next run's line from the two
    averages, on its day and the 6 after it: a run of it raises nothing, one 5% and
    0.5 km longer does."""
    config_file = example_store / "config.toml"
    (tmp_path / "config.toml").write_text((config_file.read_text() if config_file.exists() else "") + EWMA)
    config = config_mod.load(tmp_path / "config.toml")
    days = every(date(2026, 7, 1), date(2026, 11, 28), 3)
    with Store.open(example_store / "loadguard.db") as store:
        drawn = sum(any(s.rule == "volume.weekly_load" for s in Assessment(store, config, d, d).lines().run_lines)
                    for d in days)
        counts = assert_exact(store, config, days)
    assert drawn >= 30 and counts["run"] >= 45, (drawn, counts)


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_runners_lines_are_exact_with_the_ewma_method(store, home, seed):
    start = date(2024, 1, 1)
    runs, _ = generated(seed, start, 420)
    store.upsert_activities(runs)
    (home / "config.toml").write_text(EWMA)
    config = config_mod.load(home / "config.toml")
    days = every(start + timedelta(days=25), start + timedelta(days=418), 7)
    drawn = sum(any(s.rule == "volume.weekly_load" for s in Assessment(store, config, d, d).lines().run_lines)
                for d in days)
    counts = assert_exact(store, config, days)
    assert drawn >= 20 and counts["run"] >= 40, (drawn, counts)
