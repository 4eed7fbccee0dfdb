"""The ABC-SMC run with pyabc: priors, models, distance, thresholds, and the history in
``DIR/history.db`` (SQLite) from which an interrupted calibration resumes.

One generation per call of ``ABCSMC.run``: before each, numpy's global generator in
this process is seeded from ``(seed, generation)``, and every proposal is seeded by the
`OrderedSampler`. pyabc refits the transitions and the threshold from the history at
the start of every call, so a calibration that resumes from its last completed
generation and one that never stopped take the same steps: same seed, same posterior.

Thresholds: generation 0 accepts every prior draw whose runs succeeded (threshold
`ACCEPT_ALL`: it is pyabc's calibration sample, kept as a population); each later threshold is the weighted median
of the previous generation's distances (pyabc ``QuantileEpsilon``, alpha 0.5), down to
0 (every criterion in the distance holds), where the calibration stops.
"""

from __future__ import annotations

from pathlib import Path

import pyabc

from experiments.studies.calibration.design import Calibration
from experiments.studies.calibration.particles import ParticleModel
from experiments.studies.calibration.sampler import OrderedSampler, seed_global
from experiments.studies.calibration.summaries import PatternDistance, StatisticDistance

MIN_ACCEPTANCE = 0.02  # a generation accepting fewer of its proposals ends the calibration
MAIN_PROCESS = 2**31  # proposal number reserved for the main process's own draws
HISTORY = "history.db"
ACCEPT_ALL = 1e300  # generation 0's threshold: any finite distance (a failed particle's is infinite)


def priors(calib: Calibration) -> pyabc.Distribution:
    """Uniform priors over the factors' bounds (the same for every model)."""
    return pyabc.Distribution(**{f.name: pyabc.RV("uniform", f.low, f.high - f.low) for f in calib.factors})


def build(calib: Calibration, sampler: OrderedSampler) -> pyabc.ABCSMC:
    mode = "truth" if calib.truth else "patterns"
    models = [ParticleModel(name, switches, calib.reps, mode) for name, switches in calib.models.items()]
    distance = StatisticDistance() if calib.truth else PatternDistance(calib.hold_out)
    return pyabc.ABCSMC(
        [pyabc.FunctionModel(m, name=m.name) for m in models], [priors(calib) for _ in models],
        pyabc.FunctionDistance(distance), population_size=calib.population, sampler=sampler,
        eps=pyabc.QuantileEpsilon(initial_epsilon=ACCEPT_ALL, alpha=0.5, weighted=True))


def open_history(abc: pyabc.ABCSMC, out: Path, observed: dict, truth_meta: dict | None) -> pyabc.History:
    """Continue the history in ``out`` if there is one, else start it."""
    path = out / HISTORY
    db = f"sqlite:///{path}"
    if path.exists():
        return abc.load(db, 1)
    meta = truth_meta or {}
    return abc.new(db, observed, gt_model=meta.get("model"), gt_par=meta.get("parameters"))


def run_generations(abc: pyabc.ABCSMC, history: pyabc.History, generations: int, seed: int,
                    on_generation=None) -> str:
    """Run until ``generations`` populations exist; returns why it stopped."""
    while history.max_t + 1 < generations:
        t = history.max_t + 1
        if t > 0 and float(history.get_all_populations().sort_values("t").epsilon.iloc[-1]) <= 0:
            return "threshold 0 reached: every criterion in the distance holds in every particle"
        seed_global(seed, t, MAIN_PROCESS)
        abc.run(minimum_epsilon=0.0, max_nr_populations=1, min_acceptance_rate=MIN_ACCEPTANCE)
        if history.max_t < t:
            return (f"generation {t} stopped: fewer than {MIN_ACCEPTANCE:.0%} of its proposals were "
                    "accepted (the threshold is as low as this population can reach)")
        if on_generation is not None:
            on_generation(t)
    return f"{generations} generations done"
