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


def _text(words: list, codes: np.ndarray):
    """A text column (pandas' ``str``) of ``words[code]`` for each code: taken from the
    few distinct names in Arrow, since converting one numpy string per row cost more than
    running the block."""
    import pyarrow as pa

    column = pa.array(list(words), type=pa.large_string()).take(pa.array(codes, type=pa.int64()))
    return column.to_pandas().array


def _per_run(results: list[RunResult], table: str) -> list[tuple[int, int]]:
    """(recorded weeks, rows per week) of each run's ``agents`` or ``pairs`` arrays."""
    first = AGENT_METRICS[0] if table == "agents" else PAIR_METRICS[0]
    return [getattr(res, table)[first].shape[:2] for res in results]


def agent_frame(results: list[RunResult], runs: list[int], scenario: Scenario) -> pd.DataFrame:
    """One row per run, week and organisation."""
    shapes = _per_run(results, "agents")
    n = shapes[0][1]
    rows = [t * n for t, _ in shapes]
    week = np.concatenate([np.repeat(np.arange(t), n) for t, _ in shapes])
    org = np.tile(np.arange(n), sum(t for t, _ in shapes))
    frame = {"run": np.repeat(np.asarray(runs, dtype=np.int64), rows),
             "seed": np.repeat(np.array([res.seed for res in results], dtype=np.uint64), rows), "step": week,
             "org": _text([o.name for o in scenario.organisations], org),
             "domain": _text([o.domain for o in scenario.organisations], org),
             "respondent": _text([o.respondent for o in scenario.organisations], org)}
    for k in AGENT_METRICS:
        frame[k] = np.concatenate([res.agents[k].reshape(-1) for res in results])
    out = pd.DataFrame(frame)
    out["present"] = out["present"].astype(bool)
    return out


def pair_frame(results: list[RunResult], runs: list[int], scenario: Scenario) -> pd.DataFrame:
    """One row per run, recorded week and ordered pair (trustor != trustee)."""
    names = [o.name for o in scenario.organisations]
    n = len(names)
    ii, jj = np.nonzero(~np.eye(n, dtype=bool))
    kept = [(run, res) for run, res in zip(runs, results, strict=True) if res.pairs is not None]
    weeks = [len(res.pair_weeks) for _, res in kept]
    rows = [k * len(ii) for k in weeks]
    frame = {"run": np.repeat(np.array([run for run, _ in kept], dtype=np.int64), rows),
             "seed": np.repeat(np.array([res.seed for _, res in kept], dtype=np.uint64), rows),
             "step": np.concatenate([np.repeat(np.asarray(res.pair_weeks), len(ii)) for _, res in kept]),
             "trustor": _text(names, np.tile(ii, sum(weeks))), "trustee": _text(names, np.tile(jj, sum(weeks)))}
    for name in PAIR_METRICS:
        frame[name] = np.concatenate([res.pairs[name][:, ii, jj].reshape(-1) for _, res in kept])
    return pd.DataFrame(frame)
