"""What to measure next: observables that separate the models the patterns cannot.

For every pair of models the Bayes factors leave undecided (`evidence.DECIDED`; both
with posterior predictive draws), each observable of `summaries.OBSERVABLES` is compared
between the two posterior predictive distributions (values per network, or per
respondent, pooled over the predictive draws): the AUC is the probability that a value
under model A exceeds one under model B (ties count half; 0.5: no separation), and
``n_needed`` is the number of networks (or respondents) per group a two-sided
Wilcoxon-Mann-Whitney test at 5% needs to tell the two apart with 80% power, by
Noether's (1987) formula for equal groups, n = (z_0.975 + z_0.8)^2 / (6 (AUC - 0.5)^2).
It is an approximation that ignores the clustering of respondents within networks.
`plan` turns the table into a short measurement plan: the fewest observables that cover
the undecided pairs, each with the networks or respondents it needs.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from experiments.studies.calibration.summaries import OBSERVABLES

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


def undecided_pairs(factors: pd.DataFrame, alive: set[str]) -> list[tuple[str, str]]:
    """Pairs of the Bayes factor table (`evidence.bayes_factors`) not decided, both models
    with posterior predictive draws."""
    rows = factors[~factors.decided.astype(bool)]
    return [(r.model_a, r.model_b) for r in rows.itertuples() if r.model_a in alive and r.model_b in alive]


COLUMNS = ["model_a", "model_b", "observable", "unit", "auc", "n_needed", "best"]


def separating_observables(sims: list[dict], pairs: list[tuple[str, str]]) -> pd.DataFrame:
    """`COLUMNS`; per pair the best-separating observables first (``best`` marks the first)."""
    pooled = {}
    for s in sims:
        for name, values in s["observables"].items():
            pooled.setdefault((s["model"], name), []).append(np.asarray(values, dtype=float))
    rows = []
    for a, b in pairs:
        for name, (unit, _) in OBSERVABLES.items():
            va = np.concatenate(pooled.get((a, name), [np.empty(0)]))
            vb = np.concatenate(pooled.get((b, name), [np.empty(0)]))
            area = auc(va, vb)
            rows.append({"model_a": a, "model_b": b, "observable": name, "unit": unit, "auc": area,
                         "n_needed": n_needed(area), "separation": abs(area - 0.5) if math.isfinite(area) else -1})
    frame = pd.DataFrame(rows, columns=[*COLUMNS[:-1], "separation"])
    frame = frame.sort_values(["model_a", "model_b", "separation"], ascending=[True, True, False], kind="stable")
    frame["best"] = ~frame.duplicated(["model_a", "model_b"])
    return frame.drop(columns="separation").reset_index(drop=True)[COLUMNS]


def plan(observables: pd.DataFrame) -> pd.DataFrame:
    """A short measurement plan: each undecided pair's best observable (the ``best`` row),
    grouped by observable. Columns: observable, unit, pairs (how many it is best for),
    n_needed (the largest over those pairs: what a study of it needs; infinite where no
    observable separates a pair), covered (the pairs, ``A vs B``); most pairs first."""
    best = observables[observables.best.astype(bool)]
    rows = []
    for name, frame in best.groupby("observable", sort=False):
        rows.append({"observable": name, "unit": frame.unit.iloc[0], "pairs": len(frame),
                     "n_needed": float(frame.n_needed.astype(float).max()),
                     "covered": "; ".join(f"{a} vs {b}" for a, b in zip(frame.model_a, frame.model_b, strict=True))})
    out = pd.DataFrame(rows, columns=["observable", "unit", "pairs", "n_needed", "covered"])
    return out.sort_values(["pairs", "n_needed"], ascending=[False, True], kind="stable").reset_index(drop=True)
