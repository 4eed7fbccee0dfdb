"""Morris screening: which of many uncertain numbers move an answer at all.

Shared by the assumption ledger (`trustnet assumptions`: every assumption against every
headline answer) and the calibration's first stage (`trustnet calibrate`: the factors the
pattern margins respond to, the rest left at their defaults). One sampler and one
analysis, so that "decisive" means the same in both.

Morris (1991) elementary effects with SALib, 4 levels: mu* is the mean absolute effect of
moving one factor by two thirds of its range, in the answer's units (Campolongo et al.
2007 rank by it), sigma their spread (interactions and non-linearity). A factor *decides*
an answer when its mu* is at least a share of the largest mu* for that answer -- the few
that carry it, against the many that barely move it (a screening convention; the share
is ours, `DECISIVE_SHARE` for the ledger, and every report that uses one states it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DECISIVE_SHARE = 0.25
LEVELS = 4


def _problem(factors) -> dict:
    return {"num_vars": len(factors), "names": [f.name for f in factors], "bounds": [[f.low, f.high] for f in factors]}


def morris_sample(factors, trajectories: int, seed: int) -> np.ndarray:
    """Morris trajectories (SALib, 4 levels) over the factors' ranges; integers rounded."""
    from SALib.sample import morris

    rows = morris.sample(_problem(factors), trajectories, num_levels=LEVELS, seed=seed)
    for k, f in enumerate(factors):
        if f.integer:
            rows[:, k] = np.round(rows[:, k])
    return rows


def mark_decisive(table: pd.DataFrame, share: float = DECISIVE_SHARE) -> pd.DataFrame:
    """``influence`` (mu* over the answer's largest), ``rank`` and ``decisive`` (influence at
    least ``share``) of a table with ``parameter``, ``answer`` and ``mu_star``."""
    top = table.groupby("answer", sort=False).mu_star.transform("max")
    out = table.assign(influence=np.where(top > 0, table.mu_star / top.where(top > 0, 1.0), 0.0))
    out["rank"] = out.groupby("answer", sort=False).mu_star.rank(ascending=False, method="first").astype(int)
    out["decisive"] = (top > 0) & (out.influence >= share)
    return out


def morris_indices(factors, sample: np.ndarray, answers: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Columns: parameter, answer, mu_star, mu, sigma, influence (mu* over the answer's
    largest), rank (1: most influential for the answer), decisive. An answer that does
    not vary (or is not finite everywhere) is moved by nothing: every index 0."""
    from SALib.analyze import morris

    rows = []
    for answer in answers.columns:
        y = answers[answer].to_numpy(dtype=float)
        if not np.isfinite(y).all() or np.ptp(y) == 0:
            res = {"mu_star": np.zeros(len(factors)), "mu": np.zeros(len(factors)),
                   "sigma": np.zeros(len(factors))}
        else:
            res = morris.analyze(_problem(factors), sample, y, num_levels=LEVELS, seed=seed)
        mu_star = np.asarray(res["mu_star"], dtype=float)
        for k, f in enumerate(factors):
            rows.append({"parameter": f.name, "answer": answer, "mu_star": mu_star[k], "mu": float(res["mu"][k]),
                         "sigma": float(res["sigma"][k])})
    table = pd.DataFrame(rows, columns=["parameter", "answer", "mu_star", "mu", "sigma"])
    return mark_decisive(table)[["parameter", "answer", "mu_star", "mu", "sigma", "influence", "rank", "decisive"]]
