"""The robust policy analysis: draws, design, robustness and acceptability (known
answers on constructed effects), scenario discovery (PRIM finds a planted box; feature
scores find the driver), and the command end to end at a small size."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.analysis.outcomes import at_horizon
from experiments.cli import main
from experiments.ensemble import ExecutorSpec, Tables
from experiments.ensemble.factors import Factor
from experiments.studies.policy.acceptability import acceptability
from experiments.studies.policy.discovery import discover, failures, feature_scores, prim_box
from experiments.studies.policy.effects import METRICS
from experiments.studies.policy.robust_design import (
    flatten,
    for_scenario,
    lhs_draws,
    load_uncertain,
    robust_design,
)
from experiments.studies.policy.robust_report import _value_words
from experiments.studies.policy.robust_study import run_robust
from experiments.studies.policy.robustness import robustness
from model import ScenarioError

ROOT = Path(__file__).resolve().parents[1]


def test_lhs_draws_are_stratified_within_bounds_and_seeded():
    factors = [Factor("loss_ratio", 1.5, 5.0), Factor("i1_every", 4, 26, integer=True)]
    draws = lhs_draws(factors, 20, seed=3)
    lr = np.array([d["loss_ratio"] for d in draws])
    assert ((lr >= 1.5) & (lr <= 5.0)).all()
    # one draw in each of the 20 equal strata of the range (Latin hypercube)
    assert sorted(np.floor((lr - 1.5) / 3.5 * 20).astype(int)) == list(range(20))
    every = [d["i1_every"] for d in draws]
    assert all(isinstance(v, int) and 4 <= v <= 26 for v in every)
    assert lhs_draws(factors, 20, seed=3) == draws
    assert lhs_draws(factors, 20, seed=4) != draws


def test_default_uncertain_factors_leave_the_networks_own_parameters_alone():
    factors, scenario = load_uncertain("default")
    names = {f.name for f in factors}
    assert scenario is None and len(names) >= 10
    assert not names & {"informal_rate", "voice", "sharing_risk", "power_asymmetry", "turnover_rate", "online"}


def test_scenario_specific_keys_apply_to_their_scenario_only_and_win():
    draw = {"sharing_risk": 0.3, "x.sharing_risk": 0.1, "y.loss_ratio": 4.0, "nets/my.toml.voice": 0.2}
    assert for_scenario(draw, "x") == {"sharing_risk": 0.1}
    assert for_scenario(draw, "y") == {"sharing_risk": 0.3, "loss_ratio": 4.0}
    assert for_scenario(draw, "nets/my.toml") == {"sharing_risk": 0.3, "voice": 0.2}


def test_design_every_draw_gets_every_option_and_explicit_options_win():
    draws = [{"i2_risk_cut": 0.3, "loss_ratio": 2.0}, {"i2_risk_cut": 0.7, "loss_ratio": 4.0}]
    per_draw = robust_design(["x", "y"], ["data_framework", "data_framework:risk_cut=0.9", "social_map"], [],
                             draws)
    assert len(per_draw) == 2 and all(len(p) == 2 * 5 for p in per_draw)
    points = flatten(per_draw)
    labels = [p["label"] for p in points]
    assert len(set(labels)) == len(labels) and labels[0] == "x|baseline#0" and labels[-1] == "y|all#1"
    by = {p["label"]: p for p in points}
    assert by["x|data_framework#1"]["i2_risk_cut"] == 0.7  # drawn, not given
    assert by["x|data_framework:risk_cut=0.9#1"]["i2_risk_cut"] == 0.9  # given explicitly
    assert by["y|baseline#0"]["loss_ratio"] == 2.0 and not by["y|baseline#0"].get("i2")
    # posterior-style draws: per-network values and a variant switch
    posterior = [{"x.loss_ratio": 2.5, "y.loss_ratio": 4.5, "T1": "literature"}]
    points = flatten(robust_design(["x", "y"], ["social_map"], [], posterior))
    by = {p["label"]: p for p in points}
    assert by["x|social_map#0"]["loss_ratio"] == 2.5 and by["y|baseline#0"]["loss_ratio"] == 4.5
    assert all(p["T1"] == "literature" and not any("." in k for k in p) for p in points)


def constructed(effects: dict[str, list[float]], costs: dict[str, float], metric="collaboration") -> pd.DataFrame:
    rows = [{"draw": d, "scenario": "x", "intervention": name, "metric": metric, "baseline": 0.2, "effect": e,
             "ci_low": e, "ci_high": e, "cost_hours": costs[name]}
            for name, values in effects.items() for d, e in enumerate(values)]
    return pd.DataFrame(rows)


def test_robustness_known_answers_with_ties_and_direction():
    frame = constructed({"a": [0.10, 0.05, -0.02, 0.04], "b": [0.02, 0.05, -0.01, 0.08],
                         "c": [-0.01, -0.02, -0.03, -0.01]}, {"a": 10.0, "b": 20.0, "c": 5.0})
    table = robustness(frame).set_index("intervention")
    assert list(table.index) == ["baseline", "a", "b", "c"]
    # draw 0: a best; draw 1: a and b tie; draw 2: doing nothing best; draw 3: b best
    assert table.p_best.to_dict() == pytest.approx({"baseline": 0.25, "a": 0.375, "b": 0.375, "c": 0.0})
    assert table.p_best.sum() == pytest.approx(1.0)
    assert table.loc["a", "p_positive"] == 0.75 and table.loc["c", "p_positive"] == 0.0
    best = np.array([0.10, 0.05, 0.0, 0.08])
    assert table.loc["a", "mean_regret"] == pytest.approx(np.mean(best - [0.10, 0.05, -0.02, 0.04]))
    assert table.loc["baseline", "mean_regret"] == pytest.approx(best.mean())
    assert table.loc["a", "mean_effect"] == pytest.approx(0.0425)
    assert table.loc["a", "ci_low"] < 0.0425 < table.loc["a", "ci_high"]
    assert table.loc["b", "effect_per_hour"] == pytest.approx(0.035 / 20.0)
    # fewer stalls is better: a negative effect is an improvement
    stalls = robustness(constructed({"a": [-3.0, -1.0], "b": [1.0, -2.0]}, {"a": 1.0, "b": 1.0}, "stalls"))
    stalls = stalls.set_index("intervention")
    assert stalls.loc["a", "p_positive"] == 1.0 and stalls.loc["b", "p_positive"] == 0.5
    assert stalls.loc["a", "p_best"] == 0.5 and stalls.loc["b", "p_best"] == 0.5


def test_acceptability_curves_go_from_the_cheapest_to_the_most_effective():
    rng = np.random.default_rng(5)
    frame = constructed({"cheap": list(0.01 + 0.002 * rng.standard_normal(40)),
                         "strong": list(0.05 + 0.002 * rng.standard_normal(40))}, {"cheap": 10.0, "strong": 200.0})
    curves = acceptability(frame)
    totals = curves.groupby("value_hours").p_best.sum()
    assert np.allclose(totals, 1.0) and curves.p_best.between(0, 1).all()
    low, high = curves.value_hours.min(), curves.value_hours.max()
    at = lambda v: curves[curves.value_hours == v].set_index("intervention").p_best  # noqa: E731
    assert at(low)["baseline"] == 1.0  # worth little: spend nothing
    assert at(high)["strong"] == 1.0  # worth a lot: the largest effect
    # in between the cheap option is the best use of the hours (break-even 1,000 h vs 4,750 h per unit)
    assert at(curves.value_hours[(curves.value_hours > 1500) & (curves.value_hours < 3500)].iloc[0])["cheap"] == 1.0


def test_the_report_names_each_stretch_where_an_option_leads():
    """One grid value is one value, not "between v and v"; two separate stretches are two."""
    grid = [100.0, 200.0, 300.0, 400.0, 500.0]
    lead = {"a": [1, 0, 1, 1, 0], "b": [0, 1, 0, 0, 0], "c": [0, 0, 0, 0, 1]}
    curves = pd.DataFrame([{"value_hours": v, "intervention": k, "p_best": 0.2 + 0.5 * lead[k][i]}
                           for i, v in enumerate(grid) for k in lead])
    assert _value_words(curves, "b") == ("the most likely best use of the hours at 200 hours a year per unit only "
                                         "(one value of the grid), best in up to 70% of the worlds")
    assert _value_words(curves, "a").startswith("the most likely best use of the hours while a unit is worth up to "
                                                "100 hours a year and between 300 and 400 hours a year per unit")
    assert "from 500 hours a year per unit (5.0 per 0.01) upwards" in _value_words(curves, "c")
    assert _value_words(curves, "d") == "never the most likely best use of the hours in the range shown"


def test_failures_are_no_improvement_or_well_below_the_mean():
    gain = pd.Series([0.10, 0.08, 0.02, 0.0, -0.01, 0.06])
    assert failures(gain, 0.5).tolist() == [False, False, True, True, True, False]  # half the mean: 0.0208
    assert failures(pd.Series([-0.1, -0.2, 0.05])).tolist() == [True, True, False]


def test_prim_finds_a_planted_box():
    rng = np.random.default_rng(11)
    x = pd.DataFrame(rng.uniform(size=(1500, 5)), columns=["a", "b", "c", "d", "e"])
    inside = ((x.a > 0.2) & (x.a < 0.5) & (x.c > 0.6)).to_numpy()
    noise = rng.uniform(size=len(x)) < 0.03
    y = inside ^ noise  # 3% of the labels flipped
    box = prim_box(x, y)
    assert set(box.limits) == {"a", "c"}
    assert box.limits["a"][0] == pytest.approx(0.2, abs=0.05) and box.limits["a"][1] == pytest.approx(0.5, abs=0.05)
    assert box.limits["c"][0] == pytest.approx(0.6, abs=0.05)
    assert box.coverage > 0.8 and box.density > 0.8
    assert all(q < 0.01 for q in box.qp.values())
    assert prim_box(x, np.zeros(len(x), bool)) is None


def test_discovery_and_feature_scores_find_what_drives_an_effect():
    draws = lhs_draws([Factor("loss_ratio", 1.5, 5.0), Factor("detect_prob", 0.3, 0.9),
                       Factor("intent_gain", 0.02, 0.08)], 200, seed=8)
    rng = np.random.default_rng(2)
    # the option helps unless losses weigh heavily (loss_ratio above 4); detect_prob does nothing
    effect = [0.05 - (0.06 if d["loss_ratio"] > 4.0 else 0.0) + 0.2 * d["intent_gain"] + 0.003 * rng.standard_normal()
              for d in draws]
    frame = constructed({"opt": effect}, {"opt": 10.0})
    boxes = discover(frame, draws)
    assert set(boxes.factor) == {"loss_ratio"}
    assert boxes.low.iloc[0] == pytest.approx(4.0, abs=0.1)
    assert boxes.coverage.iloc[0] > 0.8 and boxes.density.iloc[0] > 0.8
    scores = feature_scores(frame, draws, seed=1).set_index("factor").score
    assert scores.idxmax() == "loss_ratio" and scores["detect_prob"] < scores["intent_gain"]
    assert scores.sum() == pytest.approx(1.0)


def test_bad_draws_are_refused_before_anything_is_written(tmp_path):
    with pytest.raises(ScenarioError, match="teleport_rate"):
        run_robust(tmp_path / "out", ["x"], [{"teleport_rate": 0.3}], ["social_map"], reps=2,
                   executor=ExecutorSpec(workers=1), quiet=True)
    assert not (tmp_path / "out" / "runs").exists()


@pytest.mark.parametrize("args, words", [
    (["--samples", "4"], "need --uncertain"),
    (["--fail-fraction", "0.3"], "need --uncertain"),
    (["--uncertain", "default", "--fail-fraction", "1.5"], "must lie in [0, 1]"),
    (["--uncertain", "nowhere.toml"], "nowhere.toml"),
    (["--uncertain", "default", "--samples", "0"], "at least 1"),
    (["--uncertain", "default", "--scenario", "z"], "z"),
])
def test_robust_options_are_checked_before_anything_is_written(tmp_path, capsys, args, words):
    code = main(["policy", *args, "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_policy_command_robust_end_to_end(tmp_path):
    out = tmp_path / "robust"
    cmd = [sys.executable, "-m", "experiments.cli", "policy", "--scenario", "x", "--intervention", "social_map",
           "--intervention", "data_framework", "--uncertain", "default", "--samples", "8", "--reps", "2",
           "--workers", "2", "--out", str(out), "--quiet"]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    for name in ("robustness.csv", "discovery.csv", "feature_scores.csv", "acceptability.csv", "effects_by_draw.csv",
                 "draws.csv", "report.md"):
        assert (out / name).stat().st_size > 100, name
    for name in ("robust_effects_x.png", "acceptability_x.png", "discovery_x.png"):
        assert (out / name).stat().st_size > 10_000, name
    table = pd.read_csv(out / "robustness.csv")
    assert list(table.columns[:10]) == ["scenario", "intervention", "metric", "mean_effect", "ci_low", "ci_high",
                                        "p_positive", "p_best", "mean_regret", "cost_hours"]
    assert set(table.intervention) == {"baseline", "social_map", "data_framework", "all"}
    assert set(table.metric) == set(METRICS) and (table.draws == 8).all()
    shares = table[["p_positive", "p_best"]].to_numpy()
    assert ((shares >= 0) & (shares <= 1)).all()
    assert np.allclose(table.groupby(["scenario", "metric"]).p_best.sum(), 1.0)
    discovery = pd.read_csv(out / "discovery.csv")
    assert list(discovery.columns[:8]) == ["scenario", "intervention", "metric", "factor", "low", "high",
                                           "coverage", "density"]
    # the social map removes tunnel-vision stalls in X in every draw
    per_draw = pd.read_csv(out / "effects_by_draw.csv")
    stalls = per_draw[(per_draw.intervention == "social_map") & (per_draw.metric == "stalls")]
    assert len(stalls) == 8 and (stalls.baseline > 0).all()
    assert np.allclose(stalls.effect, -stalls.baseline)  # none left with the map
    # a draw's effect is the paired difference of the runner's tables at the horizon
    tables = Tables(out / "runs")
    diff = (at_horizon(tables.get("model", "x|data_framework#3"), "collaboration")
            - at_horizon(tables.get("model", "x|baseline#3"), "collaboration"))
    mine = per_draw[(per_draw.draw == 3) & (per_draw.intervention == "data_framework")
                    & (per_draw.metric == "collaboration")]
    assert mine.effect.iloc[0] == pytest.approx(diff.mean(), rel=1e-9)
    row = table[(table.intervention == "social_map") & (table.metric == "stalls")].iloc[0]
    assert row.p_positive == 1.0
    report = (out / "report.md").read_text()
    assert "Where each one fails" in report and "At what cost" in report
    # the same draws serially in this process give the same numbers (a pool changes nothing)
    factors, _ = load_uncertain("default")
    _, serial = run_robust(tmp_path / "serial", ["x"], lhs_draws(factors, 8, 20221), ["social_map", "data_framework"],
                           reps=2, executor=ExecutorSpec(workers=1), quiet=True)
    pd.testing.assert_frame_equal(serial.robustness.reset_index(drop=True), table, check_dtype=False)
    # another failure threshold re-analyses the same runs
    summary, strict = run_robust(tmp_path / "serial", ["x"], lhs_draws(factors, 8, 20221),
                                 ["social_map", "data_framework"], reps=2, executor=ExecutorSpec(workers=1),
                                 quiet=True, source="elsewhere", fraction=0.9)
    assert summary.skipped == summary.total == 64 and summary.succeeded == 0
    share = strict.discovery.groupby(["intervention", "metric"]).share_failing.first()
    loose = pd.read_csv(out / "discovery.csv").groupby(["intervention", "metric"]).share_failing.first()
    assert (share >= loose).all() and (share > loose).any()
    # resumable: the same command again has nothing left to run
    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and "already done" in again.stdout


def test_policy_takes_its_worlds_from_a_calibrated_posterior(tmp_path):
    """``--posterior DIR``: every world is a weighted draw of the posterior (here a
    constructed one), recorded in draws.csv; it excludes --uncertain."""
    import json

    import pandas as pd

    from experiments.cli import main

    post = tmp_path / "calib"
    post.mkdir()
    pd.DataFrame({"model": ["baseline"] * 3, "loss_ratio": [1.5, 3.0, 4.5], "x.turnover_rate": [0.1, 0.2, 0.3],
                  "weight": [0.2, 0.3, 0.5]}).to_parquet(post / "posterior.parquet")
    (post / "calibration.json").write_text(json.dumps({"models": {"baseline": {}}}))
    out = tmp_path / "robust"
    code = main(["policy", "--posterior", str(post), "--samples", "3", "--reps", "2", "--steps", "8",
                 "--scenario", "x", "--intervention", "social_map", "--workers", "1", "--quiet", "--out", str(out)])
    assert code == 0
    draws = pd.read_csv(out / "draws.csv")
    assert len(draws) == 3 and set(draws.loss_ratio) <= {1.5, 3.0, 4.5}
    assert main(["policy", "--posterior", str(post), "--uncertain", "default", "--out", str(tmp_path / "o")]) == 2


def test_default_worlds_sample_every_effect_of_the_interventions_and_the_breach():
    """A ranking that rests on an assumed effect size is tested against it: every numeric
    effect parameter of I1-I6 (and the evaluations I1 adds) and the numbers of Y's breach
    vary across the default worlds."""
    from model.inputs.parameters import SPECS

    names = {f.name for f in load_uncertain("default")[0]}
    effects = {s.name for s in SPECS if s.name[:1] == "i" and s.name[1:2].isdigit() and s.kind is float}
    assert effects | {"evaluation_align", "evaluation_repair"} <= names
    assert {"breach_alignment", "breach_threshold", "breach_conflict", "breach_shift", "goal_erosion"} <= names


def test_discovery_takes_whole_number_factors():
    """A whole-number factor (the breach's week shift) is peeled like any other: PRIM's
    fractional limits must fit the table (it used to stop with a dtype error)."""
    from experiments.studies.policy.discovery import factor_table, prim_box

    draws = [{"breach_shift": k % 37, "loss_ratio": 1.0 + (k % 7) / 2} for k in range(80)]
    x = factor_table(draws, "y")
    assert all(t == "float64" for t in x.dtypes)
    box = prim_box(x, (x.breach_shift.to_numpy() > 20))
    assert box is not None and "breach_shift" in box.limits
