"""A study: design points x replications of a scenario, with one seed per run.

Designs come from elsewhere (an explicit table, SALib, scipy.stats.qmc); a `Study`
only enumerates its runs. Each design point is a dict of overrides of the base scenario;
the special key ``scenario`` switches the base scenario (``x``, ``y``, a path) for that
point, which is how the X-versus-Y studies are expressed. A study that builds scenarios
of its own (the contrast study's X/Y hybrids) passes a ``resolve`` function that turns
such a name into a `Scenario`; the name, not the function, is what the manifest records.

Seeds: with common random numbers (the default) replication i of every design point
uses the same seed, ``SeedSequence(root).spawn(reps)[i]``; without, each (point,
replication) has its own child ``SeedSequence(root, spawn_key=(point, replication))``.

Scenario-specific overrides (``x.sharing_risk``, see `experiments.ensemble.factors`)
apply only to the points whose base scenario has that name.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from experiments.ensemble.factors import scoped
from experiments.ensemble.store import model_code_hash
from model.inputs.interventions import outside_horizon
from model.inputs.scenario import Scenario, ScenarioError, load_scenario


@dataclass(frozen=True)
class RunSpec:
    run_id: int
    point: int
    replication: int
    seed: int


@dataclass(frozen=True)
class Study:
    """Everything that determines a study's numbers (not how it is executed)."""

    scenario: Scenario
    points: tuple[dict[str, Any], ...] = ({},)
    reps: int = 10
    seed: int = 20221
    crn: bool = True
    steps: int | None = None
    record_agents: bool = True
    pairs_every: int = 0
    kind: str = "run"
    extra: dict[str, Any] = field(default_factory=dict)  # study-specific facts for the manifest
    model: str = "trustnet"  # or an analytical test function ("ishigami", "sobol-g")
    # turns a design point's "scenario" value into a Scenario (not part of the fingerprint)
    resolve: Callable[[str], Scenario] = field(default=load_scenario, compare=False, repr=False)

    def __post_init__(self):
        if self.reps < 1:
            raise ScenarioError(f"a study needs at least one replication, got {self.reps}")
        if not self.points:
            raise ScenarioError("a study needs at least one design point")

    def point_scenarios(self) -> list[Scenario] | list[dict]:
        """The resolved scenario of each design point (validated; raises ScenarioError).

        For an analytical test function the "scenario" of a point is its input values.
        """
        if self.model != "trustnet":
            return [{k: v for k, v in p.items() if k not in RESERVED} for p in self.points]
        out = []
        for k, point in enumerate(self.points):
            base = self.scenario
            if "scenario" in point:
                base = self.resolve(point["scenario"])
            overrides = scoped({key: v for key, v in point.items() if key not in RESERVED}, base.name)
            try:
                scenario = base.with_overrides(overrides) if overrides else base
            except ScenarioError as exc:
                raise ScenarioError(f"design point {k}: {exc}") from None
            never = outside_horizon(scenario.params, self.steps or scenario.horizon)
            if never:  # e.g. --steps shorter than an intervention's start
                raise ScenarioError(f"design point {k} ({point.get('label', scenario.name)}): {never}")
            out.append(scenario)
        return out

    def runs(self) -> list[RunSpec]:
        crn_seeds = replication_seeds(self.seed, self.reps) if self.crn else None
        out = []
        for p in range(len(self.points)):
            for r in range(self.reps):
                seed = crn_seeds[r] if crn_seeds is not None else point_seed(self.seed, p, r)
                out.append(RunSpec(run_id=p * self.reps + r, point=p, replication=r, seed=seed))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "scenario": self.scenario.to_dict(),
            "points": [dict(p) for p in self.points],
            "reps": self.reps,
            "root_seed": self.seed,
            "crn": self.crn,
            "steps": self.steps,
            "record_agents": self.record_agents,
            "pairs_every": self.pairs_every,
            "extra": self.extra,
            "model": self.model,
        }

    def fingerprint(self) -> str:
        """Hash of everything that determines the numbers; guards a results directory
        against mixing studies. It covers the design, the code that turns runs into rows
        (`store.model_code_hash`), and every scenario a design point names as it resolves
        now -- so a changed scenario file, or changed code that builds a study's own
        scenarios (the contrast's hybrids, the criteria's probes), is a different study."""
        data = self.to_dict()
        data["scenario"].pop("source", None)
        data["model_code"] = model_code_hash()
        if self.model == "trustnet":
            names = sorted({str(p["scenario"]) for p in self.points if "scenario" in p})
            data["resolved"] = {name: {k: v for k, v in self.resolve(name).to_dict().items() if k != "source"}
                                for name in names}
        text = json.dumps(data, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


RESERVED = ("scenario", "label")  # design-point keys that are not parameter overrides


def replication_seeds(root: int, reps: int) -> list[int]:
    """One integer seed per replication, spawned from the study's root seed.

    ``SeedSequence(root).spawn`` gives statistically independent streams; each child is
    reduced to a 63-bit integer so that a single run can be reproduced by hand with
    ``TrustNetworkModel(scenario, rng=seed)``.
    """
    children = np.random.SeedSequence(root).spawn(reps)
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


def point_seed(root: int, point: int, replication: int) -> int:
    child = np.random.SeedSequence(root, spawn_key=(point, replication))
    return int(child.generate_state(1, np.uint64)[0] >> np.uint64(1))
