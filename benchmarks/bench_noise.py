"""How often the cron line would have mailed, on the recorded history in ../shared/strava-real.

The cron line (`loadguard sync --quiet && loadguard check --new [--min-severity L]`)
is replayed once a day over the whole history and every line it would have
printed is counted: mail-days per month of running, lines per rule and severity.

  python benchmarks/bench_noise.py                    # this loadguard, through `loadguard.replay`
  python benchmarks/bench_noise.py --min-severity info
  PYTHONPATH=/path/to/old/checkout python benchmarks/bench_noise.py --per-day
        # any loadguard, one `run_detectors` per day, a finding new when its severity
        # rises (the rule before findings were episodes): how the BEFORE table was made

Then the catch rates: synthetic variants of the same history, each with one risk
planted at 40 dates spread over it, and whether `check --new` of the days that
follow mails it at warn or above (`--catch`).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from datetime import date, datetime, timedelta
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
    from loadguard.check import run_detectors

    seen: dict[str, int] = {}
    lines = []
    day = first
    while day <= last:
        for w in run_detectors(store, config, day):
            if int(w.severity) < min_level or seen.get(w.id, 0) >= int(w.severity):
                continue
            seen[w.id] = int(w.severity)
            lines.append((day, w.rule, w.severity.label))
        day += timedelta(days=1)
    return lines


def replay_lines(store, config, first: date, last: date, level: str) -> list[tuple[date, str, str]]:
    from loadguard.replay import replay

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
          f"{'per-day run_detectors' if args.per_day else 'loadguard.replay'} ({took:.1f} s)")
    print(tally(lines, months))


# -- catch rates on synthetic variants -------------------------------------------------

KINDS = ("week_x1.8", "run_2x_longest", "trail_week_with_climb", "comeback_after_3_weeks_off",
         "shoe_past_limit", "low_volume_week_x1.8")


def planted(kind: str, history: list[dict], at: date, rng: random.Random) -> tuple[list[dict], list[dict], date, str]:
    """(history kept, runs added, last day to check, rule expected) for one risk at `at`."""
    from loadguard.frames import RACE_WORKOUT_TYPE  # noqa: F401  (the column exists in this loadguard)

    def day_of(a):
        return date.fromisoformat(a["start_local"][:10])

    before = [a for a in history if day_of(a) < at]
    run_km = [a["distance_m"] / 1000 for a in before if day_of(a) >= at - timedelta(days=28)
              and a["sport_type"] in ("Run", "TrailRun", "VirtualRun")]
    week = sum(run_km) / 4 or 20.0
    ids = iter(range(9_000_000_000 + rng.randrange(10**6) * 100, 10**12))

    def run(d: date, km: float, **kw) -> dict:
        base = {"id": next(ids), "name": "Planted", "sport_type": "Run",
                "start_utc": f"{d.isoformat()}T07:00:00Z", "start_local": f"{d.isoformat()}T07:00:00",
                "distance_m": km * 1000, "moving_s": int(km * 330), "elapsed_s": int(km * 340),
                "elev_gain_m": 20.0, "gear_id": "gPlanted", "avg_cadence": 84.0, "trainer": False,
                "manual": False, "source": "strava", "workout_type": None}
        base.update(kw)
        return base

    def steady(weeks: int, km_week: float, end: date) -> list[dict]:
        out = []
        for w in range(weeks):
            monday = end - timedelta(days=7 * (weeks - w))
            out += [run(monday + timedelta(days=o), km_week / 4) for o in (0, 2, 4, 5)]
        return out

    if kind == "week_x1.8":
        base = steady(6, 30.0, at)
        return [a for a in before if day_of(a) < at - timedelta(days=42)], base + steady(1, 54.0, at + timedelta(days=7)), at + timedelta(days=6), "volume.weekly_load"
    if kind == "low_volume_week_x1.8":
        km = rng.uniform(7, 15)
        base = steady(6, km, at)
        return [a for a in before if day_of(a) < at - timedelta(days=42)], base + steady(1, km * 1.8, at + timedelta(days=7)), at + timedelta(days=6), "volume.weekly_load"
    if kind == "run_2x_longest":
        longest = max([a["distance_m"] / 1000 for a in before if day_of(a) >= at - timedelta(days=30)] or [0])
        longest = longest or 10.0
        if not run_km:
            before = [a for a in before if day_of(a) < at - timedelta(days=42)]
            return before, steady(6, 30.0, at) + [run(at, 7.5 * 2.05)], at + 3, "volume.long_run_spike"
        return before, [run(at, longest * 2.05)], at + timedelta(days=3), "volume.long_run_spike"
    if kind == "trail_week_with_climb":
        road = steady(6, 30.0, at)
        trail = [run(at + timedelta(days=o), 8.0, sport_type="TrailRun", elev_gain_m=400.0) for o in (0, 2, 4)]
        return [a for a in before if day_of(a) < at - timedelta(days=42)], road + trail, at + timedelta(days=6), "terrain.trail_switch"
    if kind == "comeback_after_3_weeks_off":
        pre = steady(6, 30.0, at - timedelta(days=21))
        back = steady(1, 30.0, at + timedelta(days=7))
        return [a for a in before if day_of(a) < at - timedelta(days=63)], pre + back, at + timedelta(days=6), "volume.comeback"
    if kind == "shoe_past_limit":
        # a pair at 690 km crossing its 700 km limit on this run
        return before, [run(at, 12.0, gear_id="gWorn")], at + timedelta(days=1), "shoes.mileage"
    raise ValueError(kind)


def catch(args) -> None:
    import json

    from loadguard import config as config_mod
    from loadguard.replay import replay
    from loadguard.sources.strava import activity_row
    from loadguard.store import Store

    raw = json.loads((real_history.REAL / "activities.json").read_text(encoding="utf-8"))
    history = [activity_row(a, "history") for a in raw]
    days = sorted(date.fromisoformat(a["start_local"][:10]) for a in history)
    rng = random.Random(7)
    print(f"{'risk':<30}{'caught':>8}{'of':>5}  (at warn or above, mailed by check --new --min-severity {args.min_severity})")
    for kind in KINDS:
        caught = total = 0
        for i in range(args.samples):
            at = days[0] + timedelta(days=120 + (len(days) and (days[-1] - days[0]).days - 150) * i // args.samples)
            keep, added, last, rule = planted(kind, history, at, rng)
            home = OUT / "catch-home"
            home.mkdir(parents=True, exist_ok=True)
            for f in home.iterdir():
                f.unlink()
            with Store.open(home / "loadguard.db") as store:
                store.upsert_activities(keep + added)
                gear = [{"id": "gPlanted", "name": "Planted shoe", "kind": "shoe", "source": "strava",
                         "distance_m": 300_000.0},
                        {"id": "gWorn", "name": "Worn shoe", "kind": "shoe", "source": "strava",
                         "distance_m": 702_000.0}]
                store.upsert_gear(gear)
                config = config_mod.load(home / "config.toml")
                result = replay(store, config, at, last, min_severity=args.min_severity)
            total += 1
            caught += any(w.rule == rule or rule in [s["rule"] for s in w.evidence.get("also", [])]
                          for _, w in result.mailed if w.severity.label in ("warn", "alert"))
        print(f"{kind:<30}{caught:>8}{total:>5}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--min-severity", default="info", choices=["info", "warn", "alert"])
    parser.add_argument("--per-day", action="store_true", help="one run_detectors per day (any loadguard)")
    parser.add_argument("--catch", action="store_true", help="catch rates of planted risks")
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    if not real_history.available():
        sys.exit(f"no recorded history at {real_history.REAL}")
    OUT.mkdir(exist_ok=True)
    if args.catch:
        catch(args)
    else:
        noise(args)


if __name__ == "__main__":
    main()
