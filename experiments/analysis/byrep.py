"""Quantities per replication, read off a design point's grid (`experiments.ensemble.grid`).

A criterion turns each design point's runs into numbers per replication (trust in the
last weeks, a gap between two groups of pairs) and combines them across points paired by
replication. `PerRep` is such a quantity: values over the replications it has, in
order -- what ``frame.groupby("replication")[column].mean()`` gives in pandas. Arithmetic
between two of them pairs them by replication; a replication only one of them has gets
NaN (pandas' alignment), so a replication missing from a table stays visible as missing.

`per_run` and `by_rep` average a grid's values per replication with pandas' arithmetic
(`experiments.analysis.reductions`), so the criteria give the numbers they gave when they
were computed on DataFrames, to the last bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.analysis import reductions
from experiments.ensemble.grid import Grid


class PerRep:
    """A value per replication: ``reps`` (ascending ids) and ``values`` (floats)."""

    __slots__ = ("reps", "values")

    def __init__(self, reps: np.ndarray, values: np.ndarray):
        self.reps = np.asarray(reps, dtype=np.int64)
        self.values = np.asarray(values, dtype=float)

    @classmethod
    def empty(cls) -> PerRep:
        return cls(np.empty(0, dtype=np.int64), np.empty(0))

    @classmethod
    def of(cls, values: PerRep | pd.Series) -> PerRep:
        """A quantity given as a pandas Series indexed by replication (ascending here)."""
        if isinstance(values, PerRep):
            return values
        series = values.sort_index()
        return cls(series.index.to_numpy(), series.to_numpy(dtype=float))

    def __len__(self) -> int:
        return len(self.reps)

    def on(self, reps: np.ndarray) -> np.ndarray:
        """The values on ``reps`` (NaN where this quantity has no value)."""
        if len(reps) == len(self.reps) and (reps == self.reps).all():
            return self.values
        out = np.full(len(reps), np.nan)
        if not len(self.reps):
            return out
        where = np.searchsorted(self.reps, reps)
        hit = (where < len(self.reps)) & (self.reps[np.minimum(where, len(self.reps) - 1)] == reps)
        out[hit] = self.values[where[hit]]
        return out

    def _pair(self, other, op) -> PerRep:
        if not isinstance(other, PerRep):
            return PerRep(self.reps, op(self.values, other))
        if len(self.reps) == len(other.reps) and (self.reps == other.reps).all():
            return PerRep(self.reps, op(self.values, other.values))
        reps = np.union1d(self.reps, other.reps)
        return PerRep(reps, op(self.on(reps), other.on(reps)))

    def __add__(self, other) -> PerRep:
        return self._pair(other, np.add)

    def __sub__(self, other) -> PerRep:
        return self._pair(other, np.subtract)

    def __mul__(self, other) -> PerRep:
        return self._pair(other, np.multiply)

    def __truediv__(self, other) -> PerRep:
        with np.errstate(divide="ignore", invalid="ignore"):
            return self._pair(other, np.true_divide)

    def __neg__(self) -> PerRep:
        return PerRep(self.reps, -self.values)

    def positive(self) -> PerRep:
        """1.0 where the value is > 0, else 0.0 (NaN counts as not positive)."""
        with np.errstate(invalid="ignore"):
            return PerRep(self.reps, (self.values > 0).astype(float))

    def mean(self) -> float:
        """The mean over the replications (missing values skipped)."""
        return reductions.mean(self.values)


def weeks_mask(grid: Grid, weeks: tuple[int, int] | int) -> np.ndarray:
    """The grid's weeks that are ``weeks`` (one week) or within [a, b]."""
    if isinstance(weeks, int):
        return grid.steps == weeks
    return (grid.steps >= weeks[0]) & (grid.steps <= weeks[1])


def by_rep(grid: Grid, values: np.ndarray, rows: np.ndarray | None = None, how: str = "mean") -> PerRep:
    """``how`` of a (replications, ...) array over each replication's selected ``rows``
    (a boolean array of the same shape; all rows if None), in row order; a replication
    without a selected row has no value."""
    if rows is None:
        flat = values.reshape(len(grid.reps), -1)
        codes = np.repeat(np.arange(len(grid.reps)), flat.shape[1])
        picked = flat.reshape(-1)
    else:
        rows = np.broadcast_to(rows, values.shape)
        picked = values[rows]
        codes = np.nonzero(rows)[0]
    groups, result = reductions.grouped(picked, codes, how)
    return PerRep(grid.reps[groups], result)


def per_run(grid: Grid, metric: str, weeks: tuple[int, int] | int) -> PerRep:
    """A metric per replication: at one week, or its mean over weeks [a, b]
    (`experiments.analysis.outcomes.per_run` on a grid)."""
    sel = weeks_mask(grid, weeks)
    if not sel.any() or not len(grid.reps):
        return PerRep.empty()
    return PerRep(grid.reps, reductions.row_means(grid[metric][:, sel, :].reshape(len(grid.reps), -1)))


def end_weeks(grid: Grid, window: int) -> tuple[int, int]:
    last = grid.last
    return last - window + 1, last


def at_or_before(grid: Grid, week: int) -> int | None:
    """Index of the last recorded week not after ``week`` (None if there is none)."""
    k = int(np.searchsorted(grid.steps, week, side="right")) - 1
    return k if k >= 0 else None
