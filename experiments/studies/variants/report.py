"""The variants study's figure (a heatmap of shares) and report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.figures import save_figure
from experiments.studies.variants.design import UNCERTAIN
from experiments.studies.variants.verdict import PATTERNS, REJECT_BELOW
from model.variants import THEORY_PAIRS


def heatmap(table: pd.DataFrame, path: Path) -> Path:
    import matplotlib.pyplot as plt

    wide = table.pivot(index="variant", columns="pattern", values="share")
    wide = wide.loc[list(dict.fromkeys(table.variant)), [*PATTERNS, "all"]]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(wide) + 1.8))
    im = ax.imshow(wide.to_numpy(dtype=float), cmap="viridis", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(wide.shape[1]), wide.columns)
    ax.set_yticks(range(len(wide)), wide.index)
    for (i, j), v in np.ndenumerate(wide.to_numpy(dtype=float)):
        ax.text(j, i, f"{v:.0%}", ha="center", va="center", color="white" if v < 0.6 else "black", fontsize=8)
    fig.colorbar(im, ax=ax, label="share of the parameter sample reproducing the pattern")
    ax.set_title("Which theory variants reproduce the patterns?")
    save_figure(fig, path)
    return path


def report(table: pd.DataFrame, result: dict, sizes, seed: int, posterior=None) -> str:
    sample = (f"{sizes.samples} weighted draws of the baseline's calibrated posterior ({posterior})"
              if posterior else f"{sizes.samples} Latin-hypercube points over {len(UNCERTAIN)} uncertain "
              f"parameters ({', '.join(UNCERTAIN)})")
    lines = ["# Theory variants against the patterns", "",
             f"{sample}, {sizes.reps} replications per point, root seed {seed}. "
             "A variant's share is the share of sample points at which the pattern's criterion "
             "(docs/patterns.md) passes; brackets are Wilson 95% intervals.", "",
             "| variant | " + " | ".join((*PATTERNS, "all")) + " |", "|---|" + "---|" * (len(PATTERNS) + 1)]
    for variant, frame in table.groupby("variant", sort=False):
        f = frame.set_index("pattern")
        lines.append(f"| {variant} | " + " | ".join(
            f"{f.loc[p, 'share']:.0%} [{f.loc[p, 'ci_low']:.0%}, {f.loc[p, 'ci_high']:.0%}]"
            for p in (*PATTERNS, "all")) + " |")
    lines += ["", "## Verdict", ""]
    if result["rejected"]:
        lines.append(f"**Rejected** (a pattern reproduced at under {REJECT_BELOW:.0%} of the sample, upper "
                     "bound):")
        for v, pats in result["rejected"].items():
            lines.append(f"- {v}: cannot produce {', '.join(pats)}")
    else:
        lines.append("No variant is rejected outright.")
    lines += ["", "**Survive:** " + (", ".join(result["survivors"]) or "none"), ""]
    alike = result["indistinguishable_from_baseline"]
    lines.append("**The patterns cannot tell these apart from the baseline** (all intervals overlap): "
                 + (", ".join(alike) if alike else "none") + ".")
    quiet = [v for v, acts in result.get("acts_in_x_and_y", {}).items() if not acts and v != "baseline"]
    lines += ["", "**Variants that change nothing in X and Y** (their runs equal the baseline's at every sample "
              "point, so the patterns cannot judge them here): " + (", ".join(quiet) if quiet else "none") + "."]
    lines += ["", "Theory pairs (literature vs study), THEORY.md §5:", ""]
    for t, (lit, study) in THEORY_PAIRS.items():
        lines.append(f"- {t}: literature — {lit}; study — {study}")
    return "\n".join(lines) + "\n"
