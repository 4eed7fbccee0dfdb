"""A competing model as pyabc sees it: parameters in, summary statistics out.

`ParticleModel` is a plain picklable callable (so it travels to process-pool and Dask
workers): it adds the model's variant switches to the proposed parameters, draws the
particle's root seed from numpy's global generator -- which the sampler has seeded for
this proposal from ``--seed`` -- and simulates the particle (`simulate`). A particle
whose runs fail reports ``failed`` and is never accepted (its distance is infinite).
"""

from __future__ import annotations

import numpy as np

from experiments.studies.calibration.simulate import simulate_particle
from experiments.studies.calibration.summaries import FAILED, pattern_summaries, truth_summaries

ROOT_HIGH = 2**63 - 1


class ParticleModel:
    """``mode`` "patterns" (margins of the criteria) or "truth" (known-answer statistics)."""

    def __init__(self, name: str, switches: dict, reps: int, mode: str = "patterns"):
        self.name, self.switches, self.reps, self.mode = name, dict(switches), reps, mode
        self.__name__ = name  # pyabc names a model after its function

    def __call__(self, parameters) -> dict:
        root = int(np.random.randint(0, ROOT_HIGH, dtype=np.int64))
        return summarise({**self.switches, **dict(parameters)}, root, self.reps, self.mode)


def summarise(overrides: dict, root: int, reps: int, mode: str) -> dict:
    """The summary statistics of one particle (``{"failed": 1.0}`` if a run failed)."""
    groups = ("main", "probes") if mode == "patterns" else ("main",)
    try:
        tables = simulate_particle(overrides, root, reps, groups)
    except RuntimeError:
        return {FAILED: 1.0}
    if mode == "patterns":
        return pattern_summaries(tables["main"], tables["probes"])
    return truth_summaries(tables["main"])
