"""Means and sums as the criteria's numbers were first computed: pandas' arithmetic, on arrays.

The pattern criteria were written with pandas and their numbers are committed results.
Floating-point sums depend on the order and grouping of their terms, and pandas sums in
three different ways, so computing the same means with numpy directly would move many
results in their last digits. This module reproduces, term for term, what pandas 3.1
does for the reductions the criteria use, on plain numpy arrays (with none of pandas'
~0.1 ms per call):

* a grouped mean or sum (``frame.groupby(keys)[column].mean()``, `grouped`): when the
  rows come group after group and no value is missing, ``numpy.add.reduceat`` over each
  group's run of rows (divided by its number of rows for a mean); otherwise a compensated
  (Kahan) sum in row order that skips missing values, divided by the number of values
  present -- pandas' compiled ``group_mean`` / ``group_sum``;
* the mean or sum of a column (``series.mean()``, `mean` and `total`): missing values
  set to 0, one ``numpy`` sum over the whole column (pairwise summation), divided by the
  number of values present;
* a quantile (``series.quantile(q)``, `quantile`): ``numpy.quantile``, linear, of the
  values present.

Every function takes the values in the order of the rows pandas would have seen (a
design point's rows: replication, week, then organisation or pair; `grid`), and
`tests/test_reductions.py` checks each against pandas itself on random data.
"""

from __future__ import annotations

import numpy as np


def _starts(codes: np.ndarray) -> np.ndarray | None:
    """Where each run of equal codes begins, if the codes never decrease (else None)."""
    step = codes[1:] != codes[:-1]
    if (codes[1:][step] < codes[:-1][step]).any():
        return None
    return np.concatenate(([0], np.flatnonzero(step) + 1))


def row_means(values: np.ndarray) -> np.ndarray:
    """The mean of each row of a (groups, rows) array: a grouped mean whose groups are the
    rows, one after the other (`grouped` without the search for the groups)."""
    rows = values.shape[1]
    flat = np.ascontiguousarray(values).reshape(-1)
    if np.isnan(flat).any():
        return grouped(flat, np.repeat(np.arange(len(values)), rows))[1]
    return np.add.reduceat(flat, np.arange(len(values)) * rows) / float(rows)


def grouped(values: np.ndarray, codes: np.ndarray, how: str = "mean") -> tuple[np.ndarray, np.ndarray]:
    """``how`` ("mean", "sum" or "max") of ``values`` per group, as pandas' groupby gives it.

    ``codes`` numbers each row's group so that their order is the order of the groups'
    keys (pandas sorts the keys); rows are in the order pandas would see them. Returns
    the groups present (sorted codes) and their results; a group whose values are all
    missing gets NaN (mean, max) or 0 (sum).
    """
    values = np.asarray(values, dtype=float)
    codes = np.asarray(codes)
    if len(codes) == 0:
        return codes[:0], np.empty(0)
    starts = _starts(codes)
    if starts is not None and not np.isnan(values).any():
        ufunc = np.maximum if how == "max" else np.add
        result = ufunc.reduceat(values, starts)
        if how == "mean":
            result = result / np.diff(starts, append=len(codes)).astype(float)
        return codes[starts], result
    groups, ids = np.unique(codes, return_inverse=True)
    if how == "max":
        out = np.full(len(groups), -np.inf)
        present = ~np.isnan(values)
        np.maximum.at(out, ids[present], values[present])
        out[np.bincount(ids[present], minlength=len(groups)) == 0] = np.nan
        return groups, out
    total, count = _kahan(values, ids.reshape(-1), len(groups))
    if how == "sum":
        return groups, total
    with np.errstate(invalid="ignore", divide="ignore"):
        return groups, np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _kahan(values: np.ndarray, ids: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Compensated sums per group in row order, missing values skipped (pandas'
    ``group_sum``), vectorised over the groups: step k adds each group's k-th row."""
    order = np.argsort(ids, kind="stable")
    sizes = np.bincount(ids, minlength=n)
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    total, comp, count = np.zeros(n), np.zeros(n), np.zeros(n)
    for k in range(int(sizes.max()) if len(sizes) else 0):
        g = np.flatnonzero(sizes > k)
        val = values[order[first[g] + k]]
        ok = ~np.isnan(val)
        g, val = g[ok], val[ok]
        y = val - comp[g]
        t = total[g] + y
        c = t - total[g] - y
        c[np.isnan(c)] = 0.0  # an infinite value: keep the sum infinite, not NaN
        comp[g], total[g] = c, t
        count[g] += 1
    return total, count


def mean(values: np.ndarray) -> float:
    """The mean of a column, skipping missing values (``series.mean()``); NaN if none."""
    values = np.asarray(values)
    if values.size == 0:
        return float("nan")
    if values.dtype.kind == "b":
        return float(np.count_nonzero(values) / float(values.size))
    values = values.astype(float, copy=False)
    missing = np.isnan(values)
    count = values.size - int(missing.sum())
    if missing.any():
        values = np.where(missing, 0.0, values)
    return float(values.sum() / count) if count > 0 else float("nan")


def total(values: np.ndarray) -> float:
    """The sum of a column, missing values as 0 (``series.sum()``)."""
    values = np.asarray(values, dtype=float)
    return float(np.where(np.isnan(values), 0.0, values).sum())


def quantile(values: np.ndarray, q: float) -> float:
    """The ``q`` quantile of a column's values present, linear (``series.quantile(q)``)."""
    values = np.asarray(values, dtype=float)
    missing = np.isnan(values)
    if not missing.any():
        return float(np.quantile(values[None, :], np.array([q]), axis=1)[0, 0]) if len(values) else float("nan")
    values = values[~missing]
    return float(np.quantile(values, np.array([q]))[0]) if len(values) else float("nan")
