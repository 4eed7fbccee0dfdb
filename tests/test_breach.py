"""Y's breach as a hypothesis, arrivals as the study reports them, and the inputs issue 23
added: each acts as its registry entry says (common random numbers throughout)."""

import dataclasses

import numpy as np
import pytest

from model import ScenarioError, load_scenario
from model.dynamics import Signals, hold_meeting
from model.network_model import TrustNetworkModel
from model.scenario import scenario_from_dict
from tests.conftest import run_reps, small_scenario
from tests.test_causal_story import one_week

REPS = 8


def breach_orgs(**housing):
    return [{"name": "chair", "domain": "safety", "role": "chair"}, {"name": "care-a", "domain": "care"},
            {"name": "care-b", "domain": "care"},
            {"name": "housing", "domain": "housing", "conflicts_with": ["care"], **housing}]


def with_breach(week=20, horizon=80, **params):
    data = {"name": "b", "horizon": horizon, "parameters": {"meeting_interval": 2, **params},
            "organisations": breach_orgs(), "breach": {"org": "housing", "week": week}}
    return scenario_from_dict(data, source="breach-test")


def misuse(models):
    return sum(m.state.misuse_events[0] for m in models)


def test_the_breach_numbers_are_parameters_that_decide_misuse():
    assert misuse(run_reps(with_breach(), REPS)) > REPS  # the default hypothesis: misuse
    # a newcomer who does not diverge, or an organisation without an interest of its own: none
    assert misuse(run_reps(with_breach(breach_alignment=0.85), REPS)) == 0
    assert misuse(run_reps(with_breach(breach_conflict=0.0), REPS)) == 0
    # temptation 0.8 x (1 - 0.15) = 0.68: a threshold above it stops misuse
    assert misuse(run_reps(with_breach(breach_threshold=0.7), REPS)) == 0
    # nothing happens before the breach week (plus its shift)
    late = run_reps(with_breach(breach_shift=30), REPS, steps=49)
    assert misuse(late) == 0 and misuse(run_reps(with_breach(), REPS, steps=49)) > 0


def test_the_breach_newcomer_arrives_at_the_shifted_week_with_the_hypothesis_values():
    m = TrustNetworkModel(scenario=with_breach(breach_shift=5, breach_alignment=0.3, breach_threshold=0.2), rng=1)
    m.run_for(24)
    assert m.state.align[0, 3] != pytest.approx(0.3)
    m.run_for(1)
    assert m.state.tenure[0, 3] == 1 and m.state.align[0, 3] == pytest.approx(0.3)
    assert m.state.threshold[0, 3] == pytest.approx(0.2)


def test_a_breach_needs_an_organisation_without_its_own_conflict_number():
    data = {"name": "b", "organisations": breach_orgs(conflict_of_interest=0.5),
            "breach": {"org": "housing", "week": 20}}
    with pytest.raises(ScenarioError, match="breach_conflict"):
        scenario_from_dict(data, source="t")
    with pytest.raises(ScenarioError, match=r"\[breach\]: 'org'"):
        scenario_from_dict({**data, "organisations": breach_orgs(), "breach": {"org": "bank", "week": 20}})


def test_a_colleague_who_stays_keeps_the_organisations_relationships():
    events = [{"week": 30, "org": "care-b"}]
    kept = [{**o, "colleague": True} if o["name"] == "care-b" else o for o in breach_orgs()]
    alone = TrustNetworkModel(scenario=small_scenario(breach_orgs(), events=events, transfer_share=0.0,
                                                      goodwill_transfer=0.0), rng=4)
    staying = TrustNetworkModel(scenario=small_scenario(kept, events=events, transfer_share=0.0,
                                                        goodwill_transfer=0.0), rng=4)
    for m in (alone, staying):
        m.run_for(29)
    before = staying.state.copy()
    for m in (alone, staying):
        m.run_for(1)
    assert alone.state.emp[0, 1, 2] == 0 and alone.state.tenure[0, 2] == 1  # seated this week
    assert staying.state.emp[0, 1, 2] == pytest.approx(before.emp[0, 1, 2], abs=0.05)
    assert staying.state.cog[0, 1, 2] == pytest.approx(before.cog[0, 1, 2], abs=0.05)
    assert staying.state.emp[0, 1, 2] > 0.05


def test_an_anonymous_first_mention_exposes_only_cases_mentioned_before():
    orgs = breach_orgs()
    orgs[1]["anonymous_first"] = True
    sc = small_scenario(orgs)
    s, st, pb, u = one_week(sc)
    s.case_open[0, :2] = True
    s.case_need[0, :2, 1] = True  # care-a is needed on two open cases ...
    s.case_know[0, 0] = 0.4  # ... one mentioned at an earlier meeting, one new
    _, identifiable = hold_meeting(s, st, pb, u, np.array([True]), Signals.zeros(1, st.n))
    assert identifiable[0, 1] == pytest.approx(0.5) and identifiable[0, 2] == 1.0


def test_the_anonymous_protocol_lowers_exposure_and_harm_in_y():
    y = load_scenario("y")
    coach = y.org_index("Neighbourhood coach")
    named = dataclasses.replace(y, organisations=tuple(
        dataclasses.replace(o, anonymous_first=False) if o.name == "Neighbourhood coach" else o
        for o in y.organisations))
    housing = y.org_index("Housing corporation")
    anonymous, plain = run_reps(y, 6), run_reps(named, 6)
    exp_a = np.mean([m.state.exposure[0, coach, housing] for m in anonymous])
    exp_p = np.mean([m.state.exposure[0, coach, housing] for m in plain])
    assert exp_a < 0.9 * exp_p


def test_the_two_overlapping_organisations_divide_a_shared_case_clearly():
    """Confusion bites where a case went to one of two organisations with overlapping tasks
    without the other (it may be the wrong one and is referred on), not where both are on it
    (they divide clearly between themselves); under T8 = literature it bites everywhere."""
    orgs = [{"name": "chair", "domain": "safety", "role": "chair"},
            {"name": "out-a", "domain": "care", "overlap_group": "o"},
            {"name": "out-b", "domain": "care", "overlap_group": "o"}]
    both = run_reps(small_scenario(orgs, task_clarity=0.0, need_prob=1.0), 4, steps=40)
    some = run_reps(small_scenario(orgs, task_clarity=0.0, need_prob=0.5), 4, steps=40)
    everywhere = run_reps(small_scenario(orgs, task_clarity=0.0, need_prob=1.0, T8="literature"), 4, steps=40)
    assert sum(m.state.confusions[0] for m in both) == 0  # every case needs both: clear between them
    assert sum(m.state.confusions[0] for m in some) > 5
    assert sum(m.state.confusions[0] for m in everywhere) > 5
