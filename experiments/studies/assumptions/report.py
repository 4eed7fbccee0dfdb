"""The ledger's figure and report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.figures import save_figure
from experiments.studies.assumptions.ledger import DECISIVE_SHARE

SHOWN = 20  # parameters in the figure: those that decide the most answers


def figure(ledger: pd.DataFrame, path: Path) -> Path:
    """Heatmap: influence (mu* over the answer's largest) of the most deciding assumptions
    on every answer; a dot marks a decisive one."""
    import matplotlib.pyplot as plt

    wide = ledger.pivot(index="parameter", columns="answer", values="influence")
    decisive = ledger.pivot(index="parameter", columns="answer", values="decisive")
    order = decisive.sum(axis=1).add(wide.sum(axis=1) / 1000).sort_values(ascending=False).index[:SHOWN]
    answers = list(dict.fromkeys(ledger.answer))
    data = wide.loc[order, answers].to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(0.32 * len(answers) + 4, 0.32 * len(order) + 2))
    im = ax.imshow(data, cmap="magma_r", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(answers)), answers, rotation=90, fontsize=7)
    ax.set_yticks(range(len(order)), order, fontsize=8)
    ys, xs = np.nonzero(decisive.loc[order, answers].to_numpy(dtype=bool))
    ax.scatter(xs, ys, s=6, c="white")
    fig.colorbar(im, ax=ax, label="influence (Morris mu* / the answer's largest)")
    ax.set_title("Which assumptions decide which answer (dots: decisive)")
    save_figure(fig, path)
    return path


def report(ledger: pd.DataFrame, first: pd.DataFrame, factors, sizes, seed: int, points: int) -> str:
    lines = ["# The assumption ledger", "",
             f"Every assumption-labelled number of the model ({len(factors)}: the mechanisms' numbers, the "
             "hypothesis of Y's breach and the interventions' effect sizes) screened with Morris elementary "
             f"effects (SALib, {sizes.trajectories} trajectories, 4 levels: {points} points, {sizes.reps} "
             f"replications each, root seed {seed}) against every headline answer. An assumption *decides* an "
             f"answer when its mu* is at least {DECISIVE_SHARE:.0%} of the largest for that answer. "
             "`assumptions.csv` has every parameter and answer (`influence` is mu* over the answer's largest; "
             "`mu_star`, `mu`, `sigma` in the answer's units); `answers.csv` every point's answers.", "",
             "Answers: `gap:` X - Y at the end of the horizon; `margin:P1`..`P7` each pattern's distance from "
             "holding (docs/patterns.md); `effect:I1:y` an intervention's paired gain in collaboration at the "
             "end; `rank:I1:y` its rank among the six (1: the largest).", "",
             "Morris screening ranks, it does not quantify shares of variance, and with few trajectories the "
             "ranks of the weaker assumptions are rough; the decisive ones are those a field study should pin "
             "down before the answer is trusted.", "",
             "## Measure these first", "",
             "The assumptions that decide the most answers:", "", "| assumption | answers it decides | source |",
             "|---|---|---|"]
    sources = ledger.drop_duplicates("parameter").set_index("parameter").source
    for _, r in first.head(12).iterrows():
        lines.append(f"| `{r.parameter}` | {r.answers} | {sources[r.parameter]} |")
    lines += ["", "## What decides each answer", "", "| answer | decisive assumptions (influence) |", "|---|---|"]
    for answer, f in ledger.groupby("answer", sort=False):
        top = f[f.decisive].sort_values("rank")
        cells = ", ".join(f"`{r.parameter}` ({r.influence:.2f})" for r in top.itertuples()) or "none moves it"
        lines.append(f"| {answer} | {cells} |")
    breach = ledger[ledger.parameter.str.startswith("breach_") & ledger.decisive]
    lines += ["", "## The breach's numbers", "",
              "Answers decided by the hypothesis of Y's breach (`breach_*`): "
              + (", ".join(sorted(set(breach.answer))) or "none") + ".", "",
              "![which assumptions decide which answer](assumptions.png)"]
    return "\n".join(lines) + "\n"
