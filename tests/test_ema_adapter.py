"""trustnet as an EMA Workbench model: its uncertainties, levers and outcomes, a small
`perform_experiments`, and the numbers it returns against the model run directly."""

import warnings

import numpy as np
import pytest

from experiments.adapters.ema import COST, TrustnetFunction, ema_model
from experiments.analysis.outcomes import at_horizon
from experiments.ensemble import replication_seeds
from experiments.ensemble.factors import Factor
from experiments.ensemble.tables import model_frame
from model import ScenarioError, load_scenario
from model.inputs.interventions import INTERVENTIONS
from model.process.engines import simulate

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from ema_workbench import Sample, perform_experiments
    from ema_workbench.em_framework.parameters import BooleanParameter, IntegerParameter, RealParameter

FACTORS = [Factor("learn_backup", 0.05, 0.5), Factor("absence_scale", 0.5, 2.0), Factor("i1_every", 4, 26, True)]


def test_uncertainties_levers_and_outcomes():
    model = ema_model(FACTORS, "x", reps=2)
    u = {p.name: p for p in model.uncertainties}
    assert isinstance(u["learn_backup"], RealParameter) and (u["learn_backup"].lower_bound,
                                                              u["learn_backup"].upper_bound) == (0.05, 0.5)
    assert isinstance(u["i1_every"], IntegerParameter)
    levers = {p.name: p for p in model.levers}
    for intervention in INTERVENTIONS.values():
        assert isinstance(levers[intervention.flag], BooleanParameter)
    assert isinstance(levers["i2_risk_cut"], RealParameter) and isinstance(levers["i3_physical"], BooleanParameter)
    assert "i1_start" not in levers and "i4_end" not in levers
    kinds = {o.name: o.kind for o in model.outcomes}
    assert kinds["collaboration"] == 1 and kinds["stalls"] == -1 and kinds[COST] == -1  # maximise / minimise
    with pytest.raises(ScenarioError):
        ema_model(FACTORS, "nowhere")


def test_perform_experiments_pairs_policies_and_the_social_map_ends_stalls():
    model = ema_model(FACTORS, "x", reps=3, steps=104)
    policies = [Sample("none", i4=False), Sample("social_map", i4=True)]
    experiments, outcomes = perform_experiments(model, scenarios=4, policies=policies,
                                                uncertainty_sampling_kwargs={"rng": 7})
    assert len(experiments) == 8 and set(experiments.policy) == {"none", "social_map"}
    assert experiments.learn_backup.between(0.05, 0.5).all() and experiments.i1_every.between(4, 26).all()
    none, mapped = (experiments.policy == "none").to_numpy(), (experiments.policy == "social_map").to_numpy()
    assert (outcomes["stalls"][none] > 0).all() and (outcomes["stalls"][mapped] == 0).all()
    # upkeep plus making the map, spread over the 2 years it acts within the 104 weeks run
    assert (outcomes[COST][none] == 0).all() and np.allclose(outcomes[COST][mapped], 12.0 + 16.0 / 2)
    assert ((outcomes["collaboration"] > 0) & (outcomes["collaboration"] < 1)).all()


def test_the_function_gives_the_models_numbers_with_paired_seeds():
    f = TrustnetFunction("y", reps=2, seed=5, steps=52)
    got = f(sharing_risk=0.3, i2=True)
    sc = load_scenario("y").with_overrides({"sharing_risk": 0.3, "i2": True})
    runs = [simulate(sc, s, 52, 0, False) for s in replication_seeds(5, 2)]  # the Mesa engine, run by run
    frame = model_frame(runs, [0, 1])
    for metric in ("collaboration", "info_shared", "stalls"):
        assert got[metric] == pytest.approx(at_horizon(frame, metric, by="run").mean(), rel=1e-12)
    assert f(sharing_risk=0.3, i2=True) == got  # same parameters, same seeds, same numbers
