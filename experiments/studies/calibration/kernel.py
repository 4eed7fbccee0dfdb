"""The perturbation kernel of ABC-SMC: a Gaussian per factor, in units of the priors'
widths, truncated to the prior box, with a floor on its width.

pyabc's ``MultivariateNormalTransition`` fails here. The factors' ranges differ by four
orders of magnitude (``damage_forgetting`` up to 0.03, ``max_cases`` up to 200), so the
fitted covariance is ill-conditioned and scipy's singular-matrix cut-off gives
proposals a density of 0; a model left with one particle has a zero covariance; and
with fewer particles per model than factors (46 by default) the covariance is singular,
the kernel is narrow in the missing directions, each proposal's density is dominated
by its own parent and the importance weights degenerate (an effective sample size near
1 from the first generation in a trial with 20 particles). A diagonal kernel as wide
as the population in every direction avoids that, but untruncated in 46 dimensions
almost every proposal leaves the prior box somewhere (pyabc then redraws it, for ever).

So: in coordinates scaled by each prior's width, each factor's variance is `SPREAD` (2)
times the population's weighted variance, plus `FLOOR` squared, each coordinate a normal
truncated to the prior's bounds. Twice the weighted variance is Beaumont, Cornuet, Marin
& Robert's (2009, Biometrika 96:983) ABC population Monte Carlo kernel. pyabc's default,
Silverman's bandwidth (about 0.45 times the variance for 17 factors and a thousand
particles), is a density estimator's choice; as a proposal it is too narrow in many
dimensions: the log importance weight prior / proposal of a particle drawn near its
parent varies with the chi-square of its own perturbation, so the weights spread over
orders of magnitude (in a trial with 46 factors the effective sample size fell from 220
to 9 and 1 in two generations). For a posterior roughly normal with covariance S and a
proposal with covariance (1 + k) S, the log weight varies with sd sqrt(d / 2) / (1 + k):
for d = 17, about 2.0 with Silverman's k = 0.45 (an effective sample size of about 2%
of the particles) and about 1.0 with k = 2 (about 40%). The price is a lower acceptance
rate. The density is exact (the truncation's normalisation per particle and factor is
part of it), so ABC-SMC's importance weights stay correct. Random numbers come from the generator the sampler gives
the proposal being evaluated (`sampler.proposal_generator`), seeded from ``--seed``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyabc
from pyabc.transition import Transition
from scipy.special import ndtr, ndtri

from experiments.studies.calibration.sampler import proposal_generator

FLOOR = 0.02  # least perturbation sd of a factor, as a share of its prior's width
SPREAD = 2.0  # the kernel's variance over the population's weighted variance (Beaumont et al. 2009)


class BoxNormalTransition(Transition):
    def __init__(self, bounds: dict[str, tuple[float, float]]):
        self.bounds = dict(bounds)

    def fit(self, X: pd.DataFrame, w: np.ndarray) -> None:  # noqa: N803 - pyabc's signature
        low = np.array([self.bounds[c][0] for c in X.columns], dtype=float)
        high = np.array([self.bounds[c][1] for c in X.columns], dtype=float)
        self._low, self._scale = low, high - low
        self._z = (X.to_numpy(dtype=float) - low) / self._scale  # the prior box is [0, 1]^d
        self._w = np.asarray(w, dtype=float) / np.sum(w)
        mean = self._w @ self._z
        var = self._w @ (self._z - mean) ** 2
        self._sd = np.sqrt(SPREAD * var + FLOOR ** 2)
        # per particle and factor: the normal's mass inside the box, as bounds of uniforms
        self._a = ndtr((0.0 - self._z) / self._sd)
        self._b = ndtr((1.0 - self._z) / self._sd)
        self._log_mass = np.log(np.maximum(self._b - self._a, 1e-300))

    def rvs_single(self) -> pyabc.Parameter:
        rng = proposal_generator()
        i = rng.choice(len(self._z), p=self._w)
        u = self._a[i] + rng.random(self._z.shape[1]) * (self._b[i] - self._a[i])
        z = np.clip(self._z[i] + self._sd * ndtri(np.clip(u, 1e-16, 1 - 1e-16)), 0.0, 1.0)
        return pyabc.Parameter(dict(zip(self.X.columns, self._low + z * self._scale, strict=True)))

    def pdf(self, x):
        if isinstance(x, pd.DataFrame):
            return np.array([self._pdf(row) for row in x[self.X.columns].to_numpy(dtype=float)])
        return self._pdf(np.array([x[c] for c in self.X.columns], dtype=float))

    def _pdf(self, x: np.ndarray) -> float:
        z = (x - self._low) / self._scale
        if np.any(z < 0) or np.any(z > 1):
            return 0.0
        d = (z - self._z) / self._sd  # (n, dim)
        log_k = (-0.5 * d ** 2 - 0.5 * np.log(2 * np.pi) - np.log(self._sd) - self._log_mass).sum(axis=1)
        log_k -= np.log(self._scale).sum()
        top = log_k.max()
        return float(np.exp(top) * (self._w * np.exp(log_k - top)).sum())


