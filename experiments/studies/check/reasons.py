"""Why a setting cannot act: the model's rules, for the settings the screen found without
effect.

Each rule reads the scenario (and the weeks run) and returns a sentence when it knows why
a setting has nothing to act on -- a conflict of interest whose temptation never reaches
the opportunism threshold (ODD 7.2.16), a member who joins after the last week run, an
event after the run, a parameter of a theory variant that is not chosen, an option of an
intervention that is off. The screen decides *whether* a setting has an effect; a rule
only explains. A setting without effect that no rule explains is reported as such.
"""

from __future__ import annotations

import re
from typing import Any

from experiments.studies.check.settings import Setting
from model.interventions import BY_ID, INTERVENTIONS, active_weeks, in_force, parse_intervention
from model.parameters import SPEC_BY_NAME
from model.scenario import REPRESENTATIVE_FIELDS, Organisation, Scenario

# parameters that act only under one side of a theory variant
VARIANT_ONLY = {"interaction_cycle": ("T1", "literature"), "identification_blindness": ("T2", "literature"),
                "informal_commitment": ("T3", "literature"), "stability_start": ("T6", "literature"),
                "sham_share": ("T7", "literature"), "imposed": ("T7", "literature")}
# parameters that act only through misuse of shared data
MISUSE = ("opportunity_rate", "misuse_reach", "detect_prob", "misuse_signal", "caution_detect", "caution_hear")
OPTION = re.compile(r"i(\d)_")


def _same(a: Any, b: Any) -> bool:
    return a == b or (isinstance(a, (int, float)) and isinstance(b, (int, float)) and float(a) == float(b))


def conflict_of(sc: Scenario, org: Organisation) -> float:
    """An organisation's conflict of interest: the breach's organisation takes the run's
    ``breach_conflict`` (ODD 7.2.16), every other its own."""
    return sc.params.breach_conflict if _breach_org(sc, org) else org.conflict_of_interest


def _breach_org(sc: Scenario, org: Organisation) -> bool:
    return sc.breach is not None and sc.breach.org == org.name


def breach_week(sc: Scenario) -> int | None:
    """The week the breach's newcomer arrives, if the scenario has a breach that happens."""
    if sc.breach is None or not sc.params.scheduled_events:
        return None
    return sc.breach.week + sc.params.breach_shift


def representatives(sc: Scenario, org: Organisation, last: int) -> list[tuple[float, float]]:
    """(goal alignment, opportunism threshold) of every representative ``org`` can have
    within the run: the first, scheduled newcomers (their own values where the event
    gives them) and, with any turnover, newcomers whose alignment is drawn down to
    ``newcomer_spread`` below the organisation's."""
    align, threshold = org.rep("goal_alignment"), org.rep("opportunism_threshold")
    out = [(align, threshold)]
    events = [e for e in sc.events if e.org == org.name and e.week <= last] if sc.params.scheduled_events else []
    for e in events:
        out.append((e.representative.get("goal_alignment", max(0.0, align - sc.newcomer_spread)),
                    e.representative.get("opportunism_threshold", threshold)))
    week = breach_week(sc)
    if _breach_org(sc, org) and week is not None and week <= last:
        out.append((sc.params.breach_alignment, sc.params.breach_threshold))
    if sc.params.turnover_rate > 0:
        out.append((max(0.0, align - sc.newcomer_spread), threshold))
    return out


def untempted(sc: Scenario, org: Organisation, last: int) -> str | None:
    """Why ``org`` never misuses shared data, if it cannot."""
    c = conflict_of(sc, org)
    if c == 0:
        return f"{org.name} has no conflict of interest (conflict_of_interest 0), so it is never tempted"
    if not org.conflicts_with:
        return f"no member's data serve {org.name}'s interest (conflicts_with is empty)"
    exposed = [o.name for o in sc.organisations if o is not org and o.domain in org.conflicts_with]
    if not exposed:
        return (f"no organisation of the domains in {org.name}'s conflicts_with ({', '.join(org.conflicts_with)}) "
                "sits at the table")
    worst = max(representatives(sc, org, last), key=lambda p: c * (1 - p[0]) - p[1])
    if all(c * (1 - a) <= t for a, t in representatives(sc, org, last)):
        a, t = worst
        return (f"{org.name}'s temptation, conflict_of_interest × (1 − goal alignment), is at most "
                f"{c:g} × (1 − {a:g}) = {c * (1 - a):.3f} for any representative it has in the run, never above "
                f"its opportunism threshold {t:g}: it never misuses data (ODD 7.2.16)")
    return None


def threshold_moot(sc: Scenario, org: Organisation, value: float, fallback: float, last: int,
                   align: float | None) -> str | None:
    """Why an opportunism threshold of ``value`` (``fallback`` without the setting) changes
    nothing for ``org``: it cannot be tempted at all, or its temptation lies on the same
    side of both thresholds for every representative concerned (a newcomer's own alignment
    ``align`` where an event sets it)."""
    c = conflict_of(sc, org)
    why = untempted(sc, org, last) if c == 0 or not org.conflicts_with else None
    if why:
        return f"acts only on a member that can be tempted to misuse data; {why}"
    aligns = [align] if align is not None else [a for a, _ in representatives(sc, org, last)]
    temptations = [c * (1 - a) for a in aligns]
    if all((t > value) == (t > fallback) for t in temptations):
        side = "above" if temptations[0] > value else "at or below"
        return (f"{org.name}'s temptation ({', '.join(f'{t:.3f}' for t in temptations)}) is {side} both this "
                f"threshold ({value:g}) and the one without it ({fallback:g}): the same members misuse either way")
    return None


def voice_offsets(sc: Scenario) -> str | None:
    """Under T5 = study, enough voice keeps autonomy whoever pays."""
    p = sc.params
    if not p.autonomy_moderator:
        return "the autonomy moderator is switched off"
    if p.T5 == "study" and p.voice >= p.voice_enough:
        return (f"under T5 = study, voice ({p.voice:g}) at or above voice_enough ({p.voice_enough:g}) keeps every "
                "member's autonomy, whoever pays (ODD 7.2.6)")
    return None


def no_evaluations(sc: Scenario, last: int) -> str | None:
    """The chair matters only for evaluations (ODD 7.2.17)."""
    i1 = INTERVENTIONS["evaluations"]
    if sc.params.evaluation_interval == 0 and active_weeks(sc, i1, last) is None:
        return ("the chair leads the evaluations and nothing else, and there are none "
                "(evaluation_interval 0, I1 off)")
    return None


def nobody_tempted(sc: Scenario, last: int) -> str | None:
    if not sc.params.opportunism:
        return "the opportunism mechanism is switched off"
    if all(untempted(sc, o, last) for o in sc.organisations):
        return "no organisation can ever be tempted to misuse shared data, so misuse never happens"
    return None


def _after(week: int, last: int, what: str) -> str | None:
    return f"{what} in week {week}, after the last week run ({last})" if week > last else None


def _parameter(sc: Scenario, name: str, value: Any, last: int) -> str | None:
    spec = SPEC_BY_NAME.get(name)
    if spec is not None and _same(value, spec.default):
        return f"the registry's default is {value!r} already"
    option = OPTION.match(name)
    if option:
        k = int(option.group(1))
        intervention = BY_ID[f"I{k}"]
        if not getattr(sc.params, intervention.flag):
            return f"an option of {intervention.id} {intervention.name}, which is not switched on"
        if active_weeks(sc, intervention, last) is None:
            return f"{intervention.id} {intervention.name} never acts within the {last} weeks run"
    if re.fullmatch(r"i\d", name) and value:
        intervention = BY_ID[f"I{name[1]}"]
        if active_weeks(sc, intervention, last) is None:
            return f"{intervention.id} {intervention.name} starts after the last week run ({last})"
    if name in VARIANT_ONLY:
        pair, side = VARIANT_ONLY[name]
        if getattr(sc.params, pair) != side:
            return f"acts only under the theory variant {pair} = {side} (it is {getattr(sc.params, pair)})"
    if name in MISUSE:
        return nobody_tempted(sc, last)
    if name.startswith("breach_"):
        return _breach_parameter(sc, name, last)
    if name == "power_asymmetry" and not any(o.pays for o in sc.organisations):
        return "acts only where one organisation pays (pays = true) and decides over the others; none pays"
    if name in ("power_asymmetry", "voice"):
        return voice_offsets(sc)
    if name == "task_clarity" and sc.params.T8 == "study" and not _overlaps(sc):
        return ("under T8 = study an unclear task division costs only where tasks overlap (organisations sharing an "
                "overlap_group); none do")
    if name == "meeting_interval" and value > last:
        return f"no meeting within the {last} weeks run"
    return None


def _breach_parameter(sc: Scenario, name: str, last: int) -> str | None:
    """Why a number of the breach's hypothesis changes nothing."""
    if sc.breach is None:
        return "acts only in a scenario with a [breach] table; this one has none"
    week = breach_week(sc)
    if name != "breach_conflict" and (week is None or week > last):
        return ("the breach's newcomer never arrives within the run" if week is None
                else f"the breach's newcomer arrives in week {week}, after the last week run ({last})")
    if name == "breach_conflict":
        return untempted(sc, next(o for o in sc.organisations if _breach_org(sc, o)), last)
    return None


def _overlaps(sc: Scenario) -> bool:
    groups = [o.overlap_group for o in sc.organisations if o.overlap_group]
    return len(groups) != len(set(groups))


def _organisation(sc: Scenario, org: Organisation, key: str, value: Any, last: int) -> str | None:
    if key == "respondent":
        return "a label (the study's respondent id); it does not enter the dynamics"
    if key == "joins":
        return _after(value, last, f"{org.name} joins")
    if key in ("conflict_of_interest", "conflicts_with"):
        return untempted(sc, org, last)
    if key == "opportunism_threshold":
        return threshold_moot(sc, org, value, REPRESENTATIVE_FIELDS[key].default, last, None)
    if key == "outsider_reticence" and not _outsiders(sc):
        return "no unscreened outsiders ever attend (outsider_rate 0)"
    if key == "pays":
        return "power_asymmetry is 0: who pays does not decide" if sc.params.power_asymmetry == 0 \
            else voice_offsets(sc)
    if key == "role" and value == "chair":
        return no_evaluations(sc, last)
    if key == "overlap_group" and sum(o.overlap_group == value for o in sc.organisations) < 2:
        return f"no other organisation is in overlap_group {value!r}"
    if key == "colleague" and not _replaced(sc, org, last):
        return f"a colleague matters only when {org.name}'s representative changes, and it never does in the run"
    if key == "imposed" and sc.params.T7 != "literature":
        return "imposed participation acts only under the theory variant T7 = literature"
    return None


def _replaced(sc: Scenario, org: Organisation, last: int) -> bool:
    """Whether ``org``'s representative can change within the run."""
    if sc.params.turnover_rate > 0:
        return True
    week = breach_week(sc)
    planned = [e.week for e in sc.events if e.org == org.name] if sc.params.scheduled_events else []
    planned += [week] if _breach_org(sc, org) and week is not None else []
    return any(w <= last for w in planned)


def _outsiders(sc: Scenario) -> bool:
    return sc.params.outsider_rate > 0 or any(dict(c.values).get("outsider_rate", 0) > 0 for c in sc.timeline)


def reason(sc: Scenario, data: dict, setting: Setting, last: int) -> str | None:
    """The model's reason why ``setting`` (of the file ``data`` read as ``sc``) has no
    effect in a run of ``last`` weeks, if a rule knows one."""
    where, value = setting.where, setting.value
    kind = where[0]
    if kind == "parameters":
        return _parameter(sc, where[1], value, last)
    if kind == "representative":
        if _same(value, REPRESENTATIVE_FIELDS[where[1]].default):
            return f"the default of every representative is {value!r} already"
        if where[1] == "outsider_reticence" and not _outsiders(sc):
            return "no unscreened outsiders ever attend (outsider_rate 0)"
        return None
    if kind == "organisations":
        org = sc.organisations[where[1]]
        key = where[2]
        base = data.get("representative", {}).get(key, REPRESENTATIVE_FIELDS[key].default) \
            if key in REPRESENTATIVE_FIELDS else None
        if base is not None and _same(value, base):
            return f"the same as every representative's value ({base!r})"
        return _organisation(sc, org, key, value, last)
    if kind == "events":
        event = data["events"][where[1]]
        late = _after(event["week"], last, "the event comes")
        if late:
            return late
        if not sc.params.scheduled_events:
            return "scheduled events are switched off (scheduled_events = false)"
        if len(where) == 3 and where[2] != "goal_alignment":
            org = next(o for o in sc.organisations if o.name == event["org"])
            if _same(value, org.rep(where[2])):
                return f"the same as {org.name}'s own value ({value!r}), which a newcomer takes without it"
        if len(where) == 3 and where[2] == "opportunism_threshold":
            org = next(o for o in sc.organisations if o.name == event["org"])
            return threshold_moot(sc, org, value, org.rep("opportunism_threshold"), last,
                                  event.get("goal_alignment"))
        return None
    if kind == "timeline":
        change = data["timeline"][where[1]]
        late = _after(change["week"], last, "the change comes")
        if late:
            return late
        before = in_force(sc, where[2], change["week"] - 1)
        if _same(before, value):
            return f"{where[2]} is {value!r} already before week {change['week']}"
        return None
    if kind == "interventions":
        item = data["interventions"][where[1]]
        name, _ = parse_intervention(str(item["name"]))
        intervention = INTERVENTIONS[name.partition(":")[0]]
        if active_weeks(sc, intervention, last) is None:
            return f"{intervention.id} {intervention.name} never acts within the {last} weeks run"
        if len(where) == 3:
            option = intervention.options.get(where[2])
            if option and _same(value, SPEC_BY_NAME[option].default):
                return f"the option's default is {value!r} already"
        return None
    if kind == "breach":
        week = breach_week(sc)
        if week is None:
            return "scheduled events are switched off (scheduled_events = false)"
        return _after(week, last, "the breach's newcomer arrives")
    if kind == "variants":
        if _same(value, SPEC_BY_NAME[where[1]].default):
            return f"the default is {value!r} already"
        if where[1] == "T7" and not (sc.params.imposed or any(o.imposed for o in sc.organisations)):
            return "T7 acts only where participation is imposed (imposed = true); it is nowhere"
        return None
    return None

