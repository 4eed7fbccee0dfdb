"""The variants study's design: the variants compared, the parameter sample, the points."""

from __future__ import annotations

from SALib.sample import latin

from experiments.analysis.scorecard import criteria_points
from experiments.analysis.theory import parse_variant  # noqa: F401 - re-exported
from model.parameters import SPEC_BY_NAME
from model.variants import THEORY_PAIRS, UPDATE_RULES

# the uncertain parameters sampled for the comparison (ranges from the registry)
UNCERTAIN = ("intent_gain", "loss_ratio", "misuse_signal", "reputation_damage", "cog_gain",
             "emp_gain", "stall_damage", "transfer_share", "contact_rate", "detect_prob",
             "opportunity_rate", "sharing_risk")


def default_variants() -> dict[str, dict]:
    out = {"baseline": {}}
    for t in THEORY_PAIRS:
        out[f"{t}=literature"] = {t: "literature"}
    for rule in UPDATE_RULES[1:]:
        out[f"update_rule={rule}"] = {"update_rule": rule}
    return out


def parameter_sample(n: int, seed: int) -> list[dict]:
    """Latin hypercube over the uncertain parameters' registry ranges."""
    problem = {"num_vars": len(UNCERTAIN), "names": list(UNCERTAIN),
               "bounds": [[SPEC_BY_NAME[k].low, SPEC_BY_NAME[k].high] for k in UNCERTAIN]}
    rows = latin.sample(problem, n, seed=seed)
    return [dict(zip(UNCERTAIN, map(float, row), strict=True)) for row in rows]


def points(sample: list[dict], overrides: dict, which: str) -> list[dict]:
    """The criteria's ``which`` points ("main" or "probes") at every sample point, labelled
    ``s{k}:...``, with the variant's overrides."""
    return [p for k, values in enumerate(sample)
            for p in criteria_points({**values, **overrides}, prefix=f"s{k}:")[which]]
