"""The calibration's distances: how far a particle's summaries are from the data.

* Patterns (`ClauseDistance`): the data are the criteria themselves. Each calibrated
  clause contributes its shortfall from its threshold (``short:<pattern>:<clause>``, 0 when
  it holds), weighted; the distance is the weighted sum (a p-norm with p = 1 against an
  observation of 0). Weights adapt generation by generation as in pyabc's
  ``AdaptivePNormDistance`` (Prangle 2017, "Adapting the ABC distance function"): weight
  = 1 / scale, the scale of a clause being its mean shortfall over the previous
  generation's particles (pyabc's ``mean_absolute_deviation_to_observation`` with the
  observation 0), so a clause every particle nearly meets does not drown in one that
  most miss by far. A clause that every particle of the previous generation meets has no
  scale; it keeps the largest weight of the others (a particle that breaks it is far
  from the region); weights are bounded to `MAX_RATIO` times the smallest and scaled to
  average 1. Generation 0 (every prior draw is accepted) uses weight 1: the shortfalls
  are already in comparable units (each clause's own scale). The distance is 0 exactly
  when every calibrated clause holds, whatever the weights: a threshold of 0 means every
  accepted particle reproduces every calibrated pattern.

  Why not pyabc's class itself: it fits its weights on the sample it keeps in memory
  after a generation, and a calibration here starts every generation from the history
  alone (so that a resumed calibration takes the same steps as one that never stopped).
  `ClauseDistance` fits its weights in ``initialize`` from the last population stored in
  the history, which both paths see alike.
* Known answer (`StatisticDistance`): mean absolute difference of the statistics from the
  pseudo-observed ones (all on [0, 1]).

A failed particle (its runs raised) has distance infinity and is never accepted.
"""

from __future__ import annotations

import numpy as np
import pyabc

from experiments.studies.calibration.summaries import FAILED

MAX_RATIO = 50.0  # largest weight / smallest weight
SHORT = "short:"


def clause_keys(summary: dict, held_out: tuple[str, ...]) -> list[str]:
    """The shortfall keys of the calibrated clauses in a particle's summaries."""
    return sorted(k for k in summary if k.startswith(SHORT) and k[len(SHORT):].split(":", 1)[0] not in held_out)


def fit_weights(shortfalls: np.ndarray) -> np.ndarray:
    """Weights from a (particles, clauses) array of shortfalls (see the module docstring)."""
    scale = np.nanmean(np.where(np.isfinite(shortfalls), shortfalls, np.nan), axis=0) if len(shortfalls) else None
    if scale is None or not np.any(np.nan_to_num(scale) > 0):
        return np.ones(shortfalls.shape[1])
    scale = np.nan_to_num(scale)
    weights = np.zeros_like(scale)
    weights[scale > 0] = 1.0 / scale[scale > 0]
    weights[scale <= 0] = weights.max()
    weights = np.minimum(weights, MAX_RATIO * weights.min())
    return weights / weights.mean()


class ClauseDistance(pyabc.Distance):
    """Adaptive weighted sum of the calibrated clauses' shortfalls (module docstring)."""

    def __init__(self, held_out: tuple[str, ...]):
        self.held_out = tuple(held_out)
        self.keys: list[str] | None = None
        self.weights: dict[int, np.ndarray] = {}

    def initialize(self, t, get_sample, x_0, total_sims):  # noqa: ARG002 - pyabc's signature
        """Generation t's weights: 1 at t = 0, else fitted on generation t - 1 (the history's)."""
        if t == 0:
            self.weights[t] = None
            return
        particles = [p for p in get_sample().accepted_particles if not p.sum_stat.get(FAILED)]
        if not particles:
            self.weights[t] = None
            return
        self.keys = clause_keys(particles[0].sum_stat, self.held_out)
        values = np.array([[p.sum_stat.get(k, np.inf) for k in self.keys] for p in particles], dtype=float)
        self.weights[t] = fit_weights(values)

    def weights_at(self, t: int | None) -> np.ndarray | None:
        if not self.weights:
            return None
        if t in self.weights:
            return self.weights[t]
        return self.weights[max(self.weights)]

    def __call__(self, x: dict, x_0: dict, t: int | None = None, par: dict | None = None) -> float:  # noqa: ARG002
        if x.get(FAILED):
            return float("inf")
        keys = self.keys or clause_keys(x, self.held_out)
        values = np.array([x.get(k, np.inf) for k in keys], dtype=float)
        if not np.all(np.isfinite(values)):
            return float("inf")
        weights = self.weights_at(t)
        return float(values.sum() if weights is None else values @ weights)

    def get_config(self) -> dict:
        return {"name": "ClauseDistance", "held_out": list(self.held_out), "max_ratio": MAX_RATIO}


class StatisticDistance:
    """Mean absolute difference of the known-answer statistics (all on [0, 1])."""

    def __call__(self, x: dict, x_0: dict) -> float:
        if x.get(FAILED):
            return float("inf")
        keys = [k for k in x_0 if k.startswith("stat:")]
        return float(np.mean([abs(float(x[k]) - float(x_0[k])) for k in keys]))
