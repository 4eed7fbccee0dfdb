"""The variants study's design: the variants compared, the parameter sample, the points."""

from __future__ import annotations

from SALib.sample import latin

from experiments.analysis.scorecard import criteria_points
from experiments.analysis.theory import parse_variant  # noqa: F401 - re-exported
from model.parameters import SPEC_BY_NAME
from model.scenario import load_scenario
from model.variants import ACTS_ONLY_WHERE, THEORY_PAIRS, UPDATE_RULES

# the uncertain parameters sampled for the comparison (ranges from the registry)
UNCERTAIN = ("intent_gain", "loss_ratio", "misuse_signal", "reputation_damage", "cog_gain",
             "emp_gain", "stall_damage", "transfer_share", "contact_rate", "detect_prob",
             "opportunity_rate", "sharing_risk",
             # the numbers of Y's breach, a hypothesis (issue 23)
             "breach_alignment", "breach_threshold", "breach_conflict", "breach_shift", "goal_erosion",
             "goodwill_transfer")


def default_variants() -> dict[str, dict]:
    """Every theory pair on the literature's side and every other update rule, one at a
    time (the baseline, the study's side of every pair, is added by the study itself)."""
    out = {}
    for t in THEORY_PAIRS:
        out[f"{t}=literature"] = {t: "literature"}
    for rule in UPDATE_RULES[1:]:
        out[f"update_rule={rule}"] = {"update_rule": rule}
    return out


def parameter_sample(n: int, seed: int) -> list[dict]:
    """Latin hypercube over the uncertain parameters' registry ranges. A parameter that X
    and Y set differently is sampled for each network (``x.NAME``, ``y.NAME``), so the
    sample does not erase a cited difference between them."""
    x, y = load_scenario("x").params, load_scenario("y").params
    names = [n for k in UNCERTAIN for n in ((f"x.{k}", f"y.{k}") if getattr(x, k) != getattr(y, k) else (k,))]
    bounds = [[SPEC_BY_NAME[k.split(".")[-1]].low, SPEC_BY_NAME[k.split(".")[-1]].high] for k in names]
    rows = latin.sample({"num_vars": len(names), "names": names, "bounds": bounds}, n, seed=seed)
    integer = [SPEC_BY_NAME[k.split(".")[-1]].kind is int for k in names]
    return [{k: (int(round(v)) if whole else float(v)) for k, v, whole in zip(names, row, integer, strict=True)}
            for row in rows]


def points(sample: list[dict], overrides: dict, which: str) -> list[dict]:
    """The criteria's ``which`` points ("main" or "probes") at every sample point, labelled
    ``s{k}:...``, with the variant's overrides."""
    return [p for k, values in enumerate(sample)
            for p in criteria_points({**values, **overrides}, prefix=f"s{k}:")[which]]


def not_acting_reasons(variants: dict[str, dict]) -> dict[str, str]:
    """Why a variant has nothing to act on in X and Y, where the model knows it
    (`model.variants.ACTS_ONLY_WHERE`), else the observed fact."""
    out = {}
    for name, overrides in variants.items():
        known = [f"{k}: {ACTS_ONLY_WHERE[k]}" for k, v in overrides.items()
                 if v == "literature" and k in ACTS_ONLY_WHERE]
        out[name] = "; ".join(known) or "its runs equal the baseline's at every sample point"
    return out
