"""Do the seeds agree? The same posterior from a second seed, within stated tolerances.

Each seed is a calibration of its own: other common replication seeds for the particles,
other proposals. The posterior is read as a result only where the seeds agree: each
model's probability within `PROBABILITY_TOLERANCE` across the seeds, and each calibrated
factor's marginal median (per model with particles in every seed) within
`MEDIAN_TOLERANCE` of the prior's width.
"""

from __future__ import annotations

import pandas as pd

from experiments.studies.calibration.design import Calibration
from experiments.studies.calibration.evidence import last_probabilities
from experiments.studies.calibration.history import weighted_quantile

MEDIAN_TOLERANCE = 0.10  # of the prior's width
PROBABILITY_TOLERANCE = 0.10
COLUMNS = ["model", "quantity", "low", "high", "difference", "tolerance", "within"]


def agreement(posteriors: dict[int, pd.DataFrame], probabilities: pd.DataFrame, calib: Calibration) -> pd.DataFrame:
    """One row per model's probability and per model and factor's median: the lowest and
    highest over the seeds, their difference (medians in prior widths) and whether it is
    within the tolerance. Empty with one seed."""
    if len(posteriors) < 2:
        return pd.DataFrame(columns=COLUMNS)
    wide = last_probabilities(probabilities).reindex(columns=list(calib.models), fill_value=0.0)
    rows = []
    for model in calib.models:
        p = wide[model]
        rows.append({"model": model, "quantity": "probability", "low": float(p.min()), "high": float(p.max()),
                     "difference": float(p.max() - p.min()), "tolerance": PROBABILITY_TOLERANCE,
                     "within": bool(p.max() - p.min() <= PROBABILITY_TOLERANCE)})
        mine = [post[post.model == model] for post in posteriors.values()]
        if any(m.empty or m.weight.sum() <= 0 for m in mine):
            continue
        for f in calib.calibrated:
            medians = [weighted_quantile(m[f.name].to_numpy(dtype=float), m.weight.to_numpy(dtype=float), 0.5)
                       for m in mine]
            diff = (max(medians) - min(medians)) / (f.high - f.low)
            rows.append({"model": model, "quantity": f"median:{f.name}", "low": min(medians), "high": max(medians),
                         "difference": diff, "tolerance": MEDIAN_TOLERANCE, "within": bool(diff <= MEDIAN_TOLERANCE)})
    return pd.DataFrame(rows, columns=COLUMNS)


def summary(table: pd.DataFrame) -> dict:
    """Per model: whether its probability and every median agree across the seeds, and
    the largest differences."""
    out = {}
    for model, rows in table.groupby("model", sort=False):
        prob = rows[rows.quantity == "probability"]
        med = rows[rows.quantity != "probability"]
        out[model] = {"probability_within": bool(prob.within.all()),
                      "probability_difference": float(prob.difference.max()),
                      "medians_within": bool(med.within.all()) if len(med) else None,
                      "worst_median_difference": float(med.difference.max()) if len(med) else None}
    return out
