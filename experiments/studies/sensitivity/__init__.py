"""The sensitivity study (`trustnet sa`): global sensitivity analysis with SALib on the
ensemble runner.

Factors come from a TOML file (default: `factors.toml` in this package); SALib draws
the design (Sobol/Saltelli sequence, Morris trajectories, Latin hypercube for PAWN);
the design points run through the ensemble runner (parallel, distributed, resumable,
failure-tolerant) with R replications each; the replication mean per point is the
model output analysed by SALib. Stochasticity is reported, not hidden: for every output
the share of its variance that is replication noise (the mean within-point variance
over the total variance of all runs) is written beside the indices. A convergence check
recomputes the indices on the first half of the sample.

The same command runs SALib's analytical test functions (``--model ishigami``,
``--model sobol-g``) through the same runner, so the pipeline can be checked against
known indices.

Modules: `analytic` (test functions with known indices, as engines of the runner),
`design` (factors, samples), `indices` (analysis, noise share, convergence), `report`,
`study` (`run_sa`).
"""

from experiments.studies.sensitivity.design import function_factors, load_factors
from experiments.studies.sensitivity.study import run_sa

__all__ = ["function_factors", "load_factors", "run_sa"]
