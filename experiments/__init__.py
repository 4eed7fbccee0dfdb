"""Running many simulations, and the studies built on them."""

from experiments.design import RunSpec, Study
from experiments.executors import ExecutorSpec
from experiments.results import Results, load
from experiments.runner import RunSummary, StudyError, execute

__all__ = ["ExecutorSpec", "Results", "RunSpec", "RunSummary", "Study", "StudyError", "execute", "load"]
