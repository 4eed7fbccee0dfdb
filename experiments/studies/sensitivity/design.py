"""The sensitivity study's design: factors (the default file ships with this package),
sample sizes, and SALib's samples."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
from SALib.sample import latin
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from experiments.ensemble.factors import Factor, parse_factors
from experiments.ensemble.factors import load_factors as load_factor_file
from experiments.studies.sensitivity.analytic import FUNCTIONS
from model.inputs.scenario import ScenarioError

METHODS = ("sobol", "morris", "pawn")
MORRIS_LEVELS = 4


def load_factors(path: str | Path) -> tuple[list[Factor], str | None]:
    """A factor file, or ``default``: the moderators and main uncertain parameters
    (`factors.toml` beside this module)."""
    if str(path) == "default":
        text = (resources.files(__package__) / "factors.toml").read_text(encoding="utf-8")
        return parse_factors(text, "sensitivity/factors.toml")
    return load_factor_file(path)


def function_factors(model: str) -> list[Factor]:
    if model not in FUNCTIONS:
        raise ScenarioError(f"--model {model}: unknown (choose from trustnet, {', '.join(FUNCTIONS)})")
    return [Factor(n, lo, hi) for n, lo, hi in FUNCTIONS[model][0]]


def problem_of(factors: list[Factor]) -> dict:
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [[f.low, f.high] for f in factors]}


def check_size(method: str, n: int) -> None:
    if method == "sobol" and (n < 2 or n & (n - 1)):
        raise ScenarioError(f"--n {n}: Sobol sampling needs a power of two (e.g. 256, 512, 1024)")
    if method == "morris" and n < 2:
        raise ScenarioError(f"--n {n}: Morris needs at least 2 trajectories")
    if method == "pawn" and n < 20:
        raise ScenarioError(f"--n {n}: PAWN needs at least 20 sample points")


def sample(method: str, problem: dict, n: int, second_order: bool, seed: int) -> np.ndarray:
    if method == "sobol":
        return sobol_sample.sample(problem, n, calc_second_order=second_order, scramble=True, seed=seed)
    if method == "morris":
        return morris_sample.sample(problem, n, num_levels=MORRIS_LEVELS, seed=seed)
    return latin.sample(problem, n, seed=seed)
