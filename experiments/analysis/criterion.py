"""A pattern criterion as statements about effect sizes, and the noise reported beside it.

A criterion is a conjunction of `Clause`s. Each clause is a statement about an
*expected value of the model at a point*: a function of the means over replications of
per-replication quantities (paired where a counterfactual exists: the quantity is then
already a difference within one replication), compared with a threshold
(`experiments.analysis.thresholds`). Whether a clause holds is decided on that estimate
alone, so it means the same at 4 and at 40 replications: more replications make the
estimate more precise, not the criterion stricter.

Replication noise is reported beside the verdict, never built into it:

* ``se`` -- each estimate's Monte Carlo standard error, the standard deviation of the
  estimate over bootstrap resamples of the replications;
* ``p_holds`` -- the probability that the pattern holds: the share of bootstrap
  resamples of the replications in which every clause holds. The resamples are drawn
  from a generator with a fixed seed, so the number is reproducible, and every pattern
  scored on the same replications draws the same resamples: replication i of X, of Y
  and of every probe share their random numbers, so the resamples stay paired, and the
  probability that several patterns hold together is read off the same resamples
  (`joint_p_holds`).

``margin`` stays continuous: 0 when every clause holds, otherwise the summed shortfall of
the failing clauses, each in units of its own scale -- the distance robustness, variants
and calibration work with.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from experiments.analysis.byrep import PerRep

BOOTSTRAP = 1000  # resamples of the replications for se and p_holds
BOOTSTRAP_SEED = 20221  # fixed: the same resamples for every pattern scored on the same replications
OPS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}


def first(m: dict[str, np.ndarray], columns: tuple[str, ...]) -> np.ndarray:
    """The default estimate: the mean of the clause's one column."""
    return m[columns[0]]


def absolute(m: dict[str, np.ndarray], columns: tuple[str, ...]) -> np.ndarray:
    """The size of a mean change, whatever its sign (for "keeps", "spares", "within")."""
    return np.abs(m[columns[0]])


@dataclass(frozen=True)
class Clause:
    """``estimate op threshold``. The estimate is ``combine`` of the means over replications
    of ``columns`` (by default the one column's mean); ``scale`` turns a shortfall into
    comparable units; ``role`` says what kind of statement it is ("effect", or "check" for
    a manipulation check that the design did what it meant to)."""

    name: str
    columns: tuple[str, ...]
    op: str
    threshold: float
    scale: float
    combine: Callable[[dict[str, np.ndarray], tuple[str, ...]], np.ndarray] = first
    role: str = "effect"

    def estimate(self, means: dict[str, np.ndarray]) -> np.ndarray:
        return np.asarray(self.combine(means, self.columns), dtype=float)

    def holds(self, value: np.ndarray) -> np.ndarray:
        value = np.asarray(value, dtype=float)
        with np.errstate(invalid="ignore"):
            return np.isfinite(value) & OPS[self.op](value, self.threshold)

    def shortfall(self, value: float) -> float:
        if bool(self.holds(value)):
            return 0.0
        if not np.isfinite(value):
            return 1.0
        gap = self.threshold - value if self.op in (">=", ">") else value - self.threshold
        return float(max(gap, 0.0) / self.scale) + 1e-9


def column_means(values: np.ndarray, names: list[str]) -> dict[str, np.ndarray]:
    """NaN-aware means along the replication axis (the second-to-last), by column name."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a column without any finite value -> NaN
        means = np.nanmean(values, axis=-2)
    return {name: means[..., k] for k, name in enumerate(names)}


@dataclass
class PatternResult:
    """A criterion's outcome at one point.

    ``runs`` has one row per replication (index ``replication``) and one column per
    per-replication quantity the clauses read; ``measured`` holds facts to show beside
    them (names, counts). Computed on construction: ``estimates``, ``se``, ``passed``,
    ``margin``, ``p_holds``.
    """

    id: str
    criterion: str
    runs: pd.DataFrame
    clauses: list[Clause]
    measured: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        names = list(self.runs.columns)
        values = self.runs.to_numpy(dtype=float) if len(self.runs) else np.full((0, len(names)), np.nan)
        means = column_means(values, names)
        self.estimates = {c.name: float(c.estimate(means)) for c in self.clauses}
        self.clause_passed = {c.name: bool(c.holds(self.estimates[c.name])) for c in self.clauses}
        self.passed = all(self.clause_passed.values())
        self.margin = float(sum(c.shortfall(self.estimates[c.name]) for c in self.clauses))
        self.replications = len(self.runs)
        self.se, self.resampled_holds = self._bootstrap(values, names)
        self.p_holds = float(self.resampled_holds.mean())

    def _bootstrap(self, values: np.ndarray, names: list[str]) -> tuple[dict[str, float], np.ndarray]:
        n = len(values)
        if n < 2:
            return {c.name: float("nan") for c in self.clauses}, np.full(BOOTSTRAP, self.passed)
        rng = np.random.default_rng(BOOTSTRAP_SEED)
        resampled = values[rng.integers(0, n, size=(BOOTSTRAP, n))]  # (BOOTSTRAP, n, columns)
        means = column_means(resampled, names)
        holds = np.ones(BOOTSTRAP, dtype=bool)
        se = {}
        for c in self.clauses:
            est = c.estimate(means)
            holds &= c.holds(est)
            finite = est[np.isfinite(est)]
            se[c.name] = float(finite.std(ddof=1)) if len(finite) > 1 else float("nan")
        return se, holds

    @property
    def failed_clauses(self) -> list[str]:
        return [c.name for c in self.clauses if not self.clause_passed[c.name]]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "criterion": self.criterion, "passed": bool(self.passed),
                "margin": round(self.margin, 4), "p_holds": round(self.p_holds, 3),
                "replications": self.replications, "failed_clauses": self.failed_clauses,
                "clauses": [{"name": c.name, "estimate": _plain(self.estimates[c.name]),
                             "se": _plain(self.se[c.name]), "op": c.op, "threshold": _plain(c.threshold),
                             "holds": self.clause_passed[c.name], "role": c.role} for c in self.clauses],
                "measured": {k: _plain(v) for k, v in self.measured.items()}}

    def flat(self) -> dict[str, float]:
        """One row's worth of numbers (robustness and variant points): holds, p_holds,
        margin and each clause's estimate, keyed ``P2:exposed_trust_drop``."""
        out = {f"{self.id}:holds": float(self.passed), f"{self.id}:p_holds": self.p_holds,
               f"{self.id}:margin": self.margin}
        out.update({f"{self.id}:{k}": v for k, v in self.estimates.items()})
        return out


def joint_p_holds(results: list[PatternResult]) -> float:
    """The probability that all of ``results`` hold together: the share of the shared
    bootstrap resamples in which every one holds (results scored on the same
    replications; NaN otherwise)."""
    if not results or len({r.replications for r in results}) != 1:
        return float("nan")
    return float(np.logical_and.reduce([r.resampled_holds for r in results]).mean())


def _plain(v):
    if isinstance(v, (np.floating, float)):
        return round(float(v), 4) if np.isfinite(v) else None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def per_replication(**series: PerRep | pd.Series) -> pd.DataFrame:
    """Per-replication quantities side by side, one row per replication any of them has
    (ascending), NaN where a quantity has no value (`PerRep`s or Series indexed by
    replication)."""
    columns = {k: PerRep.of(v) for k, v in series.items()}
    reps = np.unique(np.concatenate([c.reps for c in columns.values()])) if columns else np.empty(0, np.int64)
    return pd.DataFrame({k: c.on(reps) for k, c in columns.items()}, index=pd.Index(reps, name="replication"),
                        columns=list(columns), dtype=float)
