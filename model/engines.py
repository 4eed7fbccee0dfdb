"""How a run is driven: two engines over one weekly process.

Both engines call `model.dynamics.advance_week`, the single implementation of the
weekly process, and record the same metrics into a `RunResult`:

* `simulate` -- the **Mesa engine**: one run through `TrustNetworkModel` (the Mesa
  model, its agents and its own generator ``model.rng``), week by week;
* `simulate_batch` -- the **batched engine**: a whole block of runs that share a
  network structure (organisations, events, horizon) advanced together, the batch axis
  of the state holding one run each, so each week costs one pass of array operations
  for all of them.

Random numbers: every run keeps its own generator, ``numpy.random.default_rng(seed)``
(which is what ``Model(rng=seed)`` builds), and each week draws its fixed block of
uniforms from it (`model.draws`). The blocks of a batch are stacked, so a run's numbers
-- and therefore its trajectory -- are the same bit for bit whichever engine runs it and
whichever other runs share its block.

A result is plain arrays (never a pickled model), so it can be sent back from a worker
process cheaply; turning results into tables and running blocks of them is the ensemble
runner's job (`experiments.ensemble`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from model.draws import WeekDraws, draws_per_week
from model.dynamics import advance_week
from model.metrics import AGENT_METRICS, MODEL_METRICS, PAIR_METRICS, agent_metrics, model_metrics, pair_metrics
from model.scenario import Scenario
from model.state import State, initial_state
from model.structure import ParamBatch, Structure


@dataclass
class RunResult:
    """Time series of one run: arrays with the week on the first axis."""

    seed: int
    model: dict[str, np.ndarray]  # name -> (T + 1,)
    agents: dict[str, np.ndarray]  # name -> (T + 1, N)
    pairs: dict[str, np.ndarray] | None  # name -> (K, N, N) at weeks `pair_weeks`
    pair_weeks: np.ndarray
    duration: float = 0.0  # seconds of computation


class Recorder:
    """Records the metrics of a block of B runs every week (and pairs every K weeks).

    Without ``record_agents`` the organisation-level series are not computed, which
    saves time in large sweeps.
    """

    def __init__(self, steps: int, b: int, n: int, pairs_every: int = 0, record_agents: bool = True):
        self.b, self.pairs_every, self.record_agents = b, pairs_every, record_agents
        self.model = {k: np.empty((steps + 1, b)) for k in MODEL_METRICS}
        self.agents = {k: np.empty((steps + 1, b, n)) for k in AGENT_METRICS} if record_agents else {}
        self.pair_weeks = np.arange(0, steps + 1, pairs_every) if pairs_every > 0 else np.array([], dtype=int)
        self.pairs = ({k: np.empty((len(self.pair_weeks), b, n, n)) for k in PAIR_METRICS}
                      if pairs_every > 0 else None)

    def record(self, t: int, state: State, st: Structure) -> None:
        for k, v in model_metrics(state, st).items():
            self.model[k][t] = v
        if self.record_agents:
            for k, v in agent_metrics(state, st).items():
                self.agents[k][t] = v
        if self.pairs is not None and t % self.pairs_every == 0:
            for k, v in pair_metrics(state).items():
                self.pairs[k][t // self.pairs_every] = v

    def results(self, seeds: list[int]) -> list[RunResult]:
        """One `RunResult` per run of the block, in order."""
        return [RunResult(seed=seeds[r], model={k: v[:, r].copy() for k, v in self.model.items()},
                          agents={k: v[:, r].copy() for k, v in self.agents.items()},
                          pairs={k: v[:, r].copy() for k, v in self.pairs.items()} if self.pairs is not None
                          else None,
                          pair_weeks=self.pair_weeks)
                for r in range(self.b)]


def simulate(scenario: Scenario, seed: int, steps: int | None = None,
             pairs_every: int = 0, record_agents: bool = True) -> RunResult:
    """The Mesa engine: one replication through `TrustNetworkModel`, every week recorded."""
    from model.network_model import TrustNetworkModel  # Mesa only where it is used (worker start-up)

    steps = scenario.horizon if steps is None else steps
    model = TrustNetworkModel(scenario=scenario, rng=seed, collect=False)
    rec = Recorder(steps, 1, model.structure.n, pairs_every, record_agents)
    rec.record(0, model.state, model.structure)
    for t in range(1, steps + 1):
        model.step()
        rec.record(t, model.state, model.structure)
    return rec.results([seed])[0]


def structure_key(scenario: Scenario, steps: int) -> str:
    """Runs with the same key can share one batch: same organisations, events, timeline,
    horizon and number of weeks run."""
    d = scenario.to_dict()
    return json.dumps([d["organisations"], d["events"], d["timeline"], d["breach"], steps, d["horizon"],
                       d["newcomer_spread"], d["parameters"]["max_cases"]], sort_keys=True, default=str)


def simulate_batch(scenarios: list[Scenario], seeds: list[int], steps: int, pairs_every: int = 0,
                   record_agents: bool = True) -> list[RunResult]:
    """The batched engine: runs that share a structure advanced together; one `RunResult`
    per run, in order."""
    st = Structure.from_scenario(scenarios[0])  # as the Mesa model builds it
    pb = ParamBatch([sc.params for sc in scenarios])
    state = initial_state(st, pb)
    b, n, s = len(scenarios), st.n, int(pb.max_cases[0])
    generators = [np.random.default_rng(seed) for seed in seeds]
    flat = np.empty((b, draws_per_week(n, s)))
    rec = Recorder(steps, b, n, pairs_every, record_agents)
    rec.record(0, state, st)
    for t in range(1, steps + 1):
        for r, gen in enumerate(generators):
            gen.random(out=flat[r])
        advance_week(state, st, pb, WeekDraws.from_flat(flat, n, s))
        rec.record(t, state, st)
    return rec.results(seeds)
