"""A block of runs: the unit of execution sent to a worker.

A worker receives a `BlockTask` (scenarios, run specs, recording options), runs it with
an *engine* and returns a `BlockResult` of plain DataFrames -- never a model. An engine
is a function ``engine(scenarios, seeds, steps, pairs_every, record_agents) ->
list[RunResult | BaseException]`` that runs a whole block: ``batch`` (default) groups
the block's runs by network structure and advances each group at once
(`model.process.engines.simulate_batch`); ``mesa`` runs them one by one through the Mesa model
(`model.process.engines.simulate`). Both give the same numbers. A run that raises is returned as
its exception and recorded as failed with its traceback; the block goes on. Other
engines (the sensitivity study's analytical test functions, the tests' fault-injecting
engines) are named as ``module:function`` and must be marked with `engine`: any other
function is refused, so ``--engine json:dumps`` is one line, not a block of failures.

Both engines declare each run (Mesa) or group of runs (batched) as they start it
(`supervised.declare_work`), so that ``--run-timeout`` stops a hung run that many
seconds after it started, whatever the size of its block.
"""

from __future__ import annotations

import importlib
import re
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from experiments.ensemble.design import RunSpec
from experiments.ensemble.supervised import declare_work
from experiments.ensemble.tables import agent_frame, model_frame, pair_frame
from model.inputs.scenario import Scenario
from model.process.engines import RunResult, simulate, simulate_batch, structure_key

Engine = Callable[..., list]


def engine(function: Engine) -> Engine:
    """Mark ``function`` as an engine that ``--engine module:function`` may name."""
    function.trustnet_engine = True
    return function


@engine
def mesa_engine(scenarios: list[Scenario], seeds: list[int], steps: int | None,
                pairs_every: int, record_agents: bool = True) -> list[RunResult | BaseException]:
    """Run each run of the block through the Mesa model, one after the other."""
    out: list[RunResult | BaseException] = []
    for scenario, seed in zip(scenarios, seeds, strict=True):
        declare_work(1)
        try:
            start = time.perf_counter()
            result = simulate(scenario, seed, steps, pairs_every, record_agents)
            result.duration = time.perf_counter() - start
            out.append(result)
        except Exception as exc:  # noqa: BLE001 - failures are data
            exc.trace = traceback.format_exc()
            out.append(exc)
    return out


def structure_keys(runs: list[tuple[Scenario, int]]) -> list[str]:
    """`model.process.engines.structure_key` of each (scenario, weeks), computed once for the
    scenarios that plainly share a structure: design points that override parameters
    only keep their base scenario's organisations and events (the same objects), and
    serialising a scenario for its key cost more than running it."""
    cache: dict = {}
    out = []
    for sc, weeks in runs:
        try:
            quick = (id(sc.organisations), id(sc.events), sc.timeline, sc.breach, weeks,
                     sc.horizon, sc.newcomer_spread, sc.params.max_cases)
            hash(quick)
        except TypeError:  # an unhashable setting: no shortcut
            out.append(structure_key(sc, weeks))
            continue
        if quick not in cache:
            cache[quick] = structure_key(sc, weeks)
        out.append(cache[quick])
    return out


@engine
def batch_engine(scenarios: list[Scenario], seeds: list[int], steps: int | None, pairs_every: int,
                 record_agents: bool = True) -> list[RunResult | BaseException]:
    """Group a block's runs by network structure and advance each group at once.

    A group that raises is reported as failed for each of its runs (with the traceback);
    the other groups of the block are unaffected.
    """
    groups: dict[str, list[int]] = {}
    keys = structure_keys([(sc, sc.horizon if steps is None else steps) for sc in scenarios])
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    out: list[RunResult | BaseException] = [None] * len(scenarios)  # type: ignore[list-item]
    for members in groups.values():
        horizon = scenarios[members[0]].horizon if steps is None else steps
        declare_work(len(members))
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


ENGINES: dict[str, Engine] = {"batch": batch_engine, "mesa": mesa_engine}


def resolve_engine(name: str) -> Engine:
    """``batch``, ``mesa`` or a ``module:function`` path (analytical test functions, and the
    tests' fault-injecting engines)."""
    if name in ENGINES:
        return ENGINES[name]
    module, _, func = name.partition(":")
    if not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", module) or not func.isidentifier():
        raise ValueError(f"unknown engine {name[:60]!r} (choose from {', '.join(ENGINES)}, or module:function "
                         "naming an engine)")
    try:
        function = getattr(importlib.import_module(module), func, None)
    except ImportError as exc:
        raise ValueError(f"cannot import {module[:60]!r} ({exc.msg[:80] if exc.msg else exc})") from None
    if not getattr(function, "trustnet_engine", False):
        raise ValueError(f"{name[:60]!r} is not a trustnet engine (choose from {', '.join(ENGINES)})")
    return function


@dataclass
class BlockTask:
    block_id: int
    runs: list[RunSpec]
    scenarios: list[Scenario]  # one per run
    steps: int | None
    record_agents: bool
    pairs_every: int
    engine: str = "batch"
    part: int = 0  # 0: a whole block; k > 0: its k-th run retried alone


@dataclass
class BlockResult:
    block_id: int
    runs: pd.DataFrame
    model: pd.DataFrame | None
    agents: pd.DataFrame | None
    pairs: pd.DataFrame | None


def run_block(task: BlockTask) -> BlockResult:
    """Execute one block (in a worker process, a Dask worker, or in-process)."""
    engine = resolve_engine(task.engine)
    start = time.perf_counter()
    seeds = [r.seed for r in task.runs]
    try:
        results = engine(task.scenarios, seeds, task.steps, task.pairs_every, task.record_agents)
    except Exception as exc:  # noqa: BLE001 - an engine failure fails the whole block
        exc.trace = traceback.format_exc()
        results = [exc] * len(task.runs)
    block_time = time.perf_counter() - start
    rows, ok_runs, ok_results, ok_scenarios = [], [], [], []
    for spec, scenario, res in zip(task.runs, task.scenarios, results, strict=True):
        failed = isinstance(res, BaseException)
        rows.append({
            "run": spec.run_id, "point": spec.point, "replication": spec.replication,
            "seed": spec.seed, "status": "failed" if failed else "ok",
            "duration": getattr(res, "duration", block_time / len(task.runs)),
            "error": (getattr(res, "trace", None) or repr(res)) if failed else "",
        })
        if not failed:
            ok_runs.append(spec.run_id)
            ok_results.append(res)
            ok_scenarios.append(scenario)
    runs = pd.DataFrame(rows)
    runs["seed"] = runs["seed"].astype("uint64")
    model = agents = pairs = None
    if ok_results:
        model = model_frame(ok_results, ok_runs)
        groups = _same_organisations(ok_scenarios) if task.record_agents or task.pairs_every > 0 else []
        if task.record_agents:
            agents = pd.concat([agent_frame(ok_results[a:b], ok_runs[a:b], ok_scenarios[a]) for a, b in groups],
                               ignore_index=True)
        if task.pairs_every > 0:
            pairs = pd.concat([pair_frame(ok_results[a:b], ok_runs[a:b], ok_scenarios[a]) for a, b in groups],
                              ignore_index=True)
    return BlockResult(task.block_id, runs, model, agents, pairs)


def _same_organisations(scenarios: list[Scenario]) -> list[tuple[int, int]]:
    """Runs ``a`` .. ``b`` - 1 that follow each other with the same organisations (their
    rows are built at once)."""
    def names(sc: Scenario) -> tuple:
        return tuple((o.name, o.domain, o.respondent) for o in sc.organisations)

    bounds, previous = [0], None
    for k, sc in enumerate(scenarios):
        current = names(sc) if k == 0 or sc is not scenarios[k - 1] else previous
        if k and current != previous:
            bounds.append(k)
        previous = current
    return list(zip(bounds, [*bounds[1:], len(scenarios)], strict=True))
