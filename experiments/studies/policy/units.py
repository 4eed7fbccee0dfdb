"""Effects in units a policy reader knows: cases resolved per year, the share of open
cases with joint action, stalls per year (the measures: `experiments.analysis.units`).

"Collaboration +0.085" cannot be weighed against hours; "nine more cases resolved a year"
can. Each measure is a count over a window of weeks turned into a yearly rate (for joint
action: the share of the open cases on which at least two organisations have acted,
averaged over the window's weeks), per replication, and its
effect is the paired difference against the baseline (the same seeds), with a 95%
interval. Two windows: the whole run (from week 0) and the weeks from the intervention's
start to the end of the run, so that an intervention that starts late is not diluted by
the years before it acted (for a combination: from the earliest start among its parts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.analysis.outcomes import mean_ci
from experiments.analysis.units import MEASURES, windowed
from experiments.studies.policy.effects import point_scenario
from model.interventions import active_interventions, active_weeks

WINDOWS = ("run", "acting")  # from week 0; from the intervention's start


def acting_from(point: dict, last: int) -> int | None:
    """The first week in which any intervention of the point acts within the run."""
    sc = point_scenario(point)
    starts = [w[0] for i in active_interventions(sc) if (w := active_weeks(sc, i, last)) is not None]
    return min(starts) if starts else None


def unit_effects(tables, points: list[dict]) -> pd.DataFrame:
    """Columns ``scenario``, ``intervention``, ``measure``, ``window`` (run / acting),
    ``first_week``, ``last_week``, ``baseline``, ``effect``, ``ci_low``, ``ci_high``.
    An intervention that never acts within the run has no ``acting`` rows."""
    rows = []
    for point in points:
        scenario, name = point["label"].split("|", 1)
        if name == "baseline":
            continue
        base, treat = tables.get("model", f"{scenario}|baseline"), tables.get("model", point["label"])
        last = int(base.step.max())
        start = acting_from(point, last)
        windows = {"run": 1, **({"acting": start} if start is not None else {})}
        for window, first in windows.items():
            for measure in MEASURES:
                b, t = windowed(base, measure, first, last), windowed(treat, measure, first, last)
                m = mean_ci(t - b)
                rows.append({"scenario": scenario, "intervention": name, "measure": measure, "window": window,
                             "first_week": first, "last_week": last, "baseline": float(np.nanmean(b)),
                             "effect": m[0], "ci_low": m[1], "ci_high": m[2]})
    return pd.DataFrame(rows)
