"""How often the runner's actual long runs went past the line `ahead` drew the day before,
on the recorded history in ../shared/strava-real, per year.

A week's long run is its longest run (Monday to Sunday, local days). For each, `ahead`
is asked as of the day before it, knowing only the runs before; the run went past
when it was longer than `longest_run_km` (every volume line), and separately than the
spike rule's own line.

Run: python benchmarks/ahead_on_real_history.py
"""

from __future__ import annotations

import sys
import tempfile
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from real_history import available, load_real  # noqa: E402


def main() -> None:
    if not available():
        raise SystemExit("no recorded history in ../shared/strava-real")
    import pandas as pd

    from loadguard import config as config_mod
    from loadguard.assess.assessment import Assessment
    from loadguard.store import Store

    per_year: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])   # long runs, judged, past, past spike
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        path = load_real(home)
        config = config_mod.load(home / "config.toml")
        with Store.open(path) as store:
            last = pd.Timestamp(store.conn.execute("SELECT max(start_local) FROM activities").fetchone()[0])
            runs = Assessment(store, config, last.date(), last.date()).history.runs
            weekly = runs.loc[runs.groupby(runs["day"].dt.to_period("W"))["distance_km"].idxmax()]
            for row in weekly.itertuples():
                day = row.day.date()
                # what `ahead` knew the day before: the runs before that day
                a = Assessment(store, config, day - timedelta(days=1), day - timedelta(days=1)).lines(1)
                counts = per_year[day.year]
                counts[0] += 1
                if a.longest_run_km is None:
                    continue
                counts[1] += 1
                counts[2] += row.distance_km > a.longest_run_km
                spike = next((s for s in a.run_lines if s.rule == "volume.long_run_spike"), None)
                counts[3] += spike is not None and row.distance_km > spike.km
    print("year  long runs  with a line  past longest_run_km  past the spike line")
    total = [0, 0, 0, 0]
    for year in sorted(per_year):
        c = per_year[year]
        total = [t + x for t, x in zip(total, c)]
        print(f"{year}  {c[0]:9d}  {c[1]:11d}  {c[2]:5d} ({c[2] / max(c[1], 1):4.0%})       "
              f"{c[3]:5d} ({c[3] / max(c[1], 1):4.0%})")
    print(f"all   {total[0]:9d}  {total[1]:11d}  {total[2]:5d} ({total[2] / max(total[1], 1):4.0%})       "
          f"{total[3]:5d} ({total[3] / max(total[1], 1):4.0%})")


if __name__ == "__main__":
    main()
