"""The policy study's analysis: paired effects of each intervention against the baseline,
with costs."""

from __future__ import annotations

import pandas as pd

from experiments.analysis.outcomes import at_horizon, mean_ci
from experiments.ensemble import Tables
from model.interventions import cost_hours
from model.scenario import load_scenario

METRICS = ("intentional_trust", "info_shared", "collaboration", "cases_resolved", "stalls")
LOWER_IS_BETTER = ("stalls",)


def effects(tables: Tables, points: list[dict]) -> pd.DataFrame:
    """Paired effects of each design point against its scenario's baseline."""
    rows = []
    for point in points:
        scenario, name = point["label"].split("|", 1)
        if name == "baseline":
            continue
        base = tables.get("model", f"{scenario}|baseline")
        treat = tables.get("model", point["label"])
        overrides = {k: v for k, v in point.items() if k not in ("label", "scenario")}
        cost = cost_hours(load_scenario(scenario).with_overrides(overrides))
        for metric in METRICS:
            b, t = at_horizon(base, metric), at_horizon(treat, metric)
            m = mean_ci(t - b)
            rows.append({"scenario": scenario, "intervention": name, "metric": metric,
                         "baseline": float(b.mean()), "effect": m[0], "ci_low": m[1], "ci_high": m[2],
                         "cost_hours": cost})
    return pd.DataFrame(rows)
