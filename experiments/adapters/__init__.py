"""Adapters: trustnet as a model of other frameworks, so their users can apply their own
samplers, analyses and searches to it.

* `ema` -- trustnet as an EMA Workbench model (`ema_model`): uncertainties from a factor
  file, levers from the intervention options, outcomes from the model metrics.

May import: `model`, `experiments.ensemble`, `experiments.analysis` and third-party
packages. Never `experiments.studies` or `experiments.cli` (the studies and the adapters
stand side by side and do not import each other).
"""
