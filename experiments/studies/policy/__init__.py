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
"""

from experiments.studies.policy.study import run_policy

__all__ = ["run_policy"]
