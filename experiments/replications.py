"""`trustnet run`: replications of one scenario written to a results directory."""

from __future__ import annotations

from pathlib import Path

from tqdm import tqdm

from experiments.simulate import agent_frame, model_frame, pair_frame, replication_seeds, simulate
from experiments.store import manifest, write_json, write_parquet
from model.scenario import Scenario


def run_replications(scenario: Scenario, reps: int, seed: int, out: Path, steps: int | None = None,
                     pairs_every: int = 0, quiet: bool = False) -> dict:
    """Run ``reps`` replications and write model/agents[/pairs].parquet and manifest.json.

    Returns the manifest. Replication i uses the i-th seed spawned from ``seed``, so the
    same (scenario, seed) gives the same files, and run i of any two scenarios with the
    same root seed share their random numbers (common random numbers).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    seeds = replication_seeds(seed, reps)
    runs = list(range(reps))
    results = [simulate(scenario, s, steps, pairs_every)
               for s in tqdm(seeds, desc=f"{scenario.name}", unit="run", disable=quiet, leave=False)]
    write_parquet(model_frame(results, runs), out / "model.parquet")
    write_parquet(agent_frame(results, runs, scenario), out / "agents.parquet")
    if pairs_every > 0:
        write_parquet(pair_frame(results, runs, scenario), out / "pairs.parquet")
    info = manifest(study="run", scenario=scenario.to_dict(), root_seed=seed, reps=reps,
                    steps=scenario.horizon if steps is None else steps, pairs_every=pairs_every,
                    seeds=seeds)
    write_json(info, out / "manifest.json")
    return info
