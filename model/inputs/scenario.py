"""Scenarios: a network's organisations, representatives, parameters and events.

A scenario is read from a TOML file (`model/inputs/scenarios/x.toml`, `y.toml` ship with
the package) or built for scaling studies (`synthetic:N[:domain=weight,...]`).
Validation is strict: an unknown key, a wrong type or an out-of-range value raises
`ScenarioError` with one line naming the file, the key and what is allowed, because a
silently ignored typo in a scenario would quietly change a study's result.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from model.inputs.errors import ScenarioError
from model.inputs.files import parse_toml, read_text
from model.inputs.interventions import INTERVENTIONS, intervention_overrides, outside_horizon
from model.inputs.parameters import SPECS, Params
from model.inputs.schema import Flag, Items, Number, Scalar, Table, Text, check

DOMAINS = ("care", "safety", "housing", "municipality", "justice", "other")
ROLES = ("chair", "minute-taker", "member")


@dataclass(frozen=True)
class FieldSpec:
    default: float
    low: float
    high: float
    source: str
    doc: str


# Person-level attributes of a representative (the person at the table).
REPRESENTATIVE_FIELDS: dict[str, FieldSpec] = {
    "goal_alignment": FieldSpec(
        0.85, 0.0, 1.0, "study §4.6 (shared goal convergent in X), assumption",
        "How far the person's own interest coincides with the shared goal."),
    "capacity": FieldSpec(
        0.85, 0.0, 1.0, "study §4.1.2.1 (overloaded care organisation), assumption",
        "Weekly chance that an agreed action is carried out, and that a done action "
        "is reported back (inverse of workload)."),
    "values_feedback": FieldSpec(
        0.7, 0.0, 1.0, "study §4.1.4.1 (cognitive trust matters to those who value it)",
        "How much the person weighs missing feedback when judging competence."),
    "availability": FieldSpec(
        0.9, 0.0, 1.0, "study §4.5 (absence), assumption",
        "Weekly chance that the person is present and reachable."),
    "opportunism_threshold": FieldSpec(
        0.5, 0.0, 1.0, "G&N (trustworthiness as a defection threshold), assumption",
        "Temptation above which the person uses shared data for the organisation's own "
        "interest."),
    "outsider_reticence": FieldSpec(
        0.3, 0.0, 1.0, "study §4.2 (R4 shares less with outsiders present), assumption",
        "Share of case information the person holds back when unscreened outsiders attend."),
    "tenure": FieldSpec(
        0.0, 0.0, 2000.0, "study §3 table",
        "Weeks the person has been at the table when the simulation starts."),
}

ORG_KEYS = {"name", "domain", "role", "conflict_of_interest", "conflicts_with", "pays",
            "overlap_group", "respondent", "joins", "imposed", "colleague", "anonymous_first",
            *REPRESENTATIVE_FIELDS}
EVENT_KEYS = {"week", "org", "kind", *REPRESENTATIVE_FIELDS}
TOP_KEYS = {"name", "description", "horizon", "newcomer_spread", "parameters",
            "representative", "organisations", "events", "variants", "interventions", "timeline", "breach"}
# network-level settings a scenario's timeline may change at given weeks
TIMELINE_KEYS = ("online", "informal_rate", "outsider_rate", "meeting_interval")
RESPONDENTS = tuple(f"R{k}" for k in range(1, 12))  # the study's interviewees
MAX_DESCRIPTION = 10_000  # it is copied into every manifest
VARIANT_KEYS = tuple(s.name for s in SPECS if s.kind is str)  # theory pairs T1-T8 and the update rule
MAX_ORGANISATIONS = 5000  # pair arrays grow with N^2: beyond this no block fits in memory

# The shape of a scenario file (`model.inputs.schema`): which keys, types and ranges. What needs
# several keys at once (unique names, events naming organisations, the horizon) and the
# parameters' own ranges (`model.inputs.parameters`) are checked by `scenario_from_dict`.
_NAME = Text(200, min_len=1)
_PERSON = {k: Number(s.low, s.high) for k, s in REPRESENTATIVE_FIELDS.items()}
SCHEMA = Table({
    "name": _NAME,
    "description": Text(MAX_DESCRIPTION, line=False),
    "horizon": Number(1, 5200, whole=True),
    "newcomer_spread": Number(0.0, 1.0),
    "parameters": Table(extra=Scalar()),
    "representative": Table(_PERSON),
    "organisations": Items(Table({
        "name": _NAME, "domain": Text(choices=DOMAINS), "role": Text(choices=ROLES),
        "conflict_of_interest": Number(0.0, 1.0), "conflicts_with": Items(Text(choices=DOMAINS), 0, len(DOMAINS)),
        "pays": Flag(), "overlap_group": Text(200), "respondent": Text(choices=("", *RESPONDENTS)),
        "joins": Number(0, 5200, whole=True), "imposed": Flag(), "colleague": Flag(), "anonymous_first": Flag(),
        **_PERSON}, required=("name", "domain")),
        0, MAX_ORGANISATIONS),
    "events": Items(Table({"week": Number(1, whole=True), "org": _NAME, "kind": Text(choices=("turnover",)),
                           **_PERSON}, required=("week", "org"))),
    "variants": Table(extra=Scalar()),
    "interventions": Items(Table({"name": Text(60, min_len=1)}, required=("name",), extra=Scalar()),
                           0, 2 * len(INTERVENTIONS)),
    "timeline": Items(Table({"week": Number(1, 5200, whole=True), **{k: Scalar() for k in TIMELINE_KEYS}},
                            required=("week",)), 0, 5200),
    "breach": Table({"org": _NAME, "week": Number(1, 5200, whole=True)}, required=("org", "week")),
})


@dataclass(frozen=True)
class Organisation:
    """An organisation at the table and its current representative's attributes."""

    name: str
    domain: str
    role: str = "member"
    conflict_of_interest: float = 0.0  # strength of own interest against the goal
    conflicts_with: tuple[str, ...] = ()  # domains whose shared data it can use against them
    pays: bool = False  # the funder under "who pays decides"
    overlap_group: str = ""  # organisations with overlapping tasks share a group
    representative: dict[str, float] = field(default_factory=dict)
    respondent: str = ""  # the study's respondent id (R1-R11) of its representative, if any
    joins: int = 0  # week the organisation joins the network (0: a founding member)
    imposed: bool = False  # its participation is imposed from outside (T7)
    colleague: bool = False  # a colleague at the table from the start stays when its representative changes
    anonymous_first: bool = False  # brings a case in anonymously at its first mention (not identifiable)

    def rep(self, key: str) -> float:
        return self.representative[key]


@dataclass(frozen=True)
class Event:
    """A scheduled turnover: at ``week`` the representative of ``org`` is replaced."""

    week: int
    org: str
    kind: str = "turnover"
    representative: dict[str, float] = field(default_factory=dict)  # newcomer overrides


@dataclass(frozen=True)
class Breach:
    """The hypothesis of a network's breach: at ``week`` (plus ``breach_shift``) a newcomer
    with a diverging vision replaces the representative of ``org``, whose organisation has
    an interest of its own (``breach_conflict``); the newcomer's alignment and threshold
    are ``breach_alignment`` and ``breach_threshold``. The numbers are parameters, so that
    they can be sampled like any other assumption."""

    org: str
    week: int


@dataclass(frozen=True)
class Change:
    """A timeline entry: from ``week`` on, network-level settings take these values."""

    week: int
    values: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Scenario:
    """Everything that defines a network before the random seed."""

    name: str
    organisations: tuple[Organisation, ...]
    params: Params = field(default_factory=Params)
    events: tuple[Event, ...] = ()
    horizon: int = 156
    newcomer_spread: float = 0.2
    description: str = ""
    source: str = "<built>"
    timeline: tuple[Change, ...] = ()
    breach: Breach | None = None

    @property
    def n(self) -> int:
        return len(self.organisations)

    def org_index(self, name: str) -> int:
        for i, org in enumerate(self.organisations):
            if org.name == name:
                return i
        raise ScenarioError(f"{self.source}: no organisation named '{name}'")

    def with_overrides(self, overrides: dict[str, Any]) -> Scenario:
        """Apply ``--set KEY=VALUE`` style overrides (network parameters or top-level keys)."""
        params = dict(overrides)
        top = {}
        for key in ("horizon", "newcomer_spread"):
            if key in params:
                top[key] = params.pop(key)
        try:
            new_params = self.params.with_overrides(params, where=f"{self.source} overrides")
        except ValueError as exc:
            raise ScenarioError(str(exc)) from None
        checked = _check_top(top, f"{self.source} overrides")
        # a setting given explicitly holds for the whole run: the timeline no longer moves it
        timeline = tuple(c for c in (Change(c.week, tuple((k, v) for k, v in c.values if k not in params))
                                     for c in self.timeline) if c.values)
        # a horizon shortened here runs the first weeks of the scenario: later events are not checked
        return _consistent(replace(self, params=new_params, timeline=timeline, **checked),
                           f"{self.source} overrides", events=False)

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-able description (for manifests)."""
        return {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "horizon": self.horizon,
            "newcomer_spread": self.newcomer_spread,
            "parameters": self.params.to_dict(),
            "organisations": [
                {"name": o.name, "domain": o.domain, "role": o.role,
                 "conflict_of_interest": o.conflict_of_interest,
                 "conflicts_with": list(o.conflicts_with), "pays": o.pays,
                 "overlap_group": o.overlap_group, "respondent": o.respondent, "joins": o.joins,
                 "imposed": o.imposed, "colleague": o.colleague, "anonymous_first": o.anonymous_first,
                 **o.representative}
                for o in self.organisations
            ],
            "events": [{"week": e.week, "org": e.org, "kind": e.kind, **e.representative}
                       for e in self.events],
            "timeline": [{"week": c.week, **dict(c.values)} for c in self.timeline],
            "breach": {"org": self.breach.org, "week": self.breach.week} if self.breach else None,
        }


# --------------------------------------------------------------------------- loading


def _type_name(value: Any) -> str:
    return type(value).__name__


def _number(where: str, key: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError(f"{where}: '{key}' must be a number, got {_type_name(value)} {value!r}")
    if not (low <= value <= high):
        raise ScenarioError(f"{where}: '{key}' must be between {low:g} and {high:g}, got {value!r}")
    return float(value)


def _check_top(values: dict[str, Any], where: str) -> dict[str, Any]:
    out = {}
    if "horizon" in values:
        h = values["horizon"]
        if isinstance(h, bool) or not isinstance(h, int) or not (1 <= h <= 5200):
            raise ScenarioError(f"{where}: 'horizon' must be a whole number of weeks in 1..5200, got {h!r}")
        out["horizon"] = int(h)
    if "newcomer_spread" in values:
        out["newcomer_spread"] = _number(where, "newcomer_spread", values["newcomer_spread"], 0.0, 1.0)
    return out


def _representative(where: str, table: dict[str, Any], base: dict[str, float]) -> dict[str, float]:
    rep = dict(base)
    for key, value in table.items():
        if key in REPRESENTATIVE_FIELDS:
            spec = REPRESENTATIVE_FIELDS[key]
            rep[key] = _number(where, key, value, spec.low, spec.high)
    return rep


def _unknown(where: str, table: dict[str, Any], allowed: set[str]) -> None:
    for key in table:
        if key not in allowed:
            raise ScenarioError(f"{where}: unknown key '{key}' (allowed: {', '.join(sorted(allowed))})")


def scenario_from_dict(data: dict[str, Any], source: str = "<dict>") -> Scenario:
    """Build and validate a scenario from the parsed TOML structure.

    The shape is checked against `SCHEMA` first; every check here is linear in the size
    of the file (a 5,000-organisation file is refused or accepted in well under a second).
    """
    check(data, SCHEMA, source)
    name = data.get("name", Path(source).stem)
    if not isinstance(name, str) or not name or not name.isprintable():
        raise ScenarioError(f"{source}: 'name' must be a non-empty string on one line (give name = \"...\")")
    params_table = data.get("parameters", {})
    if not isinstance(params_table, dict):
        raise ScenarioError(f"{source}: [parameters] must be a table")
    params_table = _merge_once(params_table, _variants_and_interventions(data, source), source)
    try:
        params = Params.from_dict(params_table, where=f"{source} [parameters]")
    except ValueError as exc:
        raise ScenarioError(str(exc)) from None

    rep_table = data.get("representative", {})
    if not isinstance(rep_table, dict):
        raise ScenarioError(f"{source}: [representative] must be a table")
    _unknown(f"{source} [representative]", rep_table, set(REPRESENTATIVE_FIELDS))
    base = {k: s.default for k, s in REPRESENTATIVE_FIELDS.items()}
    base = _representative(f"{source} [representative]", rep_table, base)

    orgs_raw = data.get("organisations")
    if not isinstance(orgs_raw, list) or len(orgs_raw) < 2:
        raise ScenarioError(f"{source}: [[organisations]] must list at least two organisations")
    orgs = []
    for k, table in enumerate(orgs_raw):
        where = f"{source} organisations[{k}]"
        if not isinstance(table, dict):
            raise ScenarioError(f"{where}: must be a table")
        _unknown(where, table, ORG_KEYS)
        orgs.append(_organisation(where, table, base))
    names = [o.name for o in orgs]
    dupes = sorted(n for n, k in Counter(names).items() if k > 1)
    if dupes:
        raise ScenarioError(f"{source}: organisation names must be unique, repeated: {', '.join(dupes)}")
    if sum(o.role == "chair" for o in orgs) > 1:
        raise ScenarioError(f"{source}: at most one organisation can have role 'chair'")

    events, known = [], set(names)
    for k, table in enumerate(data.get("events", [])):
        where = f"{source} events[{k}]"
        if not isinstance(table, dict):
            raise ScenarioError(f"{where}: must be a table")
        _unknown(where, table, EVENT_KEYS)
        events.append(_event(where, table, known))

    top = _check_top({k: data[k] for k in ("horizon", "newcomer_spread") if k in data}, source)
    description = data.get("description", "")
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
        raise ScenarioError(f"{source}: 'description' must be a string of at most {MAX_DESCRIPTION} characters")
    timeline = _timeline(data.get("timeline", []), source, top.get("horizon", 156))
    for o in orgs:
        if o.joins >= top.get("horizon", 156):
            raise ScenarioError(f"{source}: organisation '{o.name}' joins in week {o.joins}, after the horizon")
    ids = [o.respondent for o in orgs if o.respondent]
    if len(ids) != len(set(ids)):
        raise ScenarioError(f"{source}: a respondent id is given to two organisations ({', '.join(sorted(ids))})")
    breach = _breach(data.get("breach"), source, orgs, top.get("horizon", 156))
    return _consistent(Scenario(name=name, organisations=tuple(orgs), params=params, events=tuple(events),
                                description=description, source=source, timeline=timeline, breach=breach,
                                **top), source)


def _breach(table: Any, source: str, orgs: list[Organisation], horizon: int) -> Breach | None:
    """``[breach]``: ``org`` (an organisation of the scenario) and ``week`` (its newcomer with a
    diverging vision arrives; the numbers of the hypothesis are the ``breach_*`` parameters)."""
    if table is None:
        return None
    where = f"{source} [breach]"
    if not isinstance(table, dict):
        raise ScenarioError(f"{where}: must be a table with org and week")
    _unknown(where, table, {"org", "week"})
    org = next((o for o in orgs if o.name == table.get("org")), None)
    if org is None:
        raise ScenarioError(f"{where}: 'org' must name an organisation of the scenario, got {table.get('org')!r}")
    if org.conflict_of_interest:
        raise ScenarioError(f"{where}: '{org.name}' sets conflict_of_interest; the breach's organisation takes "
                            "it from the parameter breach_conflict")
    week = table.get("week")
    if isinstance(week, bool) or not isinstance(week, int) or not 1 <= week <= horizon:
        raise ScenarioError(f"{where}: 'week' must be a whole number in 1..{horizon} (the horizon), got {week!r}")
    return Breach(org=org.name, week=week)



def _consistent(sc: Scenario, where: str, events: bool = True) -> Scenario:
    """Checks across keys that would otherwise be ignored without a word: an event after
    the horizon never happens, an intervention that ends before it starts, or (in a file)
    starts after the horizon, never acts. Overrides are not checked against the horizon
    here (`Scenario.with_overrides` is also how the API builds what-ifs): a study's design
    points are, against the weeks they run (`experiments.ensemble.Study.point_scenarios`)."""
    late = [e for e in sc.events if e.week > sc.horizon] if events else []
    if late:
        raise ScenarioError(f"{where}: event in week {late[0].week} for '{late[0].org}' is after the "
                            f"horizon ({sc.horizon} weeks)")
    never = outside_horizon(sc.params, sc.horizon) if events else ""  # overrides: checked per design point
    if never:
        raise ScenarioError(f"{where}: {never}")
    for k in range(1, 7):
        start, end = getattr(sc.params, f"i{k}_start"), getattr(sc.params, f"i{k}_end")
        if end and end <= start:
            raise ScenarioError(f"{where}: intervention I{k} ends (i{k}_end = {end}) before it starts "
                                f"(i{k}_start = {start}); use end = 0 for 'never stops'")
    return sc


def _timeline(entries: Any, source: str, horizon: int) -> tuple[Change, ...]:
    """``[[timeline]]`` tables: ``week = W`` and settings of `TIMELINE_KEYS` that hold from W on."""
    if not isinstance(entries, list):
        raise ScenarioError(f"{source}: [[timeline]] must be a list of tables")
    out, weeks = [], set()
    for k, table in enumerate(entries):
        where = f"{source} timeline[{k}]"
        if not isinstance(table, dict):
            raise ScenarioError(f"{where}: must be a table")
        _unknown(where, table, {"week", *TIMELINE_KEYS})
        week = table.get("week")
        if isinstance(week, bool) or not isinstance(week, int) or not 1 <= week <= horizon:
            raise ScenarioError(f"{where}: 'week' must be a whole number in 1..{horizon} (the horizon), got {week!r}")
        if week in weeks:
            raise ScenarioError(f"{where}: week {week} is listed twice")
        weeks.add(week)
        values = {key: v for key, v in table.items() if key != "week"}
        if not values:
            raise ScenarioError(f"{where}: sets nothing (allowed: {', '.join(TIMELINE_KEYS)})")
        try:
            checked = Params.from_dict(values, where=where)
        except ValueError as exc:
            raise ScenarioError(str(exc)) from None
        out.append(Change(week, tuple((key, getattr(checked, key)) for key in values)))
    return tuple(sorted(out, key=lambda c: c.week))


def _variants_and_interventions(data: dict[str, Any], source: str) -> dict[str, Any]:
    """``[variants]`` (T1 = "literature", ...) and ``[[interventions]]`` (name = "evaluations",
    every = 13, ...) as parameter overrides."""
    out: dict[str, Any] = {}
    variants = data.get("variants", {})
    if not isinstance(variants, dict):
        raise ScenarioError(f"{source}: [variants] must be a table of pair = side")
    for key in variants:
        if key not in VARIANT_KEYS:  # a plain parameter belongs in [parameters]
            raise ScenarioError(f"{source} [variants]: '{key}' is not a theory variant "
                                f"(choose from {', '.join(VARIANT_KEYS)})")
    out.update(variants)
    entries = data.get("interventions", [])
    if not isinstance(entries, list):
        raise ScenarioError(f"{source}: [[interventions]] must be a list of tables")
    seen: dict[str, int] = {}
    for k, table in enumerate(entries):
        if not isinstance(table, dict) or not isinstance(table.get("name"), str):
            raise ScenarioError(f"{source} interventions[{k}]: needs name = \"...\"")
        # each option is its own key with a typed value: nothing is re-parsed from text, so
        # a value cannot carry another option ("13,start=52") and a name cannot carry options
        try:
            spec, overrides = intervention_overrides(table["name"], {key: v for key, v in table.items()
                                                                     if key != "name"})
        except ScenarioError as exc:
            raise ScenarioError(f"{source} interventions[{k}]: {exc}") from None
        if spec.id in seen:
            raise ScenarioError(f"{source} interventions[{k}]: intervention {spec.name} ({spec.id}) is listed "
                                f"twice (also interventions[{seen[spec.id]}]); give its options once")
        seen[spec.id] = k
        twice = sorted(set(out) & set(overrides))
        if twice:
            raise ScenarioError(f"{source} interventions[{k}]: '{twice[0]}' is also set by [variants]")
        out.update(overrides)
    return out


def _merge_once(parameters: dict[str, Any], more: dict[str, Any], source: str) -> dict[str, Any]:
    """[parameters] and the overrides of [variants] and [[interventions]], each key set once:
    a value given in two places would otherwise be decided by the order of reading."""
    twice = sorted(set(parameters) & set(more))
    if twice:
        raise ScenarioError(f"{source}: '{twice[0]}' is set both in [parameters] and by [variants] or "
                            "[[interventions]]; set it in one place")
    return {**parameters, **more}


def _organisation(where: str, table: dict[str, Any], base: dict[str, float]) -> Organisation:
    name = table.get("name")
    if not isinstance(name, str) or not name:
        raise ScenarioError(f"{where}: 'name' is required and must be a non-empty string")
    domain = table.get("domain")
    if domain not in DOMAINS:
        raise ScenarioError(f"{where}: 'domain' must be one of {', '.join(DOMAINS)}, got {domain!r}")
    role = table.get("role", "member")
    if role not in ROLES:
        raise ScenarioError(f"{where}: 'role' must be one of {', '.join(ROLES)}, got {role!r}")
    conflict = _number(where, "conflict_of_interest", table.get("conflict_of_interest", 0.0), 0.0, 1.0)
    conflicts_with = table.get("conflicts_with", [])
    if not isinstance(conflicts_with, list) or any(d not in DOMAINS for d in conflicts_with):
        raise ScenarioError(f"{where}: 'conflicts_with' must be a list of domains ({', '.join(DOMAINS)})")
    pays = table.get("pays", False)
    if not isinstance(pays, bool):
        raise ScenarioError(f"{where}: 'pays' must be true or false, got {pays!r}")
    overlap = table.get("overlap_group", "")
    if not isinstance(overlap, str):
        raise ScenarioError(f"{where}: 'overlap_group' must be a string")
    respondent = table.get("respondent", "")
    if respondent not in ("", *RESPONDENTS):
        raise ScenarioError(f"{where}: 'respondent' must be one of R1..R11, got {respondent!r}")
    joins = table.get("joins", 0)
    if isinstance(joins, bool) or not isinstance(joins, int) or joins < 0:
        raise ScenarioError(f"{where}: 'joins' must be a whole number of weeks >= 0, got {joins!r}")
    flags = {}
    for key in ("imposed", "colleague", "anonymous_first"):
        flags[key] = table.get(key, False)
        if not isinstance(flags[key], bool):
            raise ScenarioError(f"{where}: '{key}' must be true or false, got {flags[key]!r}")
    rep = _representative(where, table, base)
    return Organisation(name=name, domain=domain, role=role, conflict_of_interest=conflict,
                        conflicts_with=tuple(conflicts_with), pays=pays, overlap_group=overlap,
                        representative=rep, respondent=respondent, joins=joins, **flags)


def _event(where: str, table: dict[str, Any], names: set[str]) -> Event:
    week = table.get("week")
    if isinstance(week, bool) or not isinstance(week, int) or week < 1:
        raise ScenarioError(f"{where}: 'week' must be a whole number >= 1, got {week!r}")
    org = table.get("org")
    if not isinstance(org, str) or org not in names:
        raise ScenarioError(f"{where}: 'org' must name an organisation of the scenario, got {org!r}")
    kind = table.get("kind", "turnover")
    if kind != "turnover":
        raise ScenarioError(f"{where}: 'kind' must be 'turnover', got {kind!r}")
    rep = _representative(where, table, {})
    return Event(week=week, org=org, kind=kind, representative=rep)


def load_scenario_file(path: str | Path) -> Scenario:
    path = Path(path)
    text = read_text(path, "scenario file")
    data = parse_toml(text, str(path))
    return scenario_from_dict(data, source=str(path))


@functools.cache
def _builtin(name: str) -> Scenario:
    """A built-in scenario, parsed once per process (a `Scenario` is immutable; a study's
    design points name x and y thousands of times)."""
    res = resources.files("model.inputs.scenarios") / f"{name}.toml"
    return scenario_from_dict(tomllib.loads(res.read_text(encoding="utf-8")), source=f"{name}.toml")


def builtin_scenarios() -> list[str]:
    return list(_builtin_names())


@functools.cache
def _builtin_names() -> tuple[str, ...]:
    return tuple(sorted(p.name.removesuffix(".toml")
                        for p in resources.files("model.inputs.scenarios").iterdir() if p.name.endswith(".toml")))


def load_scenario(name: str | Path) -> Scenario:
    """Load a scenario by name (``x``, ``y``), path, or ``synthetic:N[:dom=w,...]``."""
    text = str(name)
    if text.startswith("synthetic:"):
        return synthetic_scenario_from_spec(text)
    if text.lower() in builtin_scenarios():
        return _builtin(text.lower())
    path = Path(text)
    if not path.exists():
        raise ScenarioError(
            f"{text}: no such scenario (built in: {', '.join(builtin_scenarios())}; "
            "or a path to a .toml file; or synthetic:N)")
    return load_scenario_file(path)


def network_names(specs: list[str]) -> dict[str, str]:
    """How reports name the networks given as ``x``, ``y``, a file or ``synthetic:N``: by the
    scenario's own ``name``, never by the path it was read from (a reader of a report has
    the name, not the author's directories). Two files that call themselves the same get
    their file name added, so that the names stay apart."""
    names = {spec: load_scenario(spec).name for spec in specs}
    shared = {n for n in names.values() if list(names.values()).count(n) > 1}
    return {spec: (f"{n} ({Path(spec).name})" if n in shared else n) for spec, n in names.items()}


# ------------------------------------------------------------------------- synthetic

DEFAULT_MIX = {"care": 4.0, "safety": 3.0, "housing": 1.0, "municipality": 1.0}
MAX_SYNTHETIC = MAX_ORGANISATIONS
PARTIES_PER_CASE = 4.0  # a case in X needs about four organisations (8 case holders x 0.45, at least 2)
MAX_WEIGHT = 1e6  # domain weights are proportions: beyond this only overflow can follow


def synthetic_scenario_from_spec(spec: str) -> Scenario:
    """Parse ``synthetic:N`` or ``synthetic:N:care=4,safety=3`` and build the scenario."""
    parts = spec.split(":")
    if len(parts) not in (2, 3) or not re.fullmatch(r"[0-9]{1,6}", parts[1]):
        raise ScenarioError(f"{spec[:60]}: expected synthetic:N or synthetic:N:domain=weight,...")
    n = int(parts[1])
    if n > MAX_SYNTHETIC:
        raise ScenarioError(f"{spec[:60]}: at most {MAX_SYNTHETIC} organisations, got {n}")
    mix = DEFAULT_MIX
    if len(parts) == 3:
        mix = {}
        for item in parts[2].split(","):
            key, _, value = item.partition("=")
            if key not in DOMAINS or key in mix:
                raise ScenarioError(f"{spec[:60]}: unknown or repeated domain '{key[:20]}' "
                                    f"(allowed once each: {', '.join(DOMAINS)})")
            try:
                mix[key] = float(value)
            except ValueError:
                raise ScenarioError(f"{spec[:60]}: weight of '{key}' must be a number, got {value[:20]!r}") from None
            if not 0 <= mix[key] < float("inf"):  # also refuses NaN
                raise ScenarioError(f"{spec[:60]}: weight of '{key}' must be a finite number >= 0")
            if mix[key] > MAX_WEIGHT:
                raise ScenarioError(f"{spec[:60]}: weight of '{key}' must be at most {MAX_WEIGHT:g} "
                                    "(weights are proportions)")
        if sum(mix.values()) <= 0:
            raise ScenarioError(f"{spec}: domain weights must not all be zero")
    return synthetic_scenario(n, mix)


def synthetic_scenario(n: int, mix: dict[str, float] | None = None) -> Scenario:
    """A network of ``n`` organisations with domains in proportion to ``mix``.

    Deterministic (no seed): domains are allotted by largest remainder so that the
    same N and mix always give the same network; the first organisation chairs.

    City-sized: a case needs about `PARTIES_PER_CASE` organisations whatever the size of
    the network (``need_prob`` = 4 / N, at most 1), as a case in a city concerns a
    household's few services, not a share of all of them; the caseload (``case_rate``)
    and everything else are the defaults. The meeting still seats every member.
    """
    if n < 2:
        raise ScenarioError(f"synthetic:{n}: a network needs at least 2 organisations")
    mix = mix or DEFAULT_MIX
    total = sum(mix.values())
    quotas = {d: n * w / total for d, w in mix.items()}
    counts = {d: int(np.floor(q)) for d, q in quotas.items()}
    for d in sorted(quotas, key=lambda d: counts[d] - quotas[d])[: n - sum(counts.values())]:
        counts[d] += 1
    base = {k: s.default for k, s in REPRESENTATIVE_FIELDS.items()}
    orgs = []
    for d, c in counts.items():
        for k in range(c):
            orgs.append(Organisation(name=f"{d}-{k + 1}", domain=d, representative=dict(base)))
    orgs[0] = replace(orgs[0], role="chair")
    params = Params.from_dict({"need_prob": min(1.0, PARTIES_PER_CASE / n)}, f"synthetic:{n}")
    return Scenario(name=f"synthetic-{n}", organisations=tuple(orgs), params=params, source=f"synthetic:{n}",
                    description=f"Synthetic network of {n} organisations ({counts}).")
