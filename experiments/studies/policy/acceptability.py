"""Cost-effectiveness acceptability curves: which option is worth its hours, for a
range of values of the outcome.

If one unit of a metric is worth ``value`` hours a year, an option's net benefit in a
draw is ``value * benefit - cost_hours`` (doing nothing: 0). For each value, the curve of
an option is the share of draws in which its net benefit is the highest (ties share the
draw, so the curves of a scenario and metric sum to 1 at every value). At low values the
cheapest option wins; at high values the one with the largest benefit. A policy reader
reads off how much an improvement must be worth before an intervention is the better
use of the hours, and how sure that choice is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.studies.policy.robustness import benefit, best_shares, option_table

POINTS = 61  # values per curve, evenly spaced on a log scale


def value_grid(gain: pd.DataFrame, cost: pd.DataFrame, points: int = POINTS) -> np.ndarray:
    """Values (hours per unit) from a tenth of the cheapest break-even value (cost over
    mean benefit) to ten times the dearest one."""
    mean_gain, mean_cost = gain.mean(), cost.mean()
    useful = (mean_gain > 0) & (mean_cost > 0)
    ratios = (mean_cost[useful] / mean_gain[useful]).to_numpy()
    if len(ratios) == 0:  # nothing helps on average: any positive scale shows that
        ratios = np.array([1.0])
    return np.geomspace(ratios.min() / 10.0, ratios.max() * 10.0, points)


def acceptability(per_draw: pd.DataFrame) -> pd.DataFrame:
    """Columns ``scenario``, ``metric``, ``value_hours``, ``intervention``, ``p_best``."""
    frame = per_draw.assign(benefit=benefit(per_draw))
    rows = []
    for (scenario, metric), sel in frame.groupby(["scenario", "metric"], sort=False):
        gain, cost = option_table(sel, "benefit"), option_table(sel, "cost_hours")
        for value in value_grid(gain.drop(columns=gain.columns[0]), cost.drop(columns=cost.columns[0])):
            shares = best_shares(value * gain - cost).mean()
            rows += [{"scenario": scenario, "metric": metric, "value_hours": float(value), "intervention": k,
                      "p_best": float(p)} for k, p in shares.items()]
    return pd.DataFrame(rows, columns=["scenario", "metric", "value_hours", "intervention", "p_best"])
