"""The policy study (`trustnet policy`): what if the network adopted the study's
recommendations?

For each scenario, the baseline and each intervention (by default the six of the study,
each alone, and all together, plus any combination asked for) run with common random
numbers: replication i of every design point uses the same seed, so each effect is a
paired difference (intervention - baseline) per replication, with a 95% interval over
replications. Outcomes are read at the horizon: trust, sharing and collaboration as the
mean of the last 13 weeks, cases resolved and stalls as cumulative counts.

Modules: `design`, `effects` (paired effects and costs), `report` (forest plots and
report), `study` (`run_policy`).

The robust analysis (``--uncertain FILE --samples M``) repeats the design in every draw
of the uncertain parameters: `robust_design` (draws and points), `robustness` (per-draw
effects; p_positive, p_best, regret), `acceptability` (cost-effectiveness acceptability
curves), `discovery` (PRIM failure boxes and feature scores, EMA Workbench),
`robust_figures`, `robust_report`, `robust_study` (`run_robust`, which takes the draws as
a list of override dicts).
"""

from experiments.studies.policy.study import run_policy

__all__ = ["run_policy"]
