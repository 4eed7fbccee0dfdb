"""The calibration study (`trustnet calibrate`): the region of parameters consistent with
the patterns, and the theory variants compared with their parameters integrated out.

Approximate Bayesian computation by sequential Monte Carlo (pyabc). First a screening
stage (Morris, per model) keeps the candidate factors the calibrated patterns respond
to; then, once per seed, ABC-SMC with uniform priors over them, each particle a block of R
replications of X, Y and the probes the calibrated criteria need at the seed's common
replication seeds, the distance an adaptively weighted sum of the calibrated clauses'
shortfalls (0: every calibrated clause holds), thresholds falling to 0 generation by
generation. The baseline and each requested variant compete as models (posterior model
probabilities per generation and seed, Bayes factors, which pairs they decide). Fresh
posterior predictive simulations check the held-out patterns and the respondent checks,
give each model's joint share of the calibrated patterns, and test whether the factors the
screening left at their defaults matter; pseudo-data attributed back check the model
choice; for undecided pairs, observables a field study could measure are ranked by how
well they separate them. ``--truth`` replaces the patterns by pseudo-observed summaries
at known parameters (the known-answer check). The history is pyabc's SQLite database: an
interrupted calibration resumes from its last completed generation.

Modules, design -> run -> analyse -> report: `design` (priors, models, held-out patterns,
seeds, truth, fingerprint), `simulate` (a particle's runs in memory), `summaries`
(clause estimates and shortfalls, statistics, respondent checks, observables),
`distance` (the adaptive clause distance), `particles` (a model as pyabc calls it, the
common replication seeds), `screen` (the screening stage), `kernel` (the perturbation
kernel), `sampler` (seed-determined sampling on any executor, each proposal's own
generator), `abc` (the ABC-SMC runs and their history), `owner` (the history belongs to
its directory: created whole, checked before a resume), `history` (posteriors, model
probabilities, effective sample sizes, constraints), `evidence` (Bayes factors),
`agreement` (do the seeds agree), `predictive` (posterior predictive simulations and
checks), `choice` (the model choice check), `measure` (what to measure next),
`figures`, `report`, `study` (`run_calibration`).

May import `model`, `experiments.ensemble`, `experiments.analysis` and third-party
packages (pyabc); no other study, never `experiments.cli`.
"""

from experiments.studies.calibration.design import (
    DEFAULT_HOLD_OUT,
    Calibration,
    acting_variants,
    calibration_factors,
    competing_models,
    held_out_patterns,
    load_truth,
)
from experiments.studies.calibration.study import CalibrationResult, run_calibration

__all__ = ["DEFAULT_HOLD_OUT", "Calibration", "CalibrationResult", "acting_variants", "calibration_factors",
           "competing_models", "held_out_patterns", "load_truth", "run_calibration"]
