"""The robust policy study's design: parameter draws x the policy design.

The input of the robust analysis is a list of *draws*, each a dict of parameter
overrides: a Latin hypercube over a factor file (`lhs_draws`), or -- later -- draws from
a calibration's posterior. A key may be scenario-specific: ``x.sharing_risk`` applies
only when scenario ``x`` runs (``PATH.toml.name`` for a scenario file), and wins over a
plain ``sharing_risk`` there, because a posterior is fitted per network.

Every draw gets the whole policy design (`design`: baseline, each intervention, all
together, combinations) with labels ``scenario|intervention#draw``. Options an
intervention is given explicitly on the command line win over a drawn value of the same
parameter (``data_framework:risk_cut=0.6`` fixes the cut); options not given keep the
drawn value, so the effect sizes of the interventions can be uncertain factors too.
The runner's common random numbers make replication i use the same seed in every draw
and option: effects are paired within each draw, and differences between draws come
from the parameters rather than from the noise.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
from scipy.stats import qmc

from experiments.ensemble.factors import Factor, load_factors, parse_factors
from experiments.studies.policy.design import design

DRAW_SEP = "#"  # label = "scenario|intervention#draw"


def load_uncertain(path: str | Path) -> tuple[list[Factor], str | None]:
    """A factor file, or ``default``: the mechanism parameters the study could not measure
    and the effect sizes of the interventions (`uncertain.toml` beside this module).
    Raises `ScenarioError` with one line."""
    if str(path) == "default":
        text = (resources.files(__package__) / "uncertain.toml").read_text(encoding="utf-8")
        return parse_factors(text, "policy/uncertain.toml")
    return load_factors(path)


def lhs_draws(factors: list[Factor], samples: int, seed: int) -> list[dict]:
    """``samples`` draws by Latin hypercube over the factors' bounds (whole numbers for
    integer parameters); the same seed gives the same draws."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 17]))
    unit = qmc.LatinHypercube(d=len(factors), rng=rng).random(samples)
    draws = []
    for row in unit:
        draw = {}
        for f, u in zip(factors, row, strict=True):
            value = f.low + u * (f.high - f.low)
            draw[f.name] = int(round(value)) if f.integer else float(value)
        draws.append(draw)
    return draws


def for_scenario(draw: dict, scenario: str) -> dict:
    """The overrides of ``draw`` that apply to ``scenario``: plain keys, then the keys
    prefixed with ``scenario.`` (which win)."""
    plain = {k: v for k, v in draw.items() if "." not in k}
    own = {}
    for key, value in draw.items():
        prefix, dot, name = key.rpartition(".")
        if dot and prefix == scenario:
            own[name] = value
    return {**plain, **own}


def draw_label(label: str, draw: int) -> str:
    return f"{label}{DRAW_SEP}{draw}"


def robust_design(scenarios: list[str], interventions: list[str], combinations: list[list[str]],
                  draws: list[dict]) -> list[list[dict]]:
    """Per draw, the policy design points with the draw's overrides (labels without the
    draw; `flatten` adds it). Intervention overrides are applied last."""
    base = design(scenarios, interventions, combinations)
    per_draw = []
    for draw in draws:
        points = []
        for point in base:
            drawn = for_scenario(draw, point["scenario"])
            points.append({"label": point["label"], "scenario": point["scenario"], **drawn,
                           **{k: v for k, v in point.items() if k not in ("label", "scenario")}})
        per_draw.append(points)
    return per_draw


def flatten(per_draw: list[list[dict]]) -> list[dict]:
    """The study's design points: every draw's points, labelled ``label#draw``."""
    return [{**p, "label": draw_label(p["label"], d)} for d, points in enumerate(per_draw) for p in points]
