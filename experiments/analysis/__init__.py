"""What several studies share, read off the ensemble's tables.

* `outcomes` -- a metric per replication, "the value at the horizon", means with 95%
  intervals, Wilson intervals of shares;
* `patterns` -- the study's patterns P1-P7 as quantitative criteria (docs/patterns.md);
* `scorecard` -- the probe design points those criteria need, each pattern's ablation
  switch, and the scorecard of a study's tables;
* `theory` -- naming the theory variants a study compares (``T1=literature``, ...);
* `figures` -- saving figures, and a mean with its band.

May import: `model`, `experiments.ensemble` and third-party packages. Never
`experiments.studies` or `experiments.cli`.
"""
