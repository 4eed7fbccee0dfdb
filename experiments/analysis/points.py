"""The evidence of every sample point, and what a sample of points says.

Robustness (contrast) and the variants study score the criteria at many parameter
points. Each point keeps its evidence as one row (`point_row`): its parameter values
(``param:NAME``) and, per pattern, whether it holds, the probability that it holds
(bootstrap over the point's replications), its margin and every clause's estimate
(``P2:exposed_trust_drop``). From such rows:

* `shares` -- per pattern and for all seven together, the share of points at which it
  holds, with a Wilson 95% interval, and the mean probability of holding;
* `joint_shares` -- for each pair of patterns the share of points at which both hold,
  beside what independence would give and the phi correlation of the two verdicts:
  which patterns trade off (negative phi) and which go together;
* `drivers` -- for each pattern, the parameters its margin depends on most (Spearman
  rank correlation over the points).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from experiments.analysis.criterion import joint_p_holds
from experiments.analysis.outcomes import wilson

PATTERNS = ("P1", "P2", "P3", "P4", "P5", "P6", "P7")


def point_row(card: list, params: dict, **keys) -> dict:
    """One point's evidence: ``keys`` (e.g. point=k, variant=name), parameter values and the
    flat numbers of every `PatternResult` of ``card``."""
    row = dict(keys)
    row.update({f"param:{k}": v for k, v in params.items()})
    for result in card:
        row.update(result.flat())
    row["all:holds"] = float(all(r.passed for r in card))
    row["all:p_holds"] = joint_p_holds(card)
    return row


def holds(points: pd.DataFrame) -> pd.DataFrame:
    """(points, patterns) booleans: does each pattern hold at each point."""
    return pd.DataFrame({p: points[f"{p}:holds"].astype(bool) for p in PATTERNS if f"{p}:holds" in points},
                        index=points.index)


def shares(points: pd.DataFrame) -> pd.DataFrame:
    """Per pattern and "all": share of points holding (Wilson 95% interval) and the mean
    probability of holding. Columns: pattern, share, ci_low, ci_high, mean_p_holds, points."""
    verdicts = holds(points)
    rows = []
    for pattern in (*verdicts.columns, "all"):
        hit = verdicts.all(axis=1) if pattern == "all" else verdicts[pattern]
        lo, hi = wilson(int(hit.sum()), len(hit))
        p = points[f"{pattern}:p_holds"]
        rows.append({"pattern": pattern, "share": float(hit.mean()) if len(hit) else np.nan, "ci_low": lo,
                     "ci_high": hi, "mean_p_holds": float(p.mean()) if len(p) else np.nan, "points": len(hit)})
    return pd.DataFrame(rows)


def joint_shares(points: pd.DataFrame) -> pd.DataFrame:
    """For each pair of patterns: both hold (share), the share independence would give,
    and the phi correlation of the two verdicts over the points (NaN where one never or
    always holds). Columns: first, second, both, independent, phi."""
    verdicts = holds(points).astype(float)
    rows = []
    for a, b in itertools.combinations(verdicts.columns, 2):
        both = float((verdicts[a] * verdicts[b]).mean())
        sa, sb = float(verdicts[a].mean()), float(verdicts[b].mean())
        denominator = np.sqrt(sa * (1 - sa) * sb * (1 - sb))
        rows.append({"first": a, "second": b, "both": both, "independent": sa * sb,
                     "phi": (both - sa * sb) / denominator if denominator > 0 else np.nan})
    return pd.DataFrame(rows, columns=["first", "second", "both", "independent", "phi"])


def drivers(points: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """For each pattern, the ``top`` parameters whose values its margin follows most over
    the points (Spearman rank correlation; positive: a higher value moves the pattern away
    from holding). Columns: pattern, parameter, rho."""
    params = [c for c in points.columns if c.startswith("param:") and points[c].nunique() > 1]
    rows = []
    for pattern in PATTERNS:
        column = f"{pattern}:margin"
        if column not in points or points[column].nunique() < 2:
            continue
        ranks = points[params].rank()
        rho = ranks.corrwith(points[column].rank()).dropna()
        for name in rho.abs().sort_values(ascending=False).index[:top]:
            rows.append({"pattern": pattern, "parameter": name.removeprefix("param:"), "rho": float(rho[name])})
    return pd.DataFrame(rows, columns=["pattern", "parameter", "rho"])
