"""Milliseconds per 156-week run of the Mesa model, and how it grows with network size.

Prints a table; nothing is asserted. Each figure is the median over repeated runs with
different seeds (the machine is shared, so the median is steadier than the mean).

    python benchmarks/run_cost.py [--repeats R] [--sizes 6,12,25,50,100,200]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

from model import TrustNetworkModel, load_scenario


def time_runs(scenario, repeats: int, collect: bool) -> float:
    times = []
    for seed in range(repeats):
        start = time.perf_counter()
        model = TrustNetworkModel(scenario=scenario, rng=seed, collect=collect)
        model.run_for(scenario.horizon)
        times.append(time.perf_counter() - start)
    return 1000.0 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--sizes", default="6,12,25,50,100,200")
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print("\nnetworks X and Y, 156 weeks, one run at a time (Mesa model)")
    print(f"{'scenario':>10} {'orgs':>5} {'ms/run':>9} {'ms/run with DataCollector':>27}")
    for name in ("x", "y"):
        sc = load_scenario(name)
        print(f"{name:>10} {sc.n:>5} {time_runs(sc, args.repeats, False):>9.1f} "
              f"{time_runs(sc, args.repeats, True):>27.1f}")
    print("\ngrowth with network size (synthetic:N, 156 weeks)")
    print(f"{'orgs':>6} {'ms/run':>9} {'ms/run/org^2':>13}")
    for n in [int(s) for s in args.sizes.split(",")]:
        sc = load_scenario(f"synthetic:{n}")
        reps = max(2, args.repeats // max(1, n // 25))
        ms = time_runs(sc, reps, False)
        print(f"{n:>6} {ms:>9.1f} {ms / n**2:>13.4f}")


if __name__ == "__main__":
    main()
