"""A calibration's posterior as a design input: weighted, seeded parameter draws.

`trustnet calibrate` writes ``posterior.parquet`` (one row per particle of the last
generation: ``model``, one column per factor, ``weight``) and ``calibration.json``
(among others ``models``: each competing model's name and its variant switches). Any
study that should carry the evidence's uncertainty instead of the hand-set defaults
draws its parameter sets here (`draw_parameters`) and gives each run its own draw.

A draw is a dict of overrides: the model's variant switches (none for the baseline)
and one value per factor, scenario-specific factors kept as ``x.name`` / ``y.name``
(the runner applies them to the points of that scenario only). A factor a model does
not carry is left at its default. Draws are independent, with replacement, in
proportion to the particles' weights within the chosen model, from
``numpy.random.default_rng(seed)``: the same directory, ``n`` and seed give the same
draws.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from model.inputs.parameters import SPEC_BY_NAME
from model.inputs.scenario import ScenarioError

RESERVED_COLUMNS = ("model", "weight")


@dataclass(frozen=True)
class Posterior:
    particles: pd.DataFrame  # model, one column per factor, weight
    models: dict[str, dict]  # model name -> its variant switches
    factors: list[str]


def load_posterior(directory: str | Path) -> Posterior:
    """Read a calibration directory; one-line `ScenarioError` if it is not one."""
    out = Path(directory)
    path, info_path = out / "posterior.parquet", out / "calibration.json"
    if not path.exists() or not info_path.exists():
        raise ScenarioError(f"{out}: no posterior.parquet and calibration.json; not a finished calibration "
                            "(run trustnet calibrate --out DIR first)")
    particles = pd.read_parquet(path)
    info = json.loads(info_path.read_text(encoding="utf-8"))
    models = {name: dict(overrides) for name, overrides in info["models"].items()}
    factors = [c for c in particles.columns if c not in RESERVED_COLUMNS]
    return Posterior(particles, models, factors)


def model_particles(directory: str | Path, model: str) -> tuple[Posterior, pd.DataFrame]:
    """The posterior and the weighted particles of ``model``; one line if there are none."""
    post = load_posterior(directory)
    if model not in post.models:
        raise ScenarioError(f"{directory}: no model '{model}' in the posterior "
                            f"(calibrated: {', '.join(post.models)})")
    rows = post.particles[post.particles.model == model]
    if rows.empty or rows.weight.sum() <= 0:
        raise ScenarioError(f"{directory}: model '{model}' has no particles left in the last generation "
                            "(the patterns ruled it out); draw from another model")
    return post, rows


def draw_parameters(directory: str | Path, n: int, seed: int, model: str = "baseline") -> list[dict]:
    """``n`` weighted draws of the posterior of ``model`` as override dicts."""
    post, rows = model_particles(directory, model)
    w = rows.weight.to_numpy(dtype=float)
    picks = np.random.default_rng(seed).choice(len(rows), size=n, replace=True, p=w / w.sum())
    draws = []
    for i in picks:
        row = rows.iloc[int(i)]
        values = {name: _typed(name, row[name]) for name in post.factors if pd.notna(row[name])}
        draws.append({**post.models[model], **values})
    return draws


def _typed(name: str, value) -> float | int:
    """The parameter's own type: whole numbers for integer parameters."""
    spec = SPEC_BY_NAME.get(name.rpartition(".")[2])
    return int(round(float(value))) if spec is not None and spec.kind is int else float(value)


def posterior_mean(directory: str | Path, model: str = "baseline") -> dict:
    """The weighted posterior mean of ``model`` as overrides (with its variant switches):
    a single evidence-based point, for analyses that need one base point rather than
    draws (the sensitivity analysis varies its factors around it)."""
    post, rows = model_particles(directory, model)
    w = rows.weight.to_numpy(dtype=float)
    return {**post.models[model], **{name: _typed(name, np.average(rows[name].to_numpy(dtype=float), weights=w))
                                     for name in post.factors}}
