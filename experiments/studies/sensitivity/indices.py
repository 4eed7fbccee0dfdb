"""The sensitivity study's analysis: indices per output (SALib), replication noise, and a
convergence check on the first half of the sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import pawn as pawn_analyze
from SALib.analyze import sobol as sobol_analyze

from experiments.analysis.outcomes import at_horizon
from experiments.studies.sensitivity.design import MORRIS_LEVELS

OUTPUTS = ("collaboration", "intentional_trust", "info_shared", "cases_resolved")
CONF_WARNING = 0.10  # a confidence interval wider than 10% of its index is flagged


def analyze(method: str, problem: dict, x: np.ndarray, y: np.ndarray, second_order: bool,
            seed: int) -> pd.DataFrame:
    """One output's indices as rows (factor, index columns)."""
    names = problem["names"]
    if method == "sobol":
        res = sobol_analyze.analyze(problem, y, calc_second_order=second_order, seed=seed)
        frame = pd.DataFrame({"factor": names, "S1": res["S1"], "S1_conf": res["S1_conf"],
                              "ST": res["ST"], "ST_conf": res["ST_conf"]})
        if second_order:
            pairs = [{"factor": f"{names[i]}:{names[j]}", "S2": res["S2"][i, j], "S2_conf": res["S2_conf"][i, j]}
                     for i in range(len(names)) for j in range(i + 1, len(names))]
            frame = pd.concat([frame, pd.DataFrame(pairs)], ignore_index=True)
        return frame
    if method == "morris":
        res = morris_analyze.analyze(problem, x, y, num_levels=MORRIS_LEVELS, seed=seed)
        return pd.DataFrame({"factor": names, "mu": res["mu"], "mu_star": res["mu_star"],
                             "mu_star_conf": res["mu_star_conf"], "sigma": res["sigma"]})
    res = pawn_analyze.analyze(problem, x, y, S=10, seed=seed)
    return pd.DataFrame({"factor": names, "minimum": res["minimum"], "mean": res["mean"],
                         "median": res["median"], "maximum": res["maximum"], "CV": res["CV"]})


def first_half(method: str, x: np.ndarray, y: np.ndarray, n: int, d: int, second_order: bool):
    """The rows that belong to the first half of the base sample / trajectories."""
    if method == "sobol":
        per = 2 * d + 2 if second_order else d + 2
        rows = (n // 2) * per
    elif method == "morris":
        rows = (n // 2) * (d + 1)
    else:
        rows = n // 2
    return x[:rows], y[:rows]


def main_index(method: str) -> tuple[str, str]:
    return {"sobol": ("ST", "ST_conf"), "morris": ("mu_star", "mu_star_conf"), "pawn": ("median", "")}[method]


def outputs_per_point(model: pd.DataFrame, runs: pd.DataFrame, outputs: list[str]) -> pd.DataFrame:
    """Per run: each output at the horizon (mean of the last weeks, or the final count)."""
    frame = pd.DataFrame({out: at_horizon(model, out, by="run") for out in outputs})
    return frame.join(runs.set_index("run")[["point", "replication"]])


def noise_share(per_run: pd.DataFrame, outputs: list[str]) -> dict[str, float]:
    """Share of each output's variance across all runs that is replication noise."""
    out = {}
    for o in outputs:
        total = per_run[o].var(ddof=1)
        within = per_run.groupby("point")[o].var(ddof=1).mean()
        out[o] = float(within / total) if total > 0 and np.isfinite(within) else 0.0
    return out
