"""How often `stride.cadence` speaks on a real history: ../shared/strava-real/activities.json
(1,132 recorded Strava activities, Oct 2017 - Oct 2025), mapped by loadguard's own
Strava mapping into a scratch store and checked as of every Sunday, as a weekly
cron would. Prints findings per month of history, so the rule's defaults can be
tuned against noise.

    python benchmarks/stride_on_real_history.py [--week-drop 0.05 --long-drop 0.08]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from loadguard import config as config_mod
from loadguard.assess import frames as frames_mod
from loadguard.assess.assessment import detector_settings
from loadguard.assess.rules.stride import Cadence, steps_per_minute, with_rate
from loadguard.store import Store
from loadguard.strava.api import activity_row

REAL = Path(__file__).resolve().parents[2] / "shared" / "strava-real" / "activities.json"


def could_judge(frames, cfg) -> bool:
    """Whether the rule had a recent run with cadence and enough base runs that week."""
    recent_first = frames.as_of - timedelta(days=int(cfg["recent_days"]) - 1)
    runs = with_rate(frames.days_between(recent_first - timedelta(days=int(cfg["base_days"])), frames.as_of))
    recent = runs["day"] >= pd.Timestamp(recent_first)
    return bool(recent.any()) and int((~recent).sum()) >= cfg["min_base_runs"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--week-drop", type=float)
    parser.add_argument("--long-drop", type=float)
    args = parser.parse_args()
    if not REAL.exists():
        print(f"no recorded data at {REAL}", file=sys.stderr)
        return 1
    raw = json.loads(REAL.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        settings = config_mod.load(Path(tmp) / "config.toml")
        rule = Cadence()
        cfg = detector_settings(settings, rule)
        if args.week_drop is not None:
            cfg["week_drop"] = args.week_drop
        if args.long_drop is not None:
            cfg["long_drop"] = args.long_drop
        with Store.open(Path(tmp) / "loadguard.db") as store:
            store.upsert_activities(activity_row(a, "recorded activities") for a in raw)
            rows = [activity_row(a, "recorded activities") for a in raw]
            cadence = pd.Series([r["avg_cadence"] for r in rows if r["sport_type"] in settings["running_types"]],
                                dtype=float)
            spm = steps_per_minute(cadence).dropna()
            first = date(2017, 10, 1)
            last = date(2025, 10, 19)
            day = first + timedelta(days=(6 - first.weekday()) % 7)
            found: dict[str, object] = {}
            checks, judged, started = 0, 0, time.perf_counter()
            while day <= last:
                frames = frames_mod.build(store, settings, day)
                for w in rule.detect(frames, cfg):
                    found.setdefault(w.id, w)
                checks += 1
                judged += could_judge(frames, cfg)
                day += timedelta(days=7)
            elapsed = time.perf_counter() - started
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    kinds = Counter("week" if "W" in w.subject else "long/hilly run" for w in found.values())
    per_month = Counter(w.date.strftime("%Y-%m") for w in found.values())
    print(f"runs with cadence: {len(spm)} of {len(cadence)}, steps/min median {spm.median():.1f} "
          f"(stored per-leg {cadence.min():.1f}-{cadence.max():.1f}, median {cadence.median():.2f})")
    print(f"{checks} weekly checks in {elapsed:.1f} s, {judged} with a run to judge and enough base runs; "
          f"settings week_drop={cfg['week_drop']} long_drop={cfg['long_drop']}")
    print(f"findings: {len(found)} ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}) over {months} "
          f"months = {len(found) / months:.2f} a month; months with any: {len(per_month)}, "
          f"busiest {max(per_month.values()) if per_month else 0} in a month")
    return 0


if __name__ == "__main__":
    sys.exit(main())
