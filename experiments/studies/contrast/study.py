"""`trustnet contrast`: run (or resume) the four studies, score, ablate, decompose, report."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from experiments.analysis.scorecard import ABLATIONS, respondent_checks, robustness, score
from experiments.ensemble import ExecutorSpec, RunSummary, Tables, execute
from experiments.ensemble.store import write_json, write_text
from experiments.studies.contrast.design import Sizes, robust_studies, studies
from experiments.studies.contrast.report import report, scorecard_markdown
from experiments.studies.contrast.summaries import decomposition_table, summary_table, sweep_table


class _Prefixed:
    """The tables of one sample point, seen with the criteria's own labels."""

    def __init__(self, tables: Tables, prefix: str):
        self.tables, self.prefix = tables, prefix

    def get(self, table: str, label: str) -> pd.DataFrame:
        return self.tables.get(table, self.prefix + label)


def ablation_table(main: Tables, probes: Tables, card: list) -> pd.DataFrame:
    """Each pattern on its ablated runs: does it fail once its mechanism is gone?"""
    passed = {r.id: r.passed for r in card}
    rows = []
    for name, (mechanism, switch, _) in ABLATIONS.items():
        without = score(main, probes, ablated=name)[0]
        rows.append({"pattern": name, "mechanism": mechanism,
                     "switch": ", ".join(f"{k}={str(v).lower()}" for k, v in switch.items()),
                     "passed_with": passed[name.split(":")[0]], "passed_without": without.passed,
                     "measured_without": json.dumps(without.to_dict()["measured"])})
    return pd.DataFrame(rows)


def robustness_scores(out: Path, sizes: Sizes) -> pd.DataFrame:
    """The scorecard at every robustness sample point (one row per point)."""
    rows = []
    chunks = range((sizes.robust_points + sizes.robust_chunk - 1) // sizes.robust_chunk)
    for c in chunks:
        main = Tables(out / "runs" / f"robust-{c:02d}-main")
        probes = Tables(out / "runs" / f"robust-{c:02d}-probes")
        for k in range(c * sizes.robust_chunk, min((c + 1) * sizes.robust_chunk, sizes.robust_points)):
            card = score(_Prefixed(main, f"s{k}:"), _Prefixed(probes, f"s{k}:"))
            rows.append({"point": k, **{r.id: r.passed for r in card}})
    return pd.DataFrame(rows)


def run_contrast(out: Path, sizes: Sizes | None = None, seed: int = 20221,
                 executor: ExecutorSpec | None = None, block_size: int | None = None,
                 quiet: bool = False, engine: str = "batch", figures: bool = True) -> tuple[list, dict]:
    """Run (or resume) the studies and write the scorecard, ablations, respondent checks,
    robustness, tables, figures and report."""
    sizes = sizes or Sizes()
    out = Path(out)
    summaries: list[RunSummary] = []
    for name, study in {**studies(sizes, seed), **robust_studies(sizes, seed)}.items():
        summaries.append(execute(study, out / "runs" / name, executor, engine=engine,
                                 block_size=block_size, quiet=quiet))
    if any(not s.ok for s in summaries):
        return summaries, {}
    main, probes = Tables(out / "runs" / "main"), Tables(out / "runs" / "probes")
    sweeps, dec = Tables(out / "runs" / "sweeps"), Tables(out / "runs" / "decomposition")

    card = score(main, probes)
    ablations = ablation_table(main, probes, card)
    respondents = respondent_checks(main)
    robust = robustness(robustness_scores(out, sizes)) if sizes.robust_points else pd.DataFrame(
        columns=["pattern", "share", "ci_low", "ci_high", "points"])
    write_json({"patterns": [r.to_dict() for r in card], "reps": sizes.reps, "root_seed": seed},
               out / "scorecard.json")
    ablations.to_csv(out / "ablations.csv", index=False)
    respondents.to_csv(out / "respondents.csv", index=False)
    robust.to_csv(out / "robustness.csv", index=False)
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
    write_text(report(card, ablations, respondents, robust, summary, decomposition, sizes, seed, paths),
               out / "report.md")
    write_text(scorecard_markdown(card, ablations), out / "scorecard.md")
    return summaries, {"scorecard": card, "ablations": ablations, "respondents": respondents,
                       "robustness": robust, "summary": summary, "sweeps": sweep,
                       "decomposition": decomposition, "figures": paths}
