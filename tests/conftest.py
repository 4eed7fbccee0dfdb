"""Shared helpers: small scenarios built for one mechanism at a time."""

from __future__ import annotations

import numpy as np

from experiments.ensemble import replication_seeds
from model.inputs.scenario import Scenario, scenario_from_dict
from model.mesa_model.network_model import TrustNetworkModel


def small_scenario(orgs: list[dict] | None = None, events: list[dict] | None = None,
                   horizon: int = 104, **params) -> Scenario:
    """A four-party network (two care, one safety, one housing) unless ``orgs`` is given."""
    if orgs is None:
        orgs = [
            {"name": "chair", "domain": "safety", "role": "chair"},
            {"name": "care-a", "domain": "care"},
            {"name": "care-b", "domain": "care"},
            {"name": "housing", "domain": "housing"},
        ]
    data = {"name": "test", "horizon": horizon, "parameters": params, "organisations": orgs}
    if events:
        data["events"] = events
    return scenario_from_dict(data, source="test.toml")


def run_reps(scenario: Scenario, reps: int, root: int = 7, steps: int | None = None):
    """Run ``reps`` replications with common seeds; return the list of finished models."""
    models = []
    for seed in replication_seeds(root, reps):
        m = TrustNetworkModel(scenario=scenario, rng=seed, collect=False)
        m.run_for(scenario.horizon if steps is None else steps)
        models.append(m)
    return models


def pair_values(models, attr: str, i: int, j: int) -> np.ndarray:
    return np.array([getattr(m.state, attr)[0, i, j] for m in models])
