"""Where a block's time goes: the compiled call against the Python around it.

Runs one block of the batched engine under cProfile and prints the share of each part:
building the structure and parameter arrays, the initial state, the runs' keys, the
compiled call (`model.process.kernel.run_weeks`: the whole weekly process of every run and week,
and the recording), and turning the recorded arrays into results. The compiled call is
one opaque entry here; inside it each sub-step is plain loops (`model.process.dynamics`).
Asserts nothing.

    python benchmarks/profile_week.py [--scenario x] [--block 100]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats

from experiments.ensemble import replication_seeds
from model import load_scenario
from model.process.engines import simulate_batch

PARTS = (("structure and parameters", ("from_scenario", "__init__")), ("initial state", ("initial_state",)),
         ("keys of the runs", ("block_keys",)), ("compiled weekly process and recording", ("advance",)),
         ("results", ("results",)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="x")
    parser.add_argument("--block", type=int, default=100)
    args = parser.parse_args()
    sc = load_scenario(args.scenario)
    seeds = replication_seeds(1, args.block)
    simulate_batch([sc] * args.block, seeds, sc.horizon, 0, False)  # compile or load the kernel
    profile = cProfile.Profile()
    profile.runcall(simulate_batch, [sc] * args.block, seeds, sc.horizon, 0, False)
    stats = pstats.Stats(profile).stats
    cumulative = {}
    for (path, _, name), (_, _, _, cum, _) in stats.items():
        if "/model/" in path:
            cumulative[name] = cumulative.get(name, 0.0) + cum
    total = cumulative["simulate_batch"]
    print(f"{args.scenario}, block of {args.block} runs, 156 weeks: {total:.3f} s under the profiler "
          f"({total / args.block * 1000:.3f} ms/run)")
    for label, names in PARTS:
        seconds = sum(cumulative.get(n, 0.0) for n in names)
        print(f"  {label:40} {seconds * 1000:8.1f} ms  {seconds / total:6.1%}")


if __name__ == "__main__":
    main()
