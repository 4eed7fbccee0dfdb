"""The variants study (`trustnet variants`): which theory variants reproduce the patterns?

Pattern-oriented comparison (Grimm et al. 2005): for the baseline (the study's side of
every pair) and each variant switched on one at a time (T1-T8 on the literature's side,
the alternative trust update rules, and pairs a user asks for), the uncertain
parameters are sampled over their ranges (Latin hypercube, SALib), X and Y and the
pattern probes are run at every sample point, and the contrast experiment's criteria
(docs/patterns.md) score P1-P7. A variant's *share* for a pattern is the share of
sample points at which the pattern is reproduced; "all" is the share reproducing all
seven at once. Intervals are Wilson 95% intervals over the sample points.

Modules: `design` (variants, sample, points), `verdict` (shares and verdict), `report`
(heatmap and report), `study` (`run_variants`).
"""

from experiments.studies.variants.design import default_variants, parse_variant
from experiments.studies.variants.study import VariantSizes, run_variants

__all__ = ["VariantSizes", "default_variants", "parse_variant", "run_variants"]
