"""The policy study's analysis: paired effects of each intervention against the baseline,
with costs."""

from __future__ import annotations

import pandas as pd

from experiments.analysis.outcomes import at_horizon, mean_ci
from experiments.ensemble import Tables
from model.interventions import intervention_cost
from model.scenario import load_scenario

METRICS = ("intentional_trust", "info_shared", "collaboration", "cases_resolved", "stalls")
LOWER_IS_BETTER = ("stalls",)


def point_scenario(point: dict):
    """The scenario of a design point, with its interventions switched on."""
    overrides = {k: v for k, v in point.items() if k not in ("label", "scenario")}
    return load_scenario(point["label"].split("|", 1)[0]).with_overrides(overrides)


def effects(tables: Tables, points: list[dict]) -> pd.DataFrame:
    """Paired effects of each design point against its scenario's baseline.

    Costs count the weeks each intervention acts within the weeks actually run (the
    tables' last week, so ``--steps`` is honoured): ``cost_hours`` is hours a year while
    the interventions act, ``hours_total`` every hour spent within the run and
    ``active_weeks`` the weeks in which at least one of them acts (0: it never acts)."""
    rows = []
    for point in points:
        scenario, name = point["label"].split("|", 1)
        if name == "baseline":
            continue
        base = tables.get("model", f"{scenario}|baseline")
        treat = tables.get("model", point["label"])
        cost = intervention_cost(point_scenario(point), int(base.step.max()))
        for metric in METRICS:
            b, t = at_horizon(base, metric), at_horizon(treat, metric)
            m = mean_ci(t - b)
            rows.append({"scenario": scenario, "intervention": name, "metric": metric,
                         "baseline": float(b.mean()), "effect": m[0], "ci_low": m[1], "ci_high": m[2],
                         "cost_hours": cost.per_year, "hours_total": cost.total, "active_weeks": cost.weeks})
    return pd.DataFrame(rows)
