"""The trajectories of a run study: trust, sharing and collaboration week by week, each
as the mean over the runs with the band that holds 95% of them, and the networks run
alongside (``--against``) as dashed means with their own lighter band."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.analysis.figures import save_figure
from model.interventions import active_interventions, active_weeks

PANELS = (("trust", (("intentional_trust", "tab:blue", "intentional"), ("cognitive_trust", "tab:orange", "cognitive"),
                     ("empathic_trust", "tab:green", "empathic"))),
          ("information shared", (("info_shared", "tab:purple", "information shared"),)),
          ("collaboration", (("collaboration", "tab:red", "collaboration"),)))
OTHERS = ("dimgray", "black", "tab:brown", "tab:olive")


def spread(model: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Per week: the mean over runs and the 2.5 and 97.5 percentiles (95% of the runs)."""
    g = model.groupby("step")[metric]
    return pd.DataFrame({"mean": g.mean(), "low": g.quantile(0.025), "high": g.quantile(0.975)})


def trajectories(model: pd.DataFrame, name: str, path: Path, others: dict[str, pd.DataFrame] | None = None,
                 marks: list[tuple[int, str]] | None = None) -> Path:
    """Three panels; ``others`` maps a network's name to its model table; ``marks`` are
    (week, label) pairs drawn as dotted lines (scheduled events, intervention starts)."""
    import matplotlib.pyplot as plt

    others = others or {}
    fig, axes = plt.subplots(len(PANELS), 1, figsize=(8, 8.5), sharex=True)
    runs = model.run.nunique()
    for ax, (title, lines) in zip(axes, PANELS, strict=True):
        for metric, colour, label in lines:
            s = spread(model, metric)
            ax.fill_between(s.index, s.low, s.high, color=colour, alpha=0.18, lw=0)
            ax.plot(s.index, s["mean"], color=colour, lw=1.8, label=f"{name}: {label}" if others else label)
        for (other, table), colour in zip(others.items(), OTHERS, strict=False):
            metric = lines[0][0]
            s = spread(table, metric)
            ax.fill_between(s.index, s.low, s.high, color=colour, alpha=0.07, lw=0)
            ax.plot(s.index, s["mean"], color=colour, ls="--", lw=1.2, label=f"{other}: {lines[0][2]}")
        for week, _ in marks or []:
            ax.axvline(week, color="gray", ls=":", lw=0.8)
        ax.set_ylim(0, 1)
        ax.set_ylabel(title)
        ax.legend(fontsize=7, loc="lower right", ncol=2)
    if marks:
        top = axes[0]
        for week, label in marks:
            top.text(week, 1.01, label, rotation=90, fontsize=6, va="bottom", ha="center",
                     transform=top.get_xaxis_transform())
    axes[-1].set_xlabel("week")
    against = f"; dashed: {', '.join(others)} with the same seeds" if others else ""
    fig.suptitle(f"Network {name}: mean of {runs} runs, band holding 95% of them{against}", fontsize=10)
    fig.tight_layout()
    save_figure(fig, path, tight=False)
    return path


def event_marks(scenario, last: int) -> list[tuple[int, str]]:
    """Scheduled turnover, late joiners and intervention starts within the run."""
    marks = [(e.week, f"turnover: {e.org}") for e in scenario.events if e.week <= last] \
        if scenario.params.scheduled_events else []
    if scenario.breach is not None and scenario.params.scheduled_events:
        week = scenario.breach.week + scenario.params.breach_shift
        marks += [(week, f"breach: {scenario.breach.org}")] if week <= last else []
    marks += [(o.joins, f"joins: {o.name}") for o in scenario.organisations if 0 < o.joins <= last]
    for i in active_interventions(scenario):
        weeks = active_weeks(scenario, i, last)
        if weeks is not None and weeks[0] > 1:
            marks.append((weeks[0], f"{i.id} starts"))
    return sorted(marks)[:12]

