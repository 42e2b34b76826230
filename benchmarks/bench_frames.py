"""Time the engine's read of a store (`frames.build`) on bench_check's 100k store.

What `check` reads (runs of the last 400 days, every shoe with its register
settings), the whole history (what `replay` and the digest read), and the shoes
alone, each the median of in-process repeats, so the store's reads are measured
apart from start-up. The store is built under benchmarks/out/ as bench_check builds it.

Run: python benchmarks/bench_frames.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, timedelta

from bench_check import AS_OF, OUT, build_store

from loadguard.assess import frames
from loadguard.config import load
from loadguard.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    home = OUT / "home-100k"
    if not (home / "loadguard.db").exists():
        build_store(home, 100_000, 10, 40, run_share=0.6, seed=2)
    config = load(home / "config.toml")
    as_of = date.fromisoformat(AS_OF)
    with Store.open(home / "loadguard.db") as store:
        how = frames.attribution(store, config)
        for label, read in (
            ("as check reads it (runs of 400 days)",
             lambda: frames.build(store, config, as_of, since=as_of - timedelta(days=frames.HORIZON_DAYS))),
            ("the whole history", lambda: frames.build(store, config, as_of)),
            ("the shoes alone", lambda: frames._shoes(store, how, as_of, config["shoes"])),
        ):
            walls = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                read()
                walls.append(time.perf_counter() - t0)
            print(f"frames.build, 100k store, {label}: {statistics.median(walls) * 1000:.0f} ms "
                  f"(median of {args.repeat})")


if __name__ == "__main__":
    main()
