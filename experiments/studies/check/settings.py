"""The settings a scenario file makes itself, and the scenario without each of them.

A setting is a place in the file: a network parameter, a default of the representatives,
an attribute of one organisation, a scheduled event (whole, or one of its newcomer's
values), a timeline value, an intervention (whole, or one option) or a theory variant.
"Without it" is the file with that entry deleted, read again by the same validating
reader, so that it falls back to exactly what applies when the file does not say it
(the registry's default, the ``[representative]`` value, no event, ...).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from model.errors import ScenarioError
from model.files import parse_toml, read_text
from model.scenario import Scenario, builtin_scenarios, scenario_from_dict

IDENTITY = ("name", "domain")  # what makes an organisation; not screened
TOP = ("newcomer_spread",)  # screened top-level keys (the horizon sets the run's length, not a mechanism)


@dataclass(frozen=True)
class Setting:
    """One entry of the file: ``where`` is its path in the parsed TOML."""

    where: tuple
    label: str
    value: Any


def scenario_data(spec: str) -> tuple[dict, str]:
    """The parsed file of ``x``, ``y`` or a path, and its source name; a ``synthetic:``
    network has no file and no settings of its own."""
    if spec.lower() in builtin_scenarios():
        text = (resources.files("model.scenarios") / f"{spec.lower()}.toml").read_text(encoding="utf-8")
        return parse_toml(text, f"{spec.lower()}.toml"), f"{spec.lower()}.toml"
    if spec.startswith("synthetic:"):
        return {}, spec
    return parse_toml(read_text(Path(spec), "scenario file"), spec), spec


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return f"{value:g}" if isinstance(value, float) else str(value)


def own_settings(data: dict) -> list[Setting]:
    """Every setting the file makes, in file order."""
    out = [Setting(("parameters", k), f"[parameters] {k} = {_show(v)}", v)
           for k, v in data.get("parameters", {}).items()]
    out += [Setting((k,), f"{k} = {_show(data[k])}", data[k]) for k in TOP if k in data]
    out += [Setting(("representative", k), f"[representative] {k} = {_show(v)}", v)
            for k, v in data.get("representative", {}).items()]
    for i, org in enumerate(data.get("organisations", [])):
        out += [Setting(("organisations", i, k), f"{org.get('name')}: {k} = {_show(v)}", v)
                for k, v in org.items() if k not in IDENTITY]
    for i, event in enumerate(data.get("events", [])):
        out.append(Setting(("events", i), f"event: week {event.get('week')}, {event.get('org')} replaced", event))
        out += [Setting(("events", i, k), f"event week {event.get('week')} ({event.get('org')}): newcomer {k} = "
                        f"{_show(v)}", v) for k, v in event.items() if k not in ("week", "org", "kind")]
    for i, change in enumerate(data.get("timeline", [])):
        out += [Setting(("timeline", i, k), f"timeline week {change.get('week')}: {k} = {_show(v)}", v)
                for k, v in change.items() if k != "week"]
    for i, item in enumerate(data.get("interventions", [])):
        out.append(Setting(("interventions", i), f"intervention {item.get('name')}", item))
        out += [Setting(("interventions", i, k), f"intervention {item.get('name')}: {k} = {_show(v)}", v)
                for k, v in item.items() if k != "name"]
    out += [Setting(("variants", k), f"[variants] {k} = {_show(v)}", v) for k, v in data.get("variants", {}).items()]
    if isinstance(data.get("breach"), dict):
        b = data["breach"]
        out.append(Setting(("breach",), f"[breach] {b.get('org')}, week {b.get('week')} (a newcomer with a "
                           "diverging vision)", b))
    return out


def without(data: dict, setting: Setting) -> dict:
    """A copy of the file with the setting deleted (a timeline table left with only its
    week goes too)."""
    new = copy.deepcopy(data)
    *parents, last = setting.where
    holder = new
    for key in parents:
        holder = holder[key]
    del holder[last]
    if setting.where[0] == "timeline" and set(new["timeline"][setting.where[1]]) == {"week"}:
        del new["timeline"][setting.where[1]]
    for table in ("parameters", "representative", "variants"):
        if table in new and not new[table]:
            del new[table]
    return new


def variant_of(data: dict, source: str, setting: Setting) -> Scenario | str:
    """The scenario without ``setting``, or a one-line reason why it cannot be read alone."""
    try:
        return scenario_from_dict(without(data, setting), source)
    except ScenarioError as exc:
        return f"not screened alone: without it the scenario is invalid ({exc})"
