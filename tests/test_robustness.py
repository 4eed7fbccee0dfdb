"""Crashes contained, one writer per results directory, workers chosen from the work.

Worker pools are forced in-process by lowering `SECONDS_PER_WORKER` (the studies here are
far too small to get processes on their own).
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments import ExecutorSpec, Study, StudyError, execute, load
from experiments.ensemble import executors, replication_seeds
from experiments.ensemble.executors import CONTAIN_ABOVE, Workers, choose_workers, estimate_seconds
from experiments.ensemble.ownership import claim
from model import load_scenario

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def tiny(reps=4, **kw):
    return Study(scenario=load_scenario("x"), reps=reps, seed=1, steps=5, pairs_every=0, **kw)


def cli(*args, cwd=ROOT, timeout=240):
    return subprocess.run([sys.executable, "-m", "experiments.cli", *map(str, args)], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def pools(monkeypatch):
    """Every study gets worker processes, however small."""
    monkeypatch.setattr(executors, "SECONDS_PER_WORKER", 1e-9)


def culprit_run(study) -> int:
    bad = replication_seeds(1, 4)[1]
    return next(r.run_id for r in study.runs() if r.seed == bad)


def assert_good_runs_match_a_clean_run(tmp_path, res, study, bad):
    execute(study, tmp_path / "clean", ExecutorSpec(workers=1), quiet=True)
    clean = load(tmp_path / "clean").model
    pd.testing.assert_frame_equal(res.model, clean[~clean.run.isin(bad)].reset_index(drop=True))


def test_a_worker_that_dies_fails_only_its_own_run(tmp_path, pools):
    study = tiny()
    summary = execute(study, tmp_path / "out", ExecutorSpec(workers=2), engine="tests.faulty_engine:die",
                      block_size=2, quiet=True)
    bad = culprit_run(study)
    assert (summary.failed, summary.succeeded) == (1, 3)
    res = load(tmp_path / "out")
    failed = res.failed
    assert failed.run.tolist() == [bad]
    assert "WorkerDiedError" in failed.error.iloc[0] and "exit code 70" in failed.error.iloc[0]
    assert_good_runs_match_a_clean_run(tmp_path, res, study, {bad})  # bit for bit, whatever the executor


def test_a_run_that_hangs_is_stopped_by_the_run_timeout(tmp_path, pools):
    study = tiny()
    summary = execute(study, tmp_path / "out", ExecutorSpec(workers=2), engine="tests.faulty_engine:hang",
                      block_size=2, quiet=True, run_timeout=2)
    bad = culprit_run(study)
    assert (summary.failed, summary.succeeded) == (1, 3)
    res = load(tmp_path / "out")
    assert res.failed.run.tolist() == [bad] and "--run-timeout 2 s" in res.failed.error.iloc[0]
    assert_good_runs_match_a_clean_run(tmp_path, res, study, {bad})


def test_one_worker_a_hard_crash_is_contained_on_the_rerun(tmp_path):
    """In this process (a study too small for a worker process) a hard exit ends the
    command; the re-run sees the attempt never finished and runs in a worker process,
    where only the culprit fails."""
    args = ["run", "x", "--reps", 4, "--steps", 5, "--seed", 1, "--workers", 1, "--quiet",
            "--engine", "tests.faulty_engine:die", "--out", tmp_path / "out"]
    first = cli(*args)
    assert first.returncode == 70
    again = cli(*args)
    assert again.returncode == 1, again.stderr
    assert "1 of 4 runs failed" in again.stderr and "Traceback" not in again.stderr
    res = load(tmp_path / "out")
    assert res.runs.status.value_counts().to_dict() == {"ok": 3, "failed": 1}
    attempts = res.manifest["attempts"]
    assert "finished" not in attempts[0] and attempts[1]["status"] == "finished"


def test_run_timeout_from_the_command_line(tmp_path):
    r = cli("run", "x", "--reps", 4, "--steps", 5, "--seed", 1, "--quiet", "--engine", "tests.faulty_engine:hang",
            "--run-timeout", 3, "--out", tmp_path / "out")
    assert r.returncode == 1 and "1 of 4 runs failed" in r.stderr


def test_a_second_writer_is_refused_with_one_line_naming_the_holder(tmp_path):
    out = tmp_path / "out"
    with claim(out, "run"):
        r = cli("run", "x", "--reps", 1, "--steps", 4, "--workers", 1, "--quiet", "--out", out)
        assert r.returncode == 2, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
        assert "in use by another trustnet command" in r.stderr and f"process {os.getpid()}" in r.stderr
        assert not (out / "manifest.json").exists()
        with pytest.raises(StudyError, match="in use"):  # the API too: execute claims its directory
            _execute_in_another_process(out)
    r = cli("run", "x", "--reps", 1, "--steps", 4, "--workers", 1, "--quiet", "--out", out)
    assert r.returncode == 0, r.stderr  # the lock ends with its holder


def _execute_in_another_process(out):
    """`execute` from another process (in this one the claim is re-entrant)."""
    code = ("import sys; from experiments import *; from model import load_scenario\n"
            "try:\n execute(Study(scenario=load_scenario('x'), reps=1, steps=4), sys.argv[1], "
            "ExecutorSpec(workers=1), quiet=True)\n"
            "except StudyError as e: print(e); sys.exit(3)")
    r = subprocess.run([sys.executable, "-c", code, str(out)], env=ENV, capture_output=True, text=True, timeout=120)
    if r.returncode == 3:
        raise StudyError(r.stdout.strip())


@pytest.mark.parametrize("first, then", [("policy", ["variants", "--samples", 1, "--reps", 1]),
                                         ("policy", ["run", "x", "--reps", 1, "--steps", 4]),
                                         ("run", ["policy", "--scenario", "x", "--reps", 1])])
def test_a_directory_keeps_its_kind_of_study(tmp_path, first, then):
    out = tmp_path / "out"
    if first == "run":
        execute(tiny(1), out, ExecutorSpec(workers=1), quiet=True)
    else:
        with claim(out, first):
            pass
    before = sorted(p.name for p in out.iterdir())
    (out / "report.md").write_text("the first study's report")
    r = cli(*then, "--workers", 1, "--quiet", "--out", out)
    assert r.returncode == 2 and f"holds the results of a '{first}' study" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert (out / "report.md").read_text() == "the first study's report"
    assert sorted(p.name for p in out.iterdir()) == sorted([*before, "report.md"])


@pytest.mark.parametrize("content", [b"\xff\xfe not json", b"[1, 2]", b'{"attempts": 3}', b"{"])
def test_a_damaged_manifest_is_one_line(tmp_path, content):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_bytes(content)
    r = cli("run", "x", "--reps", 1, "--steps", 4, "--workers", 1, "--quiet", "--out", out)
    assert r.returncode == 2 and "damaged manifest" in r.stderr and "Traceback" not in r.stderr
    assert (out / "manifest.json").read_bytes() == content


def test_workers_are_chosen_from_the_work():
    small = estimate_seconds(100, 156, 9, "batch")  # the "100 runs of X": under a second
    assert small < 1 and choose_workers(small, 2) == 0
    big = estimate_seconds(100_000, 156, 9, "batch")
    assert big > CONTAIN_ABOVE
    assert choose_workers(big, 2) == 2 and choose_workers(5.0, 1) == 0  # one process only adds start-up...
    assert choose_workers(big, 1) == 1  # ...but a long study is worth it: a crash costs a block, not the command
    assert choose_workers(small, 2, isolate=True) == 1  # a timeout or an earlier crash needs a process
    assert choose_workers(1.0, 2, running=2) == 2  # processes already started are free
    assert estimate_seconds(1, 156, 500, "batch") > 5 * estimate_seconds(1, 156, 60, "batch")
    # the batched engine advances runs of one structure together: 128 different hybrids cost more
    assert estimate_seconds(128, 156, 9, "batch", groups=128) > 1.2 * estimate_seconds(128, 156, 9, "batch")


def test_by_default_only_idle_cores_get_workers(monkeypatch):
    cores = os.cpu_count()
    monkeypatch.setattr(executors, "others_busy", lambda: 0.0)
    assert executors.idle_cores() == cores
    monkeypatch.setattr(executors, "others_busy", lambda: 1.0)
    assert executors.idle_cores() == max(1, cores - 1)
    monkeypatch.setattr(executors, "others_busy", lambda: cores + 5.0)  # a machine busy with other work
    assert executors.idle_cores() == 1
    with Workers(ExecutorSpec()) as workers, workers.lend(10.0) as (_, k, where):
        assert where == "in this process"  # two processes would only take turns with the others
    if cores >= 2:
        with Workers(ExecutorSpec(workers=2)) as workers, workers.lend(10.0) as (_, k, where):
            assert k == 2  # an explicit --workers is obeyed


def test_one_pool_serves_every_study_of_a_command(tmp_path, pools):
    with Workers(ExecutorSpec(workers=2)) as workers:
        with workers.lend(10.0) as (first, k, where):
            assert k == 2 and "2 worker processes" in where
        execute(tiny(2), tmp_path / "a", workers, quiet=True)
        pool = workers._pool
        execute(tiny(3), tmp_path / "b", workers, quiet=True)
        assert workers._pool is pool is first  # not re-created between studies
        pids = {w.process.pid for w in pool._workers}
        assert 1 <= len(pids) <= 2
    assert workers._pool is None and all(not w.process.is_alive() for w in pool._workers) or not pool._workers
    assert (load(tmp_path / "b").runs.status == "ok").all()


def test_the_progress_bar_shows_runs_per_second(tmp_path, capsys):
    execute(tiny(3), tmp_path / "out", ExecutorSpec(workers=1), block_size=1)
    err = capsys.readouterr().err
    assert "runs/s" in err and "in this process" in err


def test_memory_is_checked_before_anything_is_written(tmp_path):
    r = cli("run", "synthetic:3000", "--reps", 1, "--steps", 5200, "--pairs", 1, "--out", tmp_path / "out")
    assert r.returncode == 2 and "GB of memory" in r.stderr and not (tmp_path / "out").exists()


def test_the_claim_is_reentrant_in_one_process_however_the_path_is_spelled(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with claim(Path("out"), "run"), claim(Path("./out")), claim(tmp_path / "out"):
        execute(tiny(1), Path("out/"), ExecutorSpec(workers=1), quiet=True)
    assert not (tmp_path / "out" / ".trustnet.holder.json").exists()


def test_manifest_records_the_kind(tmp_path):
    execute(tiny(1), tmp_path / "out", ExecutorSpec(workers=1), quiet=True)
    info = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert info["kind"] == "run" and info["attempts"][0]["status"] == "finished"


def test_sigterm_stops_the_workers_and_records_the_attempt(tmp_path):
    """Stopped with SIGTERM, a command stops its worker processes (one of them stuck in a
    run here) and records the attempt as interrupted; a re-run resumes."""
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "experiments.cli", "run", "x", "--reps", "4", "--steps", "5", "--seed", "1",
           "--quiet", "--engine", "tests.faulty_engine:hang", "--run-timeout", "600", "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=ENV, start_new_session=True, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and not list((out / "runs.parquet").glob("part-*")):
            time.sleep(0.2)  # the innocent block is done: workers are up, one is stuck
        assert list((out / "runs.parquet").glob("part-*")), "no block finished"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 143
        assert "terminated; re-run" in proc.stderr.read()
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            pytest.fail("a worker process outlived the command")
        attempt = json.loads((out / "manifest.json").read_text())["attempts"][-1]
        assert attempt["status"] == "interrupted"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def test_the_pool_names_the_signal_and_replaces_dead_workers():
    from experiments.ensemble.supervised import SupervisedPool, WorkerDiedError
    from tests.faulty_engine import kill_self

    pool = SupervisedPool(1)
    try:
        first = pool.submit(os.getpid).result(timeout=120)
        assert first != os.getpid()
        with pytest.raises(WorkerDiedError, match="killed by SIGKILL"):
            pool.submit(kill_self).result(timeout=120)
        second = pool.submit(os.getpid).result(timeout=120)  # a fresh process took its place
        os.kill(second, signal.SIGKILL)  # now one dies while idle
        time.sleep(0.5)
        assert pool.submit(os.getpid).result(timeout=120) not in (first, second)
    finally:
        pool.shutdown()


@pytest.mark.skipif(not Path("/proc/stat").exists(), reason="elsewhere the load average stands in (it lags a minute)")
def test_busy_cores_are_measured_while_this_process_waits():
    """Another process spinning shows as about one busy core; this process's own work
    does not count (it sleeps while it samples). On a machine whose cores are already
    busy the spinner cannot add a whole core: it must then read as (nearly) all busy."""
    cores = os.cpu_count() or 1
    quiet = executors.others_busy(0.3)
    spin = subprocess.Popen([sys.executable, "-c", "import time\nprint(flush=True)\nt = time.time()\n"
                             "while time.time() - t < 3: pass"], stdout=subprocess.PIPE)
    try:
        spin.stdout.readline()  # it is spinning
        busy = executors.others_busy(0.5)
    finally:
        spin.kill()
        spin.wait()
    assert busy > min(quiet + 0.5, cores - 0.5), (quiet, busy)
