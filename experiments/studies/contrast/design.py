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

from experiments.analysis import scorecard
from experiments.analysis.scorecard import RECORDING, RESPONDENT_POINTS, ablation_points, criteria_points
from experiments.ensemble import Study
from experiments.ensemble.factors import assumption_factors
from experiments.studies.contrast.breach import breach_points
from experiments.studies.contrast.decomposition import coalition_spec, coalitions
from experiments.studies.contrast.hybrid import GROUPS, hybrid_from_spec
from model.scenario import Scenario, ScenarioError, load_scenario


@dataclass
class Sizes:
    reps: int = 30
    sweep_reps: int = 10
    decomposition_reps: int = 10
    sweep_levels: int = 5
    robust_points: int = 256  # Latin-hypercube points over the assumption-labelled parameters
    robust_reps: int = 4
    robust_chunk: int = 32  # sample points per sub-study (memory; resume)


def _point(label: str, scenario: str, **overrides) -> dict:
    return {"label": label, "scenario": scenario, **overrides}


def criteria_with_ablations() -> dict[str, list[dict]]:
    """The criteria's points and each pattern's ablated copies, by group; with the points
    only the respondent checks (main) and the breach's channels (probes) read."""
    points = criteria_points()
    ablated = ablation_points(points)
    extra = {"main": list(RESPONDENT_POINTS), "probes": breach_points()}
    return {group: points[group] + ablated[group] + extra[group] for group in points}


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
    """A design point's scenario: ``hybrid:group=level,...`` (an X/Y hybrid), a probe of
    the criteria, or any name `model.load_scenario` knows."""
    if str(name).startswith("hybrid:"):
        try:
            return hybrid_from_spec(str(name))
        except ValueError as exc:
            raise ScenarioError(str(exc)) from None
    return scorecard.resolve(name)


def robust_sample(n: int, seed: int) -> list[dict]:
    """Latin hypercube over `assumption_factors` (SALib); none for ``n`` 0 (no robustness study)."""
    from SALib.sample import latin

    if n == 0:
        return []

    factors = assumption_factors()
    problem = {"num_vars": len(factors), "names": [f.name for f in factors],
               "bounds": [[f.low, f.high] for f in factors]}
    rows = latin.sample(problem, n, seed=seed)
    return [{f.name: (int(round(v)) if f.integer else float(v)) for f, v in zip(factors, row, strict=True)}
            for row in rows]


def studies(sizes: Sizes, seed: int) -> dict[str, Study]:
    x = load_scenario("x")
    points = criteria_with_ablations()
    return {
        "main": Study(scenario=x, points=tuple(points["main"]), reps=sizes.reps, seed=seed,
                      kind="contrast-main", resolve=resolve, **RECORDING["main"]),
        "probes": Study(scenario=x, points=tuple(points["probes"]), reps=sizes.reps, seed=seed,
                        kind="contrast-probes", resolve=resolve, **RECORDING["probes"]),
        "sweeps": Study(scenario=x, points=tuple(sweep_points(sizes.sweep_levels)), reps=sizes.sweep_reps,
                        seed=seed, record_agents=False, kind="contrast-sweeps", resolve=resolve),
        "decomposition": Study(scenario=x, points=tuple(decomposition_points()),
                               reps=sizes.decomposition_reps, seed=seed, record_agents=False,
                               kind="contrast-decomposition", resolve=resolve),
    }


def robust_studies(sizes: Sizes, seed: int) -> dict[str, Study]:
    """The criteria's points at every robustness sample point, in chunks of sample points
    (labels ``s{k}:...``), recorded as the criteria need them (pairs every two weeks)."""
    x = load_scenario("x")
    sample = robust_sample(sizes.robust_points, seed)
    out = {}
    for c in range(0, len(sample), sizes.robust_chunk):
        chunk = {"main": [], "probes": []}
        for k in range(c, min(c + sizes.robust_chunk, len(sample))):
            for group, pts in criteria_points(sample[k], prefix=f"s{k}:").items():
                chunk[group] += pts
        for group in ("main", "probes"):
            out[f"robust-{c // sizes.robust_chunk:02d}-{group}"] = Study(
                scenario=x, points=tuple(chunk[group]), reps=sizes.robust_reps, seed=seed, resolve=resolve,
                kind=f"contrast-robust-{group}", extra={"chunk": c // sizes.robust_chunk}, **RECORDING[group])
    return out
