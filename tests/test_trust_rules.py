"""The trust update rules against known answers, with and without a batch axis."""

import numpy as np
import pytest

from model.process.trust import (
    asymmetric_update,
    gate,
    transfer,
    update_cognitive,
    update_empathic,
    update_intentional,
)


def test_gate_is_zero_below_floor_and_linear_above():
    t = np.array([0.0, 0.3, 0.65, 1.0])
    np.testing.assert_allclose(gate(t, 0.3), [0.0, 0.0, 0.5, 1.0])


def test_asymmetric_update_known_values():
    # building: 0.5 + 0.1 * 1 * (1 - 0.5) = 0.55
    assert asymmetric_update(np.array(0.5), np.array(1.0), np.array(0.0), 0.1, 3.0) == pytest.approx(0.55)
    # erosion: 0.5 - 0.1 * 3 * 1 * 0.5 = 0.35 (three times the building step: losses weigh more)
    assert asymmetric_update(np.array(0.5), np.array(0.0), np.array(1.0), 0.1, 3.0) == pytest.approx(0.35)


def test_asymmetric_update_respects_ceiling_and_bounds():
    out = asymmetric_update(np.array([0.9, 0.2]), np.array([50.0, 0.0]), np.array([0.0, 50.0]),
                            0.5, 6.0, ceiling=np.array([0.4, 1.0]))
    assert out[0] == pytest.approx(0.4)  # cannot exceed 1 - damage
    assert out[1] == pytest.approx(0.0)


def test_misuse_drops_intentional_trust_and_leaves_lasting_damage():
    intent, damage = np.array([0.8]), np.array([0.0])
    kw = dict(gain=0.04, loss_ratio=3.0, misuse_signal=4.0, freeride_signal=0.15,
              reputation_damage=0.6, forgetting=0.0)
    t1, d1 = update_intentional(intent, damage, np.array([0.0]), np.array([1.0]), np.array([0.0]), **kw)
    assert d1[0] == pytest.approx(0.6)
    assert t1[0] == pytest.approx(min(0.8 * (1 - 0.48), 0.4))
    # many later successes cannot lift trust above the ceiling 1 - damage
    t, d = t1, d1
    for _ in range(200):
        t, d = update_intentional(t, d, np.array([3.0]), np.array([0.0]), np.array([0.0]), **kw)
    assert t[0] == pytest.approx(0.4, abs=1e-9)


def test_freeriding_is_mild_compared_with_misuse():
    kw = dict(gain=0.04, loss_ratio=3.0, misuse_signal=4.0, freeride_signal=0.15,
              reputation_damage=0.6, forgetting=0.004)
    zero, one = np.array([0.0]), np.array([1.0])
    t_free, _ = update_intentional(np.array([0.8]), zero, zero, zero, one, **kw)
    t_mis, _ = update_intentional(np.array([0.8]), zero, zero, one, zero, **kw)
    assert 0.8 - t_free[0] < 0.05 * (0.8 - t_mis[0]) + 0.02
    assert t_free[0] < 0.8


def test_cognitive_missing_feedback_weighted_by_how_much_it_is_valued():
    cog = np.array([[0.6, 0.6]])
    vf = np.array([[0.1], [0.9]])  # trustor axis second-to-last
    out = update_cognitive(np.repeat(cog, 2, 0), np.zeros((2, 2)), np.ones((2, 2)), vf,
                           gain=0.1, loss_ratio=2.0)
    assert out[1, 0] < out[0, 0] < 0.6


def test_empathic_needs_intentional_trust_and_stalls_damage_it():
    e = update_empathic(np.array([0.2, 0.2]), np.array([5.0, 5.0]), np.array([0.2, 0.9]),
                        np.array([0.0, 0.0]), gain=0.05, intent_floor=0.3, stall_damage=0.25)
    assert e[0] == pytest.approx(0.2)  # intentional trust absent: no growth
    assert e[1] > 0.2
    s = update_empathic(np.array([0.4]), np.array([0.0]), np.array([0.9]), np.array([2.0]),
                        gain=0.05, intent_floor=0.3, stall_damage=0.25)
    assert s[0] == pytest.approx(0.4 * 0.75**2)


def test_transfer_share():
    assert transfer(np.array(0.9), 0.5, 0.25) == pytest.approx(0.6)


def test_rules_accept_a_leading_batch_axis():
    rng = np.random.default_rng(0)
    intent = rng.random((3, 4, 4))
    damage = rng.random((3, 4, 4)) * 0.3
    pos, mis, free = rng.random((3, 4, 4)), (rng.random((3, 4, 4)) < 0.1) * 1.0, rng.random((3, 4, 4))
    gain = np.array([0.02, 0.04, 0.08]).reshape(3, 1, 1)
    kw = dict(loss_ratio=3.0, misuse_signal=4.0, freeride_signal=0.15, reputation_damage=0.6,
              forgetting=0.01)
    batched_t, batched_d = update_intentional(intent, damage, pos, mis, free, gain=gain, **kw)
    for b in range(3):
        t, d = update_intentional(intent[b], damage[b], pos[b], mis[b], free[b], gain=gain[b, 0, 0], **kw)
        np.testing.assert_array_equal(batched_t[b], t)
        np.testing.assert_array_equal(batched_d[b], d)
