"""A pyabc sampler whose populations depend on the seed only, not on the executor.

pyabc's own parallel samplers (multicore, Dask) reseed every worker from the operating
system's entropy (``np.random.seed()`` in ``pyabc/sampler/multicore*.py``), so the same
seed gives a different posterior on 1, 2 or 20 workers. This sampler numbers the
proposals of a generation 0, 1, 2, ...; proposal j of generation t runs with streams
derived from ``SeedSequence(seed, spawn_key=(t + 1, j))``; proposals are evaluated in
waves on any `concurrent.futures.Executor` (serial, a process pool, a Dask client) and
accepted in the order of their numbers until the population is full. The result is
the same whatever the executor and its size, and a generation rerun after an
interruption repeats exactly. The price is a few proposals evaluated beyond the last
one needed in a wave; they are discarded, and not counted as evaluations.

Two streams per proposal:

* **ours** -- `proposal_generator()`, a ``numpy.random.Generator`` of the proposal's own
  (key ``(t + 1, j, 0)``), for every draw this package makes (the perturbation kernel);
* **pyabc's** -- pyabc draws the model to propose, and prior samples in generation 0,
  from numpy's (and Python's) global generator, which it offers no way to replace. It is
  seeded here, per proposal, from key ``(t + 1, j)`` before pyabc runs, so those draws
  are determined by ``--seed`` too; nothing else in a calibration uses the global
  generator (the particles' replications have seeds of their own).
"""

from __future__ import annotations

import random

import cloudpickle
import numpy as np
from pyabc.sampler import Sampler

_CACHE: dict[int, object] = {}  # per worker process: the generation's unpickled simulate_one


_OURS: list[np.random.Generator] = []  # per process: the generator of the proposal being evaluated


def seed_global(seed: int, t: int, j: int) -> None:
    """Before proposal j of generation t: seed pyabc's global generators and give the
    proposal its own generator (`proposal_generator`)."""
    state = np.random.SeedSequence(seed, spawn_key=(t + 1, j)).generate_state(2)
    np.random.seed(state)
    random.seed(int(state[0]))
    _OURS[:] = [np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(t + 1, j, 0)))]


def proposal_generator() -> np.random.Generator:
    """The random-number generator of the proposal being evaluated (`seed_global`)."""
    if not _OURS:
        raise RuntimeError("no proposal is being evaluated: seed_global was not called")
    return _OURS[0]


def evaluate(payload: bytes, key: int, seed: int, t: int, j: int):
    """Run one proposal in a worker: unpickle the generation's simulate_one (once per
    generation and process), seed, simulate."""
    simulate_one = _CACHE.get(key)
    if simulate_one is None:
        _CACHE.clear()
        simulate_one = _CACHE[key] = cloudpickle.loads(payload)
    seed_global(seed, t, j)
    return simulate_one()


class OrderedSampler(Sampler):
    """Deterministic ABC-SMC sampling on an executor (see the module docstring)."""

    def __init__(self, executor, workers: int, seed: int, wave: int | None = None):
        super().__init__()
        self.executor, self.seed = executor, seed
        self.wave = wave or max(1, 2 * workers)

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False,
                                ana_vars=None):  # noqa: ARG002 - part of pyabc's interface
        payload = cloudpickle.dumps(simulate_one)
        key = hash((self.seed, t, payload))
        sample = self._create_empty_sample()
        accepted = evaluated = 0
        j = 0
        while accepted < n and evaluated < max_eval:
            size = int(min(self.wave, max_eval - j)) if np.isfinite(max_eval) else self.wave
            futures = [self.executor.submit(evaluate, payload, key, self.seed, t, j + k) for k in range(size)]
            j += size
            for future in futures:
                if accepted >= n or evaluated >= max_eval:
                    future.cancel()
                    continue
                particle = future.result()
                evaluated += 1
                sample.append(particle)
                accepted += bool(particle.accepted)
        self.nr_evaluations_ = evaluated
        if sample.n_accepted < n:
            sample.ok = False
        return sample
