"""Read a results directory back: `load(DIR)` gives pandas DataFrames; `Tables` splits
them by design-point label for the studies."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.ensemble.design import point_seed, replication_seeds
from experiments.ensemble.ownership import kind_of
from experiments.ensemble.parts import TABLES, PartError, read_block, read_runs_part, runs_parts
from experiments.ensemble.store import ManifestError, read_manifest


@dataclass
class Results:
    """A study's results: ``runs`` (one row per run, with its design point's overrides),
    ``model``, ``agents``, ``pairs`` (time series of the runs that succeeded), and the
    ``manifest``. Rows are sorted by run (and step, organisation)."""

    manifest: dict
    runs: pd.DataFrame
    model: pd.DataFrame
    agents: pd.DataFrame | None = None
    pairs: pd.DataFrame | None = None
    design: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def failed(self) -> pd.DataFrame:
        return self.runs[self.runs.status == "failed"]


class ResultsError(ValueError):
    """A results directory that cannot be read back whole (one readable line)."""


def load(directory: str | Path, partial: bool = False) -> Results:
    """Load every table of a results directory written by the ensemble runner.

    Every study reads its tables back through here. Each committed block is verified
    against its commit record (`parts`): a missing, truncated or altered part is a
    `ResultsError` naming it -- never a table silently holding fewer runs. So is a run
    of the study without any record (an unfinished study, or a deleted runs part),
    unless ``partial`` asks for what is there.
    """
    out = Path(directory)
    path = out / "manifest.json"
    if not path.exists():
        raise ResultsError(f"{out}: no manifest.json; not a trustnet results directory")
    try:
        info = read_manifest(path)
    except ManifestError as exc:
        raise ResultsError(str(exc)) from None
    if "study" not in info:
        raise ResultsError(f"{out} holds a '{kind_of(info)}' command's results; its studies' tables "
                           f"are in the directories under {out / 'runs'}")
    try:
        blocks = [read_runs_part(p) for p in runs_parts(out)]
        parts = {table: [f for b in blocks if (f := read_block(out, b, table)) is not None] for table in TABLES}
    except PartError as exc:
        raise ResultsError(f"{exc}; re-run the command that made {out} to redo its runs") from None
    runs = (pd.concat([b.runs for b in blocks], ignore_index=True) if blocks
            else pd.DataFrame(columns=["run", "point", "replication", "seed", "status", "duration", "error"]))
    # a run retried after a failure keeps its successful record
    runs = (runs.assign(_ok=runs.status == "ok").sort_values(["run", "_ok"], kind="stable")
            .drop_duplicates("run", keep="last").drop(columns="_ok").reset_index(drop=True))
    study = info["study"]
    points = study.get("points", [{}])
    expected = len(points) * study.get("reps", 1)
    missing = expected - runs.run.nunique()
    if missing and not partial:
        raise ResultsError(f"{out}: {missing} of the study's {expected} runs have no record (an unfinished study, "
                           "or a deleted part); re-run the command that made it to complete it")
    _check_seeds(runs, study, out)
    design = pd.DataFrame(points)
    design.insert(0, "point", range(len(points)))
    if len(design.columns) > 1:
        runs = runs.merge(design, on="point", how="left")
    tables = {}
    keys = {"model": ["run", "step"], "agents": ["run", "step"], "pairs": ["run", "step"]}
    for table in TABLES:
        frame = pd.concat(parts[table], ignore_index=True) if parts[table] else None
        if frame is not None:
            frame = frame.drop_duplicates([*keys[table], *(["org"] if table == "agents" else []),
                                           *(["trustor", "trustee"] if table == "pairs" else [])])
            frame = frame.sort_values(keys[table], kind="stable").reset_index(drop=True)
        tables[table] = frame
    model = tables["model"] if tables["model"] is not None else pd.DataFrame()
    return Results(manifest=info, runs=runs, model=model, agents=tables["agents"],
                   pairs=tables["pairs"], design=design)


def _check_seeds(runs: pd.DataFrame, study: dict, out: Path) -> None:
    """`ResultsError` unless every run has its design point, replication and seed (a part
    copied from another study would otherwise pass as this one's)."""
    if runs.empty:
        return
    reps, root = study.get("reps", 1), study.get("root_seed")
    run = runs.run.to_numpy()
    if not isinstance(root, int) or isinstance(root, bool):
        raise ResultsError(f"{out}: damaged manifest (no root seed); choose another --out or restore the file")
    if study.get("crn", True):
        seeds = np.array(replication_seeds(root, reps), dtype=np.uint64)[runs.replication.to_numpy() % reps]
    else:
        seeds = np.array([point_seed(root, int(p), int(r)) for p, r in zip(runs.point, runs.replication,
                                                                         strict=True)], dtype=np.uint64)
    same = ((runs.point.to_numpy() == run // reps) & (runs.replication.to_numpy() == run % reps)
            & (runs.seed.to_numpy().astype(np.uint64) == seeds))
    if not same.all():
        raise ResultsError(f"{out}: run {int(run[~same][0])} has another design point, replication or seed than "
                           "the study's (a part of another study?); re-run the command that made it to redo it")


class Tables:
    """A study's results split by design-point label, with ``replication`` on every row."""

    def __init__(self, directory: Path):
        res = load(directory)
        self.runs = res.runs
        key = res.runs[["run", "replication", "label"]]
        self.model = res.model.merge(key, on="run")
        self.agents = res.agents.merge(key, on="run") if res.agents is not None else None
        self.pairs = res.pairs.merge(key, on="run") if res.pairs is not None else None

    def get(self, table: str, label: str) -> pd.DataFrame:
        frame = getattr(self, table)
        return frame[frame.label == label]
