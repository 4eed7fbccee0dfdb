"""Each intervention moves its own lever in a situation built to show it; windows,
costs, parsing, the effect computation and the policy command."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.ensemble import replication_seeds
from experiments.studies.policy.design import design
from experiments.studies.policy.effects import METRICS, effects
from model import ScenarioError, TrustNetworkModel, load_scenario
from model.interventions import INTERVENTIONS, cost_hours, parse_intervention
from model.scenario import scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]
REPS = 8


def models(name="x", weeks=104, interventions=(), reps=REPS, **overrides):
    sc = load_scenario(name).with_overrides({"horizon": weeks, **overrides})
    for spec in interventions:
        sc = sc.with_overrides(parse_intervention(spec)[1])
    out = []
    for seed in replication_seeds(23, reps):
        m = TrustNetworkModel(scenario=sc, rng=seed, collect=False)
        m.run_for(weeks)
        out.append(m)
    return out


def mean(ms, f):
    return float(np.mean([f(m) for m in ms]))


def test_i4_social_map_cuts_stalls_when_a_fixed_contact_is_absent():
    base = models(learn_backup=0.0)
    mapped = models(learn_backup=0.0, interventions=["social_map"])
    assert mean(base, lambda m: m.state.stalls[0]) > 10
    assert mean(mapped, lambda m: m.state.stalls[0]) == 0
    assert mean(mapped, lambda m: m.state.emp[0].mean()) > mean(base, lambda m: m.state.emp[0].mean())


def test_i2_framework_limits_the_fall_in_sharing_after_misuse():
    base, framed = models("y", 156), models("y", 156, interventions=["data_framework"])
    shared = lambda m: m.metrics["info_shared"]  # noqa: E731
    assert mean(framed, shared) > mean(base, shared) + 0.02
    # the privacy officer stops part of the misuse: fewer events
    misuse = lambda m: m.state.misuse_events[0]  # noqa: E731
    assert mean(framed, misuse) < 0.9 * mean(base, misuse)
    # the members whose data the housing corporation can use (care, municipality) keep sharing more
    exposed = [i for i, o in enumerate(load_scenario("y").organisations)
               if o.domain in ("care", "municipality") and o.role != "minute-taker"]
    tail = lambda m: m.state.sharing[0][exposed].mean()  # noqa: E731
    assert mean(framed, tail) > mean(base, tail)


def test_i1_evaluations_realign_goals_and_follow_turnover():
    base, evaluated = models("y", 156), models("y", 156, interventions=["evaluations"])
    align = lambda m: m.metrics["goal_alignment"]  # noqa: E731
    assert mean(evaluated, align) > mean(base, align) + 0.05
    assert mean(base, lambda m: m.state.evaluations[0]) == 0
    # an extra evaluation four weeks after the newcomer of week 104 (108 is not a quarter)
    sc = load_scenario("y").with_overrides({"turnover_rate": 0.0, **parse_intervention("evaluations")[1]})
    held = []
    for seed in replication_seeds(23, 12):
        m = TrustNetworkModel(scenario=sc, rng=seed, collect=False)
        m.run_for(108)
        held.append(m.state.last_evaluation[0] == 1 or not m.state.present[0, 0])
    assert all(held)


def test_i3_informal_moments_build_common_language():
    base, informal = models(), models(interventions=["informal_moments"])
    lang = lambda m: m.metrics["common_language"]  # noqa: E731
    assert mean(informal, lang) > mean(base, lang) + 0.05


def test_i5_irritations_repair_cognitive_trust_in_the_overloaded_organisation():
    base, repaired = models(), models(interventions=["irritations"])
    k = 6  # the overloaded care organisation of X
    cog_in_k = lambda m: m.state.cog[0, :, k].sum() / 8  # noqa: E731
    assert mean(repaired, cog_in_k) > mean(base, cog_in_k) + 0.03


def test_i6_motivation_lowers_turnover_and_absence():
    base = models(turnover_rate=1.0)
    motivated = models(turnover_rate=1.0, interventions=["motivation:turnover_cut=0.8,absence_cut=0.8"])
    turnover = lambda m: m.state.turnover_events[0]  # noqa: E731
    assert mean(motivated, turnover) < 0.5 * mean(base, turnover)
    assert mean(motivated, lambda m: m.state.stalls[0]) < mean(base, lambda m: m.state.stalls[0])


def test_start_and_end_weeks():
    def series(interventions):
        sc = load_scenario("y").with_overrides({"horizon": 80})
        for spec in interventions:
            sc = sc.with_overrides(parse_intervention(spec)[1])
        m = TrustNetworkModel(scenario=sc, rng=5)
        m.run_for(80)
        return m.datacollector.get_model_vars_dataframe()
    base = series([])
    late = series(["data_framework:start=40"])
    early = series(["data_framework:end=40"])
    always = series(["data_framework"])
    pd.testing.assert_frame_equal(base.iloc[:40], late.iloc[:40])
    assert not base.iloc[40:].equals(late.iloc[40:])
    pd.testing.assert_frame_equal(always.iloc[:40], early.iloc[:40])
    assert not always.iloc[41:].equals(early.iloc[41:])


def test_parsing_scenario_tables_and_costs():
    label, overrides = parse_intervention("evaluations:every=13,start=52")
    assert label == "evaluations:every=13,start=52"
    assert overrides == {"i1": True, "i1_every": 13, "i1_start": 52}
    assert parse_intervention("I4")[1] == {"i4": True}
    with pytest.raises(ScenarioError, match="unknown option 'often=2'"):
        parse_intervention("evaluations:often=2")
    with pytest.raises(ScenarioError, match="unknown"):
        parse_intervention("teleport")
    orgs = [{"name": "a", "domain": "care"}, {"name": "b", "domain": "safety"}]
    data = {"name": "t", "organisations": orgs,
            "interventions": [{"name": "social_map"}, {"name": "evaluations", "every": 8}],
            "variants": {"T3": "literature"}}
    sc = scenario_from_dict(data, "t.toml")
    assert sc.params.i4 and sc.params.i1 and sc.params.i1_every == 8 and sc.params.T3 == "literature"
    x = load_scenario("x")
    for name in INTERVENTIONS:
        one = x.with_overrides(parse_intervention(name)[1])
        assert cost_hours(one) > 0
    big = load_scenario("synthetic:30").with_overrides({"i1": True})
    assert cost_hours(big) > cost_hours(x.with_overrides({"i1": True}))
    assert cost_hours(x) == 0
    # one-off hours are spread over the years the intervention acts
    late = x.with_overrides(parse_intervention("social_map:start=104")[1])
    assert cost_hours(late) == pytest.approx(12.0 + 16.0 / (53 / 52))  # weeks 104-156
    # meetings that are already physical cost no travel
    y = load_scenario("y")
    only_physical = y.with_overrides(parse_intervention("informal_moments:rate=0.0,start=144")[1])
    assert cost_hours(only_physical) == 0.0  # Y meets physically again from week 144
    assert cost_hours(y.with_overrides(parse_intervention("informal_moments:rate=0.0")[1])) > 0  # online years


def test_i1_evaluations_count_from_the_start_week():
    sc = load_scenario("x").with_overrides({"turnover_rate": 0.0, "scheduled_events": False,
                            **parse_intervention("evaluations:every=13,start=50")[1]})
    weeks = []
    m = TrustNetworkModel(scenario=sc, rng=1, collect=False)
    for week in range(1, 81):
        m.step()
        if m.state.last_evaluation[0]:
            weeks.append(week)
    assert set(weeks) <= {50, 63, 76} and len(weeks) >= 2  # the chair may be absent


class FakeTables:
    def __init__(self, frames):
        self.frames = frames

    def get(self, table, label):
        return self.frames[label]


def test_effects_are_paired_differences_with_intervals():
    reps, steps = 6, np.arange(0, 157)
    rng = np.random.default_rng(3)

    def frame(level):
        rows = []
        for r in range(reps):
            noise = rng.normal(0, 0.01)
            for t in steps:
                rows.append({"replication": r, "step": t, **{m: level + noise for m in METRICS}})
        return pd.DataFrame(rows)

    base, treat = frame(0.3), frame(0.4)
    points = [{"label": "x|baseline", "scenario": "x"},
              {"label": "x|social_map", "scenario": "x", "i4": True}]
    table = effects(FakeTables({"x|baseline": base, "x|social_map": treat}), points)
    assert len(table) == len(METRICS)
    row = table[table.metric == "collaboration"].iloc[0]
    last = lambda f: f.groupby("replication").collaboration.last()  # noqa: E731
    diffs = last(treat) - last(base)
    assert row.effect == pytest.approx(diffs.mean())
    assert row.ci_low < row.effect < row.ci_high
    assert row.cost_hours == pytest.approx(12.0 + 16.0 / 3)  # upkeep, plus the map spread over 3 years
    assert row.baseline == pytest.approx(base.groupby("replication").collaboration.last().mean())


def test_design_points():
    pts = design(["x", "y"], ["social_map", "evaluations:every=13"], [["social_map", "irritations"]])
    labels = [p["label"] for p in pts]
    per = ["baseline", "social_map", "evaluations:every=13", "all", "social_map+irritations"]
    assert labels == [f"{sc}|{p}" for sc in ("x", "y") for p in per]
    assert pts[3]["i4"] and pts[3]["i1"] and pts[3]["i1_every"] == 13


def test_policy_command_end_to_end(tmp_path):
    cmd = [sys.executable, "-m", "experiments.cli", "policy", "--scenario", "y", "--intervention",
           "social_map", "--intervention", "evaluations:every=13", "--reps", "3", "--workers", "2",
           "--out", str(tmp_path), "--quiet"]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    table = pd.read_csv(tmp_path / "effects.csv")
    assert list(table.columns) == ["scenario", "intervention", "metric", "baseline", "effect", "ci_low",
                                   "ci_high", "cost_hours", "hours_total", "active_weeks", "acts", "reason"]
    assert set(table.intervention) == {"social_map", "evaluations:every=13", "all"}
    assert (tmp_path / "forest_y.png").stat().st_size > 10_000
    assert "Ranked by effect" in (tmp_path / "report.md").read_text()
    bad = subprocess.run([sys.executable, "-m", "experiments.cli", "policy", "--intervention", "teleport",
                          "--out", str(tmp_path / "b")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "teleport" in bad.stderr
