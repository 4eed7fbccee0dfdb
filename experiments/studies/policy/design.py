"""The policy study's design: per scenario the baseline, each intervention, all together
and the combinations asked for."""

from __future__ import annotations

from model.inputs.interventions import parse_intervention


def design(scenarios: list[str], interventions: list[str], combinations: list[list[str]],
           all_together: bool = True) -> list[dict]:
    """Design points: per scenario the baseline, each intervention, all together and the
    combinations asked for. Labels are ``scenario|intervention``."""
    parsed = [parse_intervention(i) for i in interventions]
    combos: list[tuple[str, list[str]]] = []
    if all_together and len(parsed) > 1:
        combos.append(("all", list(interventions)))
    for combo in combinations:
        combos.append(("+".join(parse_intervention(c)[0] for c in combo), combo))
    points = []
    for sc in scenarios:
        points.append({"label": f"{sc}|baseline", "scenario": sc})
        for label, overrides in parsed:
            points.append({"label": f"{sc}|{label}", "scenario": sc, **overrides})
        for label, items in combos:
            merged: dict = {}
            for item in items:
                merged.update(parse_intervention(item)[1])
            points.append({"label": f"{sc}|{label}", "scenario": sc, **merged})
    return points
