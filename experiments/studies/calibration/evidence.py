"""Bayes factors between the competing models, over the seeds, and which pairs they decide.

pyabc's posterior model probabilities at the last generation are, under the uniform
model prior, proportional to each model's ABC evidence at the last threshold, so the
Bayes factor of model A against B is the ratio of their probabilities. At threshold 0 it
is the ratio of the prior probabilities that A and B reproduce every calibrated pattern
(at the calibration's common replication seeds).

A pair is *decided* when the pooled Bayes factor (the seeds' probabilities averaged) is at
least `DECIDED` (Jeffreys' "strong") for one side and every seed's Bayes factor lies on
the same side of `DECIDED`; otherwise it is undecided, and `measure` asks what a field
study could observe to decide it. ``spread`` is log10 of the largest over the smallest of
the seeds' Bayes factors: how far the seeds disagree, in orders of magnitude.
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd

from experiments.studies.calibration.history import odds

DECIDED = 10.0
NEGLIGIBLE = 1e-9  # a posterior probability below this is rounding left in pyabc's weights: no posterior mass

COLUMNS = ["model_a", "model_b", "probability_a", "probability_b", "bayes_factor", "bf_low", "bf_high", "spread",
           "decided"]


def last_probabilities(probabilities: pd.DataFrame) -> pd.DataFrame:
    """Each seed's last generation: ``seed`` x ``model`` probabilities (wide)."""
    last = probabilities[probabilities.generation == probabilities.groupby("seed").generation.transform("max")]
    return last.pivot(index="seed", columns="model", values="probability").fillna(0.0)


def pooled_probabilities(probabilities: pd.DataFrame, models: list[str]) -> pd.Series:
    """The seeds' last-generation probabilities averaged, in the models' order."""
    return last_probabilities(probabilities).reindex(columns=models, fill_value=0.0).mean()


def bayes_factors(probabilities: pd.DataFrame, models: list[str]) -> pd.DataFrame:
    """One row per pair of models with posterior mass in some seed, the more probable
    (pooled) first: `COLUMNS`."""
    by_seed = last_probabilities(probabilities).reindex(columns=models, fill_value=0.0)
    pooled = by_seed.mean()
    rows = []
    for a, b in combinations(models, 2):
        if pooled[a] == 0 and pooled[b] == 0:
            continue  # both ruled out: nothing to compare
        if pooled[b] > pooled[a]:
            a, b = b, a
        per_seed = [odds(by_seed.loc[s, a], by_seed.loc[s, b]) for s in by_seed.index]
        per_seed = [v for v in per_seed if not math.isnan(v)]
        low, high = (min(per_seed), max(per_seed)) if per_seed else (np.nan, np.nan)
        bf = odds(pooled[a], pooled[b])
        spread = (math.log10(high / low) if low > 0 and math.isfinite(high) else
                  (0.0 if low == high else float("inf")))
        decided = bool(bf >= DECIDED and low >= DECIDED)
        rows.append({"model_a": a, "model_b": b, "probability_a": float(pooled[a]),
                     "probability_b": float(pooled[b]), "bayes_factor": bf, "bf_low": low, "bf_high": high,
                     "spread": spread, "decided": decided})
    return pd.DataFrame(rows, columns=COLUMNS)
