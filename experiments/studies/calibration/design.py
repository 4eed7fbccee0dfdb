"""The calibration's design: priors from a factor file, the competing models, the
held-out patterns, an optional known truth, and the fingerprint that guards a directory.

Everything here is validated before anything is computed or written; every problem is
one line (`ScenarioError`).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import tomllib
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

from experiments.analysis.scorecard import ABLATIONS
from experiments.analysis.theory import parse_variant
from experiments.ensemble.factors import Factor, load_factors, parse_factors, split_name
from experiments.ensemble.store import model_code_hash
from model.inputs.parameters import SPEC_BY_NAME
from model.inputs.scenario import ScenarioError

PATTERN_IDS = tuple(ABLATIONS)  # P1..P7: the ids --hold-out accepts


def distance_code_hash() -> str:
    """Hash of the source of what the distance is computed from."""
    from experiments.analysis import outcomes, patterns, scorecard
    from experiments.studies.calibration import summaries

    digest = hashlib.sha256()
    for module in (outcomes, patterns, scorecard, summaries):
        digest.update(inspect.getsource(module).encode())
    return digest.hexdigest()[:16]


def calibration_factors(path: str | Path) -> list[Factor]:
    """A factor file, or ``default``: the assumption-labelled parameters (`factors.toml`)."""
    if str(path) == "default":
        text = (resources.files(__package__) / "factors.toml").read_text(encoding="utf-8")
        return parse_factors(text, "calibration/factors.toml")[0]
    return load_factors(path)[0]


def competing_models(variants: str | None) -> dict[str, dict]:
    """The baseline and each requested variant (``T1,T3,update_rule=symmetric``, or
    ``T1=literature+T3=literature`` for two together), as name -> variant switches."""
    models = {"baseline": {}}
    for item in (variants or "").split(","):
        item = item.strip()
        if not item:
            continue
        name, overrides = parse_variant("+".join(p if "=" in p else f"{p}=literature" for p in item.split("+")))
        models[name] = overrides
    return models


def held_out_patterns(text: str | None) -> tuple[str, ...]:
    ids = tuple(dict.fromkeys(p.strip().upper() for p in (text or "").split(",") if p.strip()))
    bad = [p for p in ids if p not in PATTERN_IDS]
    if bad:
        raise ScenarioError(f"--hold-out {bad[0]}: unknown pattern (choose from {', '.join(PATTERN_IDS)})")
    if len(ids) == len(PATTERN_IDS):
        raise ScenarioError("--hold-out: at least one pattern must stay in the distance")
    return ids


@dataclass(frozen=True)
class Truth:
    """A known answer: the model and parameter values the pseudo-observed data come from."""

    model: str
    parameters: dict


def load_truth(path: str | Path, models: dict[str, dict]) -> Truth:
    """``model = "baseline"`` (one of the competing models) and a ``[parameters]`` table
    of parameter values (plain or scenario-specific names)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read truth file ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML ({exc})") from None
    unknown = set(data) - {"model", "parameters"}
    if unknown:
        raise ScenarioError(f"{path}: unknown key '{sorted(unknown)[0]}' (allowed: model, parameters)")
    model = data.get("model", "baseline")
    if model not in models:
        raise ScenarioError(f"{path}: model '{model}' is not among the competing models ({', '.join(models)})")
    params = data.get("parameters", {})
    if not isinstance(params, dict):
        raise ScenarioError(f"{path}: [parameters] must be a table")
    for name, value in params.items():
        spec = SPEC_BY_NAME.get(split_name(name)[1])
        if spec is None:
            raise ScenarioError(f"{path}: '{name}' is not a model parameter")
        try:
            spec.check(value)
        except ValueError as exc:
            raise ScenarioError(f"{path}: {name} {exc}") from None
    return Truth(model, dict(params))


@dataclass(frozen=True)
class Calibration:
    """Everything that determines a calibration's numbers (not how it is executed, nor
    how many generations: a finished calibration can be continued with more)."""

    factors: tuple[Factor, ...]
    models: dict[str, dict]
    population: int = 200
    reps: int = 4
    hold_out: tuple[str, ...] = ()
    seed: int = 20221
    truth: Truth | None = None
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"factors": [asdict(f) for f in self.factors], "models": self.models,
                "population": self.population, "reps": self.reps, "hold_out": list(self.hold_out),
                "seed": self.seed, "truth": asdict(self.truth) if self.truth else None, "extra": self.extra}

    def fingerprint(self) -> str:
        """Hash of the calibration, the model's code and the code of the distance (the
        criteria and the summaries): a resume must not mix distances."""
        text = json.dumps({**self.to_dict(), "model_code": model_code_hash(), "distance_code": distance_code_hash()},
                          sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def prior_of(self, name: str) -> Factor:
        return next(f for f in self.factors if f.name == name)
