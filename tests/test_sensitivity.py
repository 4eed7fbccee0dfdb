"""Global sensitivity analysis: known answers, validation, distribution, resume."""

import numpy as np
import pandas as pd
import pytest

from experiments.ensemble import ExecutorSpec
from experiments.studies.sensitivity import function_factors, load_factors, run_sa
from experiments.studies.sensitivity.analytic import analytic_indices
from experiments.studies.sensitivity.design import check_size
from model import ScenarioError

TOL = 1e-3  # absolute slack for indices whose interval is ~0 wide


def run_function(tmp, model, method="sobol", n=1024, **kw):
    summary, indices = run_sa(tmp, method, function_factors(model), "", ["y"], n, 1, seed=11, model=model,
                              executor=kw.pop("executor", ExecutorSpec(workers=1)), quiet=True, **kw)
    assert summary.ok
    return indices


@pytest.mark.parametrize("model, n", [("ishigami", 1024), ("sobol-g", 2048)])
def test_sobol_indices_match_the_analytical_values_within_their_intervals(tmp_path, model, n):
    est = run_function(tmp_path, model, n=n)
    true = analytic_indices(model)
    assert np.all(np.abs(est.S1 - true["S1"]) <= est.S1_conf + TOL), est
    assert np.all(np.abs(est.ST - true["ST"]) <= est.ST_conf + TOL), est


def test_morris_ranks_the_sobol_g_inputs_by_importance(tmp_path):
    est = run_function(tmp_path, "sobol-g", method="morris", n=40)
    mu = est.mu_star.to_numpy()
    assert list(np.argsort(-mu)[:3]) == [0, 1, 2]  # a = 0, 1, 4.5 matter most, in that order
    assert mu[4:].max() < 0.05 * mu[0]  # a = 99: negligible


def test_morris_at_two_trajectories_warns_of_nothing(tmp_path):
    """Its convergence check's half is one trajectory: mu* defined, its spread not, and
    no numpy warning reaches the user's console for it."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        run_function(tmp_path, "ishigami", method="morris", n=2)
    check = pd.read_csv(tmp_path / "convergence.csv")
    assert np.isfinite(check.first_half).all() and len(check) == 3


def test_pawn_separates_influential_from_inert_inputs(tmp_path):
    est = run_function(tmp_path, "ishigami", method="pawn", n=600)
    med = est.set_index("factor")["median"]
    assert med["x1"] > 0.1 and med["x2"] > 0.1 and med["x1"] > med["x3"]


def test_distributed_run_gives_the_same_indices(tmp_path):
    serial = run_function(tmp_path / "serial", "ishigami", n=64)
    dask = run_function(tmp_path / "dask", "ishigami", n=64, executor=ExecutorSpec(dask_local=2), block_size=16)
    pd.testing.assert_frame_equal(serial, dask)
    args = dict(factors=load_factors("default")[0][:3], scenario="y", outputs=["collaboration"], n=2, reps=2,
                seed=3, quiet=True)
    _, a = run_sa(tmp_path / "ts", "sobol", executor=ExecutorSpec(workers=1), **args)
    _, b = run_sa(tmp_path / "td", "sobol", executor=ExecutorSpec(dask_local=2), block_size=3, **args)
    pd.testing.assert_frame_equal(a, b)


def test_an_interrupted_study_resumes_to_the_same_indices(tmp_path):
    whole = run_function(tmp_path / "whole", "ishigami", n=256, block_size=64)
    part = tmp_path / "part"
    run_function(part, "ishigami", n=256, block_size=64)
    committed = sorted((part / "runs" / "runs.parquet").glob("part-*"))
    for p in committed[len(committed) // 2:]:  # as if killed half-way: the later blocks never committed
        p.unlink()
    # one block had written its data but not yet its commit mark: a leftover to clean up
    assert (part / "runs" / "model.parquet" / committed[-1].name).exists()
    again = run_function(part, "ishigami", n=256, block_size=64)
    pd.testing.assert_frame_equal(whole, again)


def test_sobol_study_of_the_default_factors_at_ci_size(tmp_path):
    factors, scenario = load_factors("default")
    assert scenario == "y" and len(factors) == 20  # 14 and the six numbers of the breach (issue 23)
    outputs = ["collaboration", "intentional_trust"]
    summary, indices = run_sa(tmp_path, "sobol", factors, scenario, outputs, 4, 2, seed=5,
                              executor=ExecutorSpec(workers=2), quiet=True)
    assert summary.ok and summary.total == 4 * (20 + 2) * 2
    assert set(indices.output) == set(outputs) and len(indices) == 2 * 20
    assert np.isfinite(indices.ST).all()
    import json

    info = json.loads((tmp_path / "summary.json").read_text())
    assert all(0.0 <= v <= 1.0 for v in info["noise_share"].values())
    assert "Dominant factors" in (tmp_path / "report.md").read_text()
    assert (tmp_path / "sobol.png").stat().st_size > 10_000
    convergence = pd.read_csv(tmp_path / "convergence.csv")
    assert {"output", "factor", "value", "first_half", "change", "wide"} <= set(convergence)


@pytest.mark.parametrize("text, fragment", [
    ("[[factors]]\nname = 'nonsense'\nbounds = [0, 1]\n", "not a numeric model parameter"),
    ("[[factors]]\nname = 'voice'\nbounds = [0.5, 0.5]\n", "empty or inverted"),
    ("[[factors]]\nname = 'voice'\nbounds = [0.9, 0.1]\n", "empty or inverted"),
    ("[[factors]]\nname = 'voice'\nbounds = [0, 2]\n", "must lie within its range"),
    ("[[factors]]\nname = 'voice'\nbounds = 'wide'\n", "'bounds' must be [low, high]"),
    ("[[factors]]\nname = 'T1'\nbounds = [0, 1]\n", "not a numeric model parameter"),
    ("[[factors]]\nname = 'voice'\nbounds = [0, 1]\n[[factors]]\nname = 'voice'\nbounds = [0, 1]\n", "twice"),
    ("colour = 'red'\n", "unknown key"),
    ("scenario = 'x'\n", "at least one [[factors]]"),
])
def test_bad_factor_files_are_refused_with_one_line(tmp_path, text, fragment):
    path = tmp_path / "f.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_factors(path)
    assert fragment in str(err.value) and str(path) in str(err.value) and "\n" not in str(err.value)


def test_sample_sizes():
    check_size("sobol", 64)
    with pytest.raises(ScenarioError, match="power of two"):
        check_size("sobol", 100)
    with pytest.raises(ScenarioError, match="PAWN"):
        check_size("pawn", 5)
