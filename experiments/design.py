"""A study: design points x replications of a scenario, with one seed per run.

Designs come from elsewhere (an explicit table, SALib, scipy.stats.qmc); a `Study`
only enumerates its runs. Each design point is a dict of overrides of the base scenario;
the special key ``scenario`` switches the base scenario (``x``, ``y``, a path) for that
point, which is how the X-versus-Y studies are expressed.

Seeds: with common random numbers (the default) replication i of every design point
uses the same seed, ``SeedSequence(root).spawn(reps)[i]``; without, each (point,
replication) has its own child ``SeedSequence(root, spawn_key=(point, replication))``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from experiments.simulate import replication_seeds
from experiments.store import model_code_hash
from model.scenario import Scenario, ScenarioError, load_scenario


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
            overrides = {key: v for key, v in point.items() if key not in RESERVED}
            base = self.scenario
            if "scenario" in point:
                base = resolve_scenario(point["scenario"])
            try:
                out.append(base.with_overrides(overrides) if overrides else base)
            except ScenarioError as exc:
                raise ScenarioError(f"design point {k}: {exc}") from None
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
        """Hash of everything that determines the numbers, the model's code included;
        guards a results directory against mixing studies."""
        data = self.to_dict()
        data["scenario"].pop("source", None)
        data["model_code"] = model_code_hash()
        text = json.dumps(data, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


RESERVED = ("scenario", "label")  # design-point keys that are not parameter overrides


def resolve_scenario(name: str) -> Scenario:
    """A scenario by name, path, ``synthetic:N`` or ``hybrid:group=level,...``."""
    if str(name).startswith("hybrid:"):
        from experiments.hybrid import hybrid_from_spec

        try:
            return hybrid_from_spec(str(name))
        except ValueError as exc:
            raise ScenarioError(str(exc)) from None
    return load_scenario(name)


def point_seed(root: int, point: int, replication: int) -> int:
    child = np.random.SeedSequence(root, spawn_key=(point, replication))
    return int(child.generate_state(1, np.uint64)[0] >> np.uint64(1))
