"""The perturbation kernel of ABC-SMC: pyabc's multivariate normal, in units of the
priors' widths and with a floor on its variance.

pyabc's ``MultivariateNormalTransition`` fails here in two ways. The factors' ranges
differ by four orders of magnitude (``damage_forgetting`` up to 0.03, ``max_cases`` up
to 200), so the fitted covariance is ill-conditioned and scipy's singular-matrix
cut-off gives proposals a density of 0; and a model left with one particle (or copies
of one) has a zero covariance. Either way pyabc divides by a zero density and stops on
NaN weights. This kernel works in coordinates scaled by each prior's width, takes the
weighted sample covariance times Silverman's bandwidth factor squared (pyabc's
default), adds `FLOOR` squared to the diagonal, and computes densities with its own
Cholesky factor. Any kernel with full support keeps ABC-SMC's importance weights
correct; the floor only keeps every model able to move. Random numbers come from
numpy's global generator, like pyabc's own kernels (the sampler seeds it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyabc
from pyabc.transition import Transition
from pyabc.transition.multivariatenormal import silverman_rule_of_thumb

FLOOR = 0.02  # least perturbation sd of a factor, as a share of its prior's width


class ScaledNormalTransition(Transition):
    def __init__(self, widths: dict[str, float]):
        self.widths = dict(widths)

    def fit(self, X: pd.DataFrame, w: np.ndarray) -> None:  # noqa: N803 - pyabc's signature
        self._scale = np.array([self.widths[c] for c in X.columns], dtype=float)
        self._z = X.to_numpy(dtype=float) / self._scale
        self._w = np.asarray(w, dtype=float) / np.sum(w)
        dim = self._z.shape[1]
        if len(self._z) > 1:
            cov = np.atleast_2d(np.cov(self._z, rowvar=False, aweights=self._w))
        else:
            cov = np.zeros((dim, dim))
        ess = 1.0 / np.sum(self._w ** 2)
        cov = np.nan_to_num(cov) * silverman_rule_of_thumb(ess, dim) ** 2 + FLOOR ** 2 * np.eye(dim)
        self._chol = np.linalg.cholesky(cov)
        self._log_norm = (-np.log(np.diag(self._chol)).sum() - 0.5 * dim * np.log(2 * np.pi)
                          - np.log(self._scale).sum())

    def rvs_single(self) -> pyabc.Parameter:
        i = np.random.choice(len(self._z), p=self._w)
        z = self._z[i] + self._chol @ np.random.standard_normal(self._z.shape[1])
        return pyabc.Parameter(dict(zip(self.X.columns, z * self._scale, strict=True)))

    def pdf(self, x):
        if isinstance(x, pd.DataFrame):
            return np.array([self._pdf(row) for row in x[self.X.columns].to_numpy(dtype=float)])
        return self._pdf(np.array([x[c] for c in self.X.columns], dtype=float))

    def _pdf(self, x: np.ndarray) -> float:
        d = (x / self._scale - self._z).T  # (dim, n)
        m = np.linalg.solve(self._chol, d)
        return float((self._w * np.exp(self._log_norm - 0.5 * (m ** 2).sum(axis=0))).sum())
