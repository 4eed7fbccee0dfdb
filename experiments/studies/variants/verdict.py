"""The variants study's analysis: shares of the sample reproducing each pattern, and the
paired verdict of each variant against the baseline.

The baseline is the reference, never judged by its own rule. Every variant is run at the
same sample points with the same seeds as the baseline, so the comparison is paired
point by point: per pattern, the number of points at which only the baseline holds and
the number at which only the variant does, with McNemar's exact test on those
discordant points (Holm's correction over the seven patterns of one variant). A
pattern's verdict is ``better`` or ``worse`` where the test rejects equality at 5%, else
``indistinguishable``; a variant whose runs equal the baseline's at every point is
``does not act in X or Y``, with the reason where the model knows it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from experiments.analysis.points import PATTERNS, holds
from experiments.analysis.points import shares as point_shares

ALPHA = 0.05
VERDICTS = ("better", "worse", "mixed", "indistinguishable", "does not act in X or Y")


def shares(points: pd.DataFrame) -> pd.DataFrame:
    """Per variant and pattern (and "all"): share of sample points reproducing it (Wilson
    95% interval) and the mean probability of holding. ``points`` has one row per
    (variant, sample) in the `experiments.analysis.points` layout."""
    frames = []
    for variant, frame in points.groupby("variant", sort=False):
        table = point_shares(frame)
        table.insert(0, "variant", variant)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def mcnemar(only_baseline: int, only_variant: int) -> float:
    """Exact two-sided McNemar p-value on the discordant pairs (1 where there are none)."""
    n = only_baseline + only_variant
    return 1.0 if n == 0 else float(binomtest(only_variant, n, 0.5).pvalue)


def holm(p: np.ndarray) -> np.ndarray:
    """Holm-adjusted p-values (monotone, capped at 1)."""
    order = np.argsort(p)
    adjusted = np.empty(len(p))
    running = 0.0
    for rank, k in enumerate(order):
        running = max(running, (len(p) - rank) * p[k])
        adjusted[k] = min(running, 1.0)
    return adjusted


def paired(points: pd.DataFrame) -> pd.DataFrame:
    """Each variant against the baseline, pattern by pattern, on the same sample points.

    Columns: variant, pattern, points, both, only_baseline, only_variant, neither,
    p_value (McNemar exact), p_adjusted (Holm over the patterns of the variant), verdict.
    """
    base = points[points.variant == "baseline"].set_index("sample")
    base_holds = holds(base)
    rows = []
    for variant, frame in points[points.variant != "baseline"].groupby("variant", sort=False):
        v_holds = holds(frame.set_index("sample")).reindex(base_holds.index)
        block = []
        for pattern in PATTERNS:
            b, v = base_holds[pattern], v_holds[pattern].fillna(False).astype(bool)
            only_b, only_v = int((b & ~v).sum()), int((~b & v).sum())
            block.append({"variant": variant, "pattern": pattern, "points": len(b), "both": int((b & v).sum()),
                          "only_baseline": only_b, "only_variant": only_v, "neither": int((~b & ~v).sum()),
                          "p_value": mcnemar(only_b, only_v)})
        adjusted = holm(np.array([r["p_value"] for r in block]))
        for r, p in zip(block, adjusted, strict=True):
            r["p_adjusted"] = float(p)
            r["verdict"] = ("indistinguishable" if p >= ALPHA
                            else "better" if r["only_variant"] > r["only_baseline"] else "worse")
        rows += block
    return pd.DataFrame(rows, columns=["variant", "pattern", "points", "both", "only_baseline", "only_variant",
                                       "neither", "p_value", "p_adjusted", "verdict"])


def verdict(table: pd.DataFrame, acts: dict[str, bool], reasons: dict[str, str]) -> dict[str, dict]:
    """One verdict per variant from its paired table: ``better`` (better on some pattern,
    worse on none), ``worse``, ``mixed`` (better on some, worse on others),
    ``indistinguishable``, or ``does not act in X or Y`` (with ``reasons[variant]``)."""
    out = {}
    for variant, frame in table.groupby("variant", sort=False):
        better = list(frame.pattern[frame.verdict == "better"])
        worse = list(frame.pattern[frame.verdict == "worse"])
        if not acts.get(variant, True):
            word = "does not act in X or Y"
        elif better and worse:
            word = "mixed"
        elif better:
            word = "better"
        elif worse:
            word = "worse"
        else:
            word = "indistinguishable"
        out[variant] = {"verdict": word, "better_on": better, "worse_on": worse,
                        "reason": reasons.get(variant, "") if word == "does not act in X or Y" else ""}
    return out
