"""The ensemble runner: running many simulations, and nothing about any study.

What a study asks of it: a design (`Study`: a base scenario, design points of parameter
overrides, replications, a root seed), an executor (`ExecutorSpec`: serial, a process
pool, or a Dask cluster) and a results directory. What it gives back: the tables
(`load`, `Tables`) -- Parquet datasets of weekly model, organisation and pair metrics
and one row per run -- written resumably, block by block, with failures recorded as
data.

Modules, from the bottom up: `store` (atomic files, manifests), `ownership` (one writer
per results directory, its kind of study, no results nested in another study's),
`parts` (a table's parts, committed with a record of their rows and checksums, verified
when read), `design` (studies, run specs, seeds), `factors` (uncertain factors from a
factor file), `tables` (run results as DataFrames), `blocks` (a block of runs in either
engine of `model.process.engines`), `supervised` (watched worker processes, timeouts per run),
`executors` (`Workers`: in-process, worker processes chosen from the work, or Dask),
`budget` (a command's work estimated and bounded before it starts), `runner`
(`execute`, resume that verifies), `results` (`load`, `Tables`), `posterior` (weighted
draws of a calibration's posterior as design points).

May import: `model` and third-party packages. Never `experiments.analysis`,
`experiments.studies` or `experiments.cli`.
"""

from experiments.ensemble.design import RunSpec, Study, replication_seeds
from experiments.ensemble.executors import ExecutorSpec, Workers
from experiments.ensemble.results import Results, Tables, load
from experiments.ensemble.runner import RunSummary, StudyError, execute

__all__ = ["ExecutorSpec", "Results", "RunSpec", "RunSummary", "Study", "StudyError", "Tables", "Workers",
           "execute", "load", "replication_seeds"]
