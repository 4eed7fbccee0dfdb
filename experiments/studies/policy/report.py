"""The policy study's figures (a forest plot per scenario) and report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.figures import save_figure
from experiments.analysis.outcomes import END_WINDOW
from experiments.studies.policy.effects import LOWER_IS_BETTER, METRICS


def metric_title(metric: str) -> str:
    """A metric's name for a figure, saying when fewer is better."""
    return metric.replace("_", " ") + (" (fewer is better)" if metric in LOWER_IS_BETTER else "")


def forest_plot(table: pd.DataFrame, scenario: str, path: Path) -> Path:
    import matplotlib.pyplot as plt

    sel = table[table.scenario == scenario]
    names = list(dict.fromkeys(sel.intervention))
    size = (3.6 * len(METRICS), 0.45 * len(names) + 1.6)
    fig, axes = plt.subplots(1, len(METRICS), figsize=size, sharey=True)
    for ax, metric in zip(axes, METRICS, strict=True):
        m = sel[sel.metric == metric].set_index("intervention").loc[names]
        y = np.arange(len(names))
        for k, (effect, lo, hi) in enumerate(zip(m.effect, m.ci_low, m.ci_high, strict=True)):
            colour = "tab:green" if (lo > 0 or hi < 0) else "tab:gray"
            ax.errorbar([effect], [k], xerr=[[effect - lo], [hi - effect]], fmt="o", color=colour, capsize=3)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_title(metric_title(metric), fontsize=9)
        ax.set_yticks(y, names)
    axes[0].invert_yaxis()
    fig.suptitle(f"Network {scenario}: effect of each intervention against the baseline "
                 "(paired, 95% CI; green: distinguishable from zero)")
    save_figure(fig, path)
    return path


def report(table: pd.DataFrame, reps: int, seed: int, figures: list[Path]) -> str:
    lines = ["# Policy what-ifs", "",
             f"{reps} paired replications per design point, root seed {seed}; interventions act "
             "from their start week (default: from the founding of the network). Effects are "
             "intervention minus baseline at the horizon (trust, sharing, collaboration: mean of "
             f"the last {END_WINDOW} weeks; cases resolved and stalls: cumulative). Costs are hours "
             "per year for the whole network (assumptions: docs/ODD.md, Interventions).", ""]
    for scenario, sel in table.groupby("scenario", sort=False):
        collab = sel[sel.metric == "collaboration"].copy()
        collab["per_100h"] = 100.0 * collab.effect / collab.cost_hours.where(collab.cost_hours > 0)
        collab["clear"] = (collab.ci_low > 0) | (collab.ci_high < 0)
        lines += [f"## Network {scenario}", "",
                  f"Baseline collaboration {collab.baseline.iloc[0]:.3f}. Ranked by effect on collaboration:",
                  "", "| rank | intervention | effect [95% CI] | distinguishable from zero | hours/year | "
                  "effect per 100 h |", "|---|---|---|---|---|---|"]
        for rank, (_, r) in enumerate(collab.sort_values("effect", ascending=False).iterrows(), 1):
            ci = f"{r.effect:+.3f} [{r.ci_low:+.3f}, {r.ci_high:+.3f}]"
            lines.append(f"| {rank} | {r.intervention} | {ci} | {'yes' if r.clear else 'no'} | "
                         f"{r.cost_hours:.0f} | {r.per_100h:+.4f} |")
        best = collab.sort_values("per_100h", ascending=False)
        lines += ["", "By effect per cost hour: " + ", ".join(best.intervention) + ".", ""]
        lines += ["All outcomes:", "", "| intervention | " + " | ".join(METRICS) + " |",
                  "|---|" + "---|" * len(METRICS)]
        for name in dict.fromkeys(sel.intervention):
            cells = []
            for metric in METRICS:
                r = sel[(sel.intervention == name) & (sel.metric == metric)].iloc[0]
                mark = "*" if (r.ci_low > 0 or r.ci_high < 0) else ""
                cells.append(f"{r.effect:+.3f}{mark}")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines += ["", "\\* distinguishable from zero (95% CI excludes 0).", ""]
    for path in figures:
        lines.append(f"![{path.stem}]({path.name})")
    return "\n".join(lines) + "\n"
