"""Policy interventions: the study's six recommendations (§5.1; THEORY.md §6, I1-I6).

Each intervention is a named, parameterised object with a start week and an optional end
week. It is stored as parameters of the registry (``i1``, ``i1_every``, ...; off by
default), so it can be set in a scenario file (``[[interventions]]``), on the command
line (``--intervention evaluations:every=13,start=52``), swept, or varied in a
sensitivity analysis like any other parameter.

An intervention never adds to an outcome directly. Each week, `model.levers.Levers` turns the
interventions active in each run into the levers of THEORY.md §6 -- effective values of
existing parameters (perceived risk of sharing, informal contact, meeting form, voice,
turnover, effort, shared-goal clarity, opportunism threshold) and a few new levers
(misuse intercepted by a privacy officer, back-up contacts known, irritations repaired
at meetings, extra evaluations, newcomer training) -- that the weekly process reads instead of the raw parameters.

Costs are hours per year for the network as a whole; the assumptions behind each are
documented in `Intervention.cost_doc` and in docs/ODD.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from model.errors import ScenarioError
from model.parameters import SPEC_BY_NAME
from model.schema import show

if TYPE_CHECKING:
    from model.scenario import Scenario


@dataclass(frozen=True)
class Intervention:
    id: str  # I1 ... I6
    name: str  # command-line name
    flag: str  # the registry parameter that switches it on
    options: dict[str, str]  # option name -> registry parameter
    doc: str
    cost_doc: str
    recurring: Callable[[Scenario], float]  # hours per year for the whole network
    one_off: float = 0.0  # hours once, spread over the years the intervention acts


def _members(sc: Scenario) -> int:
    return sc.n


def _meetings_per_year(sc: Scenario) -> float:
    return 52.0 / sc.params.meeting_interval


def _replacements_per_year(sc: Scenario) -> float:
    """Expected replacements a year: the base rate for every seat plus scheduled events."""
    scheduled = len(sc.events) / (sc.horizon / 52.0) if sc.params.scheduled_events else 0.0
    return sc.n * sc.params.turnover_rate + scheduled


INTERVENTIONS: dict[str, Intervention] = {i.name: i for i in (
    Intervention(
        "I1", "evaluations", "i1",
        {"start": "i1_start", "end": "i1_end", "every": "i1_every", "after_turnover": "i1_after_turnover",
         "goal": "i1_goal"},
        "A concrete (SMART) shared goal and regular chair-led evaluations, plus one a few weeks "
        "after each change of representative: goal alignment re-aligned and irritations repaired.",
        "per evaluation 1.5 h for every member plus 3 h preparation by the chair; one evaluation "
        "per `every` weeks plus one after each expected replacement; 8 h once to agree the goal.",
        lambda sc: (52.0 / sc.params.i1_every + _replacements_per_year(sc)) * (1.5 * _members(sc) + 3.0),
        one_off=8.0),
    Intervention(
        "I2", "data_framework", "i2",
        {"start": "i2_start", "end": "i2_end", "risk_cut": "i2_risk_cut", "officer": "i2_officer",
         "limits": "i2_limits", "training": "i2_training"},
        "A data-sharing framework: clear limits, one agreed way to share, a covenant, a privacy "
        "officer to ask, training for every new member.",
        "drafting the framework 40 h once, a privacy officer 1 h a week, 4 h training per "
        "expected newcomer and 1 h a year per member to keep up.",
        lambda sc: 52.0 + 4.0 * _replacements_per_year(sc) + _members(sc), one_off=40.0),
    Intervention(
        "I3", "informal_moments", "i3",
        {"start": "i3_start", "end": "i3_end", "rate": "i3_rate", "physical": "i3_physical"},
        "Informal contact moments (coffee, lunch) and physical meetings where possible.",
        "each informal moment beyond the network's own 1 h for every member plus 1 h organising; "
        "meetings made physical cost 0.5 h travel per member per meeting (none if already physical).",
        lambda sc: 52.0 * max(0.0, sc.params.i3_rate - sc.params.informal_rate) * (_members(sc) + 1.0)
        + (0.5 * _members(sc) * _meetings_per_year(sc) if sc.params.i3_physical and sc.params.online else 0.0)),
    Intervention(
        "I4", "social_map", "i4", {"start": "i4_start", "end": "i4_end"},
        "A social map of contact persons per organisation and area, so a back-up is always known.",
        "making the map 16 h once, keeping it up to date 1 h a month.",
        lambda sc: 12.0, one_off=16.0),
    Intervention(
        "I5", "irritations", "i5",
        {"start": "i5_start", "end": "i5_end", "repair": "i5_repair", "voice": "i5_voice"},
        "Expectation management: the chair collects irritations and resolves them at each meeting; "
        "members get room to voice their perspective.",
        "15 minutes per member per meeting plus 1 h for the chair per meeting.",
        lambda sc: _meetings_per_year(sc) * (0.25 * _members(sc) + 1.0)),
    Intervention(
        "I6", "motivation", "i6",
        {"start": "i6_start", "end": "i6_end", "turnover_cut": "i6_turnover_cut",
         "absence_cut": "i6_absence_cut", "effort": "i6_effort"},
        "Building stability through intrinsic motivation: show the value, success stories, "
        "shadowing, an invitation by a manager.",
        "2 h per member per quarter (success stories, shadowing) plus 8 h a year of managers' time.",
        lambda sc: 4 * 2.0 * _members(sc) + 8.0),
)}
BY_ID = {i.id: i for i in INTERVENTIONS.values()}


def lookup(name: str) -> Intervention:
    """An intervention by its name (``evaluations``) or id (``I1``); one line otherwise."""
    spec = INTERVENTIONS.get(name.strip()) or BY_ID.get(name.strip().upper())
    if spec is None:
        known = ", ".join(f"{i.name} ({i.id})" for i in INTERVENTIONS.values())
        raise ScenarioError(f"intervention {show(name)}: unknown (choose from {known})")
    return spec


def intervention_overrides(name: str, options: dict[str, Any]) -> tuple[Intervention, dict]:
    """Intervention ``name`` with typed ``options`` (option -> value) as parameter overrides,
    each value checked against its parameter and returned in the parameter's type."""
    spec = lookup(name)
    overrides: dict = {spec.flag: True}
    for key, value in options.items():
        parameter = spec.options.get(key)
        if parameter is None:
            raise ScenarioError(f"intervention {spec.name}: unknown option {show(key)} "
                                f"(options: {', '.join(spec.options)}; as option=value)")
        try:
            overrides[parameter] = SPEC_BY_NAME[parameter].check(value)
        except ValueError as exc:
            raise ScenarioError(f"intervention {spec.name}: option {key}: parameter '{parameter}' {exc}") from None
    return spec, overrides


def parse_intervention(text: str) -> tuple[str, dict]:
    """``social_map`` or ``evaluations:every=13,start=52`` (or ``I1:...``) -> overrides.

    Returns (label, parameter overrides); the label spells the options as parsed
    (``every=04`` is ``every=4``), so two spellings of one design are one label. Strict:
    an option given twice, an option without ``=``, or a value holding another option
    (``start=3:end=5``) is a `ScenarioError` with one line.
    """
    name, _, opts = text.partition(":")
    spec = lookup(name)
    options: dict[str, Any] = {}
    for item in filter(None, (o.strip() for o in opts.split(","))):
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or key not in spec.options:
            raise ScenarioError(f"intervention {spec.name}: unknown option {show(item)} "
                                f"(options: {', '.join(spec.options)}; as option=value)")
        if key in options:
            raise ScenarioError(f"intervention {spec.name}: option '{key[:30]}' given twice")
        if any(c in value for c in ":=+|") or not value.isprintable():
            raise ScenarioError(f"intervention {spec.name}: value {show(value)} of '{key[:30]}' holds another "
                                "option; give options as option=value,option=value")
        options[key] = _value(value)
    _, overrides = intervention_overrides(spec.name, options)
    parsed = {key: overrides[spec.options[key]] for key in options}
    label = ",".join(f"{key}={_spell(v)}" for key, v in parsed.items())
    return spec.name + (f":{label}" if label else ""), overrides


def _spell(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else repr(value) if isinstance(value, float) else str(value)


def _value(text: str):
    text = text.strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if len(text) > 40:  # no parameter needs more; a 5,000-digit number is not converted
        return text
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def outside_horizon(params, weeks: int) -> str:
    """Why an intervention switched on in ``params`` never acts within ``weeks`` weeks
    (it starts after them), or "" if every one acts."""
    for spec in INTERVENTIONS.values():
        start = getattr(params, f"{spec.flag}_start")
        if getattr(params, spec.flag) and start > weeks:
            return (f"intervention {spec.id} ({spec.name}) starts in week {start}, after the last week "
                    f"simulated ({weeks}): it would never act")
    return ""


def owner_of(parameter: str) -> Intervention | None:
    """The intervention that ``parameter`` is an option of (or switches on), if any."""
    for spec in INTERVENTIONS.values():
        if parameter == spec.flag or parameter in spec.options.values():
            return spec
    return None


def active_interventions(sc: Scenario) -> list[Intervention]:
    return [i for i in INTERVENTIONS.values() if getattr(sc.params, i.flag)]


def active_years(sc: Scenario, i: Intervention) -> float:
    """Years within the horizon during which intervention ``i`` acts."""
    start = getattr(sc.params, f"{i.flag}_start")
    end = getattr(sc.params, f"{i.flag}_end") or sc.horizon
    return max(min(end, sc.horizon) - start, 1) / 52.0


def cost_hours(sc: Scenario) -> float:
    """Hours per year of the interventions switched on in ``sc``: recurring hours plus the
    one-off hours spread over the years each intervention acts within the horizon."""
    return float(sum(i.recurring(sc) + i.one_off / active_years(sc, i) for i in active_interventions(sc)))
