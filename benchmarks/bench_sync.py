"""Benchmark `loadguard sync` against a mocked Strava: requests made versus the floor, and wall time.

History: 5,000 runs (one every 17 hours, about ten years) on two shoes, one of
them retired (absent from the athlete's list, so it needs a gear call). Three
scenarios on one home, each a real `loadguard sync` run in this process with
Strava mocked by `responses` (tests/fake_strava.py):

  first sync             floor: ceil(N/200) pages + 1 athlete call + 1 gear call per new shoe
  incremental, 0 new     floor: 1 page (the overlap window) + 1 athlete call
  incremental, 3 new     floor: the same

A first sync of an exact multiple of 200 needs one more page than the floor to
learn that the last full page was the last: the list endpoint has no total.

Run: python benchmarks/bench_sync.py [--activities N]   (writes nothing outside a temp folder)
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import fake_strava as fs  # noqa: E402
import responses  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from loadguard.cli import cli  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--activities", type=int, default=5000)
    args = parser.parse_args()
    n = args.activities
    history = fs.history(n, every_h=17)
    gear = {"g100": fs.detailed_gear("g100", "Brooks", "Ghost 15", 412_000.0),
            "g200": fs.detailed_gear("g200", "Saucony", "Peregrine 13", 655_000.0, retired=True)}

    with tempfile.TemporaryDirectory() as tmp, responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        home = Path(tmp) / "home"
        fs.write_token(home)
        fake = fs.FakeStrava(rsps, history, gear=gear)

        def sync(label: str, floor: int) -> None:
            fake.calls.clear()
            started = time.perf_counter()
            result = CliRunner().invoke(cli, ["--home", str(home), "sync"], catch_exceptions=False)
            wall = time.perf_counter() - started
            assert result.exit_code == 0, result.stderr
            made = len(fake.api_calls())
            pages = len(fake.list_pages())
            print(f"{label:<24} {made:>4} requests ({pages} pages)  floor {floor:>3}  "
                  f"{wall * 1000:8.0f} ms   {result.stdout.strip()}")

        print(f"{n} mocked activities")
        sync("first sync", math.ceil(n / 200) + 1 + 2)
        sync("incremental, 0 new", 1 + 1)
        last = history[-1]
        for i in range(3):
            start = fs.datetime.strptime(last["start_date"], "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=fs.timezone.utc) + timedelta(hours=17 * (i + 1))
            new = fs.activity(last["id"] + 1 + i, start, 8.0, gear_id="g100")
            fake.activities[new["id"]] = new
        sync("incremental, 3 new", 1 + 1)


if __name__ == "__main__":
    main()
