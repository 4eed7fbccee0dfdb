"""The calibration study (`trustnet calibrate`): the region of parameters consistent with
the patterns, and the theory variants compared with their parameters integrated out.

Approximate Bayesian computation by sequential Monte Carlo (pyabc): uniform priors over
a factor file's bounds (default `factors.toml`: the assumption-labelled parameters),
each particle a block of R paired replications of X, Y and the probes the pattern
criteria need, the distance the summed margins of the criteria (0: every criterion
holds), thresholds falling to 0 generation by generation. The baseline and each
requested variant compete as models (posterior model probabilities per generation).
Held-out patterns are checked on fresh posterior predictive simulations; for variants
the patterns cannot separate, observables a field study could measure are ranked by
how well they separate them. ``--truth`` replaces the patterns by pseudo-observed
summaries at known parameters (the known-answer check). The history is pyabc's SQLite
database: an interrupted calibration resumes from its last completed generation.

Modules, design -> run -> analyse -> report: `design` (priors, models, held-out
patterns, truth, fingerprint), `simulate` (a particle's runs in memory), `summaries`
(margins, statistics, observables, distances), `particles` (a model as pyabc calls it),
`sampler` (seed-determined sampling on any executor), `abc` (the ABC-SMC run and its
history), `owner` (the history belongs to its directory: created whole, checked before a resume),
`history` (posterior, model probabilities, constraints), `predictive`
(posterior predictive simulations and checks), `measure` (what to measure next),
`report`, `study` (`run_calibration`).

May import `model`, `experiments.ensemble`, `experiments.analysis` and third-party
packages (pyabc); no other study, never `experiments.cli`.
"""

from experiments.studies.calibration.design import (
    Calibration,
    calibration_factors,
    competing_models,
    held_out_patterns,
    load_truth,
)
from experiments.studies.calibration.study import CalibrationResult, run_calibration

__all__ = ["Calibration", "CalibrationResult", "calibration_factors", "competing_models", "held_out_patterns",
           "load_truth", "run_calibration"]
