"""The ensemble runner against `mesa.batch_run` on the same design: runs per second.

Both run the same replications of network X (156 weeks) with the same seeds; the
runner writes Parquet to a temporary directory, `batch_run` keeps its results in
memory (final step only, the cheapest setting it offers). Prints a table; asserts
nothing.

    python benchmarks/runner_vs_batch_run.py [--runs 2000] [--processes 1,2]
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from mesa.batchrunner import batch_run

from experiments import ExecutorSpec, Study, execute
from experiments.ensemble import replication_seeds
from model import TrustNetworkModel, load_scenario


def time_runner(runs: int, workers: int) -> float:
    study = Study(scenario=load_scenario("x"), reps=runs, seed=1, record_agents=False, kind="bench")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        summary = execute(study, Path(tmp) / "out", ExecutorSpec(workers=workers), quiet=True)
        elapsed = time.perf_counter() - start
    assert summary.succeeded == runs
    return elapsed


def time_batch_run(runs: int, processes: int) -> float:
    start = time.perf_counter()
    out = batch_run(TrustNetworkModel, parameters={"scenario": [load_scenario("x")]},
                    number_processes=processes, rng=replication_seeds(1, runs),
                    data_collection_period=-1, max_steps=156, display_progress=False)
    elapsed = time.perf_counter() - start
    assert len(out) >= runs
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--processes", default="1,2")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"design: {args.runs} runs of network X, 156 weeks each\n")
    print(f"{'processes':>9} {'runner runs/s':>14} {'batch_run runs/s':>17} {'ratio':>7}")
    for k in [int(p) for p in args.processes.split(",")]:
        ours = args.runs / time_runner(args.runs, k)
        theirs = args.runs / time_batch_run(args.runs, k)
        print(f"{k:>9} {ours:>14.1f} {theirs:>17.1f} {ours / theirs:>7.2f}")


if __name__ == "__main__":
    main()
