"""Why is Y different from X: one-group sweeps and a Shapley decomposition of the gap.

Groups of settings (`experiments.hybrid.GROUPS`) are switched from X's values to Y's.
The Shapley value of a group is its average marginal effect on an outcome over all
orders in which the groups can be switched; the values add up exactly to the full gap
v(all groups at Y) - v(none), so each group's *share* of the gap is its value divided
by the gap. With common random numbers, replication r of every coalition uses the same
seed, so the decomposition is computed per replication and the spread over
replications gives the confidence interval.
"""

from __future__ import annotations

import itertools
from math import factorial

import numpy as np
import pandas as pd

from experiments.studies.contrast.hybrid import GROUPS


def coalitions(groups: tuple[str, ...] = GROUPS) -> list[frozenset[str]]:
    """All subsets of the groups (2^k), smallest first."""
    return [frozenset(c) for k in range(len(groups) + 1) for c in itertools.combinations(groups, k)]


def coalition_spec(coalition: frozenset[str]) -> str:
    """The hybrid scenario name of a coalition (its groups at Y's setting)."""
    return "hybrid:" + ",".join(f"{g}=1" for g in GROUPS if g in coalition)


def shapley(values: dict[frozenset[str], float], groups: tuple[str, ...] = GROUPS) -> dict[str, float]:
    """Exact Shapley values of ``groups`` for the coalition function ``values``."""
    k = len(groups)
    out = {}
    for g in groups:
        total = 0.0
        others = [h for h in groups if h != g]
        for size in range(k):
            weight = factorial(size) * factorial(k - size - 1) / factorial(k)
            for subset in itertools.combinations(others, size):
                s = frozenset(subset)
                total += weight * (values[s | {g}] - values[s])
        out[g] = total
    return out


def decompose(table: pd.DataFrame, outcomes: list[str], groups: tuple[str, ...] = GROUPS) -> pd.DataFrame:
    """Shares of the X-to-Y change per group and outcome, with 95% intervals.

    ``table`` has one row per (coalition, replication): a ``coalition`` column of
    frozensets, ``replication`` and the outcome columns. Returns rows ``outcome``,
    ``group``, ``effect`` (mean Shapley value, in the X-to-Y direction), ``share``
    (mean effect / mean gap), ``ci_low``, ``ci_high`` (delta-method interval of that ratio
    over the paired replications) and ``gap`` (mean of v(all) - v(none)).
    """
    rows = []
    full = frozenset(groups)
    for outcome in outcomes:
        per_rep = []
        for _, rep in table.groupby("replication"):
            values = dict(zip(rep["coalition"], rep[outcome], strict=True))
            per_rep.append(shapley(values, groups) | {"__gap__": values[full] - values[frozenset()]})
        frame = pd.DataFrame(per_rep)
        gap = frame["__gap__"]
        for g in groups:
            share, low, high = ratio_share(frame[g], gap)
            rows.append({"outcome": outcome, "group": g, "effect": frame[g].mean(), "share": share,
                         "ci_low": low, "ci_high": high, "gap": gap.mean()})
    return pd.DataFrame(rows)


def ratio_share(effect: pd.Series, total: pd.Series) -> tuple[float, float, float]:
    """A part's share of a whole, mean(effect) / mean(total), with the delta-method 95%
    interval of that ratio over paired replications (NaN where the whole is 0)."""
    n, whole = len(effect), float(np.mean(total))
    if whole == 0 or n == 0:
        return float("nan"), float("nan"), float("nan")
    share = float(np.mean(effect)) / whole
    if n < 2:
        return share, float("nan"), float("nan")
    resid = (np.asarray(effect) - share * np.asarray(total)) / whole
    half = 1.96 * float(np.std(resid, ddof=1)) / np.sqrt(n)
    return share, share - half, share + half
