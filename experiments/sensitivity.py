"""`trustnet sa`: global sensitivity analysis with SALib on the ensemble runner.

Factors come from a TOML file (default: experiments/factors/default.toml); SALib draws
the design (Sobol/Saltelli sequence, Morris trajectories, Latin hypercube for PAWN);
the design points run through the ensemble runner (parallel, distributed, resumable,
failure-tolerant) with R replications each; the replication mean per point is the
model output analysed by SALib. Stochasticity is reported, not hidden: for every output
the share of its variance that is replication noise (the mean within-point variance
over the total variance of all runs) is written beside the indices. A convergence check
recomputes the indices on the first half of the sample.

The same command runs SALib's analytical test functions (``--model ishigami``,
``--model sobol-g``) through the same runner, so the pipeline can be checked against
known indices.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import pawn as pawn_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import latin
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from experiments.analytic import FUNCTIONS
from experiments.design import Study, resolve_scenario
from experiments.executors import ExecutorSpec
from experiments.patterns import at_horizon
from experiments.results import load
from experiments.runner import RunSummary, execute
from experiments.store import save_figure, write_json, write_text
from model.parameters import SPEC_BY_NAME
from model.scenario import ScenarioError

METHODS = ("sobol", "morris", "pawn")
OUTPUTS = ("collaboration", "intentional_trust", "info_shared", "cases_resolved")
CONF_WARNING = 0.10  # a confidence interval wider than 10% of its index is flagged
MORRIS_LEVELS = 4


@dataclass(frozen=True)
class Factor:
    name: str
    low: float
    high: float
    integer: bool = False


def load_factors(path: str | Path) -> tuple[list[Factor], str | None]:
    """Read and validate a factor file; returns (factors, scenario or None)."""
    if str(path) == "default":
        text = (resources.files("experiments.factors") / "default.toml").read_text(encoding="utf-8")
        where = "factors/default.toml"
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ScenarioError(f"{path}: cannot read factor file ({exc.strerror})") from None
        where = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{where}: not valid TOML ({exc})") from None
    unknown = set(data) - {"scenario", "factors"}
    if unknown:
        raise ScenarioError(f"{where}: unknown key '{sorted(unknown)[0]}' (allowed: scenario, factors)")
    entries = data.get("factors")
    if not isinstance(entries, list) or not entries:
        raise ScenarioError(f"{where}: needs at least one [[factors]] table")
    factors, seen = [], set()
    for k, entry in enumerate(entries):
        here = f"{where} factors[{k}]"
        if not isinstance(entry, dict) or set(entry) - {"name", "bounds"}:
            raise ScenarioError(f"{here}: a factor has exactly 'name' and 'bounds'")
        name = entry.get("name")
        spec = SPEC_BY_NAME.get(name)
        if spec is None or spec.kind not in (float, int):
            raise ScenarioError(f"{here}: '{name}' is not a numeric model parameter (see docs/ODD.md)")
        if name in seen:
            raise ScenarioError(f"{here}: '{name}' is listed twice")
        seen.add(name)
        bounds = entry.get("bounds")
        if (not isinstance(bounds, list) or len(bounds) != 2
                or not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)):
            raise ScenarioError(f"{here}: 'bounds' must be [low, high], got {bounds!r}")
        low, high = float(bounds[0]), float(bounds[1])
        if not low < high:
            raise ScenarioError(f"{here}: bounds of '{name}' are empty or inverted ({low:g} >= {high:g})")
        if low < spec.low or high > spec.high:
            raise ScenarioError(f"{here}: bounds of '{name}' must lie within its range "
                                f"[{spec.low:g}, {spec.high:g}], got [{low:g}, {high:g}]")
        factors.append(Factor(name, low, high, spec.kind is int))
    scenario = data.get("scenario")
    if scenario is not None and not isinstance(scenario, str):
        raise ScenarioError(f"{where}: 'scenario' must be a string")
    return factors, scenario


def function_factors(model: str) -> list[Factor]:
    if model not in FUNCTIONS:
        raise ScenarioError(f"--model {model}: unknown (choose from trustnet, {', '.join(FUNCTIONS)})")
    return [Factor(n, lo, hi) for n, lo, hi in FUNCTIONS[model][0]]


def problem_of(factors: list[Factor]) -> dict:
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [[f.low, f.high] for f in factors]}


def check_size(method: str, n: int) -> None:
    if method == "sobol" and (n < 2 or n & (n - 1)):
        raise ScenarioError(f"--n {n}: Sobol sampling needs a power of two (e.g. 256, 512, 1024)")
    if method == "morris" and n < 2:
        raise ScenarioError(f"--n {n}: Morris needs at least 2 trajectories")
    if method == "pawn" and n < 20:
        raise ScenarioError(f"--n {n}: PAWN needs at least 20 sample points")


def sample(method: str, problem: dict, n: int, second_order: bool, seed: int) -> np.ndarray:
    if method == "sobol":
        return sobol_sample.sample(problem, n, calc_second_order=second_order, scramble=True, seed=seed)
    if method == "morris":
        return morris_sample.sample(problem, n, num_levels=MORRIS_LEVELS, seed=seed)
    return latin.sample(problem, n, seed=seed)


def analyze(method: str, problem: dict, x: np.ndarray, y: np.ndarray, second_order: bool,
            seed: int) -> pd.DataFrame:
    """One output's indices as rows (factor, index columns)."""
    names = problem["names"]
    if method == "sobol":
        res = sobol_analyze.analyze(problem, y, calc_second_order=second_order, seed=seed)
        frame = pd.DataFrame({"factor": names, "S1": res["S1"], "S1_conf": res["S1_conf"],
                              "ST": res["ST"], "ST_conf": res["ST_conf"]})
        if second_order:
            pairs = [{"factor": f"{names[i]}:{names[j]}", "S2": res["S2"][i, j], "S2_conf": res["S2_conf"][i, j]}
                     for i in range(len(names)) for j in range(i + 1, len(names))]
            frame = pd.concat([frame, pd.DataFrame(pairs)], ignore_index=True)
        return frame
    if method == "morris":
        res = morris_analyze.analyze(problem, x, y, num_levels=MORRIS_LEVELS, seed=seed)
        return pd.DataFrame({"factor": names, "mu": res["mu"], "mu_star": res["mu_star"],
                             "mu_star_conf": res["mu_star_conf"], "sigma": res["sigma"]})
    res = pawn_analyze.analyze(problem, x, y, S=10, seed=seed)
    return pd.DataFrame({"factor": names, "minimum": res["minimum"], "mean": res["mean"],
                         "median": res["median"], "maximum": res["maximum"], "CV": res["CV"]})


def first_half(method: str, x: np.ndarray, y: np.ndarray, n: int, d: int, second_order: bool):
    """The rows that belong to the first half of the base sample / trajectories."""
    if method == "sobol":
        per = 2 * d + 2 if second_order else d + 2
        rows = (n // 2) * per
    elif method == "morris":
        rows = (n // 2) * (d + 1)
    else:
        rows = n // 2
    return x[:rows], y[:rows]


def main_index(method: str) -> tuple[str, str]:
    return {"sobol": ("ST", "ST_conf"), "morris": ("mu_star", "mu_star_conf"), "pawn": ("median", "")}[method]


def outputs_per_point(model: pd.DataFrame, runs: pd.DataFrame, outputs: list[str]) -> pd.DataFrame:
    """Per run: each output at the horizon (mean of the last weeks, or the final count)."""
    frame = pd.DataFrame({out: at_horizon(model, out, by="run") for out in outputs})
    return frame.join(runs.set_index("run")[["point", "replication"]])


def noise_share(per_run: pd.DataFrame, outputs: list[str]) -> dict[str, float]:
    """Share of each output's variance across all runs that is replication noise."""
    out = {}
    for o in outputs:
        total = per_run[o].var(ddof=1)
        within = per_run.groupby("point")[o].var(ddof=1).mean()
        out[o] = float(within / total) if total > 0 and np.isfinite(within) else 0.0
    return out


def run_sa(out: Path, method: str, factors: list[Factor], scenario: str, outputs: list[str], n: int,
           reps: int, second_order: bool = False, seed: int = 20221, model: str = "trustnet",
           executor: ExecutorSpec | None = None, block_size: int | None = None, quiet: bool = False,
           engine: str = "batch") -> tuple[RunSummary, pd.DataFrame | None]:
    if method not in METHODS:
        raise ScenarioError(f"--method {method}: choose from {', '.join(METHODS)}")
    check_size(method, n)
    out = Path(out)
    problem = problem_of(factors)
    x = sample(method, problem, n, second_order, seed)
    points = []
    for row in x:
        values = {f.name: (int(round(v)) if f.integer else float(v)) for f, v in zip(factors, row, strict=True)}
        points.append(values if model != "trustnet" else {"scenario": scenario, **values})
    base = resolve_scenario(scenario if model == "trustnet" else "x")
    study = Study(scenario=base, points=tuple(points), reps=reps, seed=seed, record_agents=False,
                  kind=f"sa-{method}", model=model,
                  extra={"method": method, "n": n, "second_order": second_order, "problem": problem})
    summary = execute(study, out / "runs", executor, engine=engine, block_size=block_size, quiet=quiet)
    if not summary.ok:
        return summary, None
    res = load(out / "runs")
    if model != "trustnet":
        outputs = ["y"]
    per_run = outputs_per_point(res.model, res.runs, outputs)
    means = per_run.groupby("point")[outputs].mean().reindex(range(len(points)))
    rows, checks = [], []
    key, conf = main_index(method)
    for o in outputs:
        y = means[o].to_numpy()
        full = analyze(method, problem, x, y, second_order, seed)
        full.insert(0, "output", o)
        rows.append(full)
        hx, hy = first_half(method, x, y, n, len(factors), second_order)
        if method == "sobol" and n // 2 < 2:
            continue
        half = analyze(method, problem, hx, hy, second_order, seed)
        main_rows = full[full.factor.isin(problem["names"])].set_index("factor")
        half = half[half.factor.isin(problem["names"])].set_index("factor")
        for f in problem["names"]:
            value = float(main_rows.loc[f, key])
            width = float(main_rows.loc[f, conf]) if conf else float("nan")
            checks.append({"output": o, "factor": f, "index": key, "value": value,
                           "first_half": float(half.loc[f, key]), "change": value - float(half.loc[f, key]),
                           "conf": width,
                           "wide": bool(conf and abs(value) > 1e-9 and width > CONF_WARNING * abs(value))})
    indices = pd.concat(rows, ignore_index=True)
    indices.to_csv(out / "indices.csv", index=False)
    convergence = pd.DataFrame(checks)
    convergence.to_csv(out / "convergence.csv", index=False)
    noise = noise_share(per_run, outputs) if reps > 1 else {o: 0.0 for o in outputs}
    write_json({"method": method, "n": n, "reps": reps, "second_order": second_order, "model": model,
                "scenario": scenario if model == "trustnet" else None, "factors": problem,
                "noise_share": noise, "root_seed": seed}, out / "summary.json")
    figures = plot(indices, method, outputs, out)
    write_text(report(indices, convergence, noise, method, n, reps, model, scenario, figures), out / "report.md")
    return summary, indices


def plot(indices: pd.DataFrame, method: str, outputs: list[str], out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
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
