"""How a run is driven: two engines over one compiled weekly process.

Both engines run the weekly process through `model.process.kernel` (the compiled loop over
`model.process.dynamics.advance_week`) and record the same metrics into a `RunResult`:

* `simulate` -- the **Mesa engine**: one run through `TrustNetworkModel` (the Mesa
  model, its agents and its own generator ``model.rng``), week by week;
* `simulate_batch` -- the **batched engine**: a whole block of runs that share a
  network structure (organisations, events, horizon) advanced in one compiled call for
  their whole horizon.

Random numbers: every run's numbers are a function of its key, which is drawn from its
own generator, ``numpy.random.default_rng(seed)`` (what ``Model(rng=seed)`` builds), and
of the decision they serve (`model.process.draws`). A run's trajectory is therefore the same bit
for bit whichever engine runs it and whichever other runs share its block.

A result is plain arrays (never a pickled model), so it can be sent back from a worker
process cheaply; turning results into tables and running blocks of them is the ensemble
runner's job (`experiments.ensemble`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from model.inputs.scenario import Scenario
from model.process.draws import block_keys
from model.process.kernel import advance
from model.process.metrics import AGENT_METRICS, MODEL_METRICS, PAIR_METRICS, Recorder
from model.process.state import initial_state
from model.process.structure import ParamBatch, Structure


@dataclass
class RunResult:
    """Time series of one run: arrays with the week on the first axis."""

    seed: int
    model: dict[str, np.ndarray]  # name -> (T + 1,)
    agents: dict[str, np.ndarray]  # name -> (T + 1, N)
    pairs: dict[str, np.ndarray] | None  # name -> (K, N, N) at weeks `pair_weeks`
    pair_weeks: np.ndarray
    duration: float = 0.0  # seconds of computation


def results(rec: Recorder, seeds: list[int]) -> list[RunResult]:
    """One `RunResult` per run of a recorded block, in order."""
    agents = rec.agents.shape[0] > 0
    return [RunResult(seed=seeds[r], model={k: rec.model[:, r, m].copy() for m, k in enumerate(MODEL_METRICS)},
                      agents={k: rec.agents[:, r, m].copy() for m, k in enumerate(AGENT_METRICS)} if agents else {},
                      pairs={k: rec.pairs[:, r, m].copy() for m, k in enumerate(PAIR_METRICS)}
                      if rec.pairs_every > 0 else None,
                      pair_weeks=rec.pair_weeks)
            for r in range(rec.b)]


def simulate(scenario: Scenario, seed: int, steps: int | None = None,
             pairs_every: int = 0, record_agents: bool = True) -> RunResult:
    """The Mesa engine: one replication through `TrustNetworkModel`, every week recorded."""
    from model.mesa_model.network_model import TrustNetworkModel  # Mesa only where it is used (worker start-up)

    steps = scenario.horizon if steps is None else steps
    model = TrustNetworkModel(scenario=scenario, rng=seed, collect=False)
    rec = Recorder(steps, 1, model.structure.n, pairs_every, record_agents)
    rec.record(0, model.state)
    for t in range(1, steps + 1):
        model.step()
        rec.record(t, model.state)
    return results(rec, [seed])[0]


def structure_key(scenario: Scenario, steps: int) -> str:
    """Runs with the same key can share one batch: same organisations, events, timeline,
    horizon and number of weeks run."""
    d = scenario.to_dict()
    return json.dumps([d["organisations"], d["events"], d["timeline"], d["breach"], steps, d["horizon"],
                       d["newcomer_spread"], d["parameters"]["max_cases"]], sort_keys=True, default=str)


def simulate_batch(scenarios: list[Scenario], seeds: list[int], steps: int, pairs_every: int = 0,
                   record_agents: bool = True) -> list[RunResult]:
    """The batched engine: runs that share a structure advanced together in one compiled
    call; one `RunResult` per run, in order."""
    st = Structure.from_scenario(scenarios[0])  # as the Mesa model builds it
    pb = ParamBatch([sc.params for sc in scenarios])
    state = initial_state(st, pb)
    rec = Recorder(steps, len(scenarios), st.n, pairs_every, record_agents)
    rec.record(0, state)
    advance(state, st, pb, block_keys(seeds), steps, rec)
    return results(rec, seeds)


def warm_up() -> None:
    """Compile the kernel, or load it from the on-disk cache, in this process (once): call
    before starting worker processes, so that each finds the cache instead of compiling."""
    global _WARM
    if _WARM:
        return
    from model.inputs.scenario import load_scenario  # noqa: PLC0415

    simulate_batch([load_scenario("x")], [0], 2, 1, True)
    _WARM = True


_WARM = False
