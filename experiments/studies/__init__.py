"""The studies, one package each; every one is design -> run (through the ensemble
runner) -> analyse -> report, as separable functions.

* `contrast` -- network X against network Y: the pattern scorecard, ablations, sweeps
  and the Shapley decomposition of the gap (`trustnet contrast`);
* `variants` -- the theory variants T1-T8 and update rules against the patterns
  (`trustnet variants`);
* `policy` -- the study's recommendations I1-I6 as what-if interventions
  (`trustnet policy`);
* `sensitivity` -- global sensitivity analysis with SALib (`trustnet sa`);
* `calibration` -- ABC-SMC posterior of the parameters and theory variants given the
  patterns (`trustnet calibrate`);
* `run` -- the report and figure of one network's replications (`trustnet run`);
* `check` -- a scenario validated and each of its settings screened for an effect
  (`trustnet check`).

A study may import `model`, `experiments.ensemble` and `experiments.analysis`; studies
do not import each other, and nothing here imports `experiments.cli`.
"""
