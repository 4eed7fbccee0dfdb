"""The ledger's design: the assumptions screened, their Morris sample, the points run."""

from __future__ import annotations

import numpy as np

from experiments.analysis.scorecard import criteria_points
from experiments.analysis.screening import morris_sample  # noqa: F401 - re-exported (the ledger samples with it)
from experiments.ensemble.factors import Factor, assumption_factors
from model.inputs.interventions import INTERVENTIONS, parse_intervention
from model.inputs.parameters import SPECS

NETWORKS = ("x", "y")


def ledger_factors() -> list[Factor]:
    """Every assumption-labelled number: the model's (`assumption_factors`, the breach's
    hypothesis among them) and the interventions' effect sizes (their numeric options;
    their timing and the switches are choices, not assumptions), over the registry ranges."""
    effects = [Factor(s.name, float(s.low), float(s.high), s.kind is int) for s in SPECS
               if s.name[:1] == "i" and s.name[1:2].isdigit() and s.kind is float and "assumption" in s.source
               and not s.name.endswith("_hours")]  # hours change costs, not any answer screened here
    return assumption_factors() + effects


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
