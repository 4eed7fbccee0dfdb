"""What to measure next: observables that separate the models the patterns cannot.

For every pair of models whose posterior probabilities lie within a factor of
`INDISTINCT` of each other (both alive), each observable of `summaries.OBSERVABLES` is
compared between the two posterior predictive distributions (values per network, or
per respondent, pooled over the predictive draws): the AUC is the probability that a
value under model A exceeds one under model B (ties count half; 0.5: no separation),
and ``n_needed`` is the number of networks (or respondents) per group a two-sided
Wilcoxon-Mann-Whitney test at 5% needs to tell the two apart with 80% power, by
Noether's (1987) formula for equal groups, n = (z_0.975 + z_0.8)^2 / (6 (AUC - 0.5)^2).
It is an approximation that ignores the clustering of respondents within networks.
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from experiments.studies.calibration.summaries import OBSERVABLES

INDISTINCT = 3.0  # posterior probabilities within this factor: the patterns cannot tell them apart
Z_ALPHA, Z_POWER = 1.959964, 0.841621  # two-sided 5%, 80% power


def auc(a: np.ndarray, b: np.ndarray) -> float:
    """P(A > B) + P(A = B) / 2, from the ranks of the pooled sample."""
    if len(a) == 0 or len(b) == 0:
        return float("nan")
    ranks = rankdata(np.concatenate([a, b]))
    return float((ranks[: len(a)].sum() - len(a) * (len(a) + 1) / 2) / (len(a) * len(b)))


def n_needed(area: float) -> float:
    if not math.isfinite(area) or area == 0.5:
        return float("inf")
    return math.ceil((Z_ALPHA + Z_POWER) ** 2 / (6.0 * (area - 0.5) ** 2))


def indistinct_pairs(probabilities: pd.DataFrame) -> list[tuple[str, str]]:
    """Pairs of alive models (last generation) within a factor `INDISTINCT`."""
    last = probabilities[probabilities.generation == probabilities.generation.max()]
    p = last.set_index("model").probability
    alive = [m for m in p.index if p[m] > 0]
    return [(a, b) for a, b in combinations(alive, 2) if max(p[a], p[b]) <= INDISTINCT * min(p[a], p[b])]


def separating_observables(sims: list[dict], probabilities: pd.DataFrame) -> pd.DataFrame:
    """``model_a``, ``model_b``, ``observable``, ``unit``, ``auc``, ``n_needed``; per pair
    the best-separating observables first."""
    pooled = {}
    for s in sims:
        for name, values in s["observables"].items():
            pooled.setdefault((s["model"], name), []).append(np.asarray(values, dtype=float))
    rows = []
    for a, b in indistinct_pairs(probabilities):
        for name, (unit, _) in OBSERVABLES.items():
            va = np.concatenate(pooled.get((a, name), [np.empty(0)]))
            vb = np.concatenate(pooled.get((b, name), [np.empty(0)]))
            area = auc(va, vb)
            rows.append({"model_a": a, "model_b": b, "observable": name, "unit": unit, "auc": area,
                         "n_needed": n_needed(area), "separation": abs(area - 0.5)})
    frame = pd.DataFrame(rows, columns=["model_a", "model_b", "observable", "unit", "auc", "n_needed",
                                        "separation"])
    frame = frame.sort_values(["model_a", "model_b", "separation"], ascending=[True, True, False], kind="stable")
    return frame.drop(columns="separation").reset_index(drop=True)
