"""Read a results directory back: `load(DIR)` gives pandas DataFrames; `Tables` splits
them by design-point label for the studies."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from experiments.ensemble.runner import TABLES
from experiments.ensemble.store import read_manifest


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


def _read(folder: Path, names: set[str]) -> pd.DataFrame | None:
    files = sorted(p for p in folder.glob("part-*.parquet") if p.name in names) if folder.exists() else []
    if not files:
        return None
    return pd.concat([pd.read_parquet(p) for p in files], ignore_index=True)


def load(directory: str | Path) -> Results:
    """Load every table of a results directory written by the ensemble runner."""
    out = Path(directory)
    path = out / "manifest.json"
    if not path.exists():
        raise FileNotFoundError(f"{out}: no manifest.json; not a trustnet results directory")
    info = read_manifest(path)
    if "study" not in info:
        raise ValueError(f"{out} holds a '{info.get('kind', '?')}' command's results; its studies' tables "
                         f"are in the directories under {out / 'runs'}")
    run_folder = out / "runs.parquet"
    names = {p.name for p in run_folder.glob("part-*.parquet")} if run_folder.exists() else set()
    runs = _read(run_folder, names)
    if runs is None:
        runs = pd.DataFrame(columns=["run", "point", "replication", "seed", "status", "duration", "error"])
    # a run retried after a failure keeps its successful record
    runs = (runs.assign(_ok=runs.status == "ok").sort_values(["run", "_ok"], kind="stable")
            .drop_duplicates("run", keep="last").drop(columns="_ok").reset_index(drop=True))
    points = info.get("study", {}).get("points", [{}])
    design = pd.DataFrame(points)
    design.insert(0, "point", range(len(points)))
    if len(design.columns) > 1:
        runs = runs.merge(design, on="point", how="left")
    tables = {}
    keys = {"model": ["run", "step"], "agents": ["run", "step"], "pairs": ["run", "step"]}
    for table in TABLES:
        frame = _read(out / f"{table}.parquet", names)
        if frame is not None:
            frame = frame.drop_duplicates([*keys[table], *(["org"] if table == "agents" else []),
                                           *(["trustor", "trustee"] if table == "pairs" else [])])
            frame = frame.sort_values(keys[table], kind="stable").reset_index(drop=True)
        tables[table] = frame
    model = tables["model"] if tables["model"] is not None else pd.DataFrame()
    return Results(manifest=info, runs=runs, model=model, agents=tables["agents"],
                   pairs=tables["pairs"], design=design)


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
