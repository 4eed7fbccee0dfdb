"""The ABC-SMC run with pyabc: priors, models, distance, thresholds, and the history in
``DIR/history.db`` (SQLite) from which an interrupted calibration resumes.

A calibration is run once per seed; each seed is its own pyabc run in the one history
(pyabc's ``abc_id`` 1, 2, ... in the order of the seeds), created together when the
history is created. One generation per call of ``ABCSMC.run`` on a fresh ``ABCSMC``
loaded from the history: before each, numpy's global generator in this process is
seeded from ``(seed, generation)``, and every proposal is seeded by the
`OrderedSampler`. The transitions, the distance's weights and the threshold are refitted
from the history at the start of every generation, so a calibration that resumes from its
last completed generation and one that never stopped take the same steps: same seed,
same posterior.

The models share one population of ``population`` x (number of models) particles (pyabc's
model selection: a model's share of it follows its posterior probability). Thresholds:
generation 0 accepts every prior draw whose runs succeeded (threshold `ACCEPT_ALL`: it is
pyabc's calibration sample, kept as a population); each later threshold is the weighted
median of the previous generation's distances under the distance's new weights (pyabc
``QuantileEpsilon``, alpha 0.5), down to 0 (every calibrated clause holds in every
accepted particle), where the calibration stops.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyabc

from experiments.studies.calibration import owner
from experiments.studies.calibration.design import Calibration
from experiments.studies.calibration.distance import ClauseDistance, StatisticDistance
from experiments.studies.calibration.kernel import BoxNormalTransition
from experiments.studies.calibration.particles import ParticleModel, common_root
from experiments.studies.calibration.sampler import OrderedSampler, seed_global

MIN_ACCEPTANCE = 0.05  # a generation accepting fewer of its proposals ends the calibration (at 20 x its population)
MAIN_PROCESS = 2**31  # proposal number reserved for the main process's own draws
HISTORY = owner.HISTORY
ACCEPT_ALL = 1e300  # generation 0's threshold: any finite distance (a failed particle's is infinite)
class MedianThreshold(pyabc.QuantileEpsilon):
    """pyabc's weighted-median threshold, recomputed from the history when a run starts.

    With a fixed initial threshold, ``QuantileEpsilon`` does not look at the history when
    a run is continued: a loaded calibration would restart at the initial threshold.
    Here the threshold of generation t > 0 is always the weighted median of generation
    t - 1's distances, whether that generation was just sampled or read back.
    """

    def __init__(self):
        super().__init__(initial_epsilon=ACCEPT_ALL, alpha=0.5, weighted=True)

    def initialize(self, t, get_weighted_distances, get_all_records, max_nr_populations, acceptor_config):
        if t > 0:
            self._update(t, get_weighted_distances())


def priors(calib: Calibration) -> pyabc.Distribution:
    """Uniform priors over the calibrated factors' bounds (the same for every model)."""
    return pyabc.Distribution(**{f.name: pyabc.RV("uniform", f.low, f.high - f.low) for f in calib.calibrated})


def build(calib: Calibration, sampler: OrderedSampler) -> pyabc.ABCSMC:
    """The ABC-SMC of one seed (``calib.seed``)."""
    mode = "truth" if calib.truth else "patterns"
    root = common_root(calib.seed)
    models = [ParticleModel(name, switches, calib.reps, root, calib.patterns, mode)
              for name, switches in calib.models.items()]
    distance = StatisticDistance() if calib.truth else ClauseDistance(calib.hold_out)
    bounds = {f.name: (f.low, f.high) for f in calib.calibrated}
    return pyabc.ABCSMC(
        [pyabc.FunctionModel(m, name=m.name) for m in models], [priors(calib) for _ in models],
        distance if calib.truth is None else pyabc.FunctionDistance(distance),
        population_size=calib.total_population, sampler=sampler,
        transitions=[BoxNormalTransition(bounds) for _ in models],
        eps=MedianThreshold())


def for_seed(calib: Calibration, seed: int) -> Calibration:
    """The calibration of one of its seeds."""
    return dataclasses.replace(calib, seed=seed, n_seeds=1)


def start_history(calib: Calibration, sampler_for, out: Path, observed: dict, truth_meta: dict | None,
                  identity: str) -> None:
    """Create ``out/history.db`` with one pyabc run per seed (``abc_id`` in the seeds'
    order), atomically and stamped as this calibration's (`owner`), unless a calibration
    there has begun. ``sampler_for(seed)`` gives a seed's sampler."""
    if not (out / HISTORY).exists():
        meta = truth_meta or {}

        def make(url):
            for seed in calib.seeds:
                build(for_seed(calib, seed), sampler_for(seed)).new(
                    url, observed, gt_model=meta.get("model"), gt_par=meta.get("parameters"))
        owner.create(out, calib.fingerprint(), identity, make)


def run_generations(calib: Calibration, sampler: OrderedSampler, out: Path, generations: int, abc_id: int = 1,
                    on_generation=None) -> tuple[str, pyabc.ABCSMC]:
    """Run one seed's calibration (``calib`` = `for_seed`, its pyabc run ``abc_id``) until
    ``generations`` populations exist; returns why it stopped, and an ABCSMC loaded with
    the history. Every generation starts from the history alone (a fresh ABCSMC loads
    it), so an uninterrupted calibration and a resumed one are the same code path."""
    db = f"sqlite:///{out / HISTORY}"
    while True:
        smc = build(calib, sampler)
        history = smc.load(db, abc_id)
        t = history.max_t + 1
        if t > generations:  # a calibration is continued, never shortened
            return (f"{t} generations done (more than the {generations} asked for; the posterior is "
                    f"generation {t - 1}'s)"), smc
        if t == generations:
            return f"{generations} generations done", smc
        if t > 0 and float(history.get_all_populations().sort_values("t").epsilon.iloc[-1]) <= 0:
            return "threshold 0 reached: every calibrated clause holds in every accepted particle", smc
        seed_global(calib.seed, t, MAIN_PROCESS)
        smc.run(minimum_epsilon=0.0, max_nr_populations=1, min_acceptance_rate=MIN_ACCEPTANCE)
        if history.max_t < t:
            return (f"generation {t} stopped: fewer than {MIN_ACCEPTANCE:.0%} of its proposals were "
                    "accepted (the threshold is as low as this population can reach)"), smc
        if on_generation is not None:
            on_generation(t)
