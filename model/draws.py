"""The random numbers one week consumes, in one fixed layout.

Every stochastic decision of a week reads a uniform number from a `WeekDraws`. The
numbers are drawn as *one* block of ``draws_per_week(n, s)`` uniforms per run and week,
always the same count in the same order, whatever happens in the run. This gives three
properties the experiments rely on:

* **one seed, one trajectory** -- the run's generator (the Mesa model's ``model.rng``)
  is the only source of randomness;
* **common random numbers** -- a policy or parameter change never shifts which number
  serves which purpose, so paired comparisons stay paired;
* **engine equivalence** -- a batched engine that stacks the same per-run blocks
  reproduces the Mesa model's trajectories exactly.

Draws that a week does not need (no meeting, no free case slot) are drawn anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np


def layout(n: int, s: int) -> list[tuple[str, tuple[int, ...]]]:
    """(name, shape) of each draw for ``n`` organisations and ``s`` case slots."""
    return [
        ("presence", (n,)),          # representative present / reachable this week
        ("input", (n,)),             # an absent member's information reaches the meeting anyway
        ("arrivals", ()),            # number of new cases (inverse Poisson CDF)
        ("need", (s, n)),            # which organisations a new case in slot s needs
        ("outsiders", ()),           # outsiders attend this meeting
        ("informal", ()),            # an informal contact moment this week
        ("act", (s, n)),             # capacity: an agreed action is carried out
        ("effort", (s, n)),          # effort: the action is not left undone (free-riding)
        ("report", (s, n)),          # a done action is reported back
        ("contact", (n, n)),         # i contacts j outside the meeting
        ("channel", (n, n)),         # the general address gets i through to j
        ("routine", (n, n)),         # a successful contact becomes a fixed contact
        ("backup", (n, n)),          # a stall teaches i a back-up contact at j
        ("opportunity", (n,)),       # the member has a private use for shared data
        ("victim", (n, n)),          # i's shared data are the ones j uses (diagonal: the
                                     # privacy officer stops j's attempt, intervention I2)
        ("detect", (n, n)),          # i finds out that j misused its data
        ("turnover", (n,)),          # the representative leaves
        ("newcomer", (n,)),          # the newcomer's goal alignment
    ]


@lru_cache(maxsize=64)
def _slices(n: int, s: int) -> tuple[tuple[str, int, int, tuple[int, ...]], ...]:
    """(name, start, stop, shape) of each draw within a run's block of uniforms."""
    out, pos = [], 0
    for name, shape in layout(n, s):
        size = int(np.prod(shape))
        out.append((name, pos, pos + size, shape))
        pos += size
    return tuple(out)


def draws_per_week(n: int, s: int) -> int:
    return _slices(n, s)[-1][2]


@dataclass
class WeekDraws:
    """Uniform numbers in [0, 1) for one week of B runs; each field has shape (B, ...)."""

    presence: np.ndarray
    input: np.ndarray
    arrivals: np.ndarray
    need: np.ndarray
    outsiders: np.ndarray
    informal: np.ndarray
    act: np.ndarray
    effort: np.ndarray
    report: np.ndarray
    contact: np.ndarray
    channel: np.ndarray
    routine: np.ndarray
    backup: np.ndarray
    opportunity: np.ndarray
    victim: np.ndarray
    detect: np.ndarray
    turnover: np.ndarray
    newcomer: np.ndarray

    @classmethod
    def from_flat(cls, flat: np.ndarray, n: int, s: int) -> WeekDraws:
        """Split a (B, draws_per_week) array into named views."""
        b = flat.shape[0]
        slices = _slices(n, s)
        if slices[-1][2] != flat.shape[1]:
            raise ValueError(f"expected {slices[-1][2]} draws per run and week, got {flat.shape[1]}")
        return cls(**{name: flat[:, a:z].reshape((b,) + shape) for name, a, z, shape in slices})


class RunDraws:
    """Draws for a single run from its own generator (the Mesa model's source)."""

    def __init__(self, rng: np.random.Generator, n: int, s: int):
        self.rng, self.n, self.s = rng, n, s
        self.size = draws_per_week(n, s)

    def next_week(self) -> WeekDraws:
        return WeekDraws.from_flat(self.rng.random((1, self.size)), self.n, self.s)


def poisson_cdf(lam: np.ndarray, kmax: int = 60) -> np.ndarray:
    """(B, kmax + 1) Poisson CDF per run, for `poisson_quantile`."""
    lam = np.asarray(lam, dtype=float)
    k = np.arange(kmax + 1)
    log_pmf = -lam[:, None] + k[None, :] * np.log(np.maximum(lam[:, None], 1e-300)) \
        - np.cumsum(np.log(np.maximum(k, 1)))[None, :]
    cdf = np.cumsum(np.exp(log_pmf), axis=1)
    cdf[lam == 0] = 1.0
    return cdf


def poisson_quantile(u: np.ndarray, cdf: np.ndarray) -> np.ndarray:
    """Inverse Poisson CDF: the count k with CDF(k-1) <= u < CDF(k), per run.

    Using one uniform per draw (rather than ``rng.poisson``) keeps the number of draws
    independent of the rate, which the fixed layout needs.
    """
    return (u[:, None] >= cdf).sum(axis=1)
