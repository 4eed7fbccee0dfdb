"""Each theory variant changes the behaviour it claims to (paired by seed)."""

import numpy as np
import pytest

from experiments.ensemble import replication_seeds
from model import ScenarioError, TrustNetworkModel, load_scenario

REPS = 8


def runs(name, weeks=156, reps=REPS, **overrides):
    sc = load_scenario(name).with_overrides({"horizon": weeks, **overrides})
    out = []
    for seed in replication_seeds(17, reps):
        m = TrustNetworkModel(scenario=sc, rng=seed, collect=True)
        m.run_for(weeks)
        out.append(m.datacollector.get_model_vars_dataframe())
    return out


def at(frames, metric, week):
    return np.array([f[metric].iloc[week] for f in frames])


@pytest.mark.parametrize("name", ["x", "y"])
def test_t1_literature_starts_low_and_builds_up(name):
    study, lit = runs(name, 104), runs(name, 104, T1="literature")
    assert at(study, "intentional_trust", 1).mean() - at(lit, "intentional_trust", 1).mean() > 0.3
    assert at(lit, "intentional_trust", 104).mean() > at(lit, "intentional_trust", 1).mean() + 0.1


def detected_misuse(name, **overrides):
    sc = load_scenario(name).with_overrides(overrides)
    total = []
    for seed in replication_seeds(17, 16):
        m = TrustNetworkModel(scenario=sc, rng=seed, collect=False)
        m.run_for(sc.horizon)
        total.append(m.state.harmed.sum())
    return np.array(total)


def test_t2_literature_adds_identification_blind_spots_and_keeps_routine_stalls():
    study, lit = runs("x", 104), runs("x", 104, T2="literature")
    assert at(study, "stalls", 104).mean() > 10 and at(lit, "stalls", 104).mean() > 10  # both over-trusts
    close = dict(identification_blindness=1.0, emp_gain=0.12)  # members who know each other well
    seen = detected_misuse("y", **close)
    blind = detected_misuse("y", T2="literature", **close)
    assert blind.mean() < 0.75 * seen.mean()


def test_t3_literature_informal_contact_raises_commitment():
    study, lit = runs("y", 104), runs("y", 104, T3="literature")
    assert at(lit, "goal_alignment", 100).mean() > at(study, "goal_alignment", 100).mean() + 0.03


def test_t4_cultures_matter_only_in_a_closed_atmosphere_under_the_study_variant():
    open_study, open_lit = runs("x", 78), runs("x", 78, T4="literature")
    no_gap = runs("x", 78, culture_gap=0.0)
    assert at(open_lit, "collaboration", 77).mean() < at(open_study, "collaboration", 77).mean() - 0.02
    assert np.array_equal(at(open_study, "collaboration", 77), at(no_gap, "collaboration", 77))
    closed = runs("x", 78, open_atmosphere=0.2)
    closed_no_gap = runs("x", 78, open_atmosphere=0.2, culture_gap=0.0)
    assert at(closed, "collaboration", 77).mean() < at(closed_no_gap, "collaboration", 77).mean() - 0.01


def test_t5_literature_voice_does_not_offset_power():
    study, lit = runs("y", 104), runs("y", 104, T5="literature")
    assert at(lit, "collaboration", 100).mean() < at(study, "collaboration", 100).mean() - 0.005
    no_power = runs("y", 52, power_asymmetry=0.0)
    no_power_lit = runs("y", 52, power_asymmetry=0.0, T5="literature")
    assert np.array_equal(at(no_power, "collaboration", 50), at(no_power_lit, "collaboration", 50))


def test_t6_literature_stability_is_a_precondition():
    lit = runs("x", 52, T6="literature", stability_start=26)
    assert at(lit, "info_shared", 20).max() == 0.0
    assert at(lit, "info_shared", 50).mean() > 0.2
    study = runs("x", 52)
    assert at(study, "info_shared", 20).mean() > 0.2


def test_t7_sham_collaboration_only_when_imposed():
    voluntary = runs("x", 52), runs("x", 52, T7="literature")
    assert np.array_equal(at(voluntary[0], "collaboration", 50), at(voluntary[1], "collaboration", 50))
    imposed_study = runs("x", 52, imposed=True)
    imposed_lit = runs("x", 52, imposed=True, T7="literature")
    assert at(imposed_lit, "info_shared", 50).mean() < 0.7 * at(imposed_study, "info_shared", 50).mean()


def test_t8_literature_needs_a_written_task_division():
    # Y has no overlapping tasks: only the literature variant suffers from an unclear division
    study, lit = runs("y", 104, task_clarity=0.2), runs("y", 104, task_clarity=0.2, T8="literature")
    assert at(lit, "collaboration", 100).mean() < at(study, "collaboration", 100).mean() - 0.005
    assert at(lit, "cases_resolved", 104).mean() < at(study, "cases_resolved", 104).mean() - 3
    written = runs("y", 104, task_clarity=0.2, T8="literature", written_tasks=True)
    assert np.array_equal(at(written, "cases_resolved", 104), at(study, "cases_resolved", 104))


def test_update_rules():
    default = runs("y")
    no_ceiling = runs("y", update_rule="asymmetric")
    symmetric = runs("y", update_rule="symmetric")
    assert at(no_ceiling, "intentional_trust", 156).mean() > at(default, "intentional_trust", 156).mean()
    assert at(symmetric, "intentional_trust", 156).mean() > at(no_ceiling, "intentional_trust", 156).mean()
    value_perf = runs("x", 104, update_rule="value_performance")
    x_default = runs("x", 104)
    assert at(value_perf, "cognitive_trust", 104).mean() < at(x_default, "cognitive_trust", 104).mean() - 0.03


def test_variant_values_are_validated():
    with pytest.raises(ScenarioError, match="must be one of study, literature"):
        load_scenario("x").with_overrides({"T3": "yes"})
    with pytest.raises(ScenarioError, match="update_rule"):
        load_scenario("x").with_overrides({"update_rule": "bayesian"})
