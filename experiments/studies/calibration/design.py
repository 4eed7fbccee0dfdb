"""The calibration's design: candidate priors from a factor file (the screening stage
keeps those the patterns respond to), the competing models, the held-out patterns, the
seeds, an optional known truth, and the fingerprint that guards a directory.

Everything here is validated before anything is computed or written; every problem is
one line (`ScenarioError`).
"""

from __future__ import annotations

import hashlib
import inspect
import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

from experiments.analysis.scorecard import ABLATIONS
from experiments.analysis.theory import parse_variant
from experiments.ensemble.factors import Factor, load_factors, parse_factors, split_name
from experiments.ensemble.store import model_code_hash
from model.inputs.files import read_toml
from model.inputs.parameters import SPEC_BY_NAME
from model.inputs.scenario import ScenarioError, builtin_scenarios
from model.inputs.schema import Number, Table, Text
from model.inputs.variants import ACTS_ONLY_WHERE, THEORY_PAIRS, UPDATE_RULES

PATTERN_IDS = tuple(dict.fromkeys(k.split(":")[0] for k in ABLATIONS))  # P1..P7: the ids --hold-out accepts


def distance_code_hash() -> str:
    """Hash of the source of what shapes the history beyond the model: the distance (the
    criteria and the summaries), and how particles are proposed, simulated and accepted."""
    from experiments.analysis import criterion, outcomes, patterns, scorecard, screening, thresholds

    digest = hashlib.sha256()
    for module in (criterion, outcomes, patterns, scorecard, screening, thresholds):
        digest.update(inspect.getsource(module).encode())
    here = Path(__file__).resolve().parent  # read, not imported: abc imports this module
    for name in ("summaries", "distance", "abc", "kernel", "particles", "sampler", "simulate", "screen"):
        digest.update((here / f"{name}.py").read_bytes())
    return digest.hexdigest()[:16]


def calibration_factors(path: str | Path) -> list[Factor]:
    """A factor file, or ``default``: the assumption-labelled parameters (`factors.toml`)."""
    if str(path) == "default":
        text = (resources.files(__package__) / "factors.toml").read_text(encoding="utf-8")
        return parse_factors(text, "calibration/factors.toml")[0]
    return load_factors(path)[0]


def acting_variants() -> list[str]:
    """Every theory variant that acts in X or Y: each pair's literature side (except those
    with nothing to act on there, `ACTS_ONLY_WHERE`: T7, participation was voluntary) and
    each trust update rule other than the baseline's."""
    pairs = [f"{t}=literature" for t in THEORY_PAIRS if t not in ACTS_ONLY_WHERE]
    return pairs + [f"update_rule={r}" for r in UPDATE_RULES[1:]]


def competing_models(variants: str | None) -> dict[str, dict]:
    """The baseline and each requested variant (``T1,T3,update_rule=symmetric``, or
    ``T1=literature+T3=literature`` for two together; ``all``: `acting_variants`), as
    name -> variant switches."""
    models = {"baseline": {}}
    if (variants or "").strip().lower() == "all":
        variants = ",".join(acting_variants())
    for item in (variants or "").split(","):
        item = item.strip()
        if not item:
            continue
        name, overrides = parse_variant("+".join(p if "=" in p else f"{p}=literature" for p in item.split("+")))
        models[name] = overrides
    return models


DEFAULT_HOLD_OUT = "P6"  # the held-out pattern by default (docs/calibration.md, "Validation": why P6)


def held_out_patterns(text: str | None, required: bool = False) -> tuple[str, ...]:
    """Pattern ids left out of the distance. ``required``: at least one (the posterior
    predictive check validates nothing without one)."""
    ids = tuple(dict.fromkeys(p.strip().upper() for p in (text or "").split(",") if p.strip()))
    bad = [p for p in ids if p not in PATTERN_IDS]
    if bad:
        raise ScenarioError(f"--hold-out {bad[0]}: unknown pattern (choose from {', '.join(PATTERN_IDS)})")
    if len(ids) == len(PATTERN_IDS):
        raise ScenarioError("--hold-out: at least one pattern must stay in the distance")
    if required and not ids:
        raise ScenarioError("--hold-out: at least one pattern must be held out (the posterior predictive check "
                            "of a held-out pattern is the calibration's validation)")
    return ids


@dataclass(frozen=True)
class Truth:
    """A known answer: the model and parameter values the pseudo-observed data come from."""

    model: str
    parameters: dict


# The shape of a truth file (`model.inputs.schema`): a model name and numbers for parameters.
TRUTH = Table({"model": Text(200, min_len=1), "parameters": Table(extra=Number(), max_keys=1000)},
              required=("parameters",))
MAX_TRUTH_BYTES = 256 * 1024


def load_truth(path: str | Path, models: dict[str, dict]) -> Truth:
    """``model = "baseline"`` (one of the competing models) and a ``[parameters]`` table
    of numeric parameter values (plain or scenario-specific names), read through the
    guarded reader and `TRUTH`; every problem is one line."""
    data = read_toml(path, "truth file", TRUTH, MAX_TRUTH_BYTES)
    model = data.get("model", "baseline")
    if model not in models:
        raise ScenarioError(f"{path}: model {model[:60]!r} is not among the competing models ({', '.join(models)})")
    params = data["parameters"]
    if not params:  # a truth that sets nothing checks nothing
        raise ScenarioError(f"{path}: [parameters] sets no parameter; a known answer needs at least one")
    for name, value in params.items():
        scenario, parameter = split_name(name)
        spec = SPEC_BY_NAME.get(parameter)
        if spec is None or spec.kind not in (float, int):
            raise ScenarioError(f"{path}: {name[:60]!r} is not a numeric model parameter")
        if scenario is not None and scenario not in builtin_scenarios():
            raise ScenarioError(f"{path}: {name[:60]!r}: unknown scenario {scenario[:20]!r} "
                                f"(scenario-specific names: {', '.join(builtin_scenarios())})")
        try:
            spec.check(value)
        except ValueError as exc:
            raise ScenarioError(f"{path}: {name} {exc}") from None
    return Truth(model, dict(params))


@dataclass(frozen=True)
class Calibration:
    """Everything that determines a calibration's numbers (not how it is executed, nor
    how many generations: a finished calibration can be continued with more).

    ``factors`` are the candidate priors; with ``screen`` > 0 Morris trajectories per model,
    the screening stage keeps those the calibrated patterns respond to (`chosen`, filled in
    by the study; the rest stay at their defaults). ``population`` is per model: pyabc's
    population (shared by the competing models) is ``population`` x the number of models.
    The calibration is run once per seed: ``seed``, ``seed + 1``, ... (``n_seeds`` of them).
    """

    factors: tuple[Factor, ...]
    models: dict[str, dict]
    population: int = 200
    reps: int = 4
    hold_out: tuple[str, ...] = ()
    seed: int = 20221
    truth: Truth | None = None
    extra: dict = field(default_factory=dict)
    n_seeds: int = 1
    screen: int = 0
    chosen: tuple[Factor, ...] = ()  # the screening's result; not part of the design (derived from it)

    def to_dict(self) -> dict:
        return {"factors": [asdict(f) for f in self.factors], "models": self.models,
                "population": self.population, "reps": self.reps, "hold_out": list(self.hold_out),
                "seed": self.seed, "seeds": list(self.seeds), "screen": self.screen,
                "truth": asdict(self.truth) if self.truth else None, "extra": self.extra}

    def fingerprint(self) -> str:
        """Hash of the calibration, the model's code and the code of the distance (the
        criteria and the summaries): a resume must not mix distances."""
        text = json.dumps({**self.to_dict(), "model_code": model_code_hash(), "distance_code": distance_code_hash()},
                          sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def seeds(self) -> tuple[int, ...]:
        return tuple(self.seed + k for k in range(self.n_seeds))

    @property
    def calibrated(self) -> tuple[Factor, ...]:
        """The factors ABC-SMC samples: the screening's choice, or every candidate."""
        return self.chosen or self.factors

    @property
    def patterns(self) -> tuple[str, ...]:
        """The patterns in the distance (every pattern not held out)."""
        return tuple(p for p in PATTERN_IDS if p not in self.hold_out)

    @property
    def total_population(self) -> int:
        return self.population * len(self.models)

    def prior_of(self, name: str) -> Factor:
        return next(f for f in self.factors if f.name == name)
