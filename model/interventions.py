"""Policy interventions: the study's six recommendations (§5.1; THEORY.md §6, I1-I6).

Each intervention is a named, parameterised object with a start week and an optional end
week. It is stored as parameters of the registry (``i1``, ``i1_every``, ...; off by
default), so it can be set in a scenario file (``[[interventions]]``), on the command
line (``--intervention evaluations:every=13,start=52``), swept, or varied in a
sensitivity analysis like any other parameter.

An intervention never adds to an outcome directly. Each week, `Levers` turns the
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

import numpy as np

from model.scenario import Scenario, ScenarioError
from model.structure import ParamBatch


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


def parse_intervention(text: str) -> tuple[str, dict]:
    """``social_map`` or ``evaluations:every=13,start=52`` (or ``I1:...``) -> overrides.

    Returns (canonical label, parameter overrides). Raises `ScenarioError` with one line.
    """
    name, _, opts = text.partition(":")
    name = name.strip()
    spec = INTERVENTIONS.get(name) or BY_ID.get(name.upper())
    if spec is None:
        known = ", ".join(f"{i.name} ({i.id})" for i in INTERVENTIONS.values())
        raise ScenarioError(f"intervention '{name}': unknown (choose from {known})")
    overrides: dict = {spec.flag: True}
    for item in filter(None, (o.strip() for o in opts.split(","))):
        key, sep, value = item.partition("=")
        if key not in spec.options or not sep:
            raise ScenarioError(f"intervention {spec.name}: unknown option '{item}' "
                                f"(options: {', '.join(spec.options)}; as option=value)")
        overrides[spec.options[key]] = _value(value)
    return spec.name + (f":{opts}" if opts else ""), overrides


def _value(text: str):
    text = text.strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


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


# ----------------------------------------------------------------------- weekly levers


def active(pb: ParamBatch, k: int, week: int) -> np.ndarray:
    """(B,) bool: intervention I<k> acts in ``week`` in each run."""
    on = getattr(pb, f"i{k}")
    start, end = getattr(pb, f"i{k}_start"), getattr(pb, f"i{k}_end")
    return on & (week >= start) & ((end == 0) | (week < end))


def levers(pb: ParamBatch, week: int) -> Levers:
    """The levers of ``week``; computed once per block when no run has an intervention."""
    if any(getattr(pb, f"i{k}").any() for k in range(1, 7)):
        return Levers(pb, week)
    idle = pb.__dict__.get("_idle_levers")
    if idle is None:
        idle = pb.__dict__["_idle_levers"] = Levers(pb, week)
    return idle


class Levers:
    """The parameters of one week with the active interventions applied.

    Offers the `ParamBatch` interface (``col``, attributes) so the weekly process reads it
    in place of the raw parameters; lever names that are not parameters (``absence_cut``,
    ``social_map``, ``irritation_repair``, ``threshold_boost``, ``training``,
    ``after_turnover``, ``interception``; ``i1_every`` is 0 where I1 is not active) exist
    only here.
    """

    def __init__(self, pb: ParamBatch, week: int):
        self._pb = pb
        a = {k: active(pb, k, week) for k in range(1, 7)}
        zeros = np.zeros(pb.size)
        lev = {}
        lev["i1_every"] = np.where(a[1], pb.i1_every, 0)  # I1 evaluations, counted from its start
        lev["after_turnover"] = np.where(a[1], pb.i1_after_turnover, -1)
        lev["shared_goal"] = np.where(a[1], np.minimum(1.0, pb.shared_goal + pb.i1_goal), pb.shared_goal)
        lev["sharing_risk"] = np.where(a[2], pb.sharing_risk * (1.0 - pb.i2_risk_cut), pb.sharing_risk)
        lev["interception"] = np.where(a[2], pb.i2_officer, zeros)
        lev["threshold_boost"] = np.where(a[2], pb.i2_limits, zeros)
        lev["training"] = np.where(a[2], pb.i2_training, zeros)
        lev["informal_rate"] = np.where(a[3], np.maximum(pb.informal_rate, pb.i3_rate), pb.informal_rate)
        lev["online"] = np.where(a[3] & pb.i3_physical, False, pb.online)
        lev["social_map"] = a[4]
        lev["irritation_repair"] = np.where(a[5], pb.i5_repair, zeros)
        lev["voice"] = np.where(a[5], 1.0 - (1.0 - pb.voice) * (1.0 - pb.i5_voice), pb.voice)
        lev["turnover_rate"] = np.where(a[6], pb.turnover_rate * (1.0 - pb.i6_turnover_cut), pb.turnover_rate)
        lev["absence_cut"] = np.where(a[6], pb.i6_absence_cut, zeros)
        lev["effort_alignment"] = np.where(a[6], pb.effort_alignment * (1.0 - pb.i6_effort),
                                           pb.effort_alignment)
        self._lev = lev
        self._cols: dict[tuple[str, int], np.ndarray] = {}

    def __getattr__(self, name: str):
        lev = self.__dict__.get("_lev", {})
        if name in lev:
            return lev[name]
        return getattr(self.__dict__["_pb"], name)

    def col(self, name: str, extra_dims: int) -> np.ndarray:
        if name not in self._lev:
            return self._pb.col(name, extra_dims)
        key = (name, extra_dims)
        if key not in self._cols:
            self._cols[key] = self._lev[name].reshape((self._pb.size,) + (1,) * extra_dims)
        return self._cols[key]
