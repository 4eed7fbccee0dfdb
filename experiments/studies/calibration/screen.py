"""The calibration's first stage: which candidate factors the calibrated patterns respond to.

ABC-SMC's importance weights degenerate when many factors are sampled at once (docs/
calibration.md), and most assumed numbers barely move the patterns. So before ABC-SMC,
each competing model is screened with the assumption ledger's method
(`experiments.analysis.screening`): Morris trajectories over every candidate factor,
each point a particle of that model (its summaries at the calibration's common
replication seeds), the answers the margins of the calibrated patterns. The models'
mu* are then averaged (the screening of the prior over models: every model equally
likely, as in the model selection), and a factor is kept when its averaged mu* is at
least `KEEP_SHARE` of the largest for the margin of at least one calibrated pattern; the
others stay at their defaults. The same factors are calibrated in every model, so that
the models differ in their mechanism, not in which numbers were freed; a variant's own
parameter is kept when it moves a margin strongly enough in that variant to stand out
in the average.

`KEEP_SHARE` is stricter than the ledger's `DECISIVE_SHARE` (a quarter): in a trial over
the eleven models that act in X and Y, the ledger's share kept 46 of 60 candidates per
model and 29 in the average, more than ABC-SMC can weigh at the populations two cores
afford. Whether leaving the others at their defaults is safe is checked after the
calibration (`predictive.screened_out_check`): the posterior predictive is simulated
again with them drawn from their priors, and the shares of the patterns are compared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.analysis.screening import mark_decisive, morris_indices, morris_sample
from experiments.ensemble.factors import Factor
from experiments.studies.calibration.design import Calibration
from experiments.studies.calibration.particles import common_root, root_of, summarise
from experiments.studies.calibration.summaries import FAILED

SCREEN_KEY = 2**22  # spawn key of the screening's Morris samples
KEEP_SHARE = 0.5  # a factor is kept when its mu* (averaged over the models) reaches this share of the largest
ALL_MODELS = "all models"  # the screening table's rows of the models' average


def screening_runs(calib: Calibration) -> int:
    """Particles the screening simulates: trajectories x (factors + 1) per model."""
    return calib.screen * (len(calib.factors) + 1) * len(calib.models) if calib.screen else 0


def screen(calib: Calibration, executor) -> tuple[pd.DataFrame, tuple[Factor, ...]]:
    """The screening table (``model`` and `morris_indices`' columns, one row per model,
    factor and calibrated pattern, ``decisive`` by the ledger's share; then the rows of
    the models' average, model `ALL_MODELS`, ``decisive`` by `KEEP_SHARE`: kept) and the
    chosen factors, in the candidates' order. Points are evaluated on ``executor``
    (``submit``)."""
    factors = list(calib.factors)
    root = common_root(calib.seed)
    jobs = []
    for m, (name, switches) in enumerate(calib.models.items()):
        seed = root_of(calib.seed, SCREEN_KEY, m) % 2**32
        sample = morris_sample(factors, calib.screen, seed)
        futures = [executor.submit(summarise, {**switches, **_values(factors, row)}, root, calib.reps, "patterns",
                                   calib.patterns) for row in sample]
        jobs.append((name, seed, sample, futures))
    tables = []
    for name, seed, sample, futures in jobs:
        answers = pd.DataFrame([_margins(f.result(), calib.patterns) for f in futures])
        answers = answers.apply(lambda col: col.fillna(col.max()))  # a failed point: as far as the farthest
        table = morris_indices(factors, sample, answers, seed)
        table.insert(0, "model", name)
        tables.append(table)
    table = pd.concat(tables, ignore_index=True)
    average = table.groupby(["parameter", "answer"], sort=False)[["mu_star", "mu", "sigma"]].mean().reset_index()
    average = mark_decisive(average, KEEP_SHARE)
    average.insert(0, "model", ALL_MODELS)
    kept = set(average.loc[average.decisive, "parameter"])
    chosen = tuple(f for f in factors if f.name in kept)
    return pd.concat([table, average[table.columns]], ignore_index=True), chosen


def _values(factors: list[Factor], row: np.ndarray) -> dict:
    return {f.name: (int(v) if f.integer else float(v)) for f, v in zip(factors, row, strict=True)}


def _margins(summary: dict, patterns: tuple[str, ...]) -> dict[str, float]:
    if summary.get(FAILED):
        return {f"margin:{p}": np.nan for p in patterns}
    return {f"margin:{p}": (v if np.isfinite(v := float(summary[f"margin:{p}"])) else np.nan) for p in patterns}
