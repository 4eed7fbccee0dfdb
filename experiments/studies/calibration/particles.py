"""A competing model as pyabc sees it: parameters in, summary statistics out.

`ParticleModel` is a plain picklable callable (so it travels to process-pool and Dask
workers): it adds the model's variant switches to the proposed parameters and simulates
the particle (`simulate`) with the calibration's *common* replication seeds: every
particle of every model in one seed's calibration runs the same R replications
(`common_root`), so that differences between particles are differences of parameters,
not of random numbers, and acceptance does not select on noise. A particle whose runs
fail reports ``failed`` and is never accepted (its distance is infinite). It draws no
random numbers of its own.
"""

from __future__ import annotations

import numpy as np

from experiments.studies.calibration.design import PATTERN_IDS
from experiments.studies.calibration.simulate import simulate_particle
from experiments.studies.calibration.summaries import (
    FAILED,
    observables,
    pattern_summaries,
    respondent_summaries,
    truth_summaries,
)

ROOT_HIGH = 2**63 - 1
COMMON_KEY = 2**21  # spawn key of a seed's common replication root (proposals use (t + 1, j), predictive (0, ...))


def root_of(seed: int, *key: int) -> int:
    """A root seed for a block of replications, from ``SeedSequence(seed, spawn_key=key)``."""
    return int(np.random.SeedSequence(seed, spawn_key=key).generate_state(1, np.uint64)[0] % np.uint64(ROOT_HIGH))


def common_root(seed: int) -> int:
    """The root of the replication seeds every particle of a seed's calibration shares."""
    return root_of(seed, COMMON_KEY)


class ParticleModel:
    """``mode`` "patterns" (the clauses of ``patterns``) or "truth" (known-answer statistics)."""

    def __init__(self, name: str, switches: dict, reps: int, root: int, patterns: tuple[str, ...],
                 mode: str = "patterns"):
        self.name, self.switches, self.reps, self.root, self.patterns, self.mode = (
            name, dict(switches), reps, root, tuple(patterns), mode)
        self.__name__ = name  # pyabc names a model after its function

    def __call__(self, parameters) -> dict:
        return summarise({**self.switches, **dict(parameters)}, self.root, self.reps, self.mode, self.patterns)


def summarise(overrides: dict, root: int, reps: int, mode: str, patterns: tuple[str, ...]) -> dict:
    """The summary statistics of one particle (``{"failed": 1.0}`` if a run failed)."""
    try:
        tables = simulate_particle(overrides, root, reps, patterns,
                                   groups=("main", "probes") if mode == "patterns" else ("main",))
    except RuntimeError:
        return {FAILED: 1.0}
    if mode == "patterns":
        return pattern_summaries(tables["main"], tables["probes"], patterns)
    return truth_summaries(tables["main"])


def predictive_one(overrides: dict, root: int, reps: int, mode: str) -> tuple[dict, dict, dict]:
    """One posterior predictive draw (run in a worker): its summaries over every pattern and
    the respondent checks (pattern mode) or the statistics (truth mode), its observables,
    and the respondent checks' claims by key."""
    tables = simulate_particle(overrides, root, reps, PATTERN_IDS if mode == "patterns" else (),
                               respondents=mode == "patterns")
    if mode != "patterns":
        return truth_summaries(tables["main"]), observables(tables["main"]), {}
    checks, claims = respondent_summaries(tables["main"])
    return {**pattern_summaries(tables["main"], tables["probes"]), **checks}, observables(tables["main"]), claims
