"""Scenario-specific factors, the calibration's default priors, and its input checks."""

import pytest

from experiments.ensemble.design import Study
from experiments.ensemble.factors import parse_factors, scoped
from experiments.studies.calibration import calibration_factors, competing_models, held_out_patterns
from model.inputs.parameters import SPECS
from model.inputs.scenario import ScenarioError, load_scenario


def test_scenario_specific_factor_is_validated_and_applied_to_its_scenario_only():
    factors, _ = parse_factors('[[factors]]\nname = "x.sharing_risk"\nbounds = [0.0, 0.4]\n', "f")
    assert factors[0].name == "x.sharing_risk" and factors[0].parameter == "sharing_risk"
    values = {"x.sharing_risk": 0.3, "y.sharing_risk": 0.7, "intent_gain": 0.05}
    assert scoped(values, "x") == {"sharing_risk": 0.3, "intent_gain": 0.05}
    assert scoped(values, "y") == {"sharing_risk": 0.7, "intent_gain": 0.05}
    study = Study(scenario=load_scenario("x"), points=({"scenario": "x", **values}, {"scenario": "y", **values}),
                  reps=1)
    x, y = study.point_scenarios()
    assert x.params.sharing_risk == 0.3 and y.params.sharing_risk == 0.7


@pytest.mark.parametrize("text, message", [
    ('name = "z.sharing_risk"\nbounds = [0.0, 0.4]', "unknown scenario 'z'"),
    ('name = "x.not_a_parameter"\nbounds = [0.0, 0.4]', "not a numeric model parameter"),
    ('name = "x.sharing_risk"\nbounds = [0.0, 1.5]', "must lie within its range"),
])
def test_bad_scenario_specific_factor_is_one_line(text, message):
    with pytest.raises(ScenarioError, match=message):
        parse_factors(f"[[factors]]\n{text}\n", "f")


def test_a_parameter_cannot_be_both_plain_and_scenario_specific():
    text = ('[[factors]]\nname = "sharing_risk"\nbounds = [0.0, 0.4]\n'
            '[[factors]]\nname = "y.sharing_risk"\nbounds = [0.0, 0.4]\n')
    with pytest.raises(ScenarioError, match="listed twice"):
        parse_factors(text, "f")


def test_default_priors_cover_the_assumption_labelled_parameters():
    factors = calibration_factors("default")
    covered = {f.parameter for f in factors}
    assumed = {s.name for s in SPECS if "assumption" in s.source and s.kind in (float, int)
               and not (s.name[0] == "i" and s.name[1].isdigit())}
    assert covered == assumed
    specs = {s.name: s for s in SPECS}
    assert all(specs[f.parameter].low <= f.low < f.high <= specs[f.parameter].high for f in factors)
    assert {"x.turnover_rate", "y.turnover_rate"} <= {f.name for f in factors}


def test_models_and_held_out_patterns_are_checked():
    assert competing_models("T1,update_rule=symmetric") == {
        "baseline": {}, "T1=literature": {"T1": "literature"}, "update_rule=symmetric": {"update_rule": "symmetric"}}
    assert held_out_patterns("p7, P3") == ("P7", "P3")
    with pytest.raises(ScenarioError, match="unknown pattern"):
        held_out_patterns("P9")
    with pytest.raises(ScenarioError, match="unknown theory pair"):
        competing_models("T9")
