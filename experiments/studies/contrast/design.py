"""The contrast study's design: the four studies it runs and their design points.

* ``main``   -- X and Y (and the ablations that need pairwise data), pairwise state
  every two weeks;
* ``probes`` -- the P5 probe and the P6 moderator contrasts with their ablations, and
  the P1 and P7 ablations;
* ``sweeps`` -- each group of X-Y differences moved from X's setting to Y's in steps;
* ``decomposition`` -- all 2^7 combinations of the groups, for the Shapley shares.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from experiments.analysis.scorecard import ABLATIONS, MODERATOR_CONTRASTS, P5_PROBE
from experiments.ensemble import Study
from experiments.studies.contrast.decomposition import coalition_spec, coalitions
from experiments.studies.contrast.hybrid import GROUPS, hybrid_from_spec
from model.scenario import Scenario, ScenarioError, load_scenario


@dataclass
class Sizes:
    reps: int = 30
    sweep_reps: int = 10
    decomposition_reps: int = 10
    sweep_levels: int = 5


def _point(label: str, scenario: str, **overrides) -> dict:
    return {"label": label, "scenario": scenario, **overrides}


def main_points() -> list[dict]:
    return [
        _point("x", "x"), _point("y", "y"),
        _point("P2-ablated:y", "y", **ABLATIONS["P2"][1]),
        _point("P3-ablated:x", "x", **ABLATIONS["P3"][1]),
        _point("P4-ablated:x", "x", **ABLATIONS["P4"][1]),
    ]


def probe_points() -> list[dict]:
    pts = [_point("p5-probe", "x", **P5_PROBE),
           _point("P5-ablated:p5-probe", "x", **P5_PROBE, **ABLATIONS["P5"][1])]
    for name, (strong, weak) in MODERATOR_CONTRASTS.items():
        pts.append(_point(f"p6-{name}-strong", "x", **strong))
        pts.append(_point(f"p6-{name}-weak", "x", **weak))
        pts.append(_point(f"P6-ablated:p6-{name}-strong", "x", **strong, **ABLATIONS["P6"][1]))
        pts.append(_point(f"P6-ablated:p6-{name}-weak", "x", **weak, **ABLATIONS["P6"][1]))
    pts += [_point("P1-ablated:x", "x", **ABLATIONS["P1"][1]),
            _point("P1-ablated:y", "y", **ABLATIONS["P1"][1]),
            _point("P7-ablated:y", "y", **ABLATIONS["P7"][1])]
    return pts


def sweep_points(levels: int) -> list[dict]:
    steps = np.linspace(0.0, 1.0, levels)
    pts = [_point("sweep:x", "hybrid:")]
    for g in GROUPS:
        for t in steps[1:]:
            pts.append(_point(f"sweep:{g}={t:g}", f"hybrid:{g}={t:g}"))
    return pts


def decomposition_points() -> list[dict]:
    return [_point("coalition:" + "+".join(sorted(c)), coalition_spec(c)) for c in coalitions()]


def resolve(name: str) -> Scenario:
    """A design point's scenario: ``hybrid:group=level,...`` (an X/Y hybrid) or any name
    `model.load_scenario` knows."""
    if str(name).startswith("hybrid:"):
        try:
            return hybrid_from_spec(str(name))
        except ValueError as exc:
            raise ScenarioError(str(exc)) from None
    return load_scenario(name)


def studies(sizes: Sizes, seed: int) -> dict[str, Study]:
    x = load_scenario("x")
    return {
        "main": Study(scenario=x, points=tuple(main_points()), reps=sizes.reps, seed=seed,
                      pairs_every=2, kind="contrast-main"),
        "probes": Study(scenario=x, points=tuple(probe_points()), reps=sizes.reps, seed=seed,
                        record_agents=False, kind="contrast-probes"),
        "sweeps": Study(scenario=x, points=tuple(sweep_points(sizes.sweep_levels)), reps=sizes.sweep_reps,
                        seed=seed, record_agents=False, kind="contrast-sweeps", resolve=resolve),
        "decomposition": Study(scenario=x, points=tuple(decomposition_points()),
                               reps=sizes.decomposition_reps, seed=seed, record_agents=False,
                               kind="contrast-decomposition", resolve=resolve),
    }
