"""Figures of the robust analysis, one of each per scenario: the spread of each
intervention's effect over the draws, the acceptability curves, and the failure boxes
and feature scores for the headline metric."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.figures import save_figure
from experiments.studies.policy.effects import METRICS
from experiments.studies.policy.report import metric_title
from experiments.studies.policy.robustness import BASELINE

HEADLINE = "collaboration"


def effect_spread(per_draw: pd.DataFrame, scenario: str, path: Path, name: str | None = None) -> Path:
    """Per metric, a box plot of each intervention's effect over the draws."""
    import matplotlib.pyplot as plt

    sel = per_draw[per_draw.scenario == scenario]
    names = list(dict.fromkeys(sel.intervention))
    fig, axes = plt.subplots(1, len(METRICS), figsize=(3.6 * len(METRICS), 0.45 * len(names) + 1.8), sharey=True)
    for ax, metric in zip(axes, METRICS, strict=True):
        m = sel[sel.metric == metric]
        data = [m[m.intervention == n].effect.to_numpy() for n in names]
        ax.boxplot(data, orientation="horizontal", whis=(5, 95), showfliers=True, flierprops={"markersize": 2})
        ax.axvline(0, color="black", lw=0.8)
        ax.set_title(metric_title(metric), fontsize=9)
        ax.set_yticks(np.arange(1, len(names) + 1), names)
    axes[0].invert_yaxis()
    fig.suptitle(f"Network {name or scenario}: effect of each intervention in each plausible world "
                 f"({sel.draw.nunique()} draws; whiskers 5-95%)")
    return save_figure(fig, path)


def acceptability_curves(curves: pd.DataFrame, scenario: str, path: Path, name: str | None = None) -> Path:
    """Per metric, the share of draws in which each option gives the most net benefit."""
    import matplotlib.pyplot as plt

    sel = curves[curves.scenario == scenario]
    fig, axes = plt.subplots(1, len(METRICS), figsize=(3.6 * len(METRICS), 3.6), sharey=True)
    for ax, metric in zip(axes, METRICS, strict=True):
        m = sel[sel.metric == metric]
        for name, line in m.groupby("intervention", sort=False):
            ax.plot(line.value_hours, line.p_best, label=name, ls="--" if name == BASELINE else "-")
        ax.set_xscale("log")
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("value of one unit (hours a year)", fontsize=8)
        ax.set_title(metric_title(metric), fontsize=9)
    axes[0].set_ylabel("share of draws with the most net benefit")
    axes[-1].legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.suptitle(f"Network {name or scenario}: cost-effectiveness acceptability")
    return save_figure(fig, path)


def failure_boxes(boxes: pd.DataFrame, scores: pd.DataFrame, factors: list[str], scenario: str,
                  path: Path, name: str | None = None) -> Path:
    """Left: each intervention's failure box for the headline metric (restricted factors
    as bars over their range). Right: feature scores of its effect."""
    import matplotlib.pyplot as plt

    sel = boxes[(boxes.scenario == scenario) & (boxes.metric == HEADLINE)]
    names = list(dict.fromkeys(sel.intervention))
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 0.35 * len(factors) + 2.2))
    width = 0.8 / max(1, len(names))
    for k, name in enumerate(names):
        rows = sel[(sel.intervention == name) & (sel.factor != "")]
        label = f"{name} ({rows.share_failing.iloc[0]:.0%} fail" if len(rows) else name
        if len(rows):
            label += f"; cov {rows.coverage.iloc[0]:.2f}, dens {rows.density.iloc[0]:.2f})"
        for _, r in rows.iterrows():
            span = r.range_high - r.range_low
            lo, hi = (r.low - r.range_low) / span, (r.high - r.range_low) / span
            y = factors.index(r.factor) + (k - (len(names) - 1) / 2) * width
            left.barh(y, hi - lo, left=lo, height=width, color=f"C{k}", label=label)
            label = None
    left.set_yticks(range(len(factors)), factors)
    left.set_xlim(0, 1)
    left.invert_yaxis()
    left.set_xlabel("part of the factor's range in the box")
    left.set_title(f"where each intervention fails ({HEADLINE})", fontsize=10)
    if left.get_legend_handles_labels()[0]:
        left.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    heat = scores[(scores.scenario == scenario) & (scores.metric == HEADLINE)]
    if len(heat):
        grid = heat.pivot(index="factor", columns="intervention", values="score").reindex(factors)
        grid = grid[[n for n in dict.fromkeys(heat.intervention)]]
        image = right.imshow(grid.to_numpy(), aspect="auto", cmap="viridis")
        right.set_yticks(range(len(factors)), factors)
        right.set_xticks(range(grid.shape[1]), grid.columns, rotation=45, ha="right")
        fig.colorbar(image, ax=right, fraction=0.04)
    right.set_title(f"what drives the effect on {HEADLINE} (feature scores)", fontsize=10)
    fig.suptitle(f"Network {name or scenario}: scenario discovery")
    return save_figure(fig, path)
