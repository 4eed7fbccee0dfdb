"""The Mesa model: one run of a trust network, stepped week by week.

`TrustNetworkModel` owns the state arrays (batch axis of size 1), draws its random-number
key from its own generator ``self.rng`` (`model.process.draws`) and steps through the compiled
weekly process (`model.process.kernel.advance`, the single implementation of the weekly process)
one week at a time.
Organisations are `Organisation` agents placed on a complete directed network
(`mesa.discrete_space.Network`): everybody at the table can trust everybody else.
"""

from __future__ import annotations

from functools import partial

import networkx as nx
from mesa import DataCollector, Model
from mesa.discrete_space import Network

from model.inputs.scenario import Scenario, load_scenario
from model.mesa_model.agents import Organisation
from model.process.draws import run_key
from model.process.kernel import advance
from model.process.metrics import AGENT_METRICS, MODEL_METRICS, agent_metrics, model_metrics
from model.process.state import initial_state
from model.process.structure import ParamBatch, Structure


class TrustNetworkModel(Model):
    """Trust and collaboration in a local care-and-safety network (one step = one week).

    Args:
        scenario: a `Scenario` (``load_scenario("x")``); default network X. Stored as
            ``model.spec`` (Mesa reserves ``model.inputs.scenario`` for its own experimental
            scenario object).
        rng: seed or generator; all randomness of the run flows from it.
        collect: keep a Mesa `DataCollector` with the model and agent metrics every
            week (the app and notebooks use it; ensembles record arrays instead).
    """

    def __init__(self, scenario: Scenario | None = None, rng=None, collect: bool = True) -> None:
        super().__init__(rng=rng)
        self.spec = scenario if scenario is not None else load_scenario("x")
        self.structure = Structure.from_scenario(self.spec)
        self.params = ParamBatch([self.spec.params])
        self.state = initial_state(self.structure, self.params)
        self.keys = run_key(self.rng).reshape(1, 2)  # all of the run's random numbers follow from it
        graph = nx.complete_graph(self.structure.n, create_using=nx.DiGraph)
        self.grid = Network(graph, random=self.random, layout=nx.circular_layout)
        cells = [self.grid[i] for i in range(self.structure.n)]
        for i in range(self.structure.n):
            Organisation(self, i, cells[i])
        self.metrics = self._compute_metrics()
        self.datacollector = None
        if collect:
            self.datacollector = DataCollector(
                model_reporters={name: partial(_model_metric, name) for name in MODEL_METRICS},
                agent_reporters={name: partial(_agent_metric, name) for name in AGENT_METRICS},
            )
            self.datacollector.collect(self)

    @property
    def week(self) -> int:
        return self.state.week

    def organisations(self) -> list[Organisation]:
        """Agents in scenario order."""
        return sorted(self.agents, key=lambda a: a.index)

    def _compute_metrics(self) -> dict[str, float]:
        values = model_metrics(self.state, self.structure)
        self.agent_values = agent_metrics(self.state, self.structure)
        return {k: float(v[0]) for k, v in values.items()}

    def step(self) -> None:
        advance(self.state, self.structure, self.params, self.keys, 1)
        self.metrics = self._compute_metrics()
        if self.datacollector is not None:
            self.datacollector.collect(self)
        if self.state.week >= self.spec.horizon:
            self.running = False


def _model_metric(name: str, model: TrustNetworkModel) -> float:
    """DataCollector reporter: one cached model metric (used through functools.partial)."""
    return model.metrics[name]


def _agent_metric(name: str, agent: Organisation) -> float:
    return float(agent.model.agent_values[name][0, agent.index])


__all__ = ["TrustNetworkModel"]
