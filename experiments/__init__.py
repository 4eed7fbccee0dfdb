"""Running many simulations, and the studies built on them.

Three layers, each importing only from the ones before it (and from `model`):

* `experiments.ensemble` -- the ensemble runner: designs, executors (serial, process
  pool, Dask), resumable results directories, the tables;
* `experiments.analysis` -- what several studies share: outcomes at the horizon with
  intervals, the study's patterns P1-P7 as criteria and the probes they need, figures;
* `experiments.studies` -- one package per study (contrast, variants, policy,
  sensitivity), each design -> run -> analyse -> report;

and `experiments.cli`, the `trustnet` command, on top.
"""

from experiments.ensemble import ExecutorSpec, Results, RunSpec, RunSummary, Study, StudyError, execute, load

__all__ = ["ExecutorSpec", "Results", "RunSpec", "RunSummary", "Study", "StudyError", "execute", "load"]
