"""`trustnet contrast`: run (or resume) the four studies, score, ablate, decompose, report."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from experiments.analysis.criterion import joint_p_holds
from experiments.analysis.points import drivers, joint_shares, point_row, shares
from experiments.analysis.scorecard import ABLATIONS, respondent_checks, score
from experiments.ensemble import ExecutorSpec, RunSummary, Tables, execute
from experiments.ensemble.results import Prefixed
from experiments.ensemble.store import write_json, write_parquet, write_text
from experiments.studies.contrast.breach import breach_table
from experiments.studies.contrast.design import Sizes, robust_sample, robust_studies, studies
from experiments.studies.contrast.report import report, scorecard_markdown
from experiments.studies.contrast.summaries import decomposition_table, summary_table, sweep_table


def ablation_table(main: Tables, probes: Tables, card: list) -> pd.DataFrame:
    """Each pattern on its ablated runs: does it fail once its mechanism is gone?"""
    passed = {r.id: r.passed for r in card}
    rows = []
    for name, ablation in ABLATIONS.items():
        without = score(main, probes, ablated=name)[0]
        rows.append({"pattern": name, "mechanism": ablation.mechanism, "kind": ablation.kind,
                     "switch": ", ".join(f"{k}={str(v).lower()}" for k, v in ablation.switch.items()),
                     "passed_with": passed[name.split(":")[0]], "passed_without": without.passed,
                     "p_holds_without": round(without.p_holds, 3), "margin_without": round(without.margin, 4),
                     "measured_without": json.dumps({**without.estimates, **without.measured}, default=str)})
    return pd.DataFrame(rows)


def robustness_points(out: Path, sizes: Sizes, seed: int) -> pd.DataFrame:
    """The evidence at every robustness sample point: its parameter values and, per
    pattern, holds, p_holds, margin and the clause estimates (one row per point)."""
    sample = robust_sample(sizes.robust_points, seed)
    rows = []
    chunks = range((sizes.robust_points + sizes.robust_chunk - 1) // sizes.robust_chunk)
    for c in chunks:
        main = Tables(out / "runs" / f"robust-{c:02d}-main")
        probes = Tables(out / "runs" / f"robust-{c:02d}-probes")
        for k in range(c * sizes.robust_chunk, min((c + 1) * sizes.robust_chunk, sizes.robust_points)):
            card = score(Prefixed(main, f"s{k}:"), Prefixed(probes, f"s{k}:"))
            rows.append(point_row(card, sample[k], point=k))
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
    evidence = robustness_points(out, sizes, seed) if sizes.robust_points else pd.DataFrame()
    robust = shares(evidence) if len(evidence) else pd.DataFrame(
        columns=["pattern", "share", "ci_low", "ci_high", "mean_p_holds", "points"])
    joint, driving = (joint_shares(evidence), drivers(evidence)) if len(evidence) else (None, None)
    if len(evidence):
        write_parquet(evidence, out / "robustness_points.parquet")
        joint.to_csv(out / "robustness_joint.csv", index=False)
        driving.to_csv(out / "robustness_drivers.csv", index=False)
    write_json({"patterns": [r.to_dict() for r in card], "all_p_holds": joint_p_holds(card), "reps": sizes.reps,
                "root_seed": seed}, out / "scorecard.json")
    ablations.to_csv(out / "ablations.csv", index=False)
    respondents.to_csv(out / "respondents.csv", index=False)
    robust.to_csv(out / "robustness.csv", index=False)
    summary = summary_table(main)
    summary.to_csv(out / "summary.csv", index=False)
    sweep = sweep_table(sweeps)
    sweep.to_csv(out / "sweeps.csv", index=False)
    breach = breach_table(main, probes)
    breach.to_csv(out / "breach.csv", index=False)
    decomposition = decomposition_table(dec)
    decomposition[["outcome", "group", "share", "ci_low", "ci_high", "effect_x_minus_y", "gap"]].to_csv(
        out / "decomposition.csv", index=False)
    paths = {}
    if figures:
        from experiments.studies.contrast import figures as contrast_figures

        paths = contrast_figures.draw_all(out, main, sweep, decomposition)
    write_text(report(card, ablations, respondents, robust, summary, decomposition, sizes, seed, paths,
                      joint=joint, driving=driving, breach=breach), out / "report.md")
    write_text(scorecard_markdown(card, ablations), out / "scorecard.md")
    return summaries, {"scorecard": card, "ablations": ablations, "respondents": respondents,
                       "robustness": robust, "robustness_points": evidence, "robustness_joint": joint,
                       "robustness_drivers": driving, "breach": breach, "summary": summary, "sweeps": sweep,
                       "decomposition": decomposition, "figures": paths}
