"""One particle: a block of R paired replications of the criteria's points, in memory.

A particle is a parameter set of one competing model. Its simulation runs the points of
`criteria_points` that the scored patterns read (X, Y and Y without misuse always; the P5
probe and the P6 trust sweeps only when those patterns are scored -- a held-out P6 is not
run by the particles, only by the posterior predictive draws) and, for the respondent
checks, `RESPONDENT_POINTS`, with the same R seeds (common random numbers), each recording
group in one call of the batched engine, and returns tables that answer
``get(table, label)`` like `experiments.ensemble.Tables`, without touching the disk. The R
seeds come from a root given by the caller: the calibration's common root for every
particle of a seed, a fresh root for each posterior predictive draw.
"""

from __future__ import annotations

import pandas as pd

from experiments.analysis.scorecard import RECORDING, RESPONDENT_POINTS, criteria_points, probes_read, resolve
from experiments.ensemble.blocks import batch_engine
from experiments.ensemble.design import RESERVED, replication_seeds
from experiments.ensemble.factors import scoped
from experiments.ensemble.tables import agent_frame, model_frame, pair_frame
from model.inputs.parameters import SPEC_BY_NAME


class MemoryTables:
    """The runs of one recording group as tables, split by design-point label once (the
    criteria ask for the same labels many times)."""

    def __init__(self, frames: dict[str, pd.DataFrame | None]):
        self.frames = {table: None if frame is None else dict(tuple(frame.groupby("label", sort=False)))
                       for table, frame in frames.items()}

    def get(self, table: str, label: str) -> pd.DataFrame:
        frames = self.frames.get(table)
        if frames is None:
            raise KeyError(f"table '{table}' was not recorded")
        if label not in frames:
            raise KeyError(f"no runs labelled '{label}' in table '{table}'")
        return frames[label]


def typed(values: dict) -> dict:
    """Parameter values as their registry types (integer factors are sampled as reals)."""
    out = {}
    for name, value in values.items():
        spec = SPEC_BY_NAME.get(name.rpartition(".")[2])
        out[name] = int(round(float(value))) if spec is not None and spec.kind is int else value
    return out


def run_points(points: list[dict], seeds: list[int], pairs_every: int, record_agents: bool,
               steps: int | None = None) -> MemoryTables:
    """Every point with every seed, through the batched engine; raises if a run fails."""
    scenarios, run_seeds, runs, labels, reps = [], [], [], [], []
    for p, point in enumerate(points):
        base = resolve(point["scenario"])  # the criteria's probes are scenarios of their own
        scenario = base.with_overrides(scoped({k: v for k, v in point.items() if k not in RESERVED}, base.name))
        for r, seed in enumerate(seeds):
            scenarios.append(scenario)
            run_seeds.append(seed)
            runs.append(p * len(seeds) + r)
            labels.append(point["label"])
            reps.append(r)
    results = batch_engine(scenarios, run_seeds, steps, pairs_every, record_agents)
    for res in results:
        if isinstance(res, BaseException):
            raise RuntimeError(f"a run of the particle failed:\n{getattr(res, 'trace', repr(res))}")
    key = pd.DataFrame({"run": runs, "replication": reps, "label": labels})
    frames: dict[str, pd.DataFrame | None] = {"model": model_frame(results, runs).merge(key, on="run")}
    frames["agents"] = frames["pairs"] = None
    if record_agents:
        frames["agents"] = pd.concat([agent_frame([res], [run], sc) for res, run, sc
                                      in zip(results, runs, scenarios, strict=True)]).merge(key, on="run")
    if pairs_every > 0:
        frames["pairs"] = pd.concat([pair_frame([res], [run], sc) for res, run, sc
                                     in zip(results, runs, scenarios, strict=True)]).merge(key, on="run")
    return MemoryTables(frames)


def particle_points(overrides: dict, patterns, respondents: bool = False) -> dict[str, list[dict]]:
    """The points to run for ``patterns`` (ids) at ``overrides``: the main points, the probes
    those patterns read, and with ``respondents`` the points only the respondent checks read."""
    points = criteria_points(typed(overrides))
    needed = probes_read(patterns)
    points["probes"] = [p for p in points["probes"] if p["label"] in needed]
    if respondents:
        points["main"] += [{**typed(overrides), **p} for p in RESPONDENT_POINTS]
    return points


def simulate_particle(overrides: dict, root: int, reps: int, patterns, groups: tuple[str, ...] = ("main", "probes"),
                      respondents: bool = False) -> dict[str, MemoryTables | None]:
    """The points ``patterns`` read at ``overrides`` (a model's switches and a parameter set),
    R replications with seeds spawned from ``root``; one `MemoryTables` per group (None
    for a group with nothing to run)."""
    seeds = replication_seeds(root, reps)
    points = particle_points(overrides, patterns, respondents)
    return {g: run_points(points[g], seeds, **RECORDING[g]) if points[g] else None for g in groups}
