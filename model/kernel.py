"""The compiled driver: a whole block of runs over many weeks in one call.

`run_weeks` advances every run of a block through the weekly process
(`model.dynamics.advance_week`) week after week, and records the metrics of every week
(`model.metrics.measure`) without returning to Python. The batched engine calls it once
for a block's whole horizon; the Mesa model calls it for one week of its block of one.
Runs are advanced one after the other (each run's weeks in order): a run's numbers do
not depend on the other runs of its block.

Compiled functions are cached on disk (``cache=True``, numba's ``__pycache__``), so a
machine compiles once; `warm_up` compiles (or loads) everything before worker processes
start, so that they find the cache.
"""

from __future__ import annotations

import numpy as np

from model.compiled import entry
from model.dynamics import advance_week, new_week
from model.metrics import AGENT_METRICS, MODEL_METRICS, PAIR_METRICS, measure
from model.state import State
from model.structure import ParamBatch, Structure


@entry
def run_weeks(s, st, p, cdf, keys, first, weeks, w, model_out, agent_out, pair_out, pairs_every):
    """Advance each run of the block from week ``first - 1`` through ``first + weeks - 1``,
    recording each week (see `model.metrics.measure`; an empty ``model_out``: no record).
    ``w``: scratch space (`model.dynamics.new_week`)."""
    for b in range(keys.shape[0]):
        for week in range(first, first + weeks):
            advance_week(s, st, p[b], cdf[b], keys[b], b, week, w)
            if model_out.shape[0] > 0:
                measure(s, b, week, model_out, agent_out, pair_out, pairs_every)


@entry
def record_week(s, t, model_out, agent_out, pair_out, pairs_every):
    """Record week ``t`` of every run of the block."""
    for b in range(model_out.shape[1]):
        measure(s, b, t, model_out, agent_out, pair_out, pairs_every)


class Recorder:
    """The metrics of a block of B runs every week (and pairs every K weeks), as arrays.

    Without ``record_agents`` the organisation-level series are not computed, which
    saves time in large sweeps.
    """

    def __init__(self, steps: int, b: int, n: int, pairs_every: int = 0, record_agents: bool = True):
        self.b, self.pairs_every = b, pairs_every
        self.model = np.zeros((steps + 1, b, len(MODEL_METRICS)))
        self.agents = np.zeros((steps + 1, b, len(AGENT_METRICS), n) if record_agents else (0, b, 0, n))
        self.pair_weeks = np.arange(0, steps + 1, pairs_every) if pairs_every > 0 else np.array([], dtype=int)
        self.pairs = np.zeros((len(self.pair_weeks), b, len(PAIR_METRICS), n, n))

    @property
    def arrays(self) -> tuple:
        return self.model, self.agents, self.pairs, self.pairs_every

    def record(self, t: int, state: State) -> None:
        record_week(state.kernel, t, *self.arrays)


def advance(state: State, st: Structure, pb: ParamBatch, keys: np.ndarray, weeks: int,
            recorder: Recorder | None = None) -> None:
    """Advance every run of the block by ``weeks`` weeks (in place), recording each week
    into ``recorder`` if given."""
    arrays = recorder.arrays if recorder is not None else _NO_RECORD
    w = new_week(st.n, state.kernel.case_open.shape[1])
    run_weeks(state.kernel, st.kernel, pb.kernel, pb.arrival_cdf, keys, state.week + 1, weeks, w, *arrays)
    state.week += weeks


_NO_RECORD = (np.zeros((0, 0, 0)), np.zeros((0, 0, 0, 0)), np.zeros((0, 0, 0, 0, 0)), 0)


def warm_up() -> None:
    """Compile the kernel, or load it from the on-disk cache, in this process (once): call
    before starting worker processes, so that each finds the cache instead of compiling."""
    global _WARM
    if _WARM:
        return
    from model.engines import simulate_batch  # noqa: PLC0415 - engines imports this module
    from model.scenario import load_scenario  # noqa: PLC0415

    simulate_batch([load_scenario("x")], [0], 2, 1, True)
    _WARM = True


_WARM = False
