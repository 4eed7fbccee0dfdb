"""`trustnet assumptions`: run the ledger's Morris sample and write the ledger and report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from experiments.analysis.scorecard import RECORDING, resolve
from experiments.ensemble import ExecutorSpec, RunSummary, Study, Tables, execute
from experiments.ensemble.results import Prefixed
from experiments.ensemble.store import write_json, write_text
from experiments.studies.assumptions.answers import answer_names, answers
from experiments.studies.assumptions.design import as_values, ledger_factors, morris_sample, points
from experiments.studies.assumptions.ledger import indices, measure_first
from experiments.studies.assumptions.report import figure, report
from model.inputs.parameters import SPEC_BY_NAME
from model.inputs.scenario import load_scenario


@dataclass
class LedgerSizes:
    trajectories: int = 6
    reps: int = 2
    chunk: int = 16  # sample points per sub-study (memory; resume)



def studies(sizes: LedgerSizes, seed: int) -> tuple[list, object, dict[str, Study]]:
    factors = ledger_factors()
    sample = morris_sample(factors, sizes.trajectories, seed)
    x = load_scenario("x")
    out = {}
    for c in range(0, len(sample), sizes.chunk):
        chunk = {"main": [], "probes": []}
        for k in range(c, min(c + sizes.chunk, len(sample))):
            for group, pts in points(as_values(factors, sample[k]), f"s{k}:").items():
                chunk[group] += pts
        for group in ("main", "probes"):
            out[f"ledger-{c // sizes.chunk:03d}-{group}"] = Study(
                scenario=x, points=tuple(chunk[group]), reps=sizes.reps, seed=seed, resolve=resolve,
                kind=f"assumptions-{group}", extra={"chunk": c // sizes.chunk}, **RECORDING[group])
    return factors, sample, out


def run_assumptions(out: Path, sizes: LedgerSizes | None = None, seed: int = 20221,
                    executor: ExecutorSpec | None = None, block_size: int | None = None, quiet: bool = False,
                    engine: str = "batch", run_timeout: float | None = None
                    ) -> tuple[list[RunSummary], pd.DataFrame | None]:
    """Run (or resume) the sample and write ``assumptions.csv``, ``answers.csv``,
    ``measure_first.csv``, ``assumptions.png`` and ``report.md``."""
    sizes = sizes or LedgerSizes()
    out = Path(out)
    factors, sample, design = studies(sizes, seed)
    summaries = [execute(study, out / "runs" / name, executor, engine=engine, block_size=block_size, quiet=quiet,
                         run_timeout=run_timeout) for name, study in design.items()]
    if not all(s.ok for s in summaries):
        return summaries, None
    rows = []
    for c in range(0, len(sample), sizes.chunk):
        main = Tables(out / "runs" / f"ledger-{c // sizes.chunk:03d}-main")
        probes = Tables(out / "runs" / f"ledger-{c // sizes.chunk:03d}-probes")
        for k in range(c, min(c + sizes.chunk, len(sample))):
            rows.append({"point": k, **answers(Prefixed(main, f"s{k}:"), Prefixed(probes, f"s{k}:"))})
    table = pd.DataFrame(rows).set_index("point")[answer_names()]
    table.to_csv(out / "answers.csv")
    ledger = indices(factors, sample, table, seed)
    ledger.insert(1, "source", [SPEC_BY_NAME[p].source for p in ledger.parameter])
    ledger[["parameter", "source", "answer", "influence", "rank", "decisive", "mu_star", "mu", "sigma"]].to_csv(
        out / "assumptions.csv", index=False)
    first = measure_first(ledger)
    first.to_csv(out / "measure_first.csv", index=False)
    figure(ledger, out / "assumptions.png")
    write_json({"factors": [f.name for f in factors], "trajectories": sizes.trajectories, "reps": sizes.reps,
                "points": len(sample), "root_seed": seed}, out / "ledger.json")
    write_text(report(ledger, first, factors, sizes, seed, len(sample)), out / "report.md")
    return summaries, ledger
