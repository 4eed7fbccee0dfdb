"""The variants study's analysis: shares of the sample reproducing each pattern, and the
verdict (rejected, surviving, indistinguishable from the baseline)."""

from __future__ import annotations

import pandas as pd

from experiments.analysis.outcomes import wilson

PATTERNS = ("P1", "P2", "P3", "P4", "P5", "P6", "P7")
REJECT_BELOW = 0.25  # a pattern reproduced at < 25% of the sample (Wilson upper bound) rejects


def shares(scores: pd.DataFrame) -> pd.DataFrame:
    """Per variant and pattern (and "all"): share of sample points reproducing it.

    ``scores`` has one row per (variant, sample) and a boolean column per pattern.
    """
    rows = []
    for variant, frame in scores.groupby("variant", sort=False):
        n = len(frame)
        for pattern in (*PATTERNS, "all"):
            hit = frame[list(PATTERNS)].all(axis=1) if pattern == "all" else frame[pattern]
            hits = int(hit.sum())
            lo, hi = wilson(hits, n)
            rows.append({"variant": variant, "pattern": pattern, "share": hits / n if n else float("nan"),
                         "ci_low": lo, "ci_high": hi, "samples": n})
    return pd.DataFrame(rows)


def verdict(table: pd.DataFrame) -> dict[str, list]:
    """Rejected variants, survivors, and variants the patterns cannot tell from the baseline."""
    rejected, survivors, alike = {}, [], []
    base = table[table.variant == "baseline"].set_index("pattern")
    for variant, frame in table.groupby("variant", sort=False):
        f = frame.set_index("pattern")
        failing = [p for p in PATTERNS if f.loc[p, "ci_high"] < REJECT_BELOW]
        if failing:
            rejected[variant] = failing
        else:
            survivors.append(variant)
        if variant != "baseline" and len(base):
            same = all(f.loc[p, "ci_low"] <= base.loc[p, "ci_high"]
                       and base.loc[p, "ci_low"] <= f.loc[p, "ci_high"] for p in (*PATTERNS, "all"))
            if same:
                alike.append(variant)
    return {"rejected": rejected, "survivors": survivors, "indistinguishable_from_baseline": alike}
