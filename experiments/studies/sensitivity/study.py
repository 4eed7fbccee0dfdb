"""`trustnet sa`: sample, run through the ensemble runner, analyse, report."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from experiments.ensemble import ExecutorSpec, RunSummary, Study, Workers, execute, load
from experiments.ensemble.factors import Factor, split_name
from experiments.ensemble.store import write_json, write_text
from experiments.studies.sensitivity import analytic
from experiments.studies.sensitivity.design import METHODS, check_size, problem_of, sample
from experiments.studies.sensitivity.indices import (
    CONF_WARNING,
    analyze,
    first_half,
    main_index,
    noise_share,
    outputs_per_point,
)
from experiments.studies.sensitivity.report import plot, report
from model.inputs.scenario import ScenarioError, load_scenario, network_names


def run_sa(out: Path, method: str, factors: list[Factor], scenario: str, outputs: list[str], n: int,
           reps: int, second_order: bool = False, seed: int = 20221, model: str = "trustnet",
           executor: ExecutorSpec | Workers | None = None, block_size: int | None = None, quiet: bool = False,
           engine: str = "batch", base: dict | None = None) -> tuple[RunSummary, pd.DataFrame | None]:
    """``base``: overrides of the parameters that are not factors, set at every point (with
    ``--posterior``, the calibrated posterior mean); a factor's own value always wins."""
    if method not in METHODS:
        raise ScenarioError(f"--method {method}: choose from {', '.join(METHODS)}")
    check_size(method, n)
    out = Path(out)
    problem = problem_of(factors)
    x = sample(method, problem, n, second_order, seed)
    varied = {f.parameter for f in factors}
    base = {k: v for k, v in (base or {}).items() if split_name(k)[1] not in varied}
    points = []
    for row in x:
        values = {f.name: (int(round(v)) if f.integer else float(v)) for f, v in zip(factors, row, strict=True)}
        points.append(values if model != "trustnet" else {"scenario": scenario, **base, **values})
    base = load_scenario(scenario if model == "trustnet" else "x")
    study = Study(scenario=base, points=tuple(points), reps=reps, seed=seed, record_agents=False,
                  kind=f"sa-{method}", model=model,
                  extra={"method": method, "n": n, "second_order": second_order, "problem": problem})
    if model != "trustnet":  # an analytical test function is its own engine
        engine = f"{analytic.__name__}:{model.replace('-', '_')}"
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
        with warnings.catch_warnings():
            if method == "morris" and n // 2 < 2:  # one trajectory: its mu* is defined, its spread is not
                warnings.simplefilter("ignore", RuntimeWarning)
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
    shown = network_names([scenario])[scenario] if model == "trustnet" else scenario  # a name, not a path
    write_text(report(indices, convergence, noise, method, n, reps, model, shown, figures), out / "report.md")
    return summary, indices
