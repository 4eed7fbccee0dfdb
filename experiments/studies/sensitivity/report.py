"""The sensitivity study's figure (Sobol bars, Morris plane or PAWN statistics) and
report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.figures import save_figure
from experiments.studies.sensitivity.indices import CONF_WARNING, main_index


def plot(indices: pd.DataFrame, method: str, outputs: list[str], out: Path) -> list[Path]:
    import matplotlib.pyplot as plt

    paths = []
    fig, axes = plt.subplots(1, len(outputs), figsize=(5 * len(outputs), 0.35 * indices.factor.nunique() + 2.5),
                             squeeze=False)
    for ax, o in zip(axes[0], outputs, strict=True):
        sel = indices[(indices.output == o)]
        if method == "sobol":
            sel = sel[sel.S1.notna()]
            y = np.arange(len(sel))
            ax.barh(y - 0.2, sel.S1, height=0.4, xerr=sel.S1_conf, label="S1 (alone)", capsize=2)
            ax.barh(y + 0.2, sel.ST, height=0.4, xerr=sel.ST_conf, label="ST (with interactions)", capsize=2)
            ax.set_yticks(y, sel.factor)
            ax.set_xlabel("Sobol index (95% CI)")
        elif method == "morris":
            ax.errorbar(sel.mu_star, sel.sigma, xerr=sel.mu_star_conf, fmt="o", capsize=2)
            for _, r in sel.iterrows():
                ax.annotate(r.factor, (r.mu_star, r.sigma), fontsize=7)
            ax.set_xlabel("mu* (overall influence)")
            ax.set_ylabel("sigma (interactions / non-linearity)")
        else:
            y = np.arange(len(sel))
            ax.barh(y, sel["median"], xerr=[sel["median"] - sel.minimum, sel.maximum - sel["median"]], capsize=2)
            ax.set_yticks(y, sel.factor)
            ax.set_xlabel("PAWN KS statistic (median; bars: min-max)")
        ax.set_title(o.replace("_", " "))
        if method != "morris":
            ax.invert_yaxis()
    if method == "sobol":
        axes[0][0].legend(loc="lower right", fontsize=8)
    paths.append(save_figure(fig, out / f"{method}.png"))
    return paths


def report(indices, convergence, noise, method, n, reps, model, scenario, figures) -> str:
    key, conf = main_index(method)
    what = f"network {scenario}" if model == "trustnet" else f"the {model} test function"
    lines = [f"# Sensitivity analysis ({method}) of {what}", "",
             f"Sample size N = {n} ({len(indices.output.unique())} output(s)), {reps} replication(s) per "
             "design point averaged; SALib. Indices: indices.csv; convergence: convergence.csv.", ""]
    for o in indices.output.unique():
        sel = indices[(indices.output == o) & indices[key].notna()].sort_values(key, ascending=False)
        top = sel.head(3)
        lines.append(f"## {o}")
        lines.append("")
        lines.append(f"Dominant factors (by {key}): " + ", ".join(
            f"{r.factor} ({r[key]:.3f}" + (f" ± {r[conf]:.3f})" if conf else ")") for _, r in top.iterrows()) + ".")
        if model == "trustnet":
            lines.append(f"Replication noise: {noise.get(o, 0.0):.1%} of the output's variance across runs "
                         "(averaged away over replications before the analysis, but a signal smaller than "
                         "this is hard to tell from noise).")
        if len(convergence):
            c = convergence[convergence.output == o]
            lines.append(f"Convergence: largest change of {key} between half and full sample "
                         f"{c.change.abs().max():.3f}; intervals wider than {CONF_WARNING:.0%} of the index: "
                         f"{int(c.wide.sum())} of {len(c)}"
                         + (" — **warning: increase --n or --reps**" if c.wide.any() else "") + ".")
        lines.append("")
    for path in figures:
        lines.append(f"![{path.stem}]({path.name})")
    return "\n".join(lines) + "\n"
