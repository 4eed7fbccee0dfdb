"""A design point's table as arrays on a grid: replications x weeks (x organisations or pairs).

The runner's tables hold one row per run and week (``model``), per run, week and
organisation (``agents``) or per run, recorded week and ordered pair (``pairs``), and every
run of a design point records the same weeks and the same organisations or pairs. So a
design point's rows fill a grid exactly, and a column is an array of shape
(replications, weeks, entities) -- one entity in the model table. What reads many
design points (the pattern criteria at every robustness and variant point, a particle of
the calibration) computes on these arrays instead of on DataFrames: selecting rows and
averaging them costs microseconds, not pandas' ~0.1 ms a call.

The grid keeps the rows' order: replication, then week, then the entities in the order
the table lists them. `Grid.of` builds it from any DataFrame of one design point (a
``replication`` column, ``step``, and ``org`` or ``trustor``/``trustee``) and refuses a
table that does not fill its grid (a replication missing a week, a pair listed twice);
`experiments.ensemble.Tables` builds it straight from a study's Parquet columns.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

ENTITY_KEYS = {"model": (), "agents": ("org",), "pairs": ("trustor", "trustee")}


def entity_keys(columns) -> tuple[str, ...]:
    """The columns that name a row's entity in a table with these columns."""
    for keys in (ENTITY_KEYS["pairs"], ENTITY_KEYS["agents"]):
        if all(k in columns for k in keys):
            return keys
    return ()


class Grid:
    """One design point's table: ``reps`` (replication ids, ascending), ``steps`` (the weeks
    recorded, ascending), ``keys`` (entity key -> the name of each entity, e.g. ``org``) and
    its columns as (replications, weeks, entities) arrays of floats (``grid[name]``,
    converted on first use). ``column(name)`` gives a column's values in row order."""

    def __init__(self, reps: np.ndarray, steps: np.ndarray, keys: dict[str, np.ndarray],
                 column: Callable[[str], np.ndarray], names: tuple[str, ...]):
        self.reps = np.asarray(reps, dtype=np.int64)
        self.steps = np.asarray(steps, dtype=np.int64)
        self.keys = keys
        self.entities = len(next(iter(keys.values()))) if keys else 1
        self.names = names
        self._column = column
        self._cache: dict[str, np.ndarray] = {}

    @property
    def shape(self) -> tuple[int, int, int]:
        return len(self.reps), len(self.steps), self.entities

    def __len__(self) -> int:
        """Rows of the table."""
        return int(np.prod(self.shape))

    def __contains__(self, name: str) -> bool:
        return name in self.names

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._cache:
            if name not in self.names:
                raise KeyError(f"no column '{name}' in this table")
            self._cache[name] = np.asarray(self._column(name), dtype=float).reshape(self.shape)
        return self._cache[name]

    @property
    def last(self) -> int:
        """The last week recorded."""
        return int(self.steps.max())

    def key(self, name: str) -> np.ndarray:
        return self.keys[name]

    @classmethod
    def of(cls, table: Grid | pd.DataFrame) -> Grid:
        """``table`` itself if it is a grid, else the grid of a DataFrame of one design point
        (`ValueError` if its rows do not fill the grid exactly once)."""
        if isinstance(table, Grid):
            return table
        frame = table
        keys = entity_keys(frame.columns)
        rep = frame["replication"].to_numpy()
        step = frame["step"].to_numpy()
        reps, r = np.unique(rep, return_inverse=True)
        steps, s = np.unique(step, return_inverse=True)
        names: dict[str, np.ndarray] = {}
        if keys:
            codes = [pd.factorize(frame[k], sort=False) for k in keys]
            combined = np.zeros(len(frame), dtype=np.int64)
            for c, uniques in codes:
                combined = combined * max(len(uniques), 1) + c
            found, first, e = np.unique(combined, return_index=True, return_inverse=True)
            rank = np.empty(len(found), dtype=np.int64)
            rank[np.argsort(first, kind="stable")] = np.arange(len(found))  # entities in order of appearance
            e = rank[e]
            at = np.sort(first)
            names = {k: np.asarray(uniques, dtype=object)[c[at]] for k, (c, uniques) in zip(keys, codes, strict=True)}
            n_ent = len(found)
        else:
            e, n_ent = np.zeros(len(frame), dtype=np.int64), 1
        size = len(reps) * len(steps) * n_ent
        cell = (r.reshape(-1) * len(steps) + s.reshape(-1)) * n_ent + e.reshape(-1)
        if len(frame) != size or (size and np.bincount(cell, minlength=size).max() != 1):
            what = " and ".join(keys) or "week"
            raise ValueError(f"a design point's table must hold exactly one row per replication, week and {what} "
                             f"({len(frame)} rows for {len(reps)} replications x {len(steps)} weeks x {n_ent})")
        order = None if (cell == np.arange(size)).all() else np.argsort(cell)

        def column(name: str) -> np.ndarray:
            values = frame[name].to_numpy(dtype=float)
            return values if order is None else values[order]

        return cls(reps, steps, names, column, tuple(frame.columns))
