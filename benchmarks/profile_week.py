"""Where a block's time goes: the sub-steps of the weekly process, drawing and recording.

Runs one block of the batched engine under cProfile and prints each sub-step's share of
the block's time (cumulative: a sub-step includes what it calls). Asserts nothing.

    python benchmarks/profile_week.py [--scenario x] [--block 100]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats

from experiments.ensemble import replication_seeds
from model import load_scenario
from model.engines import simulate_batch

STEPS = ("arrive_cases", "hold_meeting", "informal_contact", "contact_outside_meetings", "carry_out_actions",
         "opportunism", "evaluate", "update_trust", "update_climate", "turnover", "levers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="x")
    parser.add_argument("--block", type=int, default=100)
    args = parser.parse_args()
    sc = load_scenario(args.scenario)
    seeds = replication_seeds(1, args.block)
    simulate_batch([sc] * args.block, seeds, sc.horizon, 0, False)  # warm up
    profile = cProfile.Profile()
    profile.runcall(simulate_batch, [sc] * args.block, seeds, sc.horizon, 0, False)
    stats = pstats.Stats(profile).stats
    by_name = {}
    for (_, _, name), (_, _, own, cumulative, _) in stats.items():
        by_name.setdefault(name, [0.0, 0.0])
        by_name[name][0] += own
        by_name[name][1] += cumulative
    total = by_name["simulate_batch"][1]
    week = by_name["advance_week"][1]
    print(f"{args.scenario}, block of {args.block} runs, 156 weeks: {total:.3f} s under the profiler "
          f"({total / args.block * 1000:.2f} ms/run)")
    rows = [(name, by_name.get(name, [0.0, 0.0])[1]) for name in STEPS]
    rows.append(("drawing the uniforms (simulate_batch itself)", by_name["simulate_batch"][0]))
    rows.append(("recording the metrics", by_name.get("record", [0.0, 0.0])[1]))
    rows.append(("rest of advance_week (presence, signals)", week - sum(t for _, t in rows[:len(STEPS)])))
    for name, seconds in sorted(rows, key=lambda r: -r[1]):
        print(f"  {name:46} {seconds * 1000:8.1f} ms  {seconds / total:6.1%}")


if __name__ == "__main__":
    main()
