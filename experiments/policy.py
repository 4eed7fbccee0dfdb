"""`trustnet policy`: what if the network adopted the study's recommendations?

For each scenario, the baseline and each intervention (by default the six of the study,
each alone, and all together, plus any combination asked for) run with common random
numbers: replication i of every design point uses the same seed, so each effect is a
paired difference (intervention - baseline) per replication, with a 95% interval over
replications. Outcomes are read at the horizon: trust, sharing and collaboration as the
mean of the last 13 weeks, cases resolved and stalls as cumulative counts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.contrast import Tables
from experiments.design import Study, resolve_scenario
from experiments.executors import ExecutorSpec
from experiments.patterns import END_WINDOW, at_horizon, mean_ci
from experiments.runner import RunSummary, execute
from experiments.store import save_figure, write_text
from model.interventions import INTERVENTIONS, cost_hours, parse_intervention

METRICS = ("intentional_trust", "info_shared", "collaboration", "cases_resolved", "stalls")
LOWER_IS_BETTER = ("stalls",)


def design(scenarios: list[str], interventions: list[str], combinations: list[list[str]],
           all_together: bool = True) -> list[dict]:
    """Design points: per scenario the baseline, each intervention, all together and the
    combinations asked for. Labels are ``scenario|intervention``."""
    parsed = [parse_intervention(i) for i in interventions]
    combos: list[tuple[str, list[str]]] = []
    if all_together and len(parsed) > 1:
        combos.append(("all", list(interventions)))
    for combo in combinations:
        combos.append(("+".join(parse_intervention(c)[0] for c in combo), combo))
    points = []
    for sc in scenarios:
        points.append({"label": f"{sc}|baseline", "scenario": sc})
        for label, overrides in parsed:
            points.append({"label": f"{sc}|{label}", "scenario": sc, **overrides})
        for label, items in combos:
            merged: dict = {}
            for item in items:
                merged.update(parse_intervention(item)[1])
            points.append({"label": f"{sc}|{label}", "scenario": sc, **merged})
    return points


def effects(tables: Tables, points: list[dict]) -> pd.DataFrame:
    """Paired effects of each design point against its scenario's baseline."""
    rows = []
    for point in points:
        scenario, name = point["label"].split("|", 1)
        if name == "baseline":
            continue
        base = tables.get("model", f"{scenario}|baseline")
        treat = tables.get("model", point["label"])
        overrides = {k: v for k, v in point.items() if k not in ("label", "scenario")}
        cost = cost_hours(resolve_scenario(scenario).with_overrides(overrides))
        for metric in METRICS:
            b, t = at_horizon(base, metric), at_horizon(treat, metric)
            m = mean_ci(t - b)
            rows.append({"scenario": scenario, "intervention": name, "metric": metric,
                         "baseline": float(b.mean()), "effect": m[0], "ci_low": m[1], "ci_high": m[2],
                         "cost_hours": cost})
    return pd.DataFrame(rows)


def forest_plot(table: pd.DataFrame, scenario: str, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
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
        ax.set_title(metric.replace("_", " ") + (" (fewer is better)" if metric in LOWER_IS_BETTER else ""),
                     fontsize=9)
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


def run_policy(out: Path, scenarios: list[str], interventions: list[str] | None = None,
               combinations: list[list[str]] | None = None, reps: int = 30, seed: int = 20221,
               executor: ExecutorSpec | None = None, block_size: int | None = None, quiet: bool = False,
               engine: str = "batch") -> tuple[RunSummary, pd.DataFrame | None]:
    out = Path(out)
    interventions = interventions or list(INTERVENTIONS)
    points = design(scenarios, interventions, combinations or [])
    study = Study(scenario=resolve_scenario(scenarios[0]), points=tuple(points), reps=reps, seed=seed,
                  record_agents=False, kind="policy")
    summary = execute(study, out / "runs", executor, engine=engine, block_size=block_size, quiet=quiet)
    if not summary.ok:
        return summary, None
    table = effects(Tables(out / "runs"), points)
    table.to_csv(out / "effects.csv", index=False)
    figures = [forest_plot(table, sc, out / f"forest_{Path(sc).stem}.png") for sc in scenarios]
    write_text(report(table, reps, seed, figures), out / "report.md")
    return summary, table
