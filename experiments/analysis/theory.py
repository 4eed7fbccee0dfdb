"""Naming the theory variants a study compares: ``T1=literature``, ``update_rule=symmetric``
or several switched on together (``T1=literature+T3=literature``).

Shared by the variants study and the calibration (each compares the baseline against
variants named this way); the variants themselves live in `model.variants`.
"""

from __future__ import annotations

from model.parameters import SPEC_BY_NAME
from model.scenario import ScenarioError
from model.variants import THEORY_PAIRS


def parse_variant(text: str) -> tuple[str, dict]:
    """``T1=literature`` or ``T1=literature+T3=literature`` -> (name, overrides)."""
    overrides = {}
    for part in text.split("+"):
        key, _, value = part.partition("=")
        key, value = key.strip(), value.strip() or "literature"
        if key not in THEORY_PAIRS and key != "update_rule":  # not any choice parameter (e.g. moderation)
            names = ", ".join([*THEORY_PAIRS, "update_rule"])
            raise ScenarioError(f"variant '{part}': unknown theory pair '{key}' (choose from {names})")
        try:
            overrides[key] = SPEC_BY_NAME[key].check(value)
        except ValueError as exc:
            raise ScenarioError(f"variant '{part}': {key} {exc}") from None
    return "+".join(f"{k}={v}" for k, v in overrides.items()), overrides
