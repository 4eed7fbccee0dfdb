"""`trustnet policy`: run the design, compute the paired effects (at the horizon, and in
units a reader knows), write tables, figures and report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.ensemble import ExecutorSpec, RunSummary, Study, Tables, Workers, execute
from experiments.ensemble.store import write_text
from experiments.studies.policy.design import design
from experiments.studies.policy.effects import effects
from experiments.studies.policy.report import forest_plot, report
from experiments.studies.policy.units import unit_effects
from model.interventions import INTERVENTIONS
from model.scenario import load_scenario, network_names


def run_policy(out: Path, scenarios: list[str], interventions: list[str] | None = None,
               combinations: list[list[str]] | None = None, reps: int = 30, seed: int = 20221,
               executor: ExecutorSpec | Workers | None = None, block_size: int | None = None, quiet: bool = False,
               engine: str = "batch", steps: int | None = None) -> tuple[RunSummary, pd.DataFrame | None]:
    out = Path(out)
    interventions = interventions or list(INTERVENTIONS)
    points = design(scenarios, interventions, combinations or [])
    study = Study(scenario=load_scenario(scenarios[0]), points=tuple(points), reps=reps, seed=seed,
                  steps=steps, record_agents=False, kind="policy")
    summary = execute(study, out / "runs", executor, engine=engine, block_size=block_size, quiet=quiet)
    if not summary.ok:
        return summary, None
    tables = Tables(out / "runs")
    table = effects(tables, points)
    table.to_csv(out / "effects.csv", index=False)
    units = unit_effects(tables, points)
    units.to_csv(out / "effects_in_units.csv", index=False)
    names = network_names(scenarios)
    figures = [forest_plot(table, sc, out / f"forest_{Path(sc).stem}.png", names[sc]) for sc in scenarios]
    write_text(report(table, reps, seed, figures, names, units), out / "report.md")
    return summary, table
