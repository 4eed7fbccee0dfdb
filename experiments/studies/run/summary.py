"""Outcomes of a run study over the runs, and networks run alongside it.

Per run the headline outcomes are `experiments.analysis.units.headline` (trust, sharing
and collaboration at the horizon; cases resolved and stalls per year, the share of open
cases with joint action, misuse and turnover over the whole run). Over the runs: the
mean with its 95% interval, and
the range that holds 95% of the runs (a single run can be told from chance only
against that range).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.analysis.outcomes import mean_ci
from experiments.ensemble.blocks import batch_engine
from experiments.ensemble.tables import model_frame
from model.scenario import Scenario


def describe(runs: pd.DataFrame) -> pd.DataFrame:
    """Per outcome: ``mean``, ``ci_low``, ``ci_high`` (95% interval of the mean) and
    ``low``, ``high`` (the range holding 95% of the runs)."""
    rows = []
    for outcome in runs.columns:
        values = runs[outcome].to_numpy(dtype=float)
        finite = values[np.isfinite(values)]
        mean, lo, hi = mean_ci(finite)
        spread = np.percentile(finite, [2.5, 97.5]) if len(finite) else (np.nan, np.nan)
        rows.append({"outcome": outcome, "mean": mean, "ci_low": lo, "ci_high": hi,
                     "low": float(spread[0]), "high": float(spread[1])})
    return pd.DataFrame(rows).set_index("outcome")


def paired(mine: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Per outcome: the other network's mean and the paired difference (this network
    minus the other, run by run with the same seeds) with its 95% interval."""
    rows = []
    for outcome in mine.columns:
        diff = (mine[outcome] - other[outcome]).to_numpy(dtype=float)
        m, lo, hi = mean_ci(diff)
        rows.append({"outcome": outcome, "other": float(np.nanmean(other[outcome])), "difference": m,
                     "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows).set_index("outcome")


def run_alongside(scenario: Scenario, seeds: list[int], runs: list[int], steps: int) -> pd.DataFrame:
    """The weekly model table of ``scenario`` run with the given seeds (the batched
    engine, in this process): replication i of the comparison shares run i's random
    numbers, so the two networks differ by what defines them, not by chance."""
    results = batch_engine([scenario] * len(seeds), seeds, steps, 0, False)
    failed = [r for r in results if isinstance(r, BaseException)]
    if failed:
        raise failed[0]
    return model_frame(results, runs)
