"""The ensemble runner: same numbers everywhere, resumable, failures isolated."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments import ExecutorSpec, Study, StudyError, execute, load
from experiments.ensemble import executors, replication_seeds
from experiments.ensemble.design import point_seed
from experiments.ensemble.runner import auto_block_size
from model import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def small_study(**kw):
    base = dict(scenario=load_scenario("y"), points=({}, {"turnover_rate": 0.5}, {"scenario": "x"}),
                reps=3, seed=1, steps=25, pairs_every=12)
    base.update(kw)
    return Study(**base)


def frames(directory):
    res = load(directory)
    return res.runs.drop(columns=["duration"]), res.model, res.agents, res.pairs


def assert_same(a, b):
    for x, y in zip(frames(a), frames(b), strict=True):
        if x is None or y is None:
            assert x is None and y is None
        else:
            pd.testing.assert_frame_equal(x, y)


def test_seeds_common_random_numbers_or_independent():
    crn = small_study().runs()
    assert [r.seed for r in crn if r.point == 0] == [r.seed for r in crn if r.point == 2]
    assert [r.seed for r in crn if r.point == 0] == replication_seeds(1, 3)
    ind = small_study(crn=False).runs()
    assert len({r.seed for r in ind}) == 9
    assert ind[4].seed == point_seed(1, 1, 1)


def test_serial_pool_and_dask_give_identical_results(tmp_path, monkeypatch):
    study = small_study()
    execute(study, tmp_path / "serial", ExecutorSpec(workers=1), quiet=True)
    monkeypatch.setattr(executors, "SECONDS_PER_WORKER", 1e-9)  # worker processes, however small the study
    execute(study, tmp_path / "pool", ExecutorSpec(workers=2), block_size=2, quiet=True)
    assert "2 worker processes" not in load(tmp_path / "serial").manifest["attempts"][0]["where"]
    assert load(tmp_path / "pool").manifest["attempts"][0]["where"] == "2 worker processes"
    execute(study, tmp_path / "dask", ExecutorSpec(dask_local=2), block_size=1, quiet=True)
    res = load(tmp_path / "serial")
    assert (res.runs.status == "ok").all() and len(res.runs) == 9
    assert len(res.model) == 9 * 26 and res.pairs is not None
    assert_same(tmp_path / "serial", tmp_path / "pool")
    assert_same(tmp_path / "serial", tmp_path / "dask")
    # the design point's overrides are joined onto the runs table
    assert res.runs.loc[res.runs.point == 1, "turnover_rate"].eq(0.5).all()
    assert res.runs.loc[res.runs.point == 2, "scenario"].eq("x").all()


def test_resume_after_sigkill_equals_an_uninterrupted_sweep(tmp_path):
    args = [sys.executable, "-m", "experiments.cli", "run", "x", "--reps", "24", "--steps", "80",
            "--workers", "1", "--block-size", "2", "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([*args, "--out", str(tmp_path / "killed")], cwd=ROOT, env=env,
                            start_new_session=True)
    parts = tmp_path / "killed" / "runs.parquet"
    deadline = time.time() + 120
    while time.time() < deadline and len(list(parts.glob("part-*"))) < 3:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(list(parts.glob("part-*")))
    assert 3 <= done_before < 12, "kill should land part-way through the sweep"
    again = subprocess.run([*args, "--out", str(tmp_path / "killed")], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "already done" in again.stdout
    subprocess.run([*args, "--out", str(tmp_path / "whole")], cwd=ROOT, env=env, check=True, timeout=300)
    killed = load(tmp_path / "killed")
    assert killed.runs.run.tolist() == list(range(24))  # none missing, none duplicated
    assert not killed.model.duplicated(["run", "step"]).any()
    assert_same(tmp_path / "killed", tmp_path / "whole")


def test_failing_runs_are_recorded_and_the_rest_kept(tmp_path):
    study = small_study(points=({},), reps=12, pairs_every=0)
    bad = {r.run_id for r in study.runs() if r.seed % 3 == 0}
    assert 0 < len(bad) < 12
    summary = execute(study, tmp_path, ExecutorSpec(workers=2), engine="tests.faulty_engine:engine",
                      block_size=4, quiet=True)
    assert summary.failed == len(bad) and summary.succeeded == 12 - len(bad)
    res = load(tmp_path)
    failed = res.runs[res.runs.status == "failed"]
    assert set(failed.run) == bad
    assert failed.error.str.contains("RuntimeError: injected failure").all()
    assert failed.error.str.contains("Traceback").all()
    assert set(res.model.run.unique()) == set(range(12)) - bad
    # the good runs are exactly those of a sweep without failures
    execute(study, tmp_path / "clean", ExecutorSpec(workers=1), quiet=True)
    clean = load(tmp_path / "clean").model
    pd.testing.assert_frame_equal(res.model, clean[~clean.run.isin(bad)].reset_index(drop=True))


def test_a_crashing_block_fails_its_runs_and_a_rerun_retries_them(tmp_path):
    study = small_study(points=({},), reps=6, pairs_every=0)
    summary = execute(study, tmp_path, ExecutorSpec(workers=1), engine="tests.faulty_engine:crash",
                      block_size=2, quiet=True)
    assert summary.failed == 2 and summary.succeeded == 4
    assert load(tmp_path).failed.error.str.contains("MemoryError").all()
    retry = execute(study, tmp_path, ExecutorSpec(workers=1), quiet=True)
    assert retry.skipped == 4 and retry.succeeded == 2 and retry.failed == 0
    res = load(tmp_path)
    assert (res.runs.status == "ok").all() and len(res.runs) == 6


def test_cli_reports_failures_with_nonzero_exit(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "experiments.cli", "run", "x", "--reps", "9", "--steps", "5",
                        "--workers", "1", "--engine", "tests.faulty_engine:engine", "--out", str(tmp_path),
                        "--quiet"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    n_bad = sum(s % 3 == 0 for s in replication_seeds(20221, 9))
    assert r.returncode == 1
    assert f"{n_bad} of 9 runs failed" in r.stderr and "Traceback" not in r.stderr


def test_bad_engine_and_other_study_are_refused_before_running(tmp_path):
    with pytest.raises(StudyError, match="unknown engine"):
        execute(small_study(), tmp_path / "a", engine="warp")
    execute(small_study(reps=1), tmp_path / "b", ExecutorSpec(workers=1), quiet=True)
    with pytest.raises(StudyError, match="holds a different study"):
        execute(small_study(reps=2), tmp_path / "b", ExecutorSpec(workers=1), quiet=True)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "notes.txt").write_text("mine")
    with pytest.raises(StudyError, match="not empty"):
        execute(small_study(), tmp_path / "c", quiet=True)


def test_auto_block_size():
    assert auto_block_size(10, 2) == 10 and auto_block_size(10, 2, "mesa") == 2
    assert auto_block_size(400, 2) == 100  # not 50: small blocks cost the batched engine its advantage
    assert auto_block_size(2000, 2) == 250  # four blocks per worker
    assert auto_block_size(100000, 2) == 256 and auto_block_size(100000, 2, "mesa") == 50
    assert auto_block_size(1, 8) == 1
    assert np.all([auto_block_size(n, w) >= 1 for n in (1, 7, 99) for w in (1, 2, 16)])
