"""The batched engine: advance a whole block of runs at once.

The Mesa model advances one run: `TrustNetworkModel.step` calls
`model.dynamics.advance_week` on arrays with a batch axis of size 1. This engine calls
the *same* function on arrays whose batch axis holds every run of a block that shares
a network structure (organisations, events, horizon), so each week costs one pass of
array operations for all those runs instead of one per run. There is no second copy of
any equation or of the order of the weekly process.

Random numbers: every run keeps its own generator, ``numpy.random.default_rng(seed)``,
exactly as the Mesa model's ``model.rng``, and each week draws its fixed block of
uniforms from it (`model.draws`). The blocks of the runs are stacked, so a run's
numbers -- and therefore its trajectory -- are the same bit for bit whichever engine
runs it and whichever other runs share its block.
"""

from __future__ import annotations

import json
import time
import traceback

import numpy as np

from experiments.simulate import RunResult
from model.draws import WeekDraws, draws_per_week
from model.dynamics import advance_week
from model.metrics import AGENT_METRICS, MODEL_METRICS, PAIR_METRICS, agent_metrics, model_metrics, pair_metrics
from model.scenario import Scenario
from model.state import initial_state
from model.structure import ParamBatch, Structure


def structure_key(scenario: Scenario, steps: int) -> str:
    """Runs with the same key can share one batch: same organisations, events, horizon and
    number of weeks run."""
    d = scenario.to_dict()
    return json.dumps([d["organisations"], d["events"], steps, d["horizon"], d["newcomer_spread"],
                       d["parameters"]["max_cases"]], sort_keys=True, default=str)


def simulate_batch(scenarios: list[Scenario], seeds: list[int], steps: int, pairs_every: int = 0,
                   record_agents: bool = True) -> list[RunResult]:
    """Run runs that share a structure together; one `RunResult` per run, in order."""
    st = Structure.from_scenario(scenarios[0])  # as the Mesa model builds it
    pb = ParamBatch([sc.params for sc in scenarios])
    state = initial_state(st, pb)
    b, n, s = len(scenarios), st.n, int(pb.max_cases[0])
    size = draws_per_week(n, s)
    generators = [np.random.default_rng(seed) for seed in seeds]
    flat = np.empty((b, size))

    mod = {k: np.empty((steps + 1, b)) for k in MODEL_METRICS}
    agt = {k: np.empty((steps + 1, b, n)) for k in AGENT_METRICS} if record_agents else {}
    pair_weeks = np.arange(0, steps + 1, pairs_every) if pairs_every > 0 else np.array([], dtype=int)
    prs = {k: np.empty((len(pair_weeks), b, n, n)) for k in PAIR_METRICS} if pairs_every > 0 else None

    def record(t: int) -> None:
        for k, v in model_metrics(state, st).items():
            mod[k][t] = v
        if record_agents:
            for k, v in agent_metrics(state, st).items():
                agt[k][t] = v
        if prs is not None and t % pairs_every == 0:
            for k, v in pair_metrics(state).items():
                prs[k][t // pairs_every] = v

    record(0)
    for t in range(1, steps + 1):
        for r, gen in enumerate(generators):
            gen.random(out=flat[r])
        advance_week(state, st, pb, WeekDraws.from_flat(flat, n, s))
        record(t)
    return [RunResult(seed=seeds[r], model={k: mod[k][:, r].copy() for k in MODEL_METRICS},
                      agents={k: agt[k][:, r].copy() for k in agt},
                      pairs={k: prs[k][:, r].copy() for k in PAIR_METRICS} if prs is not None else None,
                      pair_weeks=pair_weeks)
            for r in range(b)]


def batch_engine(scenarios: list[Scenario], seeds: list[int], steps: int | None, pairs_every: int,
                 record_agents: bool = True) -> list[RunResult | BaseException]:
    """Engine for the ensemble runner: group a block's runs by structure and batch each group.

    A group that raises is reported as failed for each of its runs (with the traceback);
    the other groups of the block are unaffected.
    """
    groups: dict[str, list[int]] = {}
    for i, sc in enumerate(scenarios):
        horizon = sc.horizon if steps is None else steps
        groups.setdefault(structure_key(sc, horizon), []).append(i)
    out: list[RunResult | BaseException] = [None] * len(scenarios)  # type: ignore[list-item]
    for members in groups.values():
        horizon = scenarios[members[0]].horizon if steps is None else steps
        start = time.perf_counter()
        try:
            results = simulate_batch([scenarios[i] for i in members], [seeds[i] for i in members], horizon,
                                     pairs_every, record_agents)
        except Exception as exc:  # noqa: BLE001 - failures are data
            exc.trace = traceback.format_exc()
            for i in members:
                out[i] = exc
            continue
        per_run = (time.perf_counter() - start) / len(members)
        for i, res in zip(members, results, strict=True):
            res.duration = per_run
            out[i] = res
    return out
