"""The calibration's parts on known answers, without simulating (issue 25): the adaptive
clause distance, common random numbers and each proposal's own generator, the screening
stage, Bayes factors over seeds, the model choice check, the seeds' agreement and the
measurement plan."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.ensemble.executors import SerialExecutor
from experiments.ensemble.factors import Factor
from experiments.studies.calibration import Calibration, acting_variants, competing_models, held_out_patterns
from experiments.studies.calibration import screen as screen_module
from experiments.studies.calibration.agreement import agreement, summary
from experiments.studies.calibration.choice import confusion, pair_rates
from experiments.studies.calibration.distance import MAX_RATIO, ClauseDistance, fit_weights
from experiments.studies.calibration.evidence import bayes_factors
from experiments.studies.calibration.measure import plan, separating_observables
from experiments.studies.calibration.sampler import proposal_generator, seed_global
from model.inputs.scenario import ScenarioError

# ------------------------------------------------------------------ the distance


def summary_of(**shortfalls) -> dict:
    """Summaries with the given clause shortfalls (``P1_a=0.3`` -> ``short:P1:a``)."""
    return {f"short:{k.replace('_', ':', 1)}": v for k, v in shortfalls.items()}


def test_the_distance_is_zero_exactly_when_every_calibrated_clause_holds():
    d = ClauseDistance(held_out=("P6",))
    assert d(summary_of(P1_a=0.0, P2_b=0.0, P6_c=5.0), {}, t=0) == 0.0  # P6 is held out
    assert d(summary_of(P1_a=0.0, P2_b=1e-9, P6_c=0.0), {}, t=0) > 0.0
    near, far = summary_of(P1_a=0.1, P2_b=0.0), summary_of(P1_a=2.0, P2_b=0.5)
    assert 0 < d(near, {}, t=0) < d(far, {}, t=0)  # close to passing is told apart from far away
    assert d({"failed": 1.0}, {}, t=0) == float("inf")


def test_weights_adapt_to_the_previous_generation_and_keep_every_clause():
    # clause 0 missed by much, clause 1 by little, clause 2 met by every particle
    shortfalls = np.array([[4.0, 0.1, 0.0], [2.0, 0.3, 0.0], [6.0, 0.2, 0.0]])
    w = fit_weights(shortfalls)
    assert w.mean() == pytest.approx(1.0)
    assert w[1] > w[0]  # a small shortfall counts as much as a large one of a clause most miss by far
    assert w[2] == pytest.approx(w.max())  # a clause every particle meets keeps the largest weight
    assert w.max() / w.min() <= MAX_RATIO + 1e-9
    assert fit_weights(np.zeros((3, 2))) == pytest.approx([1.0, 1.0])


def test_the_distance_fits_its_weights_from_the_last_population():
    class Particle:
        def __init__(self, s):
            self.sum_stat = s

    class Sample:
        accepted_particles = [Particle(summary_of(P1_a=4.0, P2_b=0.1)), Particle(summary_of(P1_a=2.0, P2_b=0.3))]

    d = ClauseDistance(held_out=())
    d.initialize(1, lambda: Sample(), {}, 0)
    a, b = d(summary_of(P1_a=1.0, P2_b=0.0), {}, t=1), d(summary_of(P1_a=0.0, P2_b=1.0), {}, t=1)
    assert b > a  # a unit of the clause the population nearly meets weighs more


# ------------------------------------------------- random numbers of our own


def test_each_proposal_has_its_own_generator_and_the_global_one_is_seeded_for_pyabc():
    seed_global(7, 2, 5)
    first, global_first = proposal_generator().random(3), np.random.random(3)
    seed_global(7, 2, 5)
    assert proposal_generator().random(3) == pytest.approx(first)
    assert np.random.random(3) == pytest.approx(global_first)
    seed_global(7, 2, 6)
    assert not np.allclose(proposal_generator().random(3), first)


def test_the_kernel_draws_from_the_proposal_generator_not_the_global_one():
    from experiments.studies.calibration.kernel import BoxNormalTransition

    kernel = BoxNormalTransition({"a": (0.0, 1.0), "b": (0.0, 10.0)})
    kernel.fit(pd.DataFrame({"a": [0.2, 0.5, 0.7], "b": [1.0, 5.0, 9.0]}), np.array([0.2, 0.3, 0.5]))
    seed_global(3, 1, 0)
    state = np.random.get_state()[1].copy()
    draw = kernel.rvs_single()
    assert (np.random.get_state()[1] == state).all()  # the global generator is left alone
    seed_global(3, 1, 0)
    assert kernel.rvs_single() == draw
    assert 0 <= draw["a"] <= 1 and 0 <= draw["b"] <= 10


# ------------------------------------------------------------------ design


def test_all_variants_are_those_that_act_in_x_or_y():
    names = acting_variants()
    assert "T7=literature" not in names  # participation was voluntary: nothing to act on
    assert {"T1=literature", "T6=literature", "T8=literature", "update_rule=symmetric",
            "update_rule=value_performance", "update_rule=asymmetric"} <= set(names)
    assert list(competing_models("all")) == ["baseline", *names]


def test_a_pattern_must_be_held_out_when_required():
    assert held_out_patterns("p6") == ("P6",)
    with pytest.raises(ScenarioError, match="at least one pattern must be held out"):
        held_out_patterns("", required=True)


# ------------------------------------------------------------------ screening


def test_the_screening_keeps_the_factors_a_margin_responds_to_across_the_models(monkeypatch):
    """A fake particle: P1's margin follows ``a`` in the baseline and ``c`` under T1 (and
    ``b`` a hundredth as much); P2's margin follows nothing. The screening keeps a and c,
    in the candidates' order."""
    def fake(overrides, root, reps, mode, patterns):
        late = overrides.get("T1") == "literature"
        return {"margin:P1": 3.0 * overrides["c" if late else "a"] + 0.01 * overrides["b"], "margin:P2": 1.0}

    monkeypatch.setattr(screen_module, "summarise", fake)
    factors = (Factor("a", 0.0, 1.0), Factor("b", 0.0, 1.0), Factor("c", 0.0, 1.0), Factor("d", 0.0, 1.0))
    calib = Calibration(factors, competing_models("T1"), population=4, reps=1,
                        hold_out=("P3", "P4", "P5", "P6", "P7"), screen=3)
    table, chosen = screen_module.screen(calib, SerialExecutor())
    assert [f.name for f in chosen] == ["a", "c"]
    assert set(table.model) == {"baseline", "T1=literature", screen_module.ALL_MODELS}
    assert len(table) == 3 * 4 * 2  # (models and their average) x factors x calibrated patterns
    average = table[table.model == screen_module.ALL_MODELS].set_index(["answer", "parameter"])
    assert average.loc[("margin:P1", "a"), "mu_star"] == pytest.approx(1.5)  # 3 in one model, 0 in the other
    assert not table[table.answer == "margin:P2"].decisive.any()
    assert screen_module.screening_runs(calib) == 3 * 5 * 2


# ------------------------------------------------------------ Bayes factors


def probabilities(rows) -> pd.DataFrame:
    """(seed, model, probability) at the last generation (1)."""
    return pd.DataFrame([{"seed": s, "generation": 1, "model": m, "probability": p} for s, m, p in rows])


def test_a_pair_is_decided_only_when_every_seed_agrees():
    models = ["baseline", "A", "B", "C"]
    frame = probabilities([(1, "baseline", 0.60), (1, "A", 0.35), (1, "B", 0.05), (1, "C", 0.0),
                           (2, "baseline", 0.90), (2, "A", 0.06), (2, "B", 0.04), (2, "C", 0.0)])
    table = bayes_factors(frame, models).set_index(["model_a", "model_b"])
    assert ("baseline", "C") in table.index and table.loc[("baseline", "C")].decided  # C has no particles
    base_b = table.loc[("baseline", "B")]
    assert base_b.bayes_factor == pytest.approx(0.75 / 0.045)
    assert base_b.decided and base_b.bf_low == pytest.approx(12.0)
    base_a = table.loc[("baseline", "A")]  # pooled 0.75 / 0.205 = 3.7: undecided
    assert not base_a.decided and base_a.spread == pytest.approx(np.log10(15.0 / (0.60 / 0.35)))
    assert not table.loc[("A", "B")].decided  # seed 1: 7; seed 2: 1.5


# ------------------------------------------------------ the model choice check


def test_pseudo_data_of_separable_models_come_back_and_of_identical_ones_do_not():
    rng = np.random.default_rng(1)

    def sims(model, centre, n):
        return [(model, {"est:P1:a": float(rng.normal(centre, 1.0)), "est:P1:b": float(rng.normal(0, 1.0)),
                         "est:P6:c": float(rng.normal(0, 1.0))}) for _ in range(n)]

    reference = sims("A", 0.0, 150) + sims("B", 8.0, 150) + sims("C", 8.0, 150)
    posterior = sims("A", 0.0, 30) + sims("B", 8.0, 30)
    check = confusion(reference, posterior, ["A", "B", "C"], held_out=("P6",))
    diag = check[check.true_model == check.attributed_model].set_index(["source", "true_model"]).share
    assert diag[("prior", "A")] == pytest.approx(1.0) and diag[("posterior", "A")] == pytest.approx(1.0)
    assert diag[("prior", "B")] < 0.8  # B and C are the same model: half go either way
    a_b, b_a, source = pair_rates(check, "A", "B")
    assert (a_b, b_a, source) == (0.0, 0.0, "posterior")
    b_c, c_b, source = pair_rates(check, "B", "C")
    assert source == "prior" and b_c > 0.2 and c_b > 0.2
    assert check.groupby(["source", "true_model"]).share.sum().to_numpy() == pytest.approx(1.0)


# ------------------------------------------------------------- seeds agree?


def test_agreement_of_two_seeds_within_the_tolerances():
    calib = Calibration((Factor("a", 0.0, 1.0), Factor("b", 0.0, 10.0)), {"baseline": {}, "A": {"T1": "literature"}},
                        n_seeds=2)
    rng = np.random.default_rng(2)

    def post(shift):
        return pd.DataFrame({"model": ["baseline"] * 200, "a": rng.uniform(0.4, 0.6, 200) + shift,
                             "b": rng.uniform(2, 4, 200), "weight": np.full(200, 1 / 200)})

    probs = probabilities([(1, "baseline", 1.0), (1, "A", 0.0), (2, "baseline", 0.95), (2, "A", 0.05)])
    table = agreement({1: post(0.0), 2: post(0.3)}, probs, calib).set_index(["model", "quantity"])
    assert table.loc[("baseline", "probability")].within
    assert not table.loc[("baseline", "median:a")].within  # 0.3 of the prior's width apart
    assert table.loc[("baseline", "median:b")].within
    assert ("A", "median:a") not in table.index  # A has particles in one seed only
    assert summary(table.reset_index())["baseline"]["medians_within"] is False


# ------------------------------------------------------------ what to measure


def test_the_measurement_plan_takes_each_undecided_pairs_best_observable():
    def draws(model, centre):
        return [{"model": model, "observables": {"x:intentional_trust": np.array([centre + k / 100]),
                                                 "y:info_shared": np.array([0.5 + k / 100])}} for k in range(40)]

    sims = draws("A", 0.2) + draws("B", 0.8) + draws("C", 0.2)
    table = separating_observables(sims, [("A", "B"), ("A", "C")])
    best = table[table.best]
    assert list(best.observable) == ["x:intentional_trust", "x:intentional_trust"]
    assert best.set_index("model_b").auc["B"] == pytest.approx(0.0)
    steps = plan(table)
    assert steps.observable.tolist() == ["x:intentional_trust"]
    assert steps.pairs.iloc[0] == 2 and not np.isfinite(steps.n_needed.iloc[0])  # A vs C: nothing separates them
