"""`trustnet` end to end, as a user runs it."""

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from model.process.metrics import AGENT_METRICS, MODEL_METRICS

TRUSTNET = shutil.which("trustnet") or ""


def trustnet(*args, cwd=None):
    cmd = [TRUSTNET, *args] if TRUSTNET else [sys.executable, "-m", "experiments.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=300)


def test_run_writes_model_agents_pairs_and_manifest(tmp_path):
    out = tmp_path / "res"
    r = trustnet("run", "y", "--reps", "3", "--steps", "30", "--seed", "5", "--pairs", "10",
                 "--set", "turnover_rate=0.2", "--out", str(out), "--quiet", "--workers", "1")
    assert r.returncode == 0, r.stderr
    model = pd.read_parquet(out / "model.parquet").sort_values(["run", "step"]).reset_index(drop=True)
    assert list(model.columns) == ["run", "seed", "step", *MODEL_METRICS]
    assert len(model) == 3 * 31
    assert sorted(model.run.unique()) == [0, 1, 2]
    agents = pd.read_parquet(out / "agents.parquet")
    assert list(agents.columns) == ["run", "seed", "step", "org", "domain", "respondent", *AGENT_METRICS]
    assert len(agents) == 3 * 31 * 6
    pairs = pd.read_parquet(out / "pairs.parquet")
    assert sorted(pairs.step.unique()) == [0, 10, 20, 30]
    assert len(pairs) == 3 * 4 * 30
    runs = pd.read_parquet(out / "runs.parquet")
    assert (runs.status == "ok").all() and len(runs) == 3
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["study"]["reps"] == 3 and manifest["study"]["root_seed"] == 5
    assert manifest["study"]["scenario"]["parameters"]["turnover_rate"] == 0.2
    assert manifest["replication_seeds"] == sorted(runs.seed.tolist(), key=runs.seed.tolist().index)
    assert manifest["versions"]["mesa"].startswith("3.")
    assert "git_commit" in manifest and "--quiet" in manifest["command"]
    # the same command in another directory, in a process pool, gives the same numbers
    again = trustnet("run", "y", "--reps", "3", "--steps", "30", "--seed", "5", "--pairs", "10",
                     "--set", "turnover_rate=0.2", "--out", str(tmp_path / "again"), "--quiet",
                     "--workers", "2", "--block-size", "1")
    assert again.returncode == 0, again.stderr
    other = pd.read_parquet(tmp_path / "again" / "model.parquet").sort_values(["run", "step"])
    pd.testing.assert_frame_equal(model, other.reset_index(drop=True))


def test_rerun_skips_done_runs_and_other_study_is_refused(tmp_path):
    out = tmp_path / "res"
    args = ["run", "x", "--reps", "2", "--steps", "10", "--out", str(out), "--quiet", "--workers", "1"]
    assert trustnet(*args).returncode == 0
    r = trustnet(*args)
    assert r.returncode == 0 and "2 already done" in r.stdout
    other = trustnet("run", "y", "--reps", "2", "--steps", "10", "--out", str(out), "--quiet")
    assert other.returncode == 2
    assert "holds a different study" in other.stderr and "Traceback" not in other.stderr


def test_synthetic_scenario_from_the_command_line(tmp_path):
    r = trustnet("run", "synthetic:12", "--reps", "1", "--steps", "10", "--out", str(tmp_path), "--quiet")
    assert r.returncode == 0, r.stderr
    assert pd.read_parquet(tmp_path / "agents.parquet").org.nunique() == 12


@pytest.mark.parametrize("args, fragment", [
    (["run", "q", "--out", "OUT"], "no such scenario"),
    (["run", "x", "--set", "nonsense=1", "--out", "OUT"], "unknown parameter 'nonsense'"),
    (["run", "x", "--set", "shared_goal=3", "--out", "OUT"], "'shared_goal' must be between 0 and 1"),
    (["run", "x", "--set", "shared_goal", "--out", "OUT"], "expected KEY=VALUE"),
    (["run", "x", "--reps", "0", "--out", "OUT"], "--reps"),
    (["run", "x", "--reps", "many", "--out", "OUT"], "--reps"),
    (["run", "x"], "--out"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_input_one_line_nonzero_no_traceback_nothing_lost(tmp_path, args, fragment):
    out = tmp_path / "OUT"
    out.mkdir()
    keep = pd.DataFrame({"a": [1.0, 2.0]})
    keep.to_parquet(out / "model.parquet")  # a file the user cares about
    r = trustnet(*[str(out) if a == "OUT" else a for a in args])
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert fragment in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    pd.testing.assert_frame_equal(pd.read_parquet(out / "model.parquet"), keep)
