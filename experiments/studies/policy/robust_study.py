"""`trustnet policy --uncertain FILE --samples M`: the policy design in every draw, through
the ensemble runner, then robustness, acceptability, scenario discovery and the report.

`run_robust` takes the draws as a plain list of override dicts, so a Latin hypercube over
a factor file and draws from a calibration's posterior enter the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from experiments.ensemble import ExecutorSpec, RunSummary, Study, Tables, execute
from experiments.ensemble.store import write_text
from experiments.studies.policy.acceptability import acceptability
from experiments.studies.policy.discovery import FAIL_FRACTION, discover, factor_table, feature_scores
from experiments.studies.policy.robust_design import flatten, robust_design
from experiments.studies.policy.robust_figures import acceptability_curves, effect_spread, failure_boxes
from experiments.studies.policy.robust_report import report
from experiments.studies.policy.robustness import per_draw_effects, robustness
from model.interventions import INTERVENTIONS, parse_intervention
from model.scenario import load_scenario, network_names


@dataclass
class RobustResult:
    """The tables of the robust analysis (also written as CSV files)."""

    per_draw: pd.DataFrame  # effects_by_draw.csv: paired effect of every option in every draw
    robustness: pd.DataFrame  # robustness.csv
    discovery: pd.DataFrame  # discovery.csv: failure boxes
    scores: pd.DataFrame  # feature_scores.csv
    acceptability: pd.DataFrame  # acceptability.csv


def run_robust(out: Path, scenarios: list[str], draws: list[dict], interventions: list[str] | None = None,
               combinations: list[list[str]] | None = None, reps: int = 10, seed: int = 20221,
               executor: ExecutorSpec | None = None, block_size: int | None = None, quiet: bool = False,
               engine: str = "batch", steps: int | None = None, source: str = "given draws",
               fraction: float = FAIL_FRACTION) -> tuple[RunSummary, RobustResult | None]:
    """Run every option in every draw and analyse; ``draws`` are dicts of parameter
    overrides (``scenario.name`` keys apply to that scenario only)."""
    out = Path(out)
    interventions = interventions or list(INTERVENTIONS)
    per_draw_points = robust_design(scenarios, interventions, combinations or [], draws)
    study = Study(scenario=load_scenario(scenarios[0]), points=tuple(flatten(per_draw_points)), reps=reps,
                  seed=seed, steps=steps, record_agents=False, kind="policy-robust",
                  extra={"draws": len(draws)})  # only what changes the runs: re-analysis resumes
    summary = execute(study, out / "runs", executor, engine=engine, block_size=block_size, quiet=quiet)
    if not summary.ok:
        return summary, None
    per_draw = per_draw_effects(Tables(out / "runs").model, per_draw_points)
    result = RobustResult(per_draw, robustness(per_draw), discover(per_draw, draws, fraction),
                          feature_scores(per_draw, draws, seed), acceptability(per_draw))
    pd.DataFrame(draws).rename_axis("draw").to_csv(out / "draws.csv")
    for name, frame in (("effects_by_draw", result.per_draw), ("robustness", result.robustness),
                        ("discovery", result.discovery), ("feature_scores", result.scores),
                        ("acceptability", result.acceptability)):
        frame.to_csv(out / f"{name}.csv", index=False)
    figures, names = [], network_names(scenarios)
    for sc in scenarios:
        stem = Path(sc).stem
        figures += [effect_spread(per_draw, sc, out / f"robust_effects_{stem}.png", names[sc]),
                    acceptability_curves(result.acceptability, sc, out / f"acceptability_{stem}.png", names[sc]),
                    failure_boxes(result.discovery, result.scores, list(factor_table(draws, sc).columns), sc,
                                  out / f"discovery_{stem}.png", names[sc])]
    factors = sorted({k for d in draws for k in d})
    setup = {"draws": len(draws), "reps": reps, "seed": seed, "source": source, "factors": factors,
             "fraction": fraction, "singles": [parse_intervention(i)[0] for i in interventions], "names": names}
    write_text(report(result.robustness, result.discovery, result.scores, result.acceptability, setup, figures),
               out / "report.md")
    return summary, result
