"""The calibration's figures and its report in plain words."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.figures import save_figure
from experiments.studies.calibration.history import FEW, IDENTIFIED
from experiments.studies.calibration.measure import INDISTINCT
from experiments.studies.calibration.summaries import OBSERVABLES

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
    import matplotlib.pyplot as plt

    wide = probabilities.pivot(index="generation", columns="model", values="probability")
    fig, ax = plt.subplots(figsize=(7, 4))
    for model in dict.fromkeys(probabilities.model):
        ax.plot(wide.index, wide[model], marker="o", label=model)
    ax.set_xlabel("generation")
    ax.set_ylabel("posterior model probability")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    ax.set_title("Which models the patterns favour, generation by generation")
    return save_figure(fig, path)


def report(info: dict, probabilities: pd.DataFrame, tables: dict[str, pd.DataFrame], predictive: pd.DataFrame,
           observables: pd.DataFrame, coverage: pd.DataFrame | None, sizes: dict[str, float]) -> str:
    """``sizes``: each model's effective sample size in the last generation."""
    last = probabilities[probabilities.generation == probabilities.generation.max()].sort_values(
        "probability", ascending=False)
    lines = ["# Calibration: what the patterns pin down", "",
             f"ABC-SMC (pyabc) with {info['population']} particles per generation, "
             f"{info['generations_done']} generations ({info['stopped']}), {info['reps']} paired replications "
             f"per particle, {len(info['factors'])} factors with uniform priors, root seed {info['seed']}. "
             + ("Distance: the summed margins of the pattern criteria"
                + (f" except the held-out {', '.join(info['hold_out'])}" if info["hold_out"] else "")
                + "; 0 means every criterion holds." if not info["truth"] else
                "Known-answer check: the data are pseudo-observed summaries simulated at known parameters "
                f"of model {info['truth']['model']}; the distance is their mean absolute difference."),
             "", "Thresholds by generation: " + ", ".join(f"{e:.3g}" if e < 1e299 else "all" for e in info["epsilons"]),
             "", "## Which models the patterns favour", "", "| model | posterior probability |", "|---|---|"]
    lines += [f"| {r.model} | {r.probability:.2f} |" for r in last.itertuples()]
    lines.append("")
    lead = last.model.iloc[0]
    lines.append(f"The patterns favour **{lead}**." if len(last) > 1 else "Only the baseline was calibrated.")
    alive = last[last.probability > 0]
    close = [m for m in alive.model if m != lead and last.probability.iloc[0] <= INDISTINCT * alive.set_index(
        "model").probability[m]]
    if close:
        lines.append(f"They cannot separate it from {', '.join(close)} (probabilities within a factor of "
                     f"{INDISTINCT:g}).")
    dead = list(last[last.probability == 0].model)
    if dead:
        lines.append(f"Ruled out (no particle left): {', '.join(dead)}.")
    lines += ["", "## What the patterns pin down", ""]
    for model, table in tables.items():
        pinned = table[table.sd_ratio < IDENTIFIED]
        few = sizes[model] < FEW
        lines.append(f"**{model}** (effective sample size {sizes[model]:.0f}"
                     + (f"; under {FEW}: too few particles to trust these intervals" if few else "") + "): " + (
            f"{len(pinned)} of {len(table)} factors are constrained (posterior sd under {IDENTIFIED:.0%} of the "
            "prior's): " + ", ".join(f"{r.factor} {r.mean:.3g} [{r.q05:.3g}, {r.q95:.3g}]"
                                     for r in pinned.itertuples())
            if len(pinned) else f"no factor's posterior sd is under {IDENTIFIED:.0%} of its prior's; the "
                                "patterns leave every factor wide open at this size.") + "")
        lines.append("")
    lines += ["Figures: `marginals.png`, `pairwise.png`, `model_probabilities.png`.", ""]
    if coverage is not None:
        lines += ["## Known answer: does the posterior cover the truth?", "",
                  "| factor | truth | 90% interval | sd ratio | covered |", "|---|---|---|---|---|"]
        lines += [f"| {r.factor} | {r.truth:.3g} | [{r.q05:.3g}, {r.q95:.3g}] | {r.sd_ratio:.2f} | "
                  f"{'yes' if r.covered else 'no'} |" for r in coverage.itertuples()]
        lines.append("")
    lines += ["## Posterior predictive check", ""]
    if predictive.empty:
        lines.append("No model has posterior mass.")
    elif not info["truth"]:
        lines.append("Share of fresh simulations at posterior draws that reproduce each pattern (Wilson 95%); "
                     "held-out patterns were not in the distance, so their share validates the calibration.")
        lines += ["", "| model | pattern | share | held out |", "|---|---|---|---|"]
        lines += [f"| {r.model} | {r.pattern} | {r.share:.0%} [{r.ci_low:.0%}, {r.ci_high:.0%}] | "
                  f"{'yes' if r.held_out else ''} |" for r in predictive.itertuples()]
    else:
        lines.append("Posterior predictive p-value of each pseudo-observed statistic (share of fresh "
                     "simulations at or below it; near 0 or 1: the posterior does not reproduce it).")
        lines += ["", "| model | statistic | p |", "|---|---|---|"]
        lines += [f"| {r.model} | {r.pattern} | {r.share:.2f} |" for r in predictive.itertuples()]
    lines += ["", "## What to measure next", ""]
    if observables.empty:
        lines.append("No two models are within a factor of "
                     f"{INDISTINCT:g} of each other: the patterns separate them, or only one was calibrated.")
    else:
        lines.append("For each pair the patterns cannot tell apart, the observables that separate their "
                     "posterior predictive distributions best (AUC; n per group for 80% power):")
        for (a, b), frame in observables.groupby(["model_a", "model_b"], sort=False):
            lines += ["", f"**{a} vs {b}**", "", "| observable | what to measure | AUC | n needed |",
                      "|---|---|---|---|"]
            for r in frame.head(5).itertuples():
                n = f"{r.n_needed:.0f} {r.unit}s" if np.isfinite(r.n_needed) else "—"
                lines.append(f"| {r.observable} | {OBSERVABLES[r.observable][1]} | {r.auc:.2f} | {n} |")
    return "\n".join(lines) + "\n"
