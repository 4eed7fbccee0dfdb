"""`trustnet run` reports: report.md and trajectories.png next to the tables, networks by
name, comparisons paired by seed."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import experiments
from experiments.analysis.outcomes import at_horizon

ROOT = Path(__file__).resolve().parents[1]


def trustnet(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "experiments.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def own_network(tmp_path_factory):
    """A user's network in a deep directory, with a member that joins in week 26."""
    where = tmp_path_factory.mktemp("users") / "projects" / "south"
    where.mkdir(parents=True)
    text = (ROOT / "model" / "scenarios" / "x.toml").read_text().replace('name = "x"', 'name = "south"')
    text += '\n[[organisations]]\nname = "Debt counselling"\ndomain = "care"\njoins = 26\n'
    (where / "south.toml").write_text(text)
    return where / "south.toml"


def test_run_writes_a_report_and_a_figure_that_name_the_network(own_network, tmp_path):
    out = tmp_path / "run"
    r = trustnet("run", str(own_network), "--reps", "4", "--steps", "60", "--against", "x", "--against", "y",
                 "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    assert f"report: {out / 'report.md'}" in r.stdout
    report = (out / "report.md").read_text()
    assert report.startswith("# Network south: what the model says")
    assert str(own_network.parent) not in report and "south.toml" not in report
    assert "Week 26: Debt counselling joins the network." in report
    assert "| Debt counselling | care | member | 26 |" in report
    assert "## Against x, y" in report and "south − x" in report and "south − y" in report
    assert (out / "trajectories.png").stat().st_size > 20_000
    # the summary is what the tables say
    res = experiments.load(out)
    summary = pd.read_csv(out / "summary.csv", index_col="outcome")
    expected = at_horizon(res.model, "collaboration", by="run").mean()
    assert summary.loc["collaboration", "mean"] == pytest.approx(expected)
    assert (summary["low"] <= summary["mean"]).all() and (summary["mean"] <= summary["high"]).all()


def test_a_network_against_itself_differs_by_nothing(tmp_path):
    """The comparison runs share the run's seeds, so X against X is zero, run by run."""
    out = tmp_path / "x"
    r = trustnet("run", "x", "--reps", "3", "--steps", "40", "--against", "x", "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    against = pd.read_csv(out / "against.csv")
    assert (against.difference.fillna(0) == 0).all() and (against.ci_low.fillna(0) == 0).all()


def test_a_bad_comparison_network_is_refused_before_anything_runs(tmp_path):
    r = trustnet("run", "x", "--against", "atlantis", "--out", str(tmp_path / "o"), timeout=60)
    assert r.returncode == 2 and "atlantis" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o").exists()
