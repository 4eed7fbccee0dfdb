"""Scenarios between X and Y: switch groups of settings from X's values to Y's.

X and Y differ in many settings at once. To ask which difference explains the gap, the
settings are grouped (by moderator, plus the network's composition and the events
specific to Y; since the scenarios follow the parity rule, these are all the inputs on
which X and Y differ), and `hybrid` builds a scenario with each group at a
level t in [0, 1]: 0 is X's setting, 1 is Y's. Numbers are interpolated linearly;
discrete settings (online or physical, the composition, scheduled events) switch at
t >= 0.5.

Events and attributes attached to organisations that exist in only one network are
carried over by role (`ROLE_MAP`): in X's composition, Y's breach (the interest of its own
and the newcomer with a diverging vision) happens at X's municipal enforcement, the party
with the most interest of its own; in Y's composition, X's one-year member (R4) is Y's
neighbourhood coach. This mapping is a modelling choice for the counterfactuals,
documented in docs/patterns.md. The breach is split in two groups, so that the
decomposition tells the diverging vision from the interest that misuse needs.
"""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

from model.parameters import SPEC_BY_NAME
from model.scenario import REPRESENTATIVE_FIELDS, Scenario, scenario_from_dict

GROUPS = ("composition", "communication", "autonomy", "stability", "coordination", "interest", "vision")

GROUP_DOC = {
    "composition": "organisations (9 vs 6), their capacities, feedback habits and availability",
    "communication": "meeting interval (7 vs 4 weeks), the COVID timeline (online, informal contact), "
                     "informal contact, outsiders",
    "autonomy": "power asymmetry (shared pot vs who pays decides)",
    "stability": "the scheduled turnover of each network (R4 in X; R8, R10 and the housing newcomer in Y)",
    "coordination": "task clarity where tasks overlap",
    "interest": "the housing corporation's interest of its own (conflict with care and municipality data)",
    "vision": "the diverging vision and threshold of the housing corporation's newcomer (the breach)",
}

# network-level parameters each group switches (X and Y set only these differently;
# tests/test_scenario.py checks that list against the scenario files)
PARAMS = {
    "communication": ("meeting_interval", "informal_rate", "outsider_rate"),
    "autonomy": ("power_asymmetry",),
    "coordination": ("task_clarity",),
}

# organisation of the other network that plays the same part (for events and attributes)
ROLE_MAP = {
    "y_to_x": {"District team": "Safety director", "Community police": "Community police",
               "Housing corporation": "Enforcement", "Care party": "Central intake"},
    "x_to_y": {"Salvation Army outreach": "Neighbourhood coach"},
}
Y_EVENT_ORG = "Housing corporation"  # the organisation of Y's [breach]


def _raw(name: str) -> dict[str, Any]:
    text = (resources.files("model.scenarios") / f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _mix(a, b, t: float):
    if isinstance(a, bool) or isinstance(b, bool):
        return b if t >= 0.5 else a
    if isinstance(a, int) and isinstance(b, int):
        return int(round(a + t * (b - a)))
    return a + t * (b - a)


def hybrid(levels: dict[str, float], horizon: int | None = None) -> Scenario:
    """The scenario with each group at its level (missing groups at 0, X's setting)."""
    unknown = set(levels) - set(GROUPS)
    if unknown:
        raise ValueError(f"unknown groups {sorted(unknown)} (groups: {', '.join(GROUPS)})")
    lv = {g: float(levels.get(g, 0.0)) for g in GROUPS}
    x, y = _raw("x"), _raw("y")
    on_y = lv["composition"] >= 0.5
    base = copy.deepcopy(y if on_y else x)

    params = base.setdefault("parameters", {})
    for group, names in PARAMS.items():
        for name in names:
            default = SPEC_BY_NAME[name].default
            xv = x["parameters"].get(name, default)
            yv = y["parameters"].get(name, default)
            params[name] = _mix(xv, yv, lv[group])
    # the COVID timeline is part of communication: each network's own, switched at 0.5
    base["timeline"] = copy.deepcopy((y if lv["communication"] >= 0.5 else x).get("timeline", []))

    orgs = {o["name"]: o for o in base["organisations"]}
    # autonomy: who pays decides -> the chair's organisation pays
    for o in base["organisations"]:
        o["pays"] = lv["autonomy"] >= 0.5 and o.get("role") == "chair"
    # the breach's organisation: Y's housing corporation, or the organisation playing its part
    target = Y_EVENT_ORG if on_y else ROLE_MAP["y_to_x"][Y_EVENT_ORG]
    y_org = next(o for o in y["organisations"] if o["name"] == Y_EVENT_ORG)

    # stability: the scheduled turnover of each network, carried over by role
    events = []
    y_events = [e for e in y.get("events", [])]
    x_events = [e for e in x.get("events", [])]
    if lv["stability"] >= 0.5:
        for e in y_events:
            org = e["org"] if on_y else ROLE_MAP["y_to_x"].get(e["org"])
            if org in orgs:
                events.append({"week": e["week"], "org": org})
    else:
        for e in x_events:
            org = e["org"] if not on_y else ROLE_MAP["x_to_y"].get(e["org"])
            if org in orgs:
                events.append({"week": e["week"], "org": org, **{k: v for k, v in e.items()
                                                                 if k not in ("week", "org")}})
    # the breach: its newcomer arrives with Y's turnover (stability) or with the diverging
    # vision; without the vision it is an ordinary successor (the organisation's usual
    # alignment and threshold), without the interest its organisation has none of its own
    base.pop("breach", None)
    orgs[target].pop("conflict_of_interest", None)
    orgs[target].pop("conflicts_with", None)
    orgs[target].pop("colleague", None)
    if lv["interest"] >= 0.5:
        orgs[target]["conflicts_with"] = copy.deepcopy(y_org["conflicts_with"])
    if lv["stability"] >= 0.5 or lv["vision"] >= 0.5:
        base["breach"] = {"org": target, "week": y["breach"]["week"]}
        if y_org.get("colleague") and (on_y or lv["stability"] >= 0.5):
            orgs[target]["colleague"] = True
        if lv["vision"] < 0.5:
            rep = {**x.get("representative", {}), **y.get("representative", {}), **orgs[target]}
            params["breach_alignment"] = rep.get("goal_alignment", REPRESENTATIVE_FIELDS["goal_alignment"].default)
            params["breach_threshold"] = rep.get("opportunism_threshold",
                                                 REPRESENTATIVE_FIELDS["opportunism_threshold"].default)
        if lv["interest"] < 0.5:
            params["breach_conflict"] = 0.0
    elif lv["interest"] >= 0.5:
        orgs[target]["conflict_of_interest"] = SPEC_BY_NAME["breach_conflict"].default
    base["events"] = sorted(events, key=lambda e: (e["week"], e["org"]))
    base["name"] = "hybrid"
    base["description"] = "X/Y hybrid: " + ", ".join(f"{g}={lv[g]:g}" for g in GROUPS)
    if horizon is not None:
        base["horizon"] = horizon
    return scenario_from_dict(base, source="hybrid(" + ",".join(f"{g}={lv[g]:g}" for g in GROUPS) + ")")


def hybrid_from_spec(spec: str, horizon: int | None = None) -> Scenario:
    """Parse ``hybrid:group=level,...`` (levels in [0, 1]; omitted groups at X's setting)."""
    body = spec.removeprefix("hybrid:")
    levels: dict[str, float] = {}
    for item in filter(None, body.split(",")):
        key, _, value = item.partition("=")
        try:
            levels[key] = float(value)
        except ValueError:
            raise ValueError(f"{spec}: level of '{key}' must be a number, got {value!r}") from None
        if not 0.0 <= levels[key] <= 1.0:
            raise ValueError(f"{spec}: level of '{key}' must be between 0 and 1")
    return hybrid(levels, horizon)
