"""Outcomes of runs and their uncertainty: the numbers every study reads off its tables.

* `per_run` -- a metric per replication, at a week or averaged over weeks;
* `at_horizon` -- "the value at the horizon": cumulative counts at the last week, every
  other metric as the mean of the last `END_WINDOW` weeks;
* `mean_ci` -- mean and normal-approximation 95% interval over replications;
* `wilson` -- Wilson 95% interval of a proportion (shares of sample points).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

END_WINDOW = 13  # weeks averaged at the end of the horizon


def mean_ci(values) -> tuple[float, float, float]:
    """Mean and normal-approximation 95% interval (NaN-safe)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return float("nan"), float("nan"), float("nan")
    m = float(v.mean())
    if len(v) < 2:
        return m, m, m
    half = 1.96 * float(v.std(ddof=1)) / np.sqrt(len(v))
    return m, m - half, m + half


def per_run(model: pd.DataFrame, metric: str, weeks: tuple[int, int] | int) -> pd.Series:
    """A metric per run: at one week, or averaged over weeks [a, b]."""
    if isinstance(weeks, int):
        sel = model[model.step == weeks]
    else:
        sel = model[(model.step >= weeks[0]) & (model.step <= weeks[1])]
    return sel.groupby("replication")[metric].mean()


CUMULATIVE = ("cases_resolved", "stalls", "misuse_events", "turnover_events", "task_confusions")  # counts since week 0


def at_horizon(model: pd.DataFrame, metric: str, by: str = "replication") -> pd.Series:
    """A metric at the horizon per ``by``: a cumulative count at the last week, any other
    metric as the mean of the last `END_WINDOW` weeks."""
    last = int(model.step.max())
    window = model.step == last if metric in CUMULATIVE else model.step > last - END_WINDOW
    return model[window].groupby(by)[metric].mean()


def end_weeks(model: pd.DataFrame) -> tuple[int, int]:
    last = int(model.step.max())
    return last - END_WINDOW + 1, last


def wilson(successes: int, n: int) -> tuple[float, float]:
    """Wilson 95% interval of a proportion."""
    if n == 0:
        return float("nan"), float("nan")
    z, p = 1.96, successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)
