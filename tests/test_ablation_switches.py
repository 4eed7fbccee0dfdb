"""The switches the pattern ablations use and the P6 sweep's knob: each does what its
registry entry says, on the same replication seeds (common random numbers)."""

import numpy as np

from model.dynamics import MAIN_EFFECT_AT, moderated
from model.network_model import TrustNetworkModel
from model.parameters import Params
from model.structure import ParamBatch
from tests.conftest import pair_values, run_reps, small_scenario

REPS = 12


def misuse_orgs():
    return [
        {"name": "chair", "domain": "safety", "role": "chair"},
        {"name": "care-a", "domain": "care"},
        {"name": "care-b", "domain": "care", "capacity": 0.2, "values_feedback": 0.9},
        {"name": "housing", "domain": "housing", "goal_alignment": 0.1, "conflict_of_interest": 0.8,
         "conflicts_with": ["care"]},
    ]


def test_intent_shift_moves_starting_trust_and_nothing_that_sets_effort():
    base = TrustNetworkModel(scenario=small_scenario(), rng=3).state
    shifted = TrustNetworkModel(scenario=small_scenario(intent_shift=-0.3), rng=3).state
    off = ~np.eye(4, dtype=bool)
    assert np.allclose(shifted.intent[0][off], np.clip(base.intent[0][off] - 0.3, 0, 1))
    assert np.array_equal(shifted.align, base.align) and np.array_equal(shifted.clarity, base.clarity)
    up = TrustNetworkModel(scenario=small_scenario(intent_shift=0.5), rng=3).state
    assert up.intent[0][off].max() == 1.0  # clipped to the scale


def test_moderated_scales_under_interaction_and_shifts_under_additive():
    pb = ParamBatch([Params(), Params(moderation="additive")])
    trust_driven = np.array([[0.3, 0.7], [0.3, 0.7]])
    weak = np.full((2, 2), 0.5)
    out = moderated(trust_driven, pb, 1, weak)
    assert np.allclose(out[0], [0.15, 0.35])  # interaction: the slope halves
    assert np.allclose(out[1], np.clip(trust_driven[1] - 0.5 * MAIN_EFFECT_AT, 0, 1))
    assert np.isclose(out[1, 1] - out[1, 0], 0.4)  # additive: the slope is kept
    # several factors act as their product, in the order given
    two = moderated(trust_driven, pb, 1, weak, np.full((2, 2), 0.5))
    assert np.allclose(two[0], trust_driven[0] * 0.25)
    assert np.allclose(two[1], np.clip(trust_driven[1] - 0.75 * MAIN_EFFECT_AT, 0, 1))


def test_additive_moderation_keeps_a_weak_autonomy_from_flattening_sharing():
    """Under who-pays-decides with little voice the non-paying members lose willingness.
    With the study's moderation that scales sharing at every trust level; with additive
    moderation it lowers sharing by the same amount at high and low trust (both levels
    kept away from the floor, where the clip to [0, 1] would bind)."""
    def sharing_gap(moderation):
        gaps = []
        for shift in (0.1, -0.15):
            orgs = [{"name": "chair", "domain": "safety", "role": "chair", "pays": True},
                    {"name": "care-a", "domain": "care"}, {"name": "care-b", "domain": "care"}]
            strong = run_reps(small_scenario(orgs, meeting_interval=4, power_asymmetry=0.9, voice=1.0,
                                             intent_shift=shift, moderation=moderation), 6, steps=12)
            weak = run_reps(small_scenario(orgs, meeting_interval=4, power_asymmetry=0.6, voice=0.3,
                                           intent_shift=shift, moderation=moderation), 6, steps=12)
            gaps.append(np.mean([m.state.sharing[0, 1:].mean() for m in strong])
                        - np.mean([m.state.sharing[0, 1:].mean() for m in weak]))
        return gaps  # strong minus weak at high and at low trust

    high, low = sharing_gap("interaction")
    assert high > low + 0.03  # the moderator matters more where trust is high
    high, low = sharing_gap("additive")
    assert abs(high - low) < 0.02  # a main effect only


def test_misuse_trust_off_leaves_trust_and_damage_but_not_caution():
    on = run_reps(small_scenario(misuse_orgs(), meeting_interval=4), REPS)
    off = run_reps(small_scenario(misuse_orgs(), meeting_interval=4, misuse_trust=False), REPS)
    assert sum(m.state.harmed[0].sum() for m in off) > 0  # misuse is still detected
    assert all(m.state.damage[0].max() == 0 for m in off)
    assert np.mean([m.state.damage[0].max() for m in on]) > 0.2
    victim, misuser = 1, 3
    assert (pair_values(off, "intent", victim, misuser).mean()
            - pair_values(on, "intent", victim, misuser).mean()) > 0.15
    assert np.mean([m.state.caution[0, victim] for m in off]) > 0.3  # detection still makes cautious


def test_feedback_loss_off_lets_missing_feedback_erode_nothing():
    """The overloaded organisation reports back rarely; a trustor who values feedback loses
    cognitive trust in it, unless missing feedback erodes nothing."""
    on = run_reps(small_scenario(misuse_orgs(), opportunism=False), REPS)
    off = run_reps(small_scenario(misuse_orgs(), opportunism=False, feedback_loss=False), REPS)
    start = TrustNetworkModel(scenario=small_scenario(misuse_orgs()), rng=1).state.cog[0, 1, 2]
    assert pair_values(on, "cog", 1, 2).mean() < start - 0.1
    assert pair_values(off, "cog", 1, 2).min() >= start  # only feedback received moves it (up)
