"""Costs over the weeks an intervention acts, effects in units a reader knows, and the
joint-action count they rest on."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.analysis.units import windowed
from experiments.studies.policy.units import unit_effects
from model import load_scenario
from model.engines import simulate_batch
from model.interventions import INTERVENTIONS, Cost, intervention_cost, parse_intervention
from model.scenario import network_names, scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]


def with_(name, spec):
    return load_scenario(name).with_overrides(parse_intervention(spec)[1])


def test_a_late_start_is_charged_for_the_weeks_it_acts_within_the_steps_run():
    """The issue's case: quarterly evaluations from week 156 in a 260-week run of Y."""
    late = with_("y", "evaluations:start=156")
    cost = intervention_cost(late, steps=260)
    years = 105 / 52  # weeks 156..260
    per_evaluation = 1.5 * 6 + 3.0
    no_events = (52 / 13 + 6 * 0.05) * per_evaluation  # Y's scheduled turnover lies before week 156
    assert cost.weeks == 105
    assert cost.per_year == pytest.approx(no_events + 8.0 / years)
    assert cost.total == pytest.approx(no_events * years + 8.0)
    assert cost.per_year < 60  # not the 480 h a year of one-off hours spread over one week
    # from week 104 to the horizon, the three scheduled replacements each bring an evaluation
    mid = intervention_cost(with_("y", "evaluations:start=104"))
    assert mid.weeks == 53
    assert mid.per_year == pytest.approx((52 / 13 + 6 * 0.05 + 3 / (53 / 52)) * per_evaluation + 8.0 / (53 / 52))
    # from the founding: three years, the one-off hours over three
    assert intervention_cost(with_("y", "evaluations")).per_year == pytest.approx(
        (52 / 13 + 6 * 0.05 + 1.0) * per_evaluation + 8.0 / 3)


def test_an_intervention_that_never_acts_within_the_run_costs_nothing():
    assert intervention_cost(with_("x", "social_map:start=200"), steps=156) == Cost(0.0, 0.0, 0)
    assert intervention_cost(with_("x", "social_map:start=100"), steps=99).weeks == 0
    bounded = intervention_cost(with_("x", "social_map:start=10,end=62"))  # weeks 10..61
    assert bounded.weeks == 52 and bounded.per_year == pytest.approx(12.0 + 16.0)
    assert bounded.total == pytest.approx(12.0 + 16.0)
    # --steps longer than the horizon: the upkeep runs on
    assert intervention_cost(with_("x", "social_map"), steps=520).total == pytest.approx(12.0 * 10 + 16.0)


def test_costs_follow_the_timeline_week_by_week():
    """Y meets online in weeks 52-143 (COVID): making meetings physical costs travel then,
    not once Y meets physically again."""
    n, meetings = 6, 52 / 4
    moments = lambda informal: 52 * (0.25 - informal) * (n + 1)  # noqa: E731
    during = intervention_cost(with_("y", "informal_moments:start=60,end=140"))
    assert during.per_year == pytest.approx(moments(0.05) + 0.5 * n * meetings)
    after = intervention_cost(with_("y", "informal_moments:start=144"))
    assert after.per_year == pytest.approx(moments(0.05))
    before = intervention_cost(with_("y", "informal_moments:end=52"))  # weeks 1..51: physical, coffee moments
    assert before.per_year == pytest.approx(moments(0.15))
    both = intervention_cost(with_("y", "informal_moments:start=1"))
    assert before.per_year < both.per_year < during.per_year


def test_combined_costs_add_up():
    x = load_scenario("x")
    overrides = {k: v for name in INTERVENTIONS for k, v in parse_intervention(name)[1].items()}
    together = intervention_cost(x.with_overrides(overrides))
    alone = [intervention_cost(with_("x", name)) for name in INTERVENTIONS]
    assert together.per_year == pytest.approx(sum(c.per_year for c in alone))
    assert together.total == pytest.approx(sum(c.total for c in alone))
    assert together.weeks == 156


class FakeTables:
    def __init__(self, frames):
        self.frames = frames

    def get(self, table, label):
        return self.frames[label]


def frame(resolved_per_week, stalls_per_week, joint_share, reps=4, weeks=104):
    rows = []
    for r in range(reps):
        for t in range(weeks + 1):
            rows.append({"replication": r, "step": t, "cases_resolved": resolved_per_week * t,
                         "stalls": stalls_per_week * t, "cases_open": 10.0 if t else 0.0,
                         "cases_joint": 10.0 * joint_share if t else 0.0})
    return pd.DataFrame(rows)


def test_units_are_yearly_rates_and_shares_over_two_windows():
    base = frame(1.0, 0.5, 0.6)
    treat = base.copy()
    late = treat.step >= 52  # from week 52 on: two more cases resolved a week, no stalls, 80% joint
    treat.loc[late, "cases_resolved"] += 2.0 * (treat.step[late] - 51)
    treat.loc[late, "stalls"] = 0.5 * 51
    treat.loc[late, "cases_joint"] = 8.0
    points = [{"label": "x|baseline", "scenario": "x"},
              {"label": "x|social_map:start=52", "scenario": "x", "i4": True, "i4_start": 52}]
    table = unit_effects(FakeTables({"x|baseline": base, "x|social_map:start=52": treat}), points)
    get = lambda measure, window: table[(table.measure == measure) & (table.window == window)].iloc[0]  # noqa: E731
    acting = get("resolved_per_year", "acting")
    assert (acting.first_week, acting.last_week) == (52, 104)
    assert acting.baseline == pytest.approx(52.0) and acting.effect == pytest.approx(104.0)
    whole = get("resolved_per_year", "run")
    assert whole.effect == pytest.approx(2.0 * 53 * 52 / 104)  # diluted by the year before it acted
    assert get("stalls_per_year", "acting").effect == pytest.approx(-26.0)
    assert get("joint_action_share", "acting").baseline == pytest.approx(0.6)
    assert get("joint_action_share", "acting").effect == pytest.approx(0.2)
    assert get("joint_action_share", "run").effect == pytest.approx(0.2 * 53 / 104)
    assert windowed(base, "resolved_per_year", 1, 104).iloc[0] == pytest.approx(52.0)


def test_joint_action_is_counted_only_where_two_organisations_act():
    """`cases_joint`: open cases on which at least two organisations have done an agreed
    action. With every organisation but one unable to act, there is none."""
    x = load_scenario("x")
    [run] = simulate_batch([x], [5], 156, record_agents=False)
    joint, open_ = run.model["cases_joint"], run.model["cases_open"]
    assert np.all(joint <= open_) and joint.max() > 0
    orgs = [{"name": "a", "domain": "care", "capacity": 1.0}, {"name": "b", "domain": "safety"},
            {"name": "c", "domain": "care"}]
    alone = scenario_from_dict({"name": "alone", "organisations": orgs, "representative": {"capacity": 0.0}}, "t")
    [solo] = simulate_batch([alone], [5], 104, record_agents=False)
    assert solo.model["cases_open"].max() > 0 and solo.model["cases_joint"].max() == 0
    # observing it changes nothing else: X with and without the record give the same run (engine reference)


def test_reports_name_networks_by_name(tmp_path):
    mine = tmp_path / "deep" / "dir"
    mine.mkdir(parents=True)
    text = (ROOT / "model" / "scenarios" / "y.toml").read_text().replace('name = "y"', 'name = "rotterdam-south"')
    (mine / "south.toml").write_text(text)
    (mine / "copy.toml").write_text(text)
    names = network_names([str(mine / "south.toml"), "y", str(mine / "copy.toml")])
    assert names[str(mine / "south.toml")] == "rotterdam-south (south.toml)" and names["y"] == "y"
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "experiments.cli", "policy", "--scenario", str(mine / "south.toml"),
           "--intervention", "evaluations:start=156", "--intervention", "social_map", "--steps", "260",
           "--reps", "3", "--out", str(out), "--quiet", "--workers", "1"]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    report = (out / "report.md").read_text()
    assert "## Network rotterdam-south" in report and str(tmp_path) not in report
    costs = pd.read_csv(out / "effects.csv")
    late = costs[costs.intervention == "evaluations:start=156"].iloc[0]
    assert late.active_weeks == 105 and late.cost_hours < 60
    units = pd.read_csv(out / "effects_in_units.csv")
    assert set(units.window) == {"run", "acting"}
    assert set(units[units.intervention == "evaluations:start=156"].first_week) == {1, 156}
    assert "cases resolved per year" in report and "from its start: 156–260" in report


def test_the_hours_may_be_off_and_scale_the_cost():
    """Every hour in the cost column is an estimate: i<k>_hours scales it (sampled in the
    default policy worlds), never the dynamics."""
    from model import load_scenario
    from model.interventions import intervention_cost, parse_intervention

    y = load_scenario("y")
    base = intervention_cost(y.with_overrides(parse_intervention("evaluations")[1]))
    double = intervention_cost(y.with_overrides(parse_intervention("evaluations:hours=2")[1]))
    assert double.per_year == 2 * base.per_year and double.total == 2 * base.total


def test_an_intervention_with_nothing_to_act_on_is_not_a_zero_effect(tmp_path):
    """In Y, I5 has nothing to act on: feedback keeps cognitive trust about where it
    started and voice already offsets who pays decides. It is reported with the reason,
    not as an effect of zero; I1 in Y acts."""
    from experiments.ensemble import ExecutorSpec
    from experiments.studies.policy import run_policy

    summary, table = run_policy(tmp_path / "out", ["y"], ["irritations", "evaluations"], [], reps=2,
                                executor=ExecutorSpec(workers=1), quiet=True)
    rows = table[table.metric == "collaboration"].set_index("intervention")
    assert not rows.loc["irritations", "acts"] and "§4.1.3.1" in rows.loc["irritations", "reason"]
    assert rows.loc["evaluations", "acts"] and rows.loc["evaluations", "reason"] == ""
    assert "irritations has nothing to act on in network y" in (tmp_path / "out" / "report.md").read_text()
