"""How often the cron line would have mailed, on the recorded history in ../shared/strava-real.

The cron line (`loadguard sync --quiet && loadguard check --new [--min-severity L]`)
is replayed once a day over the whole history and every line it would have
printed is counted: mail-days per month of running, lines per rule and severity.

  python benchmarks/bench_noise.py                    # this loadguard, through `loadguard.assess.cron_replay`
  python benchmarks/bench_noise.py --min-severity info
  PYTHONPATH=/path/to/old/checkout python benchmarks/bench_noise.py --per-day
        # any loadguard, one check per day, a finding new when its severity
        # rises (the rule before findings were episodes): how the BEFORE table was made

Then the catch rates (`--catch`): copies of the same history, each with one risk
planted in one week (40 weeks spread over it), and whether the cron line mails it
at warn or above that week. The volume jumps follow five steady weeks at the
runner's level of the time (a "steady week x1.8" needs steady weeks before it);
the other risks sit in the history as it was. `--synthetic` replays generated
runners (21-61 km a week, 3.7-7.9 years, some never recording a shoe) as a
check on runners the defaults were not measured on.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import real_history  # noqa: E402

OUT = HERE / "out"


def tally(lines: list[tuple[date, str, str]], running_months: set[str]) -> str:
    """The month-free summary: mail-days a month of running, lines per rule and severity."""
    mail_days = {d for d, _, _ in lines}
    per = Counter((rule, sev) for _, rule, sev in lines)
    months = len(running_months)
    weeks = {d.isocalendar()[:2] for d in mail_days}
    out = [f"months with running: {months}; mail-days: {len(mail_days)} "
           f"({len(mail_days) / months:.2f} a month of running); weeks with mail: {len(weeks)}; "
           f"lines: {len(lines)} ({len(lines) / months:.2f} a month)"]
    out.append(f"{'rule':<24}{'info':>6}{'warn':>6}{'alert':>6}")
    for rule in sorted({r for r, _ in per}):
        out.append(f"{rule:<24}" + "".join(f"{per[(rule, s)]:>6}" for s in ("info", "warn", "alert")))
    return "\n".join(out)


def per_day_lines(store, config, first: date, last: date, min_level: int) -> list[tuple[date, str, str]]:
    from loadguard.assess.assessment import Assessment

    seen: dict[str, int] = {}
    lines = []
    day = first
    while day <= last:
        for w in Assessment(store, config, day, day).findings(day):
            if int(w.severity) < min_level or seen.get(w.id, 0) >= int(w.severity):
                continue
            seen[w.id] = int(w.severity)
            lines.append((day, w.rule, w.severity.label))
        day += timedelta(days=1)
    return lines


def replay_lines(store, config, first: date, last: date, level: str) -> list[tuple[date, str, str]]:
    from loadguard.assess.cron_replay import replay

    result = replay(store, config, first, last, min_severity=level)
    return [(d, w.rule, w.severity.label) for d, w in result.mailed]


def running_months(store, config) -> tuple[set[str], date, date]:
    kinds = list(config["running_types"])
    rows = store.conn.execute(
        f"SELECT substr(start_local, 1, 10) FROM activities WHERE deleted = 0 AND sport_type IN "
        f"({', '.join('?' for _ in kinds)})", kinds).fetchall()
    days = sorted(date.fromisoformat(r[0]) for r in rows)
    return {d.strftime("%Y-%m") for d in days}, days[0], days[-1]


def noise(args) -> None:
    from loadguard import config as config_mod
    from loadguard.model import Severity
    from loadguard.store import Store

    home = OUT / "real-home"
    if home.exists():
        for f in home.iterdir():
            f.unlink()
    real_history.load_real(home)
    config = config_mod.load(home / "config.toml")
    with Store.open(home / "loadguard.db") as store:
        months, first, last = running_months(store, config)
        started = time.perf_counter()
        if args.per_day:
            lines = per_day_lines(store, config, first, last, int(Severity.parse(args.min_severity)))
        else:
            lines = replay_lines(store, config, first, last, args.min_severity)
        took = time.perf_counter() - started
    print(f"history {first} .. {last}, cron once a day, --min-severity {args.min_severity}, "
          f"{'per-day check' if args.per_day else 'loadguard.assess.cron_replay'} ({took:.1f} s)")
    print(tally(lines, months))


# -- catch rates on synthetic variants -------------------------------------------------

KINDS = ("week x1.8", "low-volume week x1.8", "run 2x the 30-day longest", "week moved to trail, climbing",
         "first full week after 3 weeks off", "pair crossing its limit")
EXPECTED = {"week x1.8": "volume.weekly_load", "low-volume week x1.8": "volume.weekly_load",
            "run 2x the 30-day longest": "volume.long_run_spike",
            "week moved to trail, climbing": "terrain.trail_switch",
            "first full week after 3 weeks off": "volume.comeback", "pair crossing its limit": "shoes.mileage"}


class Planter:
    """Copies of the recorded history with one risk planted at a day."""

    def __init__(self, history: list[dict], seed: int):
        self.history = history
        self.rng = random.Random(seed)
        self.next_id = 9_000_000_000

    def run(self, day: date, km: float, hour: int = 7, **kw) -> dict:
        self.next_id += 1
        row = {"id": self.next_id, "name": "Planted", "sport_type": "Run",
               "start_utc": f"{day.isoformat()}T{hour:02d}:00:00Z",
               "start_local": f"{day.isoformat()}T{hour:02d}:00:00",
               "distance_m": km * 1000, "moving_s": int(km * 330), "elapsed_s": int(km * 340),
               "elev_gain_m": km * 5, "gear_id": None, "avg_cadence": None, "trainer": False,
               "manual": False, "source": "strava", "workout_type": None}
        row.update(kw)
        return row

    def before(self, day: date) -> list[dict]:
        return [a for a in self.history if a["start_local"][:10] < day.isoformat()]

    def weekly_km(self, end: date, weeks: int = 4) -> float:
        first = (end - timedelta(weeks=weeks)).isoformat()
        return sum(a["distance_m"] for a in self.history if first <= a["start_local"][:10] < end.isoformat()
                   and a["sport_type"] in ("Run", "TrailRun", "VirtualRun")) / 1000 / weeks

    def steady(self, first: date, weeks: int, km_week: float) -> list[dict]:
        """Steady weeks: four runs, the Sunday one the long run, each varied by up to 10%."""
        out = []
        for w in range(weeks):
            monday = first + timedelta(weeks=w)
            for d, share in ((0, 0.2), (2, 0.2), (4, 0.2), (6, 0.4)):
                out.append(self.run(monday + timedelta(days=d), km_week * share * self.rng.uniform(0.9, 1.1)))
        return out

    def plant(self, kind: str, at: date) -> tuple[list[dict], list[dict]] | None:
        """(activities, extra gear) with the risk in the week from `at` (a Monday), or None
        where the history around `at` cannot carry it."""
        if kind in ("week x1.8", "low-volume week x1.8"):
            km = self.weekly_km(at - timedelta(weeks=5), 8) if kind == "week x1.8" else self.rng.uniform(7, 15)
            if kind == "week x1.8" and km < 10:
                return None      # too little running then to speak of a steady week
            # five steady weeks, then the same runs and as many again: 1.8 times the week,
            # no run longer than usual (a pure volume jump)
            jump = [self.run(at + timedelta(days=d), km * 0.2, hour=h)
                    for d, h in ((0, 7), (1, 7), (2, 7), (3, 7), (4, 7), (5, 7), (6, 7), (6, 18), (2, 18))]
            return self.before(at - timedelta(weeks=5)) + self.steady(at - timedelta(weeks=5), 5, km) + jump, []
        if kind == "run 2x the 30-day longest":
            month = (at - timedelta(days=30)).isoformat()
            recent = [a["distance_m"] / 1000 for a in self.before(at)
                      if a["start_local"][:10] >= month and a["sport_type"] in ("Run", "TrailRun", "VirtualRun")]
            if not recent:
                return None
            return self.before(at) + [self.run(at, 2 * max(recent))], []
        if kind == "week moved to trail, climbing":
            km = self.weekly_km(at)
            if km < 10:
                return None
            week = [self.run(at + timedelta(days=d), km / 3, sport_type="TrailRun", elev_gain_m=km / 3 * 40)
                    for d in (1, 3, 6)]
            return self.before(at) + week, []
        if kind == "first full week after 3 weeks off":
            km = self.weekly_km(at - timedelta(weeks=3))
            if km < 5:
                return None      # no routine before the break to come back to
            return self.before(at - timedelta(weeks=3)) + self.steady(at, 1, km), []
        if kind == "pair crossing its limit":
            shoe = {"id": "gPlanted", "name": "Planted pair", "kind": "shoe", "source": "strava",
                    "distance_m": 705_000.0}
            return self.before(at) + [self.run(at, 10.0, gear_id="gPlanted")], [shoe]
        raise ValueError(kind)


def catch(args) -> None:
    import json

    from loadguard import config as config_mod
    from loadguard.assess.cron_replay import replay
    from loadguard.store import Store
    from loadguard.strava.api import activity_row

    raw = json.loads((real_history.REAL / "activities.json").read_text(encoding="utf-8"))
    history = [activity_row(a, "history") for a in raw]
    days = sorted(date.fromisoformat(a["start_local"][:10]) for a in history)
    span = (days[-1] - days[0]).days - 120
    print(f"{'risk':<36}{'caught':>7}{'of':>4}   (cron line: check --new --min-severity {args.min_severity}, "
          f"a mail at warn or above naming the rule within the risk's week)")
    home = OUT / "catch-home"
    for kind in KINDS:
        caught = total = 0
        planter = Planter(history, seed=7)
        for i in range(args.samples):
            at = days[0] + timedelta(days=100 + span * i // args.samples)
            at -= timedelta(days=at.weekday())
            planted = planter.plant(kind, at)
            if planted is None:
                continue
            rows, gear = planted
            home.mkdir(parents=True, exist_ok=True)
            for f in home.iterdir():
                f.unlink()
            with Store.open(home / "loadguard.db") as store:
                store.upsert_activities(rows)
                store.upsert_gear(gear)
                result = replay(store, config_mod.load(home / "config.toml"), at, at + timedelta(days=6),
                                min_severity=args.min_severity)
            rule = EXPECTED[kind]
            total += 1
            caught += any(w.severity.label in ("warn", "alert")
                          and (w.rule == rule or rule in {a["rule"] for a in w.evidence.get("also", [])})
                          for _, w in result.mailed)
        print(f"{kind:<36}{caught:>7}{total:>4}")


# -- synthetic runners, for rules judged on runners they were not tuned to -----------------


def synthetic_runner(seed: int) -> tuple[list[dict], float, float, bool]:
    """Years of plausible running: a weekly volume drifting around its level, 3-6 runs a
    week with a long run, light and holiday weeks, a break now and then, a few races;
    some runners never record a shoe."""
    rng = random.Random(seed)
    level = rng.uniform(21, 61)
    years = rng.uniform(3.7, 7.9)
    shoes = rng.random() < 0.6
    planter = Planter([], seed)
    rows, day, week_km = [], date(2018, 1, 1), level
    end = day + timedelta(days=int(years * 365))
    while day < end:
        roll = rng.random()
        if roll < 0.012:                                     # a break of 2-5 weeks
            day += timedelta(weeks=rng.randint(2, 5))
            week_km = level * 0.6
            continue
        factor = 0.3 if roll < 0.06 else 0.7 if roll < 0.15 else 1.0   # holiday, light week
        week_km = min(max(week_km * rng.uniform(0.9, 1.12), level * 0.6), level * 1.3)
        n = max(3, min(6, round(week_km / 9)))
        plan = sorted(rng.sample(range(6), n - 1)) + [6]
        for d in plan:
            share = 0.3 if d == 6 else 0.7 / (n - 1)
            km = week_km * factor * share * rng.uniform(0.85, 1.15)
            race = d == 6 and rng.random() < 0.06
            rows.append(planter.run(day + timedelta(days=d), 21.1 if race and km > 12 else 10.0 if race else km,
                                    gear_id=f"g{seed}-{(len(rows) // 300) % 3}" if shoes else None,
                                    workout_type=1 if race else 0))
        day += timedelta(weeks=1)
    return rows, level, years, shoes


def synthetic(args) -> None:
    from loadguard import config as config_mod
    from loadguard.assess.cron_replay import replay
    from loadguard.store import Store

    home = OUT / "synthetic-home"
    print(f"synthetic runners, cron line with --min-severity {args.min_severity}")
    for seed in range(1, 9):
        rows, level, years, shoes = synthetic_runner(seed)
        home.mkdir(parents=True, exist_ok=True)
        for f in home.iterdir():
            f.unlink()
        with Store.open(home / "loadguard.db") as store:
            store.upsert_activities(rows)
            if shoes:
                store.upsert_gear([{"id": f"g{seed}-{i}", "name": f"Pair {i}", "kind": "shoe", "source": "strava",
                                    "distance_m": None} for i in range(3)])
            first = date.fromisoformat(rows[0]["start_local"][:10])
            last = date.fromisoformat(rows[-1]["start_local"][:10])
            result = replay(store, config_mod.load(home / "config.toml"), first, last, min_severity=args.min_severity)
        per_rule = Counter(w.rule.split(".")[1] for _, w in result.mailed)
        print(f"  runner {seed}: {level:4.0f} km/week, {years:.1f} years, {'shoes' if shoes else 'no shoes'}: "
              f"{result.mail_days_per_running_month:.2f} mail-days a month of running; "
              + ", ".join(f"{k} {v}" for k, v in sorted(per_rule.items())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--min-severity", default="info", choices=["info", "warn", "alert"])
    parser.add_argument("--per-day", action="store_true", help="one check per day")
    parser.add_argument("--catch", action="store_true", help="catch rates of planted risks")
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--synthetic", action="store_true", help="mail-days on generated runners")
    args = parser.parse_args()
    if not real_history.available():
        sys.exit(f"no recorded history at {real_history.REAL}")
    OUT.mkdir(exist_ok=True)
    if args.catch:
        catch(args)
    elif args.synthetic:
        synthetic(args)
    else:
        noise(args)


if __name__ == "__main__":
    main()
