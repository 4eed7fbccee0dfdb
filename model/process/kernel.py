"""The compiled driver: a whole block of runs over many weeks in one call.

`run_weeks` advances every run of a block through the weekly process
(`model.process.dynamics.advance_week`) week after week, and records the metrics of every week
(`model.process.metrics.measure`) without returning to Python. The batched engine calls it once
for a block's whole horizon; the Mesa model calls it for one week of its block of one.
Runs are advanced one after the other (each run's weeks in order): a run's numbers do
not depend on the other runs of its block.

Compiled functions are cached on disk (``cache=True``, numba's ``__pycache__``), so a
machine compiles once; `model.process.engines.warm_up` compiles (or loads) everything before
worker processes start, so that they find the cache.
"""

from __future__ import annotations

import numpy as np

from model.process.compiled import entry
from model.process.dynamics import advance_week, new_week
from model.process.metrics import Recorder, measure
from model.process.state import State
from model.process.structure import ParamBatch, Structure


@entry
def run_weeks(s, st, p, cdf, keys, first, weeks, w, model_out, agent_out, pair_out, pairs_every):
    """Advance each run of the block from week ``first - 1`` through ``first + weeks - 1``,
    recording each week (see `model.process.metrics.measure`; an empty ``model_out``: no record).
    ``w``: scratch space (`model.process.dynamics.new_week`)."""
    for b in range(keys.shape[0]):
        for week in range(first, first + weeks):
            advance_week(s, st, p[b], cdf[b], keys[b], b, week, w)
            if model_out.shape[0] > 0:
                measure(s, b, week, model_out, agent_out, pair_out, pairs_every)


def advance(state: State, st: Structure, pb: ParamBatch, keys: np.ndarray, weeks: int,
            recorder: Recorder | None = None) -> None:
    """Advance every run of the block by ``weeks`` weeks (in place), recording each week
    into ``recorder`` if given."""
    arrays = recorder.arrays if recorder is not None else _NO_RECORD
    w = new_week(st.n, state.kernel.case_open.shape[1])
    run_weeks(state.kernel, st.kernel, pb.kernel, pb.arrival_cdf, keys, state.week + 1, weeks, w, *arrays)
    state.week += weeks


_NO_RECORD = (np.zeros((0, 0, 0)), np.zeros((0, 0, 0, 0)), np.zeros((0, 0, 0, 0, 0)), 0)
