"""SALib's analytical test functions as engines of the ensemble runner.

`trustnet sa --model ishigami` and `--model sobol-g` send the design through exactly
the same runner, blocks, store and analysis as the trust model (the runner resolves
them as engines ``experiments.studies.sensitivity.analytic:ishigami`` and ``:sobol_g``), so that the estimated
indices can be checked against known values: a pipeline bug then shows as a wrong index
for a function whose answer is known.
"""

from __future__ import annotations

import numpy as np
from SALib.test_functions import Ishigami, Sobol_G

from experiments.ensemble.blocks import engine as marked
from model.process.engines import RunResult

SOBOL_G_A = (0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0)

# name -> (input names and bounds, function of an (M, D) array)
FUNCTIONS = {
    "ishigami": ([(f"x{i}", -np.pi, np.pi) for i in (1, 2, 3)], lambda x: Ishigami.evaluate(x)),
    "sobol-g": ([(f"x{i}", 0.0, 1.0) for i in range(1, len(SOBOL_G_A) + 1)],
                lambda x: Sobol_G.evaluate(x, a=np.array(SOBOL_G_A))),
}


def analytic_indices(name: str) -> dict[str, np.ndarray]:
    """Known first-order and total indices."""
    if name == "ishigami":
        a, b = 7.0, 0.1
        v1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
        v2 = a**2 / 8
        v13 = b**2 * np.pi**8 * (1 / 18 - 1 / 50)
        total = v1 + v2 + v13
        return {"S1": np.array([v1, v2, 0.0]) / total, "ST": np.array([v1 + v13, v2, v13]) / total}
    if name == "sobol-g":
        a = np.array(SOBOL_G_A)
        return {"S1": Sobol_G.sensitivity_index(a), "ST": Sobol_G.total_sensitivity_index(a)}
    raise ValueError(f"unknown test function '{name}' (choose from {', '.join(FUNCTIONS)})")


def engine_for(name: str):
    inputs, func = FUNCTIONS[name]
    names = [n for n, _, _ in inputs]

    def engine(points: list[dict], seeds: list[int], steps=None, pairs_every=0, record_agents=False):
        x = np.array([[p[n] for n in names] for p in points], dtype=float)
        y = func(x)
        return [RunResult(seed=s, model={"y": np.array([v])}, agents={}, pairs=None,
                          pair_weeks=np.array([], dtype=int)) for s, v in zip(seeds, y, strict=True)]

    engine.__name__ = f"{name}_engine"
    return marked(engine)


ishigami = engine_for("ishigami")
sobol_g = engine_for("sobol-g")
