"""`trustnet variants`: run the baseline and each variant at every sample point, score,
and write the shares, verdict, heatmap and report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.points import point_row
from experiments.analysis.scorecard import RECORDING, resolve, score
from experiments.ensemble import ExecutorSpec, RunSummary, Study, Tables, execute
from experiments.ensemble.posterior import draw_parameters
from experiments.ensemble.results import Prefixed
from experiments.ensemble.store import write_json, write_parquet, write_text
from experiments.studies.variants.design import (
    UNCERTAIN,
    default_variants,
    not_acting_reasons,
    parameter_sample,
    points,
)
from experiments.studies.variants.report import heatmap, report
from experiments.studies.variants.verdict import paired, shares, verdict
from model.inputs.scenario import load_scenario


@dataclass
class VariantSizes:
    samples: int = 128
    reps: int = 4



def run_variants(out: Path, sizes: VariantSizes | None = None, seed: int = 20221,
                 variants: dict[str, dict] | None = None, executor: ExecutorSpec | None = None,
                 block_size: int | None = None, quiet: bool = False, engine: str = "batch",
                 posterior: Path | None = None) -> tuple[list[RunSummary], pd.DataFrame | None]:
    """With ``posterior`` (a calibration directory) the sample points are weighted draws
    of the baseline's posterior instead of the Latin hypercube over `UNCERTAIN`. The
    baseline always runs first: every variant is judged against it, point by point."""
    sizes = sizes or VariantSizes()
    variants = {"baseline": {}, **(variants if variants is not None else default_variants())}
    out = Path(out)
    sample = (draw_parameters(posterior, sizes.samples, seed) if posterior
              else parameter_sample(sizes.samples, seed))
    x = load_scenario("x")
    summaries, rows, acts, baseline = [], [], {}, None
    for k, (name, overrides) in enumerate(variants.items()):
        for which in ("main", "probes"):
            study = Study(scenario=x, points=tuple(points(sample, overrides, which)), reps=sizes.reps,
                          seed=seed, kind=f"variants-{which}", resolve=resolve, extra={"variant": name},
                          **RECORDING[which])
            summaries.append(execute(study, out / "runs" / f"v{k:02d}-{which}", executor, engine=engine,
                                     block_size=block_size, quiet=quiet))
        if not all(s.ok for s in summaries[-2:]):
            continue
        main, probes = Tables(out / "runs" / f"v{k:02d}-main"), Tables(out / "runs" / f"v{k:02d}-probes")
        outcome = pd.concat([t.groupby(["label", "replication"]).collaboration.sum()
                             for t in (main.model, probes.model)])
        baseline = baseline if baseline is not None else outcome
        acts[name] = bool(not np.array_equal(outcome.to_numpy(), baseline.reindex(outcome.index).to_numpy()))
        for j in range(len(sample)):
            card = score(Prefixed(main, f"s{j}:"), Prefixed(probes, f"s{j}:"))
            rows.append(point_row(card, sample[j], variant=name, sample=j))
    if not all(s.ok for s in summaries):
        return summaries, None
    evidence = pd.DataFrame(rows)
    write_parquet(evidence, out / "variant_points.parquet")
    table = shares(evidence)
    table[["variant", "pattern", "share", "ci_low", "ci_high", "mean_p_holds"]].to_csv(out / "variants.csv",
                                                                                       index=False)
    pairs = paired(evidence)
    pairs.to_csv(out / "paired.csv", index=False)
    result = verdict(pairs, acts, not_acting_reasons(variants))
    write_json({"sample": sample, "uncertain": list(UNCERTAIN) if posterior is None else "posterior",
                "posterior": str(posterior) if posterior else None, "variants": variants, "verdicts": result,
                "acts_in_x_and_y": acts, "samples": sizes.samples, "reps": sizes.reps, "root_seed": seed},
               out / "verdict.json")
    heatmap(table, out / "variants.png")
    write_text(report(table, pairs, result, sizes, seed, posterior), out / "report.md")
    return summaries, table
