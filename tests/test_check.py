"""`trustnet check`: a scenario's settings screened one at a time, the ones without effect
listed with the model's reason."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments.studies.check import screen
from experiments.studies.check.reasons import untempted
from experiments.studies.check.screen import EFFECT, NO_EFFECT
from experiments.studies.check.settings import own_settings, scenario_data, variant_of
from model import load_scenario
from model.parameters import SPEC_BY_NAME

ROOT = Path(__file__).resolve().parents[1]

MADE_UP = """
name = "made-up"
horizon = 156

[parameters]
meeting_interval = 4
outsider_rate = 0.0            # the registry's default anyway

[[organisations]]
name = "Care"
domain = "care"
role = "chair"
respondent = "R1"

[[organisations]]
name = "Police"
domain = "safety"

[[organisations]]
name = "Housing"
domain = "housing"
conflict_of_interest = 0.5      # 0.5 x (1 - 0.85) never reaches the threshold 0.5
conflicts_with = ["care"]

[[organisations]]
name = "Debt counselling"
domain = "care"
joins = 26

[[events]]
week = 100                      # after the 80 weeks checked
org = "Police"
"""


@pytest.fixture(scope="module")
def made_up(tmp_path_factory):
    path = tmp_path_factory.mktemp("check") / "made_up.toml"
    path.write_text(MADE_UP)
    return path


@pytest.fixture(scope="module")
def checked(made_up):
    return screen(str(made_up), reps=4, steps=80).table.set_index("setting")


def test_settings_are_the_files_own_and_without_each_falls_back(made_up):
    data, source = scenario_data(str(made_up))
    labels = [s.label for s in own_settings(data)]
    assert "Housing: conflict_of_interest = 0.5" in labels and "event: week 100, Police replaced" in labels
    assert not any(label.startswith("Care: name") or "domain" in label for label in labels)
    without = {s.label: variant_of(data, source, s) for s in own_settings(data)}
    housing = without["Housing: conflict_of_interest = 0.5"].organisations[2]
    assert housing.conflict_of_interest == 0.0
    assert without["Debt counselling: joins = 26"].organisations[3].joins == 0
    assert without["event: week 100, Police replaced"].events == ()
    default = SPEC_BY_NAME["meeting_interval"].default
    assert without["[parameters] meeting_interval = 4"].params.meeting_interval == default


def test_a_conflict_of_interest_below_the_threshold_has_no_effect_and_says_why(checked):
    row = checked.loc["Housing: conflict_of_interest = 0.5"]
    assert row.verdict == NO_EFFECT
    assert "opportunism threshold 0.5" in row.reason and "0.5 × (1 − 0.65)" in row.reason  # newcomers drawn lower
    assert checked.loc["event: week 100, Police replaced"].verdict == NO_EFFECT
    assert "after the last week run (80)" in checked.loc["event: week 100, Police replaced"].reason
    assert "label" in checked.loc["Care: respondent = \"R1\""].reason
    assert "default" in checked.loc["[parameters] outsider_rate = 0"].reason
    assert "evaluations" in checked.loc["Care: role = \"chair\""].reason
    # a member who joins in week 26 changes the network; so does the meeting rhythm
    assert checked.loc["Debt counselling: joins = 26"].verdict == EFFECT
    assert checked.loc["[parameters] meeting_interval = 4"].verdict == EFFECT
    # "no effect" is exact: every paired difference is zero
    same = checked[checked.verdict == NO_EFFECT]
    effects = [c for c in checked.columns if c not in ("verdict", "reason") and not c.endswith(("_low", "_high"))]
    assert (same[effects].fillna(0) == 0).all().all()


def test_the_rules_do_not_explain_away_an_effect():
    y = load_scenario("y")
    housing = next(o for o in y.organisations if o.name == "Housing corporation")
    assert untempted(y, housing, 156) is None  # the breach's newcomer is tempted: 0.8 x (1 - 0.15) > 0.4
    assert "0.8 × (1 − 0.65)" in untempted(y, housing, 100)  # before the breach its usual people are not tempted
    table = screen("y", reps=4).table.set_index("setting")
    assert table.loc['Housing corporation: conflicts_with = ["care", "municipality"]'].verdict == EFFECT
    breach = next(s for s in table.index if s.startswith("[breach]"))
    assert table.loc[breach].verdict == EFFECT
    assert "voice" in table.loc["[parameters] power_asymmetry = 0.5"].reason


def test_check_command_prints_and_writes_the_report(made_up, tmp_path):
    out = tmp_path / "check"
    cmd = [sys.executable, "-m", "experiments.cli", "check", str(made_up), "--steps", "80", "--reps", "3",
           "--out", str(out)]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("# Check of network made-up") and str(made_up.parent) not in r.stdout
    assert "Housing: conflict_of_interest = 0.5" in r.stdout.split("## Settings whose effect")[0]
    assert (out / "report.md").read_text() in r.stdout
    table = pd.read_csv(out / "screen.csv")
    assert {"setting", "verdict", "reason", "collaboration", "collaboration_low"} <= set(table.columns)
    bad = subprocess.run([sys.executable, "-m", "experiments.cli", "check", str(tmp_path / "nothing.toml"),
                          "--out", str(tmp_path / "o")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and not (tmp_path / "o").exists()


@pytest.mark.parametrize(("args", "said"), [
    (["/dev/zero"], "not a regular file"),
    (["x", "--reps", "1"], "must be at least 2"),
    (["x", "--steps", "0"], "must be at least 1"),
    (["synthetic:99999"], "at most 5000 organisations"),
])
def test_check_refuses_bad_input_in_one_line(args, said, tmp_path):
    r = subprocess.run([sys.executable, "-m", "experiments.cli", "check", *args, "--out", str(tmp_path / "o")],
                       cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and said in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and not (tmp_path / "o").exists()
