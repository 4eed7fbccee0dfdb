"""Results of runs as tables: one row per run and week (model), per organisation
(agents), per ordered pair (pairs), ready for Parquet."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.inputs.scenario import Scenario
from model.process.engines import RunResult
from model.process.metrics import AGENT_METRICS, PAIR_METRICS


def model_frame(results: list[RunResult], runs: list[int]) -> pd.DataFrame:
    """One row per run and week: ``run``, ``seed``, ``step`` and the model metrics.

    Built from the runs' arrays joined end to end (one frame per block, not per run:
    building thousands of small frames cost as much as running the batched engine).
    """
    lengths = [len(next(iter(res.model.values()))) for res in results]
    frame = {"run": np.repeat(np.asarray(runs, dtype=np.int64), lengths),
             "seed": np.repeat(np.array([res.seed for res in results], dtype=np.uint64), lengths),
             "step": np.concatenate([np.arange(t) for t in lengths])}
    for k in results[0].model:
        frame[k] = np.concatenate([res.model[k] for res in results])
    return pd.DataFrame(frame)


def agent_frame(results: list[RunResult], runs: list[int], scenario: Scenario) -> pd.DataFrame:
    """One row per run, week and organisation."""
    names = [o.name for o in scenario.organisations]
    domains = [o.domain for o in scenario.organisations]
    respondents = [o.respondent for o in scenario.organisations]
    frames = []
    for run, res in zip(runs, results, strict=True):
        t, n = res.agents[AGENT_METRICS[0]].shape
        frame = {"run": np.repeat(run, t * n), "seed": np.full(t * n, res.seed, dtype=np.uint64),
                 "step": np.repeat(np.arange(t), n), "org": np.tile(names, t),
                 "domain": np.tile(domains, t), "respondent": np.tile(respondents, t)}
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
