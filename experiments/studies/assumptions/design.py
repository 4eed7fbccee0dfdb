"""The ledger's design: the assumptions screened, their Morris sample, the points run."""

from __future__ import annotations

import numpy as np

from experiments.analysis.scorecard import criteria_points
from experiments.ensemble.factors import Factor, assumption_factors
from model.interventions import INTERVENTIONS, parse_intervention
from model.parameters import SPECS

NETWORKS = ("x", "y")


def ledger_factors() -> list[Factor]:
    """Every assumption-labelled number: the model's (`assumption_factors`, the breach's
    hypothesis among them) and the interventions' effect sizes (their numeric options;
    their timing and the switches are choices, not assumptions), over the registry ranges."""
    effects = [Factor(s.name, float(s.low), float(s.high), s.kind is int) for s in SPECS
               if s.name[:1] == "i" and s.name[1:2].isdigit() and s.kind is float and "assumption" in s.source
               and not s.name.endswith("_hours")]  # hours change costs, not any answer screened here
    return assumption_factors() + effects


def morris_sample(factors: list[Factor], trajectories: int, seed: int) -> np.ndarray:
    """Morris trajectories (SALib, 4 levels) over the factors' ranges; integers rounded."""
    from SALib.sample import morris

    problem = {"num_vars": len(factors), "names": [f.name for f in factors],
               "bounds": [[f.low, f.high] for f in factors]}
    rows = morris.sample(problem, trajectories, num_levels=4, seed=seed)
    for k, f in enumerate(factors):
        if f.integer:
            rows[:, k] = np.round(rows[:, k])
    return rows


def as_values(factors: list[Factor], row: np.ndarray) -> dict:
    return {f.name: (int(v) if f.integer else float(v)) for f, v in zip(factors, row, strict=True)}


def intervention_label(network: str, name: str) -> str:
    return f"{network}+{name}"


def points(values: dict, prefix: str) -> dict[str, list[dict]]:
    """The criteria's points and each network with each intervention at its defaults
    (model series only), labelled with ``prefix``."""
    out = criteria_points(values, prefix=prefix)
    for network in NETWORKS:
        for name in INTERVENTIONS:
            out["probes"].append({"label": prefix + intervention_label(network, name), "scenario": network,
                                  **values, **parse_intervention(name)[1]})
    return out
