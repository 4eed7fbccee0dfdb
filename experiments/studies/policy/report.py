"""The policy study's figures (a forest plot per scenario) and report.

Networks are named by their scenario's ``name`` (`model.inputs.scenario.network_names`), never
by the path of the file they were read from.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.figures import save_figure
from experiments.analysis.outcomes import END_WINDOW
from experiments.analysis.units import FEWER_IS_BETTER, MEASURES, SHARES
from experiments.studies.policy.effects import LOWER_IS_BETTER, METRICS


def metric_title(metric: str) -> str:
    """A metric's name for a figure, saying when fewer is better."""
    return metric.replace("_", " ") + (" (fewer is better)" if metric in LOWER_IS_BETTER else "")


def forest_plot(table: pd.DataFrame, scenario: str, path: Path, name: str | None = None) -> Path:
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
    fig.suptitle(f"Network {name or scenario}: effect of each intervention against the baseline "
                 "(paired, 95% CI; green: distinguishable from zero)")
    save_figure(fig, path)
    return path


def _clear(r) -> bool:
    return bool(r.ci_low > 0 or r.ci_high < 0)


def _weeks(r) -> str:
    if r.active_weeks == 0:
        return "never (starts after the run)"
    return f"{int(r.active_weeks)}"


def _cell(r, digits: int, percent: bool = False) -> str:
    if not np.isfinite(r.effect):
        return "n/a"
    scale, unit = (100.0, " pp") if percent else (1.0, "")
    base = f"{scale * r.baseline:.{digits}f}" + ("%" if percent else "")
    ci = f"[{scale * r.ci_low:+.{digits}f}, {scale * r.ci_high:+.{digits}f}]"
    return f"{base} → {scale * r.effect:+.{digits}f}{unit} {ci}" + ("*" if _clear(r) else "")


def unit_lines(units: pd.DataFrame, costs: pd.DataFrame, scenario: str) -> list[str]:
    """The units section of one network: per intervention, from its start and from week 0."""
    sel = units[units.scenario == scenario]
    if sel.empty:
        return []
    lines = ["### In units a reader knows", "",
             "Per intervention: the baseline's value → the intervention's paired effect [95% CI] "
             "(\\* distinguishable from zero). Cases resolved and stalls are counted per year of the "
             "window (a stall: a member's work held up for a week because its fixed contact at a "
             "partner is absent and no back-up is known); joint action is the share of the open cases "
             "on which at least two organisations have done an agreed action, averaged over the "
             "window's weeks (pp: percentage points). \"Hours per extra case\" divides the hours a "
             "year by the extra cases resolved a year, where that effect is clearly positive.", ""]
    head = ["intervention", "window (weeks)", *(MEASURES[m][0] + (" (fewer is better)" if m in FEWER_IS_BETTER
                                                                  else "") for m in MEASURES),
            "hours per extra case"]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in dict.fromkeys(sel.intervention):
        hours = float(costs[costs.intervention == name].cost_hours.iloc[0])
        mine = sel[sel.intervention == name]
        acting = mine[mine.window == "acting"]
        windows = [("acting", "from its start")] if len(acting) else []
        if acting.empty or int(acting.first_week.iloc[0]) > 1:  # else the two windows are the same
            windows.append(("run", "from week 0"))
        for window, label in windows:
            rows = mine[mine.window == window].set_index("measure")
            first, last = int(rows.first_week.iloc[0]), int(rows.last_week.iloc[0])
            cells = [_cell(rows.loc[m], 1, m in SHARES) for m in MEASURES]
            resolved = rows.loc["resolved_per_year"]
            per_case = (f"{hours / resolved.effect:.0f} h" if window == "acting" and resolved.ci_low > 0
                        and hours > 0 else "")
            lines.append(f"| {name} | {label}: {first}–{last} | " + " | ".join(cells) + f" | {per_case} |")
    never = sorted(set(sel.intervention) - set(sel[sel.window == "acting"].intervention))
    if never:
        lines += ["", "Never acts within the run (it starts after the last week): " + ", ".join(never) + "."]
    return lines + [""]


def report(table: pd.DataFrame, reps: int, seed: int, figures: list[Path], names: dict[str, str] | None = None,
           units: pd.DataFrame | None = None) -> str:
    names = names or {}
    weeks = ""
    if units is not None and not units.empty:
        weeks = f" over {int(units.last_week.max())} weeks"
    lines = ["# Policy what-ifs", "",
             f"{reps} paired replications per design point{weeks}, root seed {seed}; interventions act "
             "from their start week (default: from the founding of the network). Effects are "
             "intervention minus baseline at the horizon (trust, sharing, collaboration: mean of "
             f"the last {END_WINDOW} weeks, each on a scale of 0 to 1; cases resolved and stalls: "
             "cumulative since week 0). Costs are hours for the whole network, counted over the weeks "
             "each intervention acts within the run: hours a year while it acts (its one-off hours "
             "spread over those weeks) and all hours spent within the run (assumptions: docs/ODD.md, "
             "section 7.5). Which assumed numbers decide each intervention's effect and rank: the assumption "
             "ledger (`trustnet assumptions`, results/assumptions/report.md); how the ranking holds when the "
             "effect sizes, the hours and the breach are uncertain: `trustnet policy --uncertain default`.", ""]
    for scenario, sel in table.groupby("scenario", sort=False):
        name = names.get(scenario, scenario)
        collab = sel[sel.metric == "collaboration"].copy()
        collab["per_100h"] = 100.0 * collab.effect / collab.cost_hours.where(collab.cost_hours > 0)
        collab["clear"] = (collab.ci_low > 0) | (collab.ci_high < 0)
        lines += [f"## Network {name}", "",
                  f"Baseline collaboration {collab.baseline.iloc[0]:.3f}. Ranked by effect on collaboration:",
                  "", "| rank | intervention | effect [95% CI] | distinguishable from zero | weeks acting | "
                  "hours/year | hours in the run | effect per 100 h/year |", "|---|---|---|---|---|---|---|---|"]
        for rank, (_, r) in enumerate(collab.sort_values("effect", ascending=False).iterrows(), 1):
            ci = (f"{r.effect:+.3f} [{r.ci_low:+.3f}, {r.ci_high:+.3f}]" if r.get("acts", True)
                  else "nothing to act on")
            per = f"{r.per_100h:+.4f}" if np.isfinite(r.per_100h) else ""
            lines.append(f"| {rank} | {r.intervention} | {ci} | {'yes' if r.clear else 'no'} | {_weeks(r)} | "
                         f"{r.cost_hours:.0f} | {r.hours_total:.0f} | {per} |")
        short = collab[(collab.active_weeks > 0) & (collab.active_weeks < 52)]
        if len(short):
            lines += ["", "Acting less than a year within the run (hours a year are annualised from those weeks): "
                      + ", ".join(short.intervention) + "."]
        idle = collab[~collab.get("acts", pd.Series(True, index=collab.index)).astype(bool)]
        for _, r in idle.iterrows():
            lines += ["", f"**{r.intervention} has nothing to act on in network {name}**: no outcome moves by more "
                      f"than a twentieth of what counts as no change (0.0025 on the 0-1 scales, half a case or stall "
                      f"in the run), so this is not an effect estimated at zero but nothing to act on. Why: "
                      f"{r.reason}."]
        best = collab.sort_values("per_100h", ascending=False)
        lines += ["", "By effect per cost hour: " + ", ".join(best.intervention) + ".", ""]
        lines += ["All outcomes:", "", "| intervention | " + " | ".join(METRICS) + " |",
                  "|---|" + "---|" * len(METRICS)]
        for intervention in dict.fromkeys(sel.intervention):
            cells = []
            for metric in METRICS:
                r = sel[(sel.intervention == intervention) & (sel.metric == metric)].iloc[0]
                cells.append(f"{r.effect:+.3f}" + ("*" if _clear(r) else ""))
            lines.append(f"| {intervention} | " + " | ".join(cells) + " |")
        lines += ["", "\\* distinguishable from zero (95% CI excludes 0).", ""]
        if units is not None:
            lines += unit_lines(units, collab, scenario)
    for path in figures:
        lines.append(f"![{path.stem}]({path.name})")
    return "\n".join(lines) + "\n"
