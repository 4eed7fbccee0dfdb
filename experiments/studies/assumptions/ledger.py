"""Morris indices of every assumption for every answer, and which assumptions decide.

For each answer, SALib's Morris analysis gives mu* (the mean absolute elementary effect of
moving one assumption by two thirds of its range, four levels, in the answer's units) and
sigma (their spread: interactions and non-linearity). An assumption *decides* an answer when its
mu* is at least `DECISIVE_SHARE` of the largest mu* for that answer -- the few that carry
it, against the many that barely move it (a screening convention, Campolongo et al. 2007
rank by mu*; the share is ours and is stated in the report).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DECISIVE_SHARE = 0.25


def indices(factors, sample: np.ndarray, answers: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Columns: parameter, answer, mu_star, mu, sigma, influence (mu* over the answer's
    largest), rank (1: most influential for the answer), decisive."""
    from SALib.analyze import morris

    problem = {"num_vars": len(factors), "names": [f.name for f in factors],
               "bounds": [[f.low, f.high] for f in factors]}
    rows = []
    for answer in answers.columns:
        y = answers[answer].to_numpy(dtype=float)
        if not np.isfinite(y).all() or np.ptp(y) == 0:
            res = {"mu_star": np.zeros(len(factors)), "mu": np.zeros(len(factors)),
                   "sigma": np.zeros(len(factors))}
        else:
            res = morris.analyze(problem, sample, y, num_levels=4, seed=seed)
        mu_star = np.asarray(res["mu_star"], dtype=float)
        top = mu_star.max() if len(mu_star) else 0.0
        order = (-mu_star).argsort(kind="stable")
        rank = np.empty(len(mu_star), dtype=int)
        rank[order] = np.arange(1, len(mu_star) + 1)
        for k, f in enumerate(factors):
            rows.append({"parameter": f.name, "answer": answer, "mu_star": mu_star[k], "mu": float(res["mu"][k]),
                         "sigma": float(res["sigma"][k]), "influence": mu_star[k] / top if top > 0 else 0.0,
                         "rank": int(rank[k]), "decisive": bool(top > 0 and mu_star[k] >= DECISIVE_SHARE * top)})
    return pd.DataFrame(rows)


def measure_first(table: pd.DataFrame) -> pd.DataFrame:
    """The assumptions that decide the most answers (and how strongly, summed influence):
    what a field study should measure first. Columns: parameter, answers, influence."""
    decisive = table[table.decisive]
    out = decisive.groupby("parameter").agg(answers=("answer", "count"), influence=("influence", "sum"))
    return out.sort_values(["answers", "influence"], ascending=False).reset_index()
