"""Uncertain factors: model parameters with bounds, read from a factor file.

A factor file (TOML) lists ``[[factors]]`` tables with ``name`` (a numeric parameter of
the registry, `model.parameters.SPECS`) and ``bounds`` = [low, high] within the
parameter's range, and optionally the ``scenario`` they apply to. The studies turn
factors into designs: SALib samples for sensitivity analysis, and later priors for
calibration and uncertain draws for robust policy analysis. Validation is strict and
every problem is one line naming the file and the factor.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from model.files import parse_toml, read_text
from model.parameters import SPEC_BY_NAME
from model.scenario import ScenarioError


@dataclass(frozen=True)
class Factor:
    name: str
    low: float
    high: float
    integer: bool = False


def load_factors(path: str | Path) -> tuple[list[Factor], str | None]:
    """Read and validate a factor file; returns (factors, scenario or None)."""
    return parse_factors(read_text(Path(path), "factor file"), str(path))


def parse_factors(text: str, where: str) -> tuple[list[Factor], str | None]:
    """Validate the text of a factor file (``where`` names it in messages)."""
    data = parse_toml(text, where)
    unknown = set(data) - {"scenario", "factors"}
    if unknown:
        raise ScenarioError(f"{where}: unknown key '{sorted(unknown)[0]}' (allowed: scenario, factors)")
    entries = data.get("factors")
    if not isinstance(entries, list) or not entries:
        raise ScenarioError(f"{where}: needs at least one [[factors]] table")
    factors, seen = [], set()
    for k, entry in enumerate(entries):
        here = f"{where} factors[{k}]"
        if not isinstance(entry, dict) or set(entry) - {"name", "bounds"}:
            raise ScenarioError(f"{here}: a factor has exactly 'name' and 'bounds'")
        name = entry.get("name")
        spec = SPEC_BY_NAME.get(name)
        if spec is None or spec.kind not in (float, int):
            raise ScenarioError(f"{here}: '{name}' is not a numeric model parameter (see docs/ODD.md)")
        if name in seen:
            raise ScenarioError(f"{here}: '{name}' is listed twice")
        seen.add(name)
        bounds = entry.get("bounds")
        if (not isinstance(bounds, list) or len(bounds) != 2
                or not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)):
            raise ScenarioError(f"{here}: 'bounds' must be [low, high], got {bounds!r}")
        low, high = float(bounds[0]), float(bounds[1])
        if not low < high:
            raise ScenarioError(f"{here}: bounds of '{name}' are empty or inverted ({low:g} >= {high:g})")
        if low < spec.low or high > spec.high:
            raise ScenarioError(f"{here}: bounds of '{name}' must lie within its range "
                                f"[{spec.low:g}, {spec.high:g}], got [{low:g}, {high:g}]")
        factors.append(Factor(name, low, high, spec.kind is int))
    scenario = data.get("scenario")
    if scenario is not None and not isinstance(scenario, str):
        raise ScenarioError(f"{where}: 'scenario' must be a string")
    return factors, scenario
