"""Engines side by side: runs per second of network X and Y, 156 weeks.

Prints, in one run: the Mesa model run by run; `mesa.batch_run`; the ensemble runner
with the Mesa engine; the ensemble runner with the batched engine (1 and 2 workers);
the random-number floor (the time to draw the uniforms a run consumes, in the same
per-run way the engines draw them); how the batched engine's cost per run grows with
network size (6 to 500 organisations) and with block size. Asserts nothing.

    python benchmarks/engines.py [--runs 200] [--quick]
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
from mesa.batchrunner import batch_run

from experiments import ExecutorSpec, Study, execute
from experiments.ensemble import replication_seeds
from model import TrustNetworkModel, load_scenario
from model.draws import draws_per_week
from model.engines import simulate_batch


def per_second(runs: int, seconds: float) -> float:
    return runs / seconds


def mesa_one_by_one(sc, runs: int) -> float:
    start = time.perf_counter()
    for seed in replication_seeds(1, runs):
        TrustNetworkModel(scenario=sc, rng=seed, collect=False).run_for(sc.horizon)
    return per_second(runs, time.perf_counter() - start)


def mesa_batch_run(sc, runs: int) -> float:
    start = time.perf_counter()
    batch_run(TrustNetworkModel, parameters={"scenario": [sc]}, number_processes=1,
              rng=replication_seeds(1, runs), data_collection_period=-1, max_steps=sc.horizon,
              display_progress=False)
    return per_second(runs, time.perf_counter() - start)


def runner(sc, runs: int, engine: str, workers: int) -> float:
    study = Study(scenario=sc, reps=runs, seed=1, record_agents=False, kind="bench")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        execute(study, Path(tmp) / "out", ExecutorSpec(workers=workers), engine=engine, quiet=True)
        return per_second(runs, time.perf_counter() - start)


def rng_floor(sc, runs: int) -> float:
    """Runs per second if drawing the random numbers were all an engine did."""
    n, s = sc.n, sc.params.max_cases
    size = draws_per_week(n, s)
    out = np.empty(size)
    start = time.perf_counter()
    for seed in replication_seeds(1, runs):
        gen = np.random.default_rng(seed)
        for _ in range(sc.horizon):
            gen.random(out=out)
    return per_second(runs, time.perf_counter() - start)


def batch_direct(sc, runs: int, block: int) -> float:
    seeds = replication_seeds(1, runs)
    start = time.perf_counter()
    for i in range(0, runs, block):
        chunk = seeds[i:i + block]
        simulate_batch([sc] * len(chunk), chunk, sc.horizon, 0, False)
    return per_second(runs, time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="fewer runs for the slow rows")
    args = parser.parse_args()
    slow = max(10, args.runs // (10 if args.quick else 4))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"numpy {np.__version__}")
    for name in ("x", "y"):
        sc = load_scenario(name)
        rows = [
            ("Mesa model, run by run", mesa_one_by_one(sc, slow)),
            ("mesa.batch_run (1 process)", mesa_batch_run(sc, slow)),
            ("runner, Mesa engine, 1 worker", runner(sc, slow, "mesa", 1)),
            ("runner, batched engine, 1 worker", runner(sc, args.runs, "batch", 1)),
            ("runner, batched engine, 2 workers", runner(sc, args.runs, "batch", 2)),
            ("batched engine alone, block of 100", batch_direct(sc, args.runs, 100)),
            ("random-number floor", rng_floor(sc, args.runs)),
        ]
        base = rows[0][1]
        print(f"\nnetwork {name.upper()} ({sc.n} organisations), 156 weeks")
        print(f"{'':40} {'runs/s':>10} {'ms/run':>9} {'x Mesa':>8}")
        for label, rate in rows:
            print(f"{label:40} {rate:>10.1f} {1000 / rate:>9.2f} {rate / base:>8.1f}")
    sc = load_scenario("x")
    print("\nbatched engine, network X: cost per run by block size")
    for block in (1, 10, 50, 100, 250):
        rate = batch_direct(sc, max(block, min(args.runs, 250)), block)
        print(f"  block {block:>4}: {1000 / rate:8.2f} ms/run")
    print("\nbatched engine: one run by network size (synthetic:N, 156 weeks)")
    for n in (6, 25, 50, 100, 200, 500):
        sc = load_scenario(f"synthetic:{n}")
        start = time.perf_counter()
        simulate_batch([sc], [1], sc.horizon, 0, False)
        single = time.perf_counter() - start
        block = float("nan")
        if n <= 100:
            start = time.perf_counter()
            simulate_batch([sc] * 10, list(range(10)), sc.horizon, 0, False)
            block = (time.perf_counter() - start) / 10
        print(f"  {n:>4} organisations: {single * 1000:9.1f} ms for one run; "
              f"{block * 1000:9.1f} ms/run in a block of 10")


if __name__ == "__main__":
    main()
