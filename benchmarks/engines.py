"""Engines side by side, and the performance goals of issue 15, measured in one run.

Prints, for networks X and Y (156 weeks): the Mesa model run by run; `mesa.batch_run`;
the ensemble runner with the Mesa engine; the ensemble runner with the batched engine
(in-process and with the default workers); the batched engine alone; the random-number
floor (the time to draw the uniforms a run consumes, in the same per-run way the engines
draw them). Then the batched engine's cost by block size and by network size, and the
goal table: each goal with what was measured, its ratio and whether it is met. Asserts
nothing; timings on a shared machine vary by up to ~1.5x between runs.

    python benchmarks/engines.py [--runs 100] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from experiments import ExecutorSpec, Study, execute
from experiments.ensemble import replication_seeds
from model import load_scenario
from model.draws import draws_per_week
from model.engines import simulate_batch

# Mesa, SALib and the sensitivity study are imported where they are used: worker processes
# import this script again when they start, and its imports would count as their start-up.

SOBOL_N, SOBOL_REPS = 2048, 10  # the full sensitivity study of the goal table


def per_second(runs: int, seconds: float) -> float:
    return runs / seconds


def mesa_one_by_one(sc, runs: int) -> float:
    from model import TrustNetworkModel

    start = time.perf_counter()
    for seed in replication_seeds(1, runs):
        TrustNetworkModel(scenario=sc, rng=seed, collect=False).run_for(sc.horizon)
    return per_second(runs, time.perf_counter() - start)


def mesa_batch_run(sc, runs: int) -> float:
    from mesa.batchrunner import batch_run

    from model import TrustNetworkModel

    start = time.perf_counter()
    batch_run(TrustNetworkModel, parameters={"scenario": [sc]}, number_processes=1,
              rng=replication_seeds(1, runs), data_collection_period=-1, max_steps=sc.horizon,
              display_progress=False)
    return per_second(runs, time.perf_counter() - start)


def runner(sc, runs: int, engine: str, workers: int | None) -> tuple[float, str]:
    """Runs per second through the ensemble runner, writing its tables, and where they ran;
    ``workers`` None: the default (processes chosen from the work, up to the idle cores)."""
    study = Study(scenario=sc, reps=runs, seed=1, record_agents=False, kind="bench")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        execute(study, Path(tmp) / "out", ExecutorSpec(workers=workers), engine=engine, quiet=True)
        rate = per_second(runs, time.perf_counter() - start)
        return rate, json.loads((Path(tmp) / "out" / "manifest.json").read_text())["attempts"][-1]["where"]


def best_of(times: int, measure, *args) -> tuple[float, str]:
    """The fastest of ``times`` measurements (a shared machine only ever slows a run down)."""
    return max((measure(*args) for _ in range(times)), key=lambda m: m[0])


def rng_floor(sc, runs: int) -> float:
    """Runs per second if drawing the random numbers were all an engine did."""
    size = draws_per_week(sc.n, sc.params.max_cases)
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


def one_run(n: int) -> tuple[float, float]:
    """Seconds for one 156-week run of ``synthetic:n``, and its random-number floor."""
    sc = load_scenario(f"synthetic:{n}")
    start = time.perf_counter()
    simulate_batch([sc], [1], sc.horizon, 0, False)
    return time.perf_counter() - start, 1.0 / rng_floor(sc, 1)


def large_network(n: int, weeks: int) -> tuple[float, float]:
    """Peak memory (MB) and seconds per week of ``synthetic:n``, in a fresh process."""
    code = ("import sys, time; from model import load_scenario; from model.engines import simulate_batch; "
            f"sc = load_scenario('synthetic:{n}'); t = time.perf_counter(); "
            f"simulate_batch([sc], [1], {weeks}, 0, False); print((time.perf_counter() - t) / {weeks})")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(peak, before) / 1024, float(out.stdout.strip())


def sobol_minutes(sizes: tuple[int, int], reps: int) -> tuple[float, int]:
    """Minutes the default Sobol study (default factors and scenario, default workers,
    analysis and figures included) takes at base sample ``SOBOL_N``: timed at two small
    base samples and extrapolated along the straight line through them (fixed cost plus
    cost per run)."""
    from experiments.studies.sensitivity.design import load_factors
    from experiments.studies.sensitivity.study import run_sa

    factors, scenario = load_factors("default")
    seconds = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            run_sa(Path(tmp), "sobol", factors, scenario or "y", ["collaboration"], n, reps, quiet=True)
            seconds.append(time.perf_counter() - start)
    runs = [n * (len(factors) + 2) * reps for n in sizes]
    per_run = (seconds[1] - seconds[0]) / (runs[1] - runs[0])
    full = SOBOL_N * (len(factors) + 2) * SOBOL_REPS
    return (seconds[0] + per_run * (full - runs[0])) / 60.0, full


def goal_row(label: str, measured: str, ratio: float, goal: str, met: bool) -> None:
    print(f"  {label:52} {measured:>22} {ratio:>8.2f}  {goal:<14} {'met' if met else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100, help="runs per row of the batched engine (default 100)")
    parser.add_argument("--quick", action="store_true", help="fewer runs for the slow Mesa rows")
    args = parser.parse_args()
    slow = max(10, args.runs // (10 if args.quick else 4))
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {memory / 1024:.0f} GiB, "
          f"Python {platform.python_version()}, numpy {np.__version__}")
    rates = {}
    for name in ("x", "y"):
        sc = load_scenario(name)
        rows = [
            ("Mesa model, run by run", mesa_one_by_one(sc, slow)),
            ("mesa.batch_run (1 process)", mesa_batch_run(sc, slow)),
            ("runner, Mesa engine, in-process", runner(sc, slow, "mesa", 1)[0]),
            ("runner, batched engine, in-process", runner(sc, args.runs, "batch", 1)[0]),
            ("runner, batched engine, default workers", runner(sc, args.runs, "batch", None)[0]),
            ("batched engine alone, block of 100", batch_direct(sc, args.runs, 100)),
            ("random-number floor", rng_floor(sc, args.runs)),
        ]
        rates[name] = dict(rows)
        base = rows[0][1]
        print(f"\nnetwork {name.upper()} ({sc.n} organisations), 156 weeks")
        print(f"{'':42} {'runs/s':>10} {'ms/run':>9} {'x Mesa':>8}")
        for label, rate in rows:
            print(f"{label:42} {rate:>10.1f} {1000 / rate:>9.2f} {rate / base:>8.1f}")

    sc = load_scenario("x")
    print("\nbatched engine, network X: cost per run by block size")
    for block in (1, 10, 50, 100, 250):
        rate = batch_direct(sc, max(block, min(args.runs, 250)), block)
        print(f"  block {block:>4}: {1000 / rate:8.2f} ms/run")
    print("\nbatched engine: one run by network size (synthetic:N, 156 weeks)")
    sizes = {}
    for n in (6, 25, 50, 100, 200, 500):
        sizes[n] = one_run(n)
        seconds, floor = sizes[n]
        print(f"  {n:>4} organisations: {seconds * 1000:9.1f} ms (random-number floor {floor * 1000:7.1f} ms)")

    runner_small = {w: best_of(3, runner, sc, 100, "batch", w) for w in (1, None)}
    runner_large = {w: best_of(3, runner, sc, 2000, "batch", w) for w in (1, None)}
    peak, per_week = large_network(2000, 4)
    sobol, sobol_runs = sobol_minutes((16, 64), SOBOL_REPS)

    x, y = rates["x"], rates["y"]
    floor_ratio = x["random-number floor"] / x["batched engine alone, block of 100"]
    mesa_x = x["batched engine alone, block of 100"] / x["Mesa model, run by run"]
    mesa_y = y["batched engine alone, block of 100"] / y["Mesa model, run by run"]
    print("\ngoals (issue 15)")
    print(f"  {'':52} {'measured':>22} {'ratio':>8}  {'goal':<14}")
    goal_row("batched engine, X, blocks of 100, x the RNG floor",
             f"{1000 / x['batched engine alone, block of 100']:.2f} ms/run", floor_ratio, "<= 3", floor_ratio <= 3)
    goal_row("batched engine vs the Mesa model run by run, X", f"{1000 / x['Mesa model, run by run']:.0f} ms/run Mesa",
             mesa_x, ">= 50", mesa_x >= 50)
    goal_row("batched engine vs the Mesa model run by run, Y", f"{1000 / y['Mesa model, run by run']:.0f} ms/run Mesa",
             mesa_y, ">= 50", mesa_y >= 50)
    goal_row("one run of synthetic:500 (156 weeks), x 1 s", f"{sizes[500][0]:.2f} s", sizes[500][0],
             "< 1", sizes[500][0] < 1)
    goal_row("synthetic:2000, peak memory / machine memory", f"{peak:.0f} MB, {per_week:.2f} s/week",
             peak / memory, "fits (< 0.5)", peak < memory / 2)
    for runs, measured, goal, least in ((100, runner_small, ">= 1 (0.95)", 0.95), (2000, runner_large, ">= 1.7", 1.7)):
        (default, where), (alone, _) = measured[None], measured[1]
        goal_row(f"runner, {runs:,} runs of X, default workers / in-process", f"{default:.0f} vs {alone:.0f} runs/s",
                 default / alone, goal, default / alone >= least)
        print(f"  {'':52} (default: {where})")
    goal_row(f"Sobol, N = {SOBOL_N}, {SOBOL_REPS} reps ({sobol_runs:,} runs), x 10 min",
             f"{sobol:.1f} min", sobol / 10, "<= 1", sobol <= 10)
    print("  (ratio: x the floor; x faster; x the time allowed; share of memory; x in-process. The first "
          "runner row allows 5% for timing noise; the Sobol row is extrapolated from N = 16 and 64.)")


if __name__ == "__main__":
    main()
