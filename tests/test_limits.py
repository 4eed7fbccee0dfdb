"""Limits everywhere: ``--run-timeout`` reaches every command that runs simulations and
keeps its meaning -- seconds per run -- for any block size and any size of timeout; a
full disk is one line and leaves no temporary file behind."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import experiments.cli as cli
from experiments import ExecutorSpec, Study, execute, load
from experiments.ensemble import executors, replication_seeds
from experiments.ensemble.supervised import SupervisedPool, TaskTimeoutError
from model import load_scenario

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def tiny(reps=4) -> Study:
    return Study(scenario=load_scenario("x"), reps=reps, seed=1, steps=5, pairs_every=0)


def trustnet(*args, **kw):
    return subprocess.run([sys.executable, "-m", "experiments.cli", *map(str, args)], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=300, **kw)


@pytest.mark.parametrize("command", ["run", "contrast", "policy", "sa", "variants", "calibrate", "assumptions"])
def test_every_command_that_runs_simulations_takes_the_run_timeout(command, tmp_path):
    args = cli.build_parser().parse_args([command, *(["x"] if command == "run" else []), "--run-timeout", "7",
                                          "--out", str(tmp_path / "o")])
    assert cli.executor_spec(args).run_timeout == 7.0  # the Workers of every study of the command carry it


def test_a_declared_run_is_stopped_its_timeout_after_it_started_whatever_the_block(tmp_path):
    """A task allowed 100 units of 1 s that declares it starts one unit and hangs is
    stopped after about a second, not a hundred."""
    from tests.faulty_engine import declare_then_hang

    pool = SupervisedPool(1)
    try:
        start = time.monotonic()
        with pytest.raises(TaskTimeoutError):
            pool.submit(declare_then_hang, timeout=1.0, units=100).result(timeout=120)
        assert time.monotonic() - start < 40
    finally:
        pool.shutdown()


def test_a_hung_run_in_a_large_block_fails_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(executors, "SECONDS_PER_WORKER", 1e-9)
    study = tiny()
    bad = next(r.run_id for r in study.runs() if r.seed == replication_seeds(1, 4)[1])
    summary = execute(study, tmp_path / "out", ExecutorSpec(workers=1, run_timeout=2),
                      engine="tests.faulty_engine:hang_late", block_size=4, quiet=True)
    assert (summary.failed, summary.succeeded) == (1, 3)
    assert load(tmp_path / "out").failed.run.tolist() == [bad]


def test_a_timeout_of_years_times_a_large_block_does_not_overflow_the_wait(tmp_path, monkeypatch):
    """1e9 s x 256 runs used to overflow poll() (about 24.8 days at most): every run failed."""
    monkeypatch.setattr(executors, "SECONDS_PER_WORKER", 1e-9)
    summary = execute(tiny(), tmp_path / "out", ExecutorSpec(workers=1, run_timeout=1e9), block_size=256,
                      quiet=True)
    assert summary.ok and summary.succeeded == 4


def test_policy_stops_hung_runs_with_the_run_timeout(tmp_path):
    r = trustnet("policy", "--scenario", "x", "--intervention", "social_map", "--reps", 4, "--seed", 1, "--steps", 5,
                 "--engine", "tests.faulty_engine:hang", "--run-timeout", 2, "--block-size", 1, "--workers", 2,
                 "--quiet", "--out", tmp_path / "p")
    assert r.returncode == 1 and "2 of 8 runs failed" in r.stderr, r.stderr


def test_the_calibration_pool_stops_a_particle_that_hangs():
    from experiments.studies.calibration.study import TimedPool
    from tests.faulty_engine import declare_then_hang

    pool = SupervisedPool(1)
    try:
        with pytest.raises(TaskTimeoutError):
            TimedPool(pool, 0.5, 2).submit(declare_then_hang).result(timeout=120)
    finally:
        pool.shutdown()


def _limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write beyond the limit fails (EFBIG) instead of killing


def test_a_full_disk_is_one_line_and_leaves_no_temporary_files(tmp_path):
    out = tmp_path / "out"
    args = ["run", "x", "--reps", 64, "--steps", 40, "--block-size", 64, "--workers", 1, "--quiet", "--out", out]
    r = trustnet(*args, preexec_fn=_limit_file_size)
    assert r.returncode == 1, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert "File too large" in r.stderr and "re-run the same command" in r.stderr
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]
    again = trustnet(*args)  # space again: the same command completes
    assert again.returncode == 0, again.stderr
    assert (load(out).runs.status == "ok").sum() == 64
