"""Read a results directory back: `load(DIR)` gives pandas DataFrames; `Tables` splits
them by design-point label for the studies."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.ensemble.design import point_seed, replication_seeds
from experiments.ensemble.grid import ENTITY_KEYS, Grid
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
    read = _read(directory, partial)
    tables = {table: table_frame(read.parts[table], table) for table in TABLES}
    model = tables["model"] if tables["model"] is not None else pd.DataFrame()
    return Results(manifest=read.info, runs=read.runs, model=model, agents=tables["agents"],
                   pairs=tables["pairs"], design=read.design)


@dataclass
class _Read:
    """A results directory's manifest, runs (with their design points) and the verified
    parts of each table (pyarrow Tables, in block order)."""

    info: dict
    runs: pd.DataFrame
    design: pd.DataFrame
    parts: dict[str, list]


def _read(directory: str | Path, partial: bool) -> _Read:
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
        parts = {table: [f for b in blocks if (f := read_block(out, b, table, lazy=True)) is not None]
                 for table in TABLES}
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
    return _Read(info, runs, design, parts)


KEYS = {"model": ["run", "step"], "agents": ["run", "step"], "pairs": ["run", "step"]}


def table_frame(parts: list, table: str) -> pd.DataFrame | None:
    """One table of a results directory from its parts: rows of a run recorded twice kept
    once, sorted by run and week (stable: organisations and pairs in their order)."""
    if not parts:
        return None
    try:
        frame = pd.concat([p.to_pandas() for p in parts], ignore_index=True)
    except PartError as exc:
        raise ResultsError(str(exc)) from None
    frame = frame.drop_duplicates([*KEYS[table], *(["org"] if table == "agents" else []),
                                   *(["trustor", "trustee"] if table == "pairs" else [])])
    return frame.sort_values(KEYS[table], kind="stable").reset_index(drop=True)


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
    """A study's results split by design-point label, with ``replication`` on every row.

    ``model``, ``agents`` and ``pairs`` are the study's tables as DataFrames (built when
    first read); ``get(table, label)`` gives a design point's rows. ``grid(table, label)``
    gives them as arrays (`grid.Grid`) straight from the Parquet columns, without building
    the DataFrames: what the pattern criteria read at thousands of design points.
    """

    def __init__(self, directory: Path):
        read = _read(directory, partial=False)
        self.runs = read.runs
        self._parts = read.parts
        self._reps = int(read.info["study"].get("reps", 1))
        self._frames: dict[str, pd.DataFrame | None] = {}
        self._rows: dict[str, dict] = {}
        self._columns: dict[str, _Columns | None] = {}
        self._points: dict | None = None  # label -> its design points

    def _frame(self, table: str) -> pd.DataFrame | None:
        if table not in self._frames:
            frame = table_frame(self._parts[table], table)
            if table == "model" and frame is None:
                frame = pd.DataFrame()
            key = self.runs[["run", "replication", "label"]]
            self._frames[table] = frame.merge(key, on="run") if frame is not None else None
        return self._frames[table]

    @property
    def model(self) -> pd.DataFrame:
        return self._frame("model")

    @property
    def agents(self) -> pd.DataFrame | None:
        return self._frame("agents")

    @property
    def pairs(self) -> pd.DataFrame | None:
        return self._frame("pairs")

    def get(self, table: str, label: str) -> pd.DataFrame:
        frame = self._frame(table)
        if table not in self._rows:
            self._rows[table] = frame.groupby("label", sort=False).indices
        return frame.iloc[self._rows[table].get(label, np.empty(0, dtype=np.intp))]

    def grid(self, table: str, label: str) -> Grid:
        """A design point's rows of ``table`` as a grid."""
        found = self._grid(table, label)
        return found if found is not None else Grid.of(self.get(table, label))

    def _grid(self, table: str, label: str) -> Grid | None:
        """The grid read straight off the columns, or None where the rows are not one
        design point's regular grid (the DataFrame then decides, `Grid.of`)."""
        if self._points is None:
            labels = self.runs["label"] if "label" in self.runs else pd.Series([], dtype=object)
            self._points = {k: v for k, v in self.runs.groupby(labels.to_numpy(), sort=False).point.unique().items()}
        points = self._points.get(label, [])
        if len(points) != 1:
            return None
        if table not in self._columns:
            self._columns[table] = _Columns.of(self._parts[table], table)
        columns = self._columns[table]
        if columns is None:
            return None
        first = int(points[0]) * self._reps
        return columns.grid(first, first + self._reps)


class _Columns:
    """A study's table as numpy columns in the order of `table_frame` (run, week), read
    from its Parquet parts as they are needed, for `Tables.grid`."""

    def __init__(self, table, order: np.ndarray | None, run: np.ndarray, step: np.ndarray, entity: np.ndarray,
                 names: dict[str, np.ndarray]):
        self.table, self.order, self.run, self.step, self.entity, self.names = table, order, run, step, entity, names
        self._cache: dict[str, np.ndarray] = {}

    @classmethod
    def of(cls, parts: list, kind: str) -> _Columns | None:
        if not parts or not all(p.schema.equals(parts[0].schema) for p in parts):
            return None
        table = _Concatenated(parts)
        run, step = table.column("run").to_numpy(), table.column("step").to_numpy()
        key = run * (int(step.max()) + 1 if len(step) else 1) + step
        order = None if len(key) < 2 or (key[1:] >= key[:-1]).all() else np.argsort(key, kind="stable")
        if order is not None:
            run, step = run[order], step[order]
        entity, names = np.zeros(len(run), dtype=np.int64), {}
        for name in ENTITY_KEYS[kind]:
            words: dict[str, int] = {}
            codes = []
            for chunk in table.column(name).chunks:  # dictionary arrays, each with its own dictionary
                ids = np.array([words.setdefault(w, len(words)) for w in chunk.dictionary.to_pylist()], dtype=np.int64)
                codes.append(ids[chunk.indices.to_numpy(zero_copy_only=False)])
            codes = np.concatenate(codes) if codes else np.empty(0, dtype=np.int64)
            entity = entity * max(len(words), 1) + (codes if order is None else codes[order])
            names[name] = np.asarray(list(words), dtype=object)
        return cls(table, order, run, step, entity, names)

    def column(self, name: str) -> np.ndarray:
        if name not in self._cache:
            values = self.table.column(name).to_numpy()
            self._cache[name] = values if self.order is None else values[self.order]
        return self._cache[name]

    def grid(self, first_run: int, end_run: int) -> Grid | None:
        """The grid of the runs ``first_run`` .. ``end_run`` - 1 (one design point), or None
        if their rows do not fill one."""
        a, b = np.searchsorted(self.run, [first_run, end_run])
        if b <= a:
            return None
        run, step, entity = self.run[a:b], self.step[a:b], self.entity[a:b]
        starts = np.flatnonzero(np.r_[True, run[1:] != run[:-1]])
        reps, per_run = len(starts), (b - a) // len(starts)
        if reps * per_run != b - a or (starts != np.arange(reps) * per_run).any():
            return None
        block = step[:per_run]
        changes = np.flatnonzero(np.r_[True, block[1:] != block[:-1]])
        weeks = len(changes)
        n = per_run // weeks
        if weeks * n != per_run or (changes != np.arange(weeks) * n).any() or (np.diff(block[changes]) <= 0).any():
            return None
        steps = block[changes]
        grid_entities = entity.reshape(reps, weeks, n)
        if (step.reshape(reps, weeks, n) != steps[None, :, None]).any() or (grid_entities != grid_entities[0, 0]).any():
            return None
        ids = grid_entities[0, 0]
        if len(np.unique(ids)) != n:
            return None
        keys, rest = {}, ids
        for name in reversed(list(self.names)):
            words = self.names[name]
            keys[name] = words[rest % len(words)]
            rest = rest // len(words)
        keys = dict(reversed(list(keys.items())))

        def column(name: str) -> np.ndarray:
            return self.column(name)[a:b]

        return Grid(run[starts] - first_run, steps, keys, column, tuple(self.table.column_names))


class _Concatenated:
    """The parts of a table one after the other, a column at a time."""

    def __init__(self, parts: list):
        self.parts = parts
        self.column_names = parts[0].column_names

    def column(self, name: str):
        import pyarrow as pa

        return pa.chunked_array([c for part in self.parts for c in part.column(name).chunks])


class Prefixed:
    """The tables of one sample point of a study that ran many (labels ``s{k}:x``), seen
    with the point's own labels (``x``): what the criteria read at each point."""

    def __init__(self, tables: Tables, prefix: str):
        self.tables, self.prefix = tables, prefix

    def get(self, table: str, label: str) -> pd.DataFrame:
        return self.tables.get(table, self.prefix + label)

    def grid(self, table: str, label: str) -> Grid:
        return self.tables.grid(table, self.prefix + label)
