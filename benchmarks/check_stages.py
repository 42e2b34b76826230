"""Where one `loadguard check` spends its time after start-up, stage by stage and rule by rule.

On bench_check's two stores (10 years of ~5,000 runs; 100,000 activities), in one
process with the imports done, each stage is timed as `check --as-of` runs it:
the rules found (entry points), the frames read (runs, shoes, symptoms), the
careful days, the episode starts (each rule's `holds`), each rule's `evaluate`,
and the whole check rendered as text. Medians of in-process repeats: a stage's
own cost, apart from the interpreter and pandas starting (see bench_check.py for
the whole command against `import pandas`).

Run: python benchmarks/check_stages.py [--repeat N] [--store 10y|100k]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from bench_check import AS_OF, OUT, build_store

from loadguard.assess import assessment as engine
from loadguard.assess.assessment import Assessment
from loadguard.config import load
from loadguard.render import text
from loadguard.store import Store

STORES = {"10y": (OUT / "home-10y", (5_600, 10, 6, 0.9, 1)), "100k": (OUT / "home-100k", (100_000, 10, 40, 0.6, 2))}


def one_check(home: Path, day: date, spent: dict[str, float]) -> None:
    """One check as the command runs it, each stage's seconds added to `spent`."""
    def timed(label, call):
        t0 = time.perf_counter()
        out = call()
        spent[label] += time.perf_counter() - t0
        return out

    start = time.perf_counter()
    config = load(home / "config.toml")
    with Store.open(home / "loadguard.db") as store:
        a = Assessment(store, config, day, day)
        timed("rules found (entry points)", lambda: a.enabled)
        timed("frames read (runs, shoes, symptoms)", lambda: a._recent_frames)
        timed("careful days", lambda: a.careful_days)
        rules = [r for r in a.enabled if hasattr(r, "holds")]
        for rule in rules:
            timed(f"episode starts: {rule.id}", lambda rule=rule: engine.episode_starts_of([rule], a.settings, a._recent_frames))
        timed("frames and episode starts (engine)", lambda: a.frames)
        for rule in a.enabled:
            timed(f"evaluate: {rule.id}", lambda rule=rule: a._dated([rule], a.frames, day, day, a.careful_days))
        timed("findings (engine, all rules)", lambda: a.findings(day))
        timed("rendered as text", lambda: text.render_check(day, a.findings(day)))
    spent["whole check"] += time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--store", choices=sorted(STORES), action="append")
    args = parser.parse_args()
    day = date.fromisoformat(AS_OF)
    for name in args.store or sorted(STORES):
        home, shape = STORES[name]
        if not (home / "loadguard.db").exists():
            build_store(home, *shape[:3], run_share=shape[3], seed=shape[4])
        one_check(home, day, defaultdict(float))   # warm: first-call caches, the OS's page cache
        runs = []
        for _ in range(args.repeat):
            spent: dict[str, float] = defaultdict(float)
            one_check(home, day, spent)
            runs.append(spent)
        print(f"{name} store, check --as-of {AS_OF}, median of {args.repeat} (ms):")
        for label in runs[0]:
            # the per-rule lines are timed alone; the engine lines are what check really pays
            print(f"  {statistics.median(r[label] for r in runs) * 1000:7.1f}  {label}")


if __name__ == "__main__":
    main()
