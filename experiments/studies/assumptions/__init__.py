"""The assumption ledger (`trustnet assumptions`): which invented numbers decide each answer.

Every assumption-labelled parameter of the model -- the mechanisms' numbers, the breach's
hypothesis and the interventions' effect sizes -- is screened with Morris elementary
effects (SALib) against every headline answer: the X - Y gap in intentional trust,
sharing and collaboration, each pattern's margin, and each intervention's effect on
collaboration and its rank in X and in Y. For each answer the ledger lists the assumptions
that decide it; across answers, the ones a field study should measure first (Saltelli et
al.'s sensitivity auditing: find the assumptions that carry the inference).

Modules: `design` (factors, Morris sample, design points), `answers` (a point's answers),
`ledger` (Morris indices, the decisive assumptions), `report` (figure and report),
`study` (`run_assumptions`).

May import: `experiments.ensemble`, `experiments.analysis`, `model`; no other study.
"""

from experiments.studies.assumptions.study import LedgerSizes, run_assumptions

__all__ = ["LedgerSizes", "run_assumptions"]
