"""The policy study's analysis: paired effects of each intervention against the baseline,
with costs."""

from __future__ import annotations

import pandas as pd

from experiments.analysis.outcomes import at_horizon, mean_ci
from experiments.ensemble import Tables
from model.interventions import active_interventions, intervention_cost
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
        sc = point_scenario(point)
        cost = intervention_cost(sc, int(base.step.max()))
        block = []
        for metric in METRICS:
            b, t = at_horizon(base, metric), at_horizon(treat, metric)
            m = mean_ci(t - b)
            block.append({"scenario": scenario, "intervention": name, "metric": metric,
                          "baseline": float(b.mean()), "effect": m[0], "ci_low": m[1], "ci_high": m[2],
                          "cost_hours": cost.per_year, "hours_total": cost.total, "active_weeks": cost.weeks})
        idle = all(abs(r["effect"]) <= NOTHING[r["metric"]] for r in block)
        for r in block:
            r.update(acts=not idle, reason=idle_reason(sc) if idle else "")
        rows += block
    return pd.DataFrame(rows)


# below these changes of every outcome an intervention has nothing to act on in a network:
# a twentieth of "no change" on the unit scales, half a case or stall in three years
NOTHING = {"intentional_trust": 0.0025, "info_shared": 0.0025, "collaboration": 0.0025, "cases_resolved": 0.5,
           "stalls": 0.5}


def idle_reason(sc) -> str:
    """Why the interventions switched on in ``sc`` have nothing to act on, where the inputs
    say it; otherwise what they act on, which barely moves in this network."""
    p, parts = sc.params, []
    for i in active_interventions(sc):
        if i.id == "I5":
            voice = ("voice already reaches voice_enough, so who pays decides costs no willingness"
                     if p.power_asymmetry == 0 or p.voice >= p.voice_enough else "")
            parts.append("I5 repairs cognitive trust only where it fell below where it started, and feedback keeps "
                         "it about there in this network (as the study reports of Y: feedback sometimes missing, "
                         "not felt as critical, §4.1.3.1)" + (f"; {voice}" if voice else ""))
        else:
            parts.append(f"{i.id} acts on {i.acts_on}, which barely moves in this network")
    return "; ".join(parts)
