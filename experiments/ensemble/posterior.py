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

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.ensemble.factors import split_name
from experiments.ensemble.parts import PartError, read_table
from model.inputs.files import read_json
from model.inputs.parameters import SPEC_BY_NAME
from model.inputs.scenario import ScenarioError, builtin_scenarios
from model.inputs.schema import Anything, Number, Table, Text

RESERVED_COLUMNS = ("model", "weight")
MAX_RECORD_BYTES = 16 * 1024 * 1024
MAX_POSTERIOR_BYTES = 1024**3  # a million particles of a hundred factors

# The shape of calibration.json (`model.inputs.schema`), as the calibration and its readers use it.
RECORD = Table({
    "kind": Text(100),
    "fingerprint": Text(64, min_len=1),
    "models": Table(extra=Table(extra=Text(60)), max_keys=1000),  # model name -> its variant switches
    "calibration": Table(extra=Anything()),
    "history": Table({"id": Text(64), "fingerprint": Text(64)}),
    "generations_done": Number(0, whole=True),
}, required=("models",), extra=Anything())


def read_record(path: str | Path) -> dict:
    """calibration.json, through the guarded reader and `RECORD`; one line otherwise."""
    return read_json(path, "calibration record", RECORD, MAX_RECORD_BYTES)


@dataclass(frozen=True)
class Posterior:
    particles: pd.DataFrame  # model, one column per factor, weight
    models: dict[str, dict]  # model name -> its variant switches
    factors: list[str]


def load_posterior(directory: str | Path) -> Posterior:
    """Read a calibration directory; one-line `ScenarioError` if it is not one, or if
    ``posterior.parquet`` or ``calibration.json`` is damaged or of the wrong shape."""
    out = Path(directory)
    path, info_path = out / "posterior.parquet", out / "calibration.json"
    if not path.exists() or not info_path.exists():
        raise ScenarioError(f"{out}: no posterior.parquet and calibration.json; not a finished calibration "
                            "(run trustnet calibrate --out DIR first)")
    models = {}
    for name, switches in read_record(info_path)["models"].items():
        for key, side in switches.items():
            spec = SPEC_BY_NAME.get(key)
            if spec is None or spec.kind is not str or side not in spec.choices:
                raise ScenarioError(f"{info_path}: model {name[:60]!r}: {key[:40]!r} = {side[:40]!r} is not a "
                                    "theory variant")
        models[name] = dict(switches)
    try:
        table = read_table(path, "posterior", MAX_POSTERIOR_BYTES)
    except PartError as exc:
        raise ScenarioError(str(exc)) from None
    particles = _checked_particles(table, models, path)
    factors = [c for c in particles.columns if c not in RESERVED_COLUMNS]
    return Posterior(particles, models, factors)


def _checked_particles(table, models: dict, path: Path) -> pd.DataFrame:
    """The particles, if they are a posterior: a model column naming calibrated models,
    finite non-negative weights, and one numeric column per factor within its range."""
    import pyarrow as pa

    types = {f.name: f.type for f in table.schema}
    if "model" not in types or not (pa.types.is_string(types["model"]) or pa.types.is_large_string(types["model"])):
        raise ScenarioError(f"{path}: no 'model' column of model names; not a posterior")
    numeric = [n for n, t in types.items() if n != "model" and (pa.types.is_floating(t) or pa.types.is_integer(t))]
    if "weight" not in numeric or table.num_rows == 0:
        raise ScenarioError(f"{path}: no numeric 'weight' column, or no particles; not a posterior")
    for name in types:
        if name in RESERVED_COLUMNS:
            continue
        scenario, parameter = split_name(name)
        spec = SPEC_BY_NAME.get(parameter)
        if (name not in numeric or spec is None or spec.kind not in (float, int)
                or (scenario is not None and scenario not in builtin_scenarios())):
            raise ScenarioError(f"{path}: column {name[:60]!r} is not a numeric model parameter; not a posterior")
    frame = table.to_pandas()
    unknown = set(frame.model.dropna()) - set(models)
    if frame.model.isna().any() or unknown:
        raise ScenarioError(f"{path}: particles of a model calibration.json does not list "
                            f"({sorted(map(str, unknown))[:1] or 'none'}); not this calibration's posterior")
    w = frame.weight.to_numpy(dtype=float)
    if not np.isfinite(w).all() or (w < 0).any():
        raise ScenarioError(f"{path}: weights must be finite and >= 0")
    for name in frame.columns:
        if name in RESERVED_COLUMNS:
            continue
        spec = SPEC_BY_NAME[split_name(name)[1]]
        v = frame[name].to_numpy(dtype=float)
        bad = ~np.isnan(v) & ~((v >= spec.low) & (v <= spec.high))  # NaN: a factor the model does not carry
        if bad.any():
            raise ScenarioError(f"{path}: {name} = {v[bad][0]:g} lies outside its range "
                                f"[{spec.low:g}, {spec.high:g}]")
    return frame


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
