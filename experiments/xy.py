"""Networks X and Y side by side: end-of-horizon summary table and trajectory figure.

Both networks run with the same root seed, so replication i of X and of Y share their
seed (common random numbers) and the X - Y differences are paired.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from experiments.design import Study  # noqa: E402
from experiments.executors import ExecutorSpec  # noqa: E402
from experiments.results import load  # noqa: E402
from experiments.runner import RunSummary, execute  # noqa: E402
from experiments.store import write_text  # noqa: E402
from model.scenario import load_scenario  # noqa: E402

SUMMARY_METRICS = ("intentional_trust", "cognitive_trust", "empathic_trust", "info_shared",
                   "collaboration", "cases_resolved", "stalls", "misuse_events", "common_language")
PLOT_METRICS = ("intentional_trust", "cognitive_trust", "empathic_trust", "info_shared",
                "collaboration")


def mean_ci(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and normal-approximation 95% confidence interval over replications."""
    values = np.asarray(values, dtype=float)
    m = float(values.mean())
    if len(values) < 2:
        return m, m, m
    half = 1.96 * float(values.std(ddof=1)) / np.sqrt(len(values))
    return m, m - half, m + half


def summary_table(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """End-of-horizon mean and 95% CI per scenario, and the paired X - Y difference."""
    rows = []
    ends = {name: f[f.step == f.step.max()].sort_values("run") for name, f in frames.items()}
    for metric in SUMMARY_METRICS:
        row = {"metric": metric}
        for name, end in ends.items():
            m, lo, hi = mean_ci(end[metric].to_numpy())
            row.update({f"{name}_mean": m, f"{name}_ci_low": lo, f"{name}_ci_high": hi})
        if {"x", "y"} <= set(ends):
            m, lo, hi = mean_ci(ends["x"][metric].to_numpy() - ends["y"][metric].to_numpy())
            row.update({"diff_x_minus_y": m, "diff_ci_low": lo, "diff_ci_high": hi})
        rows.append(row)
    return pd.DataFrame(rows)


def plot_trajectories(frames: dict[str, pd.DataFrame], path: Path) -> None:
    fig, axes = plt.subplots(1, len(PLOT_METRICS), figsize=(4 * len(PLOT_METRICS), 3.4), sharex=True)
    colours = {"x": "tab:blue", "y": "tab:red"}
    for ax, metric in zip(axes, PLOT_METRICS, strict=True):
        for name, frame in frames.items():
            wide = frame.pivot(index="step", columns="run", values=metric)
            mean = wide.mean(axis=1)
            half = 1.96 * wide.std(axis=1, ddof=1) / np.sqrt(wide.shape[1])
            ax.plot(mean.index, mean, color=colours.get(name), label=f"network {name.upper()}")
            ax.fill_between(mean.index, mean - half, mean + half, color=colours.get(name), alpha=0.25)
        ax.set_title(metric.replace("_", " "))
        ax.set_xlabel("week")
        ax.set_ylim(0, 1)
    axes[0].set_ylabel("mean over replications (95% band)")
    axes[0].legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run_xy(reps: int, seed: int, out: Path, executor: ExecutorSpec | None = None,
           block_size: int | None = None, quiet: bool = False, engine: str = "mesa"
           ) -> tuple[RunSummary, list[Path]]:
    """Run X and Y as two design points of one study, then write the table and figure."""
    out = Path(out)
    study = Study(scenario=load_scenario("x"), points=({"scenario": "x"}, {"scenario": "y"}),
                  reps=reps, seed=seed, record_agents=False, kind="xy")
    summary = execute(study, out, executor, engine=engine, block_size=block_size, quiet=quiet)
    if not summary.ok:
        return summary, []
    res = load(out)
    point_of_run = res.runs.set_index("run")["point"]
    frames = {name: res.model[res.model.run.map(point_of_run) == k]
              for k, name in enumerate(("x", "y"))}
    frames = {name: f.assign(run=f.run - k * reps) for k, (name, f) in enumerate(frames.items())}
    table = summary_table(frames)
    table.to_csv(out / "summary.csv", index=False)
    write_text(_markdown(table, reps), out / "summary.md")
    plot_trajectories(frames, out / "trajectories.png")
    return summary, [out / "summary.csv", out / "summary.md", out / "trajectories.png"]


def _markdown(table: pd.DataFrame, reps: int) -> str:
    lines = [f"# Networks X and Y at week 156 ({reps} paired replications)", "",
             "| metric | X mean [95% CI] | Y mean [95% CI] | X - Y [95% CI] |", "|---|---|---|---|"]
    for _, r in table.iterrows():
        lines.append(f"| {r.metric} | {r.x_mean:.3f} [{r.x_ci_low:.3f}, {r.x_ci_high:.3f}] | "
                     f"{r.y_mean:.3f} [{r.y_ci_low:.3f}, {r.y_ci_high:.3f}] | "
                     f"{r.diff_x_minus_y:.3f} [{r.diff_ci_low:.3f}, {r.diff_ci_high:.3f}] |")
    return "\n".join(lines) + "\n"
