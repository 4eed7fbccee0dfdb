"""The calibration's figures: posterior marginals against the prior's box, a pairwise plot
of the most constrained factors, and the model probabilities by generation and seed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.figures import save_figure

SHOWN = 12  # marginals drawn: the most constrained factors of the leading model
PAIRWISE = 4  # factors in the pairwise plot


def marginals(posterior: pd.DataFrame, table: pd.DataFrame, model: str, path: Path) -> Path:
    """Histograms of the most constrained factors; the x-axis is the prior's box."""
    import matplotlib.pyplot as plt

    shown = table.head(SHOWN)
    cols = 4
    rows = max(1, int(np.ceil(len(shown) / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.4 * rows), squeeze=False)
    mine = posterior[posterior.model == model]
    for ax, (_, f) in zip(axes.flat, shown.iterrows(), strict=False):
        ax.hist(mine[f.factor], weights=mine.weight, bins=12, range=(f.prior_low, f.prior_high), color="tab:blue")
        ax.set_xlim(f.prior_low, f.prior_high)
        ax.set_yticks([])
        ax.set_title(f"{f.factor} (sd ratio {f.sd_ratio:.2f})", fontsize=8)
    for ax in list(axes.flat)[len(shown):]:
        ax.axis("off")
    fig.suptitle(f"Posterior marginals of {model} against the prior's box (most constrained first)")
    return save_figure(fig, path)


def pairwise(posterior: pd.DataFrame, table: pd.DataFrame, model: str, path: Path) -> Path:
    import matplotlib.pyplot as plt

    names = list(table.factor.head(PAIRWISE))
    mine = posterior[posterior.model == model]
    k = len(names)
    fig, axes = plt.subplots(k, k, figsize=(2.4 * k, 2.4 * k), squeeze=False)
    size = 200 * mine.weight / max(mine.weight.max(), 1e-12)
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            ax = axes[i][j]
            if i == j:
                ax.hist(mine[a], weights=mine.weight, bins=12, color="tab:blue")
            else:
                ax.scatter(mine[b], mine[a], s=size, alpha=0.5, color="tab:blue")
            if i == k - 1:
                ax.set_xlabel(b, fontsize=8)
            if j == 0:
                ax.set_ylabel(a, fontsize=8)
    fig.suptitle(f"Most constrained factors of {model}, pairwise (dot size: weight)")
    return save_figure(fig, path)


def probabilities_plot(probabilities: pd.DataFrame, path: Path) -> Path:
    """Each model's probability by generation; one line style per seed."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    colours = {m: f"C{k % 10}" for k, m in enumerate(dict.fromkeys(probabilities.model))}
    styles = ("-", "--", ":", "-.")
    for k, (_, rows) in enumerate(probabilities.groupby("seed", sort=False)):
        wide = rows.pivot(index="generation", columns="model", values="probability")
        for model, colour in colours.items():
            ax.plot(wide.index, wide[model], marker="o", ms=3, color=colour, ls=styles[k % len(styles)],
                    label=model if k == 0 else None)
    ax.set_xlabel("generation")
    ax.set_ylabel("posterior model probability")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7, ncol=2)
    seeds = ", ".join(f"{s} ({styles[k % len(styles)]})" for k, s in enumerate(dict.fromkeys(probabilities.seed)))
    ax.set_title(f"Model probabilities by generation (seeds {seeds})", fontsize=9)
    return save_figure(fig, path)
