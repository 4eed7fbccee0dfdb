"""Uncertain factors: model parameters with bounds, read from a factor file.

A factor file (TOML) lists ``[[factors]]`` tables with ``name`` (a numeric parameter of
the registry, `model.inputs.parameters.SPECS`) and ``bounds`` = [low, high] within the
parameter's range, and optionally the ``scenario`` they apply to. The studies turn
factors into designs: SALib samples for sensitivity analysis, priors for calibration
and uncertain draws for robust policy analysis. Validation is strict and every problem
is one line naming the file and the factor.

A factor can be scenario-specific: ``x.sharing_risk`` varies ``sharing_risk`` only in
the points whose scenario is ``x`` (a built-in scenario name), for parameters the
scenarios set differently. Such names travel through designs as they are; `scoped`
turns a point's overrides into those of its scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from model.inputs.files import parse_toml, read_text
from model.inputs.parameters import SPEC_BY_NAME, SPECS
from model.inputs.scenario import ScenarioError, builtin_scenarios
from model.inputs.schema import Items, Number, Table, Text, check


@dataclass(frozen=True)
class Factor:
    name: str
    low: float
    high: float
    integer: bool = False

    @property
    def parameter(self) -> str:
        """The registry parameter (``sharing_risk`` for ``x.sharing_risk``)."""
        return split_name(self.name)[1]


def split_name(name: str) -> tuple[str | None, str]:
    """``x.sharing_risk`` -> ("x", "sharing_risk"); ``sharing_risk`` -> (None, "sharing_risk")."""
    scenario, dot, parameter = name.partition(".")
    return (scenario, parameter) if dot else (None, name)


def scoped(overrides: dict, scenario: str) -> dict:
    """The overrides that apply to ``scenario``: scenario-specific keys of that scenario
    under their parameter's name (they win over a plain key), other scenarios' dropped."""
    plain = {k: v for k, v in overrides.items() if "." not in k}
    own = {split_name(k)[1]: v for k, v in overrides.items() if "." in k and split_name(k)[0] == scenario}
    return {**plain, **own}


def load_factors(path: str | Path) -> tuple[list[Factor], str | None]:
    """Read and validate a factor file; returns (factors, scenario or None)."""
    return parse_factors(read_text(Path(path), "factor file"), str(path))


MAX_FACTORS = 1000

# The shape of a factor file (`model.inputs.schema`); names, ranges and clashes are checked below.
SCHEMA = Table({
    "scenario": Text(200, min_len=1),
    "factors": Items(Table({"name": Text(100, min_len=1), "bounds": Items(Number(), 2, 2, shape="[low, high]")},
                           required=("name", "bounds")), 0, MAX_FACTORS),
})


def parse_factors(text: str, where: str) -> tuple[list[Factor], str | None]:
    """Validate the text of a factor file (``where`` names it in messages)."""
    data = check(parse_toml(text, where), SCHEMA, where)
    entries = data.get("factors")
    if not entries:
        raise ScenarioError(f"{where}: needs at least one [[factors]] table")
    factors, seen = [], set()
    for k, entry in enumerate(entries):
        here = f"{where} factors[{k}]"
        name = entry.get("name")
        scenario, parameter = split_name(name) if isinstance(name, str) else (None, name)
        if scenario is not None and scenario not in builtin_scenarios():
            raise ScenarioError(f"{here}: '{name}': unknown scenario '{scenario}' "
                                f"(scenario-specific factors: {', '.join(builtin_scenarios())})")
        spec = SPEC_BY_NAME.get(parameter)
        if spec is None or spec.kind not in (float, int):
            raise ScenarioError(f"{here}: '{name}' is not a numeric model parameter (see docs/ODD.md)")
        clash = {name, parameter} if scenario else {name, *(f"{s}.{name}" for s in builtin_scenarios())}
        if seen & clash:
            raise ScenarioError(f"{here}: '{name}' is listed twice (or both for all scenarios and for one)")
        seen.add(name)
        low, high = (float(b) for b in entry["bounds"])
        if not low < high:
            raise ScenarioError(f"{here}: bounds of '{name}' are empty or inverted ({low:g} >= {high:g})")
        if low < spec.low or high > spec.high:
            raise ScenarioError(f"{here}: bounds of '{name}' must lie within its range "
                                f"[{spec.low:g}, {spec.high:g}], got [{low:g}, {high:g}]")
        if spec.kind is int and not (low.is_integer() and high.is_integer()):
            # a whole-number parameter is sampled and rounded: [4.1, 4.9] would give 4 and 5
            raise ScenarioError(f"{here}: bounds of whole-number parameter '{name}' must be whole numbers, "
                                f"got [{low:g}, {high:g}]")
        factors.append(Factor(name, low, high, spec.kind is int))
    scenario = data.get("scenario")
    if scenario is not None and not isinstance(scenario, str):
        raise ScenarioError(f"{where}: 'scenario' must be a string")
    return factors, scenario


# parameters that act only under a theory variant or a switched-off mechanism, or that
# set array shapes: not part of the baseline's uncertainty
NOT_SAMPLED = {"interaction_cycle", "identification_blindness", "informal_commitment", "culture_gap",
               "stability_start", "sham_share", "intent_start_low", "max_cases"}


def assumption_factors() -> list[Factor]:
    """The numeric, assumption-labelled parameters of the baseline over their registry
    ranges (intervention options excluded): the uncertainty robustness and the assumption
    ledger sample."""
    return [Factor(s.name, float(s.low), float(s.high), s.kind is int) for s in SPECS
            if "assumption" in s.source and s.kind in (float, int) and s.name not in NOT_SAMPLED
            and not (s.name[0] == "i" and s.name[1:2].isdigit())]
