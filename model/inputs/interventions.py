"""Policy interventions: the study's six recommendations (§5.1; THEORY.md §6, I1-I6).

Each intervention is a named, parameterised object with a start week and an optional end
week. It is stored as parameters of the registry (``i1``, ``i1_every``, ...; off by
default), so it can be set in a scenario file (``[[interventions]]``), on the command
line (``--intervention evaluations:every=13,start=52``), swept, or varied in a
sensitivity analysis like any other parameter.

An intervention never adds to an outcome directly. Each week, `model.process.levers.Levers` turns the
interventions active in each run into the levers of THEORY.md §6 -- effective values of
existing parameters (perceived risk of sharing, informal contact, meeting form, voice,
turnover, effort, shared-goal clarity, opportunism threshold) and a few new levers
(misuse intercepted by a privacy officer, back-up contacts known, irritations repaired
at meetings, extra evaluations, newcomer training) -- that the weekly process reads instead of the raw parameters.

Costs are hours for the network as a whole, counted over the weeks an intervention acts
within the weeks actually run (`intervention_cost`): hours a year while it acts, with its
one-off hours spread over those weeks, and the total within the run. Settings the
scenario's timeline changes (meetings online for some years) are read week by week. The
assumptions behind each cost are documented in `Intervention.cost_doc` and in docs/ODD.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from model.inputs.errors import ScenarioError
from model.inputs.parameters import SPEC_BY_NAME
from model.inputs.schema import show

if TYPE_CHECKING:
    from model.inputs.scenario import Scenario


@dataclass(frozen=True)
class Intervention:
    id: str  # I1 ... I6
    name: str  # command-line name
    flag: str  # the registry parameter that switches it on
    options: dict[str, str]  # option name -> registry parameter
    doc: str
    cost_doc: str
    recurring: Callable[[Scenario, tuple[int, int]], float]  # hours per year for the whole network while
    #                                                          it acts in weeks (first, last)
    one_off: float = 0.0  # hours once, at the start
    acts_on: str = ""  # the levers, in a few words (README's table)


def _members(sc: Scenario) -> int:
    return sc.n


def in_force(sc: Scenario, key: str, week: int):
    """A network setting in ``week``: the timeline's latest value by then, else the parameter."""
    value = getattr(sc.params, key)
    for change in sc.timeline:  # sorted by week
        if change.week > week:
            break
        value = dict(change.values).get(key, value)
    return value


def _weekly_mean(sc: Scenario, weeks: tuple[int, int], hours) -> float:
    """Mean over the weeks (first, last) of ``hours(week)``: for costs that follow the
    timeline (meetings online in some years, another meeting rhythm)."""
    first, last = weeks
    return sum(hours(w) for w in range(first, last + 1)) / max(last - first + 1, 1)


def _meetings_per_year(sc: Scenario, week: int) -> float:
    return 52.0 / in_force(sc, "meeting_interval", week)


def _i3_hours(sc: Scenario, week: int) -> float:
    """I3 in one week, as hours a year: informal moments beyond the network's own rate,
    and travel where meetings that would be online are made physical."""
    moments = 52.0 * max(0.0, sc.params.i3_rate - in_force(sc, "informal_rate", week)) * (_members(sc) + 1.0)
    online = in_force(sc, "online", week)
    return moments + (0.5 * _members(sc) * _meetings_per_year(sc, week) if sc.params.i3_physical and online else 0.0)


def scheduled_weeks(sc: Scenario) -> list[int]:
    """The weeks of the scenario's scheduled replacements: its events and, with a
    ``[breach]``, the arrival of the newcomer with a diverging vision (the breach week plus
    ``breach_shift``); none when ``scheduled_events`` is off."""
    if not sc.params.scheduled_events:
        return []
    weeks = [e.week for e in sc.events]
    if sc.breach is not None:
        weeks.append(sc.breach.week + sc.params.breach_shift)
    return sorted(weeks)


def _replacements_per_year(sc: Scenario, weeks: tuple[int, int] | None = None) -> float:
    """Expected replacements a year while an intervention acts: the base rate for every
    seat plus the scenario's scheduled replacements in the weeks ``weeks`` = (first, last)
    it acts (default: the whole horizon)."""
    first, last = weeks or (1, sc.horizon)
    span = max(last - first + 1, 1) / 52.0
    scheduled = sum(first <= w <= last for w in scheduled_weeks(sc)) / span
    return sc.n * sc.params.turnover_rate + scheduled


INTERVENTIONS: dict[str, Intervention] = {i.name: i for i in (
    Intervention(
        "I1", "evaluations", "i1",
        {"start": "i1_start", "end": "i1_end", "hours": "i1_hours", "every": "i1_every",
         "after_turnover": "i1_after_turnover", "goal": "i1_goal"},
        "A concrete (SMART) shared goal and regular chair-led evaluations, plus one a few weeks "
        "after each change of representative: goal alignment re-aligned and irritations repaired.",
        "per evaluation 1.5 h for every member plus 3 h preparation by the chair; one evaluation "
        "per `every` weeks plus one after each expected replacement; 8 h once to agree the goal.",
        lambda sc, w: (52.0 / sc.params.i1_every + _replacements_per_year(sc, w)) * (1.5 * _members(sc) + 3.0),
        one_off=8.0,
        acts_on="shared-goal clarity, goal alignment, evaluations (also after turnover), irritations"),
    Intervention(
        "I2", "data_framework", "i2",
        {"start": "i2_start", "end": "i2_end", "hours": "i2_hours", "risk_cut": "i2_risk_cut", "officer": "i2_officer",
         "limits": "i2_limits", "training": "i2_training"},
        "A data-sharing framework: clear limits, one agreed way to share, a covenant, a privacy "
        "officer to ask, training for every new member.",
        "drafting the framework 40 h once, a privacy officer 1 h a week, 4 h training per "
        "expected newcomer and 1 h a year per member to keep up.",
        lambda sc, w: 52.0 + 4.0 * _replacements_per_year(sc, w) + _members(sc), one_off=40.0,
        acts_on="perceived risk of sharing, misuse stopped by a privacy officer, limits, newcomer training"),
    Intervention(
        "I3", "informal_moments", "i3",
        {"start": "i3_start", "end": "i3_end", "hours": "i3_hours", "rate": "i3_rate", "physical": "i3_physical"},
        "Informal contact moments (coffee, lunch) and physical meetings where possible.",
        "each informal moment beyond the network's own 1 h for every member plus 1 h organising; "
        "meetings made physical cost 0.5 h travel per member per meeting (none in weeks the network "
        "already meets physically, as its timeline says).",
        lambda sc, w: _weekly_mean(sc, w, lambda week: _i3_hours(sc, week)),
        acts_on="informal contact, physical meetings, common language, identification"),
    Intervention(
        "I4", "social_map", "i4", {"start": "i4_start", "end": "i4_end", "hours": "i4_hours"},
        "A social map of contact persons per organisation and area, so a back-up is always known.",
        "making the map 16 h once, keeping it up to date 1 h a month.",
        lambda sc, w: 12.0, one_off=16.0,
        acts_on="a back-up contact known at every organisation (no tunnel-vision stalls)"),
    Intervention(
        "I5", "irritations", "i5",
        {"start": "i5_start", "end": "i5_end", "hours": "i5_hours", "repair": "i5_repair", "voice": "i5_voice"},
        "Expectation management: the chair collects irritations and resolves them at each meeting; "
        "members get room to voice their perspective.",
        "15 minutes per member per meeting plus 1 h for the chair per meeting.",
        lambda sc, w: _weekly_mean(sc, w, lambda week: _meetings_per_year(sc, week)) * (0.25 * _members(sc) + 1.0),
        acts_on="cognitive trust repaired at meetings, voice"),
    Intervention(
        "I6", "motivation", "i6",
        {"start": "i6_start", "end": "i6_end", "hours": "i6_hours", "turnover_cut": "i6_turnover_cut",
         "absence_cut": "i6_absence_cut", "effort": "i6_effort"},
        "Building stability through intrinsic motivation: show the value, success stories, "
        "shadowing, an invitation by a manager.",
        "2 h per member per quarter (success stories, shadowing) plus 8 h a year of managers' time.",
        lambda sc, w: 4 * 2.0 * _members(sc) + 8.0,
        acts_on="turnover, absence, effort"),
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


def active_weeks(sc: Scenario, i: Intervention, steps: int | None = None) -> tuple[int, int] | None:
    """(first, last): the weeks of a run of ``steps`` weeks (default: the horizon) in which
    intervention ``i`` acts -- from its start week up to the week before its end (end 0:
    to the end of the run), as `model.process.levers.active` decides -- or None if it never acts
    within the run (off, or starting after its last week)."""
    if not getattr(sc.params, i.flag):
        return None
    last = sc.horizon if steps is None else steps
    start, end = getattr(sc.params, f"{i.flag}_start"), getattr(sc.params, f"{i.flag}_end")
    first, stop = max(start, 1), (last if not end else min(end - 1, last))
    return (first, stop) if stop >= first else None


@dataclass(frozen=True)
class Cost:
    """The hours of the interventions switched on in a run, counted over the weeks each
    one acts within the run: ``per_year`` adds each intervention's recurring hours a year
    and its one-off hours spread over the years it acts (a network budgets this much a
    year while they run); ``total`` is every hour spent within the run; ``weeks`` is the
    number of weeks in which at least one of them acts."""

    per_year: float
    total: float
    weeks: int


def intervention_cost(sc: Scenario, steps: int | None = None) -> Cost:
    """The cost of the interventions switched on in ``sc`` in a run of ``steps`` weeks
    (default: the scenario's horizon). An intervention that starts late is charged only
    for the weeks it acts, and its one-off hours are spread over those weeks, not over
    the horizon; one that never acts within the run costs nothing."""
    per_year = total = 0.0
    acting: set[int] = set()
    for i in active_interventions(sc):
        weeks = active_weeks(sc, i, steps)
        if weeks is None:
            continue
        years = (weeks[1] - weeks[0] + 1) / 52.0
        scale = getattr(sc.params, f"{i.flag}_hours")  # the estimate's uncertainty (1: as estimated)
        yearly, once = scale * i.recurring(sc, weeks), scale * i.one_off
        per_year += yearly + once / years
        total += yearly * years + once
        acting.update(range(weeks[0], weeks[1] + 1))
    return Cost(float(per_year), float(total), len(acting))


def cost_hours(sc: Scenario, steps: int | None = None) -> float:
    """Hours per year of the interventions switched on in ``sc`` while they act within a
    run of ``steps`` weeks (default: the horizon): `intervention_cost` ``.per_year``."""
    return intervention_cost(sc, steps).per_year
