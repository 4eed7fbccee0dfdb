"""`trustnet contrast`: run (or resume) the four studies, score, ablate, decompose, report."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from experiments.analysis.scorecard import ABLATIONS, score
from experiments.ensemble import ExecutorSpec, RunSummary, Tables, execute
from experiments.ensemble.store import write_json, write_text
from experiments.studies.contrast.design import Sizes, studies
from experiments.studies.contrast.report import report, scorecard_markdown
from experiments.studies.contrast.summaries import decomposition_table, summary_table, sweep_table


def run_contrast(out: Path, sizes: Sizes | None = None, seed: int = 20221,
                 executor: ExecutorSpec | None = None, block_size: int | None = None,
                 quiet: bool = False, engine: str = "batch", figures: bool = True) -> tuple[list, dict]:
    """Run (or resume) the four studies and write the scorecard, tables and figures."""
    sizes = sizes or Sizes()
    out = Path(out)
    summaries: list[RunSummary] = []
    for name, study in studies(sizes, seed).items():
        summaries.append(execute(study, out / "runs" / name, executor, engine=engine,
                                 block_size=block_size, quiet=quiet))
    if any(not s.ok for s in summaries):
        return summaries, {}
    main, probes = Tables(out / "runs" / "main"), Tables(out / "runs" / "probes")
    sweeps, dec = Tables(out / "runs" / "sweeps"), Tables(out / "runs" / "decomposition")

    card = score(main, probes)
    ablations = []
    for result in card:
        without = score(main, probes, ablated=result.id)[0]
        mechanism, switch = ABLATIONS[result.id]
        ablations.append({"pattern": result.id, "mechanism": mechanism,
                          "switch": ", ".join(f"{k}={str(v).lower()}" for k, v in switch.items()),
                          "passed_with": result.passed, "passed_without": without.passed,
                          "measured_without": json.dumps(without.to_dict()["measured"])})
    ablation_table = pd.DataFrame(ablations)
    write_json({"patterns": [r.to_dict() for r in card], "reps": sizes.reps, "root_seed": seed},
               out / "scorecard.json")
    ablation_table.to_csv(out / "ablations.csv", index=False)
    summary = summary_table(main)
    summary.to_csv(out / "summary.csv", index=False)
    sweep = sweep_table(sweeps)
    sweep.to_csv(out / "sweeps.csv", index=False)
    decomposition = decomposition_table(dec)
    decomposition[["outcome", "group", "share", "ci_low", "ci_high", "effect_x_minus_y", "gap"]].to_csv(
        out / "decomposition.csv", index=False)
    paths = {}
    if figures:
        from experiments.studies.contrast import figures as contrast_figures

        paths = contrast_figures.draw_all(out, main, sweep, decomposition)
    write_text(report(card, ablation_table, summary, decomposition, sizes, seed, paths), out / "report.md")
    write_text(scorecard_markdown(card, ablation_table), out / "scorecard.md")
    return summaries, {"scorecard": card, "ablations": ablation_table, "summary": summary,
                       "sweeps": sweep, "decomposition": decomposition, "figures": paths}
