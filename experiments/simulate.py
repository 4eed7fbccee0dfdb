"""Run replications of a scenario and return their time series as compact arrays.

This is the unit of work the studies are built from: a run is identified by its seed,
and its result is plain arrays (never a pickled model), so that it can be sent back
from a worker process cheaply and written to Parquet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.metrics import AGENT_METRICS, MODEL_METRICS, PAIR_METRICS, agent_metrics, pair_metrics
from model.network_model import TrustNetworkModel
from model.scenario import Scenario


def replication_seeds(root: int, reps: int) -> list[int]:
    """One integer seed per replication, spawned from the study's root seed.

    ``SeedSequence(root).spawn`` gives statistically independent streams; each child is
    reduced to a 63-bit integer so that a single run can be reproduced by hand with
    ``TrustNetworkModel(scenario, rng=seed)``.
    """
    children = np.random.SeedSequence(root).spawn(reps)
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


@dataclass
class RunResult:
    """Time series of one run: arrays with the week on the first axis."""

    seed: int
    model: dict[str, np.ndarray]  # name -> (T + 1,)
    agents: dict[str, np.ndarray]  # name -> (T + 1, N)
    pairs: dict[str, np.ndarray] | None  # name -> (K, N, N) at weeks `pair_weeks`
    pair_weeks: np.ndarray
    duration: float = 0.0  # seconds of computation


def simulate(scenario: Scenario, seed: int, steps: int | None = None,
             pairs_every: int = 0, record_agents: bool = True) -> RunResult:
    """Run one replication and record every week (and pairs every ``pairs_every`` weeks).

    Without ``record_agents`` the organisation-level series are not computed (an empty
    dict is returned for them), which saves time in large sweeps.
    """
    steps = scenario.horizon if steps is None else steps
    model = TrustNetworkModel(scenario=scenario, rng=seed, collect=False)
    n = model.structure.n
    mod = {k: np.empty(steps + 1) for k in MODEL_METRICS}
    agt = {k: np.empty((steps + 1, n)) for k in AGENT_METRICS} if record_agents else {}
    pair_weeks = np.arange(0, steps + 1, pairs_every) if pairs_every > 0 else np.array([], int)
    prs = {k: np.empty((len(pair_weeks), n, n)) for k in PAIR_METRICS} if pairs_every > 0 else None

    def record(t: int) -> None:
        for k in MODEL_METRICS:
            mod[k][t] = model.metrics[k]
        if record_agents:
            av = agent_metrics(model.state, model.structure)
            for k in AGENT_METRICS:
                agt[k][t] = av[k][0]
        if prs is not None and t % pairs_every == 0:
            pm = pair_metrics(model.state)
            for k in PAIR_METRICS:
                prs[k][t // pairs_every] = pm[k][0]

    record(0)
    for t in range(1, steps + 1):
        model.step()
        record(t)
    return RunResult(seed=seed, model=mod, agents=agt, pairs=prs, pair_weeks=pair_weeks)


def model_frame(results: list[RunResult], runs: list[int]) -> pd.DataFrame:
    """One row per run and week: ``run``, ``seed``, ``step`` and the model metrics."""
    frames = []
    for run, res in zip(runs, results, strict=True):
        t = len(next(iter(res.model.values())))
        frame = {"run": np.full(t, run), "seed": np.full(t, res.seed, dtype=np.uint64),
                 "step": np.arange(t)}
        frame.update(res.model)
        frames.append(pd.DataFrame(frame))
    return pd.concat(frames, ignore_index=True)


def agent_frame(results: list[RunResult], runs: list[int], scenario: Scenario) -> pd.DataFrame:
    """One row per run, week and organisation."""
    names = [o.name for o in scenario.organisations]
    domains = [o.domain for o in scenario.organisations]
    frames = []
    for run, res in zip(runs, results, strict=True):
        t, n = res.agents[AGENT_METRICS[0]].shape
        frame = {"run": np.repeat(run, t * n), "seed": np.full(t * n, res.seed, dtype=np.uint64),
                 "step": np.repeat(np.arange(t), n), "org": np.tile(names, t),
                 "domain": np.tile(domains, t)}
        for k in AGENT_METRICS:
            frame[k] = res.agents[k].reshape(-1)
        frames.append(pd.DataFrame(frame))
    out = pd.concat(frames, ignore_index=True)
    out["present"] = out["present"].astype(bool)
    return out


def pair_frame(results: list[RunResult], runs: list[int], scenario: Scenario) -> pd.DataFrame:
    """One row per run, recorded week and ordered pair (trustor != trustee)."""
    names = np.array([o.name for o in scenario.organisations])
    n = len(names)
    ii, jj = np.nonzero(~np.eye(n, dtype=bool))
    frames = []
    for run, res in zip(runs, results, strict=True):
        if res.pairs is None:
            continue
        k = len(res.pair_weeks)
        frame = {"run": np.repeat(run, k * len(ii)),
                 "seed": np.full(k * len(ii), res.seed, dtype=np.uint64),
                 "step": np.repeat(res.pair_weeks, len(ii)),
                 "trustor": np.tile(names[ii], k), "trustee": np.tile(names[jj], k)}
        for name in PAIR_METRICS:
            frame[name] = res.pairs[name][:, ii, jj].reshape(-1)
        frames.append(pd.DataFrame(frame))
    return pd.concat(frames, ignore_index=True)
