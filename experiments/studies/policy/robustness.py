"""Robustness of each option across the draws: paired effects per draw, and how often
each option helps, wins and at what regret.

Per draw the paired effects come from `effects` (the same computation as the study at
the default parameters), on a view of the tables that reads that draw's runs. Across
draws, per scenario and metric, the *options* are doing nothing (``baseline``, effect 0,
no cost) and each intervention or combination. A metric's *benefit* is its effect in the
good direction (fewer stalls is a benefit). Per option:

* ``mean_effect``, ``ci_low``, ``ci_high``: mean effect over draws and its 95% interval
  (`mean_ci`); ``q05``, ``q95``: the spread of the effect over draws;
* ``p_positive``: share of draws in which it improves the metric;
* ``p_best``: share of draws in which it has the largest benefit (ties share the draw,
  so ``p_best`` sums to 1 over the options of a scenario and metric);
* ``mean_regret``: mean over draws of the best option's benefit minus this one's;
* ``cost_hours`` (mean over draws) and ``effect_per_hour``;
* ``acts_share``: the share of the worlds in which the option has anything to act on
  (its runs differ from the baseline's; 0: nothing to act on in any world).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.analysis.outcomes import END_WINDOW, mean_ci
from experiments.studies.policy.effects import LOWER_IS_BETTER, effects
from experiments.studies.policy.robust_design import draw_label

BASELINE = "baseline"
COLUMNS = ["scenario", "intervention", "metric", "mean_effect", "ci_low", "ci_high", "p_positive", "p_best",
           "mean_regret", "cost_hours", "effect_per_hour", "q05", "q95", "draws", "acts_share"]


class DrawView:
    """The tables of one draw, addressed by the labels of the policy design."""

    def __init__(self, groups: dict[str, pd.DataFrame], draw: int):
        self.groups, self.draw = groups, draw

    def get(self, table: str, label: str) -> pd.DataFrame:
        return self.groups[draw_label(label, self.draw)]


def per_draw_effects(model: pd.DataFrame, per_draw: list[list[dict]]) -> pd.DataFrame:
    """Paired effects of every option in every draw: `effects` columns plus ``draw``.

    ``model`` is the runner's model table with ``label`` and ``replication`` columns
    (`Tables.model`). Only the weeks `at_horizon` reads are kept (the last `END_WINDOW`
    of each design point), which keeps thousands of draws x options in memory."""
    last = model.groupby("label", sort=False).step.transform("max")
    groups = dict(iter(model[model.step > last - END_WINDOW].groupby("label", sort=False)))
    frames = []
    for d, points in enumerate(per_draw):
        frame = effects(DrawView(groups, d), points)
        frame.insert(0, "draw", d)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def benefit(frame: pd.DataFrame) -> pd.Series:
    """Effect in the good direction (sign flipped for metrics where lower is better)."""
    return frame.effect.where(~frame.metric.isin(LOWER_IS_BETTER), -frame.effect)


def option_table(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """Draws x options of one scenario and metric, with doing nothing as a zero column."""
    table = frame.pivot(index="draw", columns="intervention", values=value)
    table = table[list(dict.fromkeys(frame.intervention))]
    table.insert(0, BASELINE, 0.0)
    return table


def best_shares(values: pd.DataFrame) -> pd.DataFrame:
    """Per draw (row), 1 for the option with the largest value; ties share the draw."""
    v = values.to_numpy(dtype=float)
    top = v.max(axis=1, keepdims=True)
    tied = np.isclose(v, top, rtol=1e-9, atol=1e-12)
    return pd.DataFrame(tied / tied.sum(axis=1, keepdims=True), index=values.index, columns=values.columns)


def robustness(per_draw: pd.DataFrame) -> pd.DataFrame:
    """One row per scenario, option and metric (the columns in `COLUMNS`)."""
    rows = []
    frame = per_draw.assign(benefit=benefit(per_draw))
    for (scenario, metric), sel in frame.groupby(["scenario", "metric"], sort=False):
        effect, gain, cost = (option_table(sel, v) for v in ("effect", "benefit", "cost_hours"))
        acting = option_table(sel.assign(acts=sel.acts.astype(float)), "acts") if "acts" in sel else None
        wins = best_shares(gain)
        regret = gain.max(axis=1).to_numpy()[:, None] - gain.to_numpy()
        for k, option in enumerate(gain.columns):
            m = mean_ci(effect[option])
            mean_cost = float(cost[option].mean())
            rows.append({
                "scenario": scenario, "intervention": option, "metric": metric,
                "mean_effect": m[0], "ci_low": m[1], "ci_high": m[2],
                "p_positive": float((gain[option] > 0).mean()), "p_best": float(wins[option].mean()),
                "mean_regret": float(regret[:, k].mean()), "cost_hours": mean_cost,
                "effect_per_hour": m[0] / mean_cost if mean_cost > 0 else float("nan"),
                "q05": float(effect[option].quantile(0.05)), "q95": float(effect[option].quantile(0.95)),
                "draws": len(effect),
                "acts_share": float(acting[option].mean()) if acting is not None and option != BASELINE else 1.0})
    return pd.DataFrame(rows, columns=COLUMNS)
