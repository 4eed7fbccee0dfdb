"""The variants study's figure (a heatmap of shares) and report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.figures import save_figure
from experiments.analysis.points import PATTERNS
from experiments.studies.variants.design import UNCERTAIN
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


def report(table: pd.DataFrame, pairs: pd.DataFrame, verdicts: dict, sizes, seed: int, posterior=None) -> str:
    sample = (f"{sizes.samples} weighted draws of the baseline's calibrated posterior ({posterior})"
              if posterior else f"{sizes.samples} Latin-hypercube points over {len(UNCERTAIN)} uncertain "
              f"parameters ({', '.join(UNCERTAIN)})")
    lines = ["# Theory variants against the patterns", "",
             f"{sample}, {sizes.reps} replications per point, root seed {seed}. The baseline (the study's side of "
             "every pair) and each variant run at the same points with the same seeds. A pattern holds at a point "
             "when its criterion's estimates meet their thresholds (docs/patterns.md); a share is the share of "
             "points at which it holds (Wilson 95% interval). Every point's margins and estimates are in "
             "`variant_points.parquet`.", "",
             "| variant | " + " | ".join((*PATTERNS, "all")) + " |", "|---|" + "---|" * (len(PATTERNS) + 1)]
    for variant, frame in table.groupby("variant", sort=False):
        f = frame.set_index("pattern")
        lines.append(f"| {variant} | " + " | ".join(
            f"{f.loc[p, 'share']:.0%} [{f.loc[p, 'ci_low']:.0%}, {f.loc[p, 'ci_high']:.0%}]"
            for p in (*PATTERNS, "all")) + " |")
    lines += ["", "## Verdict, paired against the baseline", "",
              "At each point, per pattern: does only the baseline hold, or only the variant? McNemar's exact test "
              "on those discordant points, Holm-corrected over the seven patterns of a variant (5%). The baseline "
              "is the reference and is not judged by its own rule. `paired.csv` has every count.", "",
              "| variant | verdict | better on | worse on | discordant points per pattern (only baseline / only "
              "variant) |", "|---|---|---|---|---|"]
    for variant, v in verdicts.items():
        f = pairs[pairs.variant == variant].set_index("pattern")
        counts = ", ".join(f"{p} {f.loc[p, 'only_baseline']}/{f.loc[p, 'only_variant']}" for p in PATTERNS)
        word = f"**{v['verdict']}**" + (f" ({v['reason']})" if v["reason"] else "")
        lines.append(f"| {variant} | {word} | {', '.join(v['better_on']) or '-'} | {', '.join(v['worse_on']) or '-'}"
                     f" | {counts} |")
    lines += ["", "Theory pairs (literature vs study), THEORY.md §5:", ""]
    for t, (lit, study) in THEORY_PAIRS.items():
        lines.append(f"- {t}: literature — {lit}; study — {study}")
    return "\n".join(lines) + "\n"
