"""Issue 13: Y's caution and goal erosion are consequences of its breach, not inputs.

Each mechanism of the causal story has a test that fails without it: data caution as
state, shared-goal erosion, the corrected autonomy, identification, absence and victim
rules, the timeline, and the theory variants that must be able to act.
"""

import numpy as np
import pytest

from experiments.ensemble import replication_seeds
from model import load_scenario
from model.draws import WeekDraws, draws_per_week
from model.dynamics import Signals, evaluate, hold_meeting, opportunism, update_climate, willingness
from model.engines import simulate_batch
from model.levers import Levers
from model.network_model import TrustNetworkModel
from model.scenario import ScenarioError, scenario_from_dict
from model.structure import ParamBatch, Structure
from tests.conftest import run_reps, small_scenario

REPS = 20


def windows(results, metric):
    a = np.array([r.model[metric] for r in results])
    return a[:, 91:104].mean(axis=1), a[:, 144:157].mean(axis=1)


def paired_lower(diff):
    return diff.mean() - 1.96 * diff.std(ddof=1) / np.sqrt(len(diff))


@pytest.fixture(scope="module")
def runs():
    seeds = replication_seeds(5, REPS)
    y = load_scenario("y")
    return {"x": simulate_batch([load_scenario("x")] * REPS, seeds, 156, record_agents=False),
            "y": simulate_batch([y] * REPS, seeds, 156, record_agents=False),
            "y_no_breach": simulate_batch([y.with_overrides({"opportunism": False, "scheduled_events": False})]
                                          * REPS, seeds, 156, record_agents=False)}


def test_y_falls_after_its_breach_and_not_without_it(runs):
    for metric in ("info_shared", "collaboration"):
        before, after = windows(runs["y"], metric)
        assert paired_lower(before - after) > 0.05, metric  # Y falls after week 104
        before, after = windows(runs["y_no_breach"], metric)
        assert paired_lower(after - before) > -0.02, metric  # without the breach it does not
    before, after = windows(runs["y"], "data_caution")
    assert paired_lower(after - before) > 0.02  # caution rises with the breach
    before, after = windows(runs["y_no_breach"], "data_caution")
    assert np.allclose(after, before)  # and stays at the rule's level without it


def test_the_xy_gap_in_sharing_is_larger_after_the_breach(runs):
    xb, xa = windows(runs["x"], "info_shared")
    yb, ya = windows(runs["y"], "info_shared")
    assert paired_lower((xa - ya) - (xb - yb)) > 0.1


# ------------------------------------------------------------------ unit-level rules


def one_week(sc, week=10):
    st = Structure.from_scenario(sc)
    pb = ParamBatch([sc.params])
    from model.state import initial_state

    s = initial_state(st, pb)
    s.week = week
    n, slots = st.n, int(pb.max_cases[0])
    u = WeekDraws.from_flat(np.full((1, draws_per_week(n, slots)), 0.5), n, slots)
    return s, st, Levers(pb, week), u


def test_caution_rises_with_own_and_heard_misuse_and_decays():
    sc = small_scenario(sharing_risk=0.2, caution_detect=0.5, caution_hear=0.1, caution_decay=0.01)
    s, st, pb, _ = one_week(sc)
    sig = Signals.zeros(1, st.n)
    sig.misuses[0, 1, 3] = 1.0  # member 1 detects misuse of its data by member 3
    update_climate(s, st, pb, sig, np.array([False]))
    own = 1 - 0.8 * 0.5
    heard = 1 - 0.8 * 0.9
    assert s.caution[0, 1] == pytest.approx(own + 0.01 * (0.2 - own))
    assert s.caution[0, 0] == pytest.approx(heard + 0.01 * (0.2 - heard))
    assert s.caution[0, 1] > s.caution[0, 0] > 0.2
    for _ in range(200):  # no more misuse: back toward the rule's level
        update_climate(s, st, pb, Signals.zeros(1, st.n), np.array([False]))
    assert 0.2 < s.caution[0, 1] < 0.3


def test_sharing_follows_caution():
    sc = small_scenario(meeting_interval=1)
    s, st, pb, u = one_week(sc)
    s.case_open[:] = False
    s.caution[0, 1] = 0.9
    hold_meeting(s, st, pb, u, np.array([True]), Signals.zeros(1, st.n))
    assert s.sharing[0, 1] == pytest.approx(0.1 / 0.8 * s.sharing[0, 2])  # caution 0.9 vs 0.2


def test_evaluations_restore_goal_clarity():
    sc = small_scenario(evaluation_interval=10, evaluation_align=0.5, shared_goal=0.8)
    s, st, pb, _ = one_week(sc, week=10)
    s.clarity[:] = 0.4
    evaluate(s, st, pb)
    assert np.allclose(s.clarity, 0.4 + 0.5 * 0.4)


def test_diverging_newcomer_erodes_goal_clarity_and_lowers_effort():
    events = [{"week": 20, "org": "housing", "goal_alignment": 0.05}]
    eroded = run_reps(small_scenario(events=events, goal_erosion=0.8), 8, steps=40)
    kept = run_reps(small_scenario(events=events, goal_erosion=0.0), 8, steps=40)
    others = [0, 1, 2]
    assert np.mean([m.state.clarity[0, others] for m in eroded]) < 0.6 * np.mean(
        [m.state.clarity[0, others] for m in kept])
    # the others expect less of the newcomer
    assert np.mean([m.state.intent[0, others, 3] for m in eroded]) < np.mean(
        [m.state.intent[0, others, 3] for m in kept]) - 0.1


def test_autonomy_kept_with_voice_on_the_study_side():
    orgs = [{"name": "pays", "domain": "municipality", "pays": True, "role": "chair"},
            {"name": "a", "domain": "care"}, {"name": "b", "domain": "housing"}]
    study = small_scenario(orgs, power_asymmetry=0.8, voice=0.7)
    s, st, pb, _ = one_week(study)
    assert np.allclose(willingness(s, st, pb), 1.0)  # voice above voice_enough: no cost
    lit = small_scenario(orgs, power_asymmetry=0.8, voice=0.7, T5="literature")
    s, st, pb, _ = one_week(lit)
    assert np.allclose(willingness(s, st, pb)[0, 1:], 0.2)
    silent = small_scenario(orgs, power_asymmetry=0.8, voice=0.1)
    s, st, pb, _ = one_week(silent)
    assert np.allclose(willingness(s, st, pb)[0, 1:], 1 - 0.8 * (1 - 0.1 / 0.5))


def test_empathic_trust_follows_joint_work_not_copresence():
    sc = small_scenario(meeting_interval=1, informal_physical=0.0)
    s, st, pb, u = one_week(sc)
    s.case_open[:] = False
    s.case_open[0, 0] = True
    s.case_need[0, 0] = [False, True, False, True]  # care-a and housing share a case
    sig = Signals.zeros(1, st.n)
    hold_meeting(s, st, pb, u, np.array([True]), sig)
    assert sig.joint[0, 1, 3] == 1.0 and sig.joint[0, 3, 1] == 1.0
    assert sig.joint[0, 0, 2] == 0.0  # present together, no shared case: no joint work


def test_identification_grows_fastest_across_domains():
    orgs = [{"name": "care-a", "domain": "care"}, {"name": "care-b", "domain": "care"},
            {"name": "police", "domain": "safety"}]
    models = run_reps(small_scenario(orgs, identification=2.0, need_prob=1.0, absence_scale=0.0), 6, steps=52)
    same = np.mean([m.state.emp[0, 0, 1] for m in models])
    cross = np.mean([m.state.emp[0, 0, 2] for m in models])
    assert cross > same + 0.05


def test_absent_members_information_can_still_reach_the_table():
    for chance, expect_share in ((1.0, True), (0.0, False)):
        sc = small_scenario(meeting_interval=1, absent_input=chance)
        s, st, pb, u = one_week(sc)
        s.present[0, 1] = False
        hold_meeting(s, st, pb, u, np.array([True]), Signals.zeros(1, st.n))
        assert (s.sharing[0, 1] > 0) == expect_share


def test_victims_are_members_whose_data_lay_before_the_misuser():
    orgs = [{"name": "chair", "domain": "safety", "role": "chair"},
            {"name": "care-a", "domain": "care"}, {"name": "care-b", "domain": "care"},
            {"name": "housing", "domain": "housing", "goal_alignment": 0.05, "conflict_of_interest": 1.0,
             "conflicts_with": ["care"]}]
    sc = small_scenario(orgs, opportunity_rate=1.0, misuse_reach=1.0, detect_prob=1.0)
    s, st, pb, _ = one_week(sc)
    n, slots = st.n, int(pb.max_cases[0])
    u = WeekDraws.from_flat(np.full((1, draws_per_week(n, slots)), 0.3), n, slots)
    share = np.array([[0.5, 0.6, 0.0, 0.5]])  # care-b put nothing on the table
    sig = Signals.zeros(1, n)
    opportunism(s, st, pb, u, np.array([True]), share, np.ones_like(share), sig)
    assert sig.misuses[0, 1, 3] == 1 and sig.misuses[0, 2, 3] == 0 and sig.misuses[0, 0, 3] == 0
    assert s.exposure[0, 1, 3] == 1 and s.exposure[0, 2, 3] == 0 and s.exposure[0, 0, 3] == 0
    share = np.array([[0.5, 0.2, 0.0, 0.5]])  # touched with chance misuse_reach x sharing
    sig = Signals.zeros(1, n)
    opportunism(s, st, pb, u, np.array([True]), share, np.ones_like(share), sig)
    assert sig.misuses[0, 1, 3] == 0


def test_timeline_changes_settings_and_is_validated():
    base = {"name": "t", "horizon": 20, "organisations": [{"name": "a", "domain": "care"},
                                                          {"name": "b", "domain": "safety"}]}
    sc = scenario_from_dict({**base, "timeline": [{"week": 5, "online": True, "meeting_interval": 2}]})
    m = TrustNetworkModel(sc, rng=1, collect=False)
    from model.levers import levers

    assert not levers(m.params, m.structure, 4).online[0] and levers(m.params, m.structure, 5).online[0]
    assert levers(m.params, m.structure, 6).meeting_interval[0] == 2
    assert sc.with_overrides({"online": False}).timeline[0].values == (("meeting_interval", 2),)
    for bad, word in (({"week": 0, "online": True}, "week"), ({"week": 5, "voice": 0.2}, "voice"),
                      ({"week": 30, "online": True}, "horizon"), ({"week": 5}, "sets nothing")):
        with pytest.raises(ScenarioError, match=word):
            scenario_from_dict({**base, "timeline": [bad]})


def test_t2_literature_keeps_tunnel_vision_and_adds_blind_spots():
    sc = dict(contact_rate=0.6, learn_backup=0.0)
    orgs = [{"name": "chair", "domain": "safety", "role": "chair"},
            {"name": "care-a", "domain": "care"}, {"name": "care-b", "domain": "care", "availability": 0.5},
            {"name": "housing", "domain": "housing"}]
    lit = run_reps(small_scenario(orgs, **sc, T2="literature"), 6, steps=60)
    assert sum(m.state.stalls[0] for m in lit) > 0  # routine over-trust still stalls work


def test_t4_atmosphere_closes_with_misuse_and_opens_with_informal_contact():
    sc = small_scenario(open_atmosphere=0.6, atmosphere_loss=0.1, atmosphere_gain=0.5)
    s, st, pb, _ = one_week(sc)
    sig = Signals.zeros(1, st.n)
    sig.misuses[0, 1, 3] = 2.0
    update_climate(s, st, pb, sig, np.array([False]))
    assert s.atmosphere[0] == pytest.approx(0.6 * 0.9 ** 2)
    update_climate(s, st, pb, Signals.zeros(1, st.n), np.array([True]))
    assert s.atmosphere[0] == pytest.approx(0.6 * 0.81 + 0.5 * (1 - 0.6 * 0.81))


def test_t6_organisations_join_at_different_times():
    orgs = [{"name": "chair", "domain": "safety", "role": "chair"}, {"name": "care-a", "domain": "care"},
            {"name": "late", "domain": "care", "joins": 30}]
    models = run_reps(small_scenario(orgs, absence_scale=0.0), 3, steps=60)
    for m in models:
        assert m.state.tenure[0, 2] == 60 - 30 + 1  # the joining week counts
    m = TrustNetworkModel(small_scenario(orgs, absence_scale=0.0), rng=2, collect=False)
    m.run_for(29)
    assert not m.state.present[0, 2] and m.state.sharing[0, 2] == 0
    m.run_for(10)
    assert m.state.present[0, 2]


def test_t7_imposed_participation_of_one_organisation():
    orgs = [{"name": "chair", "domain": "safety", "role": "chair"}, {"name": "care-a", "domain": "care"},
            {"name": "care-b", "domain": "care", "imposed": True}]
    for side, lower in (("literature", True), ("study", False)):
        sc = small_scenario(orgs, meeting_interval=1, T7=side)
        s, st, pb, u = one_week(sc)
        hold_meeting(s, st, pb, u, np.array([True]), Signals.zeros(1, st.n))
        assert (s.sharing[0, 2] < s.sharing[0, 1]) == lower


def test_t8_unclear_overlapping_tasks_lose_actions_observably():
    orgs = [{"name": "chair", "domain": "safety", "role": "chair"},
            {"name": "out-a", "domain": "care", "overlap_group": "o"},
            {"name": "out-b", "domain": "care", "overlap_group": "o"},
            {"name": "out-c", "domain": "care", "overlap_group": "o"}]
    unclear = run_reps(small_scenario(orgs, task_clarity=0.2, need_prob=0.9), 4, steps=52)
    clear = run_reps(small_scenario(orgs, task_clarity=1.0, need_prob=0.9), 4, steps=52)
    assert sum(m.state.confusions[0] for m in unclear) > 10
    assert sum(m.state.confusions[0] for m in clear) == 0


def test_respondents_and_new_series_are_recorded(tmp_path):
    from experiments.ensemble import Study, execute, load

    study = Study(scenario=load_scenario("y"), reps=1, seed=1, steps=8)
    execute(study, tmp_path / "out", quiet=True)
    res = load(tmp_path / "out")
    assert {"data_caution", "goal_clarity"} <= set(res.model.columns)
    assert {"respondent", "caution", "goal_clarity"} <= set(res.agents.columns)
    assert set(res.agents.respondent) == {"", "R8", "R9", "R10", "R11"}


def test_scenario_rejects_bad_respondent_and_join_week():
    base = {"name": "t", "horizon": 20}
    with pytest.raises(ScenarioError, match="respondent"):
        scenario_from_dict({**base, "organisations": [{"name": "a", "domain": "care", "respondent": "R12"},
                                                      {"name": "b", "domain": "care"}]})
    with pytest.raises(ScenarioError, match="after the horizon"):
        scenario_from_dict({**base, "organisations": [{"name": "a", "domain": "care", "joins": 25},
                                                      {"name": "b", "domain": "care"}]})
