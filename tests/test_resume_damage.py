"""Resume verifies what it trusts: a results directory damaged in each way is repaired by
running the same study again -- with exactly the numbers of an undamaged run -- or
refused in one line; `load` never returns a table that silently holds fewer runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments import ExecutorSpec, Study, StudyError, execute, load
from experiments.ensemble.results import ResultsError
from experiments.ensemble.store import parquet_bytes
from model import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SERIAL = ExecutorSpec(workers=1)


def study(**kw) -> Study:
    return Study(scenario=load_scenario("x"), reps=6, seed=3, steps=6, pairs_every=2, **kw)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """An undamaged directory, written in blocks of two runs."""
    out = tmp_path_factory.mktemp("damage") / "reference"
    execute(study(), out, SERIAL, block_size=2, quiet=True)
    return out


def part(out: Path, table: str, k: int = 1) -> Path:
    return sorted((out / f"{table}.parquet").glob("part-*.parquet"))[k]


def _foreign_runs_part(out: Path) -> None:
    """A runs part of another study (other seeds), with a valid-looking commit record."""
    other = out.parent / "other"
    execute(Study(scenario=load_scenario("x"), reps=6, seed=99, steps=6, pairs_every=2), other, SERIAL,
            block_size=2, quiet=True)
    for table in ("runs", "model", "agents", "pairs"):
        shutil.copy(part(other, table), part(out, table))


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


DAMAGE = {
    "model part deleted": lambda out: part(out, "model").unlink(),
    "model part truncated": lambda out: os.truncate(part(out, "model"), 100),
    "agents part with a flipped byte": lambda out: _flip(part(out, "agents")),
    "pairs part replaced by another block's": lambda out: shutil.copy(part(out, "pairs", 0), part(out, "pairs")),
    "runs part deleted (its data parts left over)": lambda out: part(out, "runs").unlink(),
    "runs part truncated": lambda out: os.truncate(part(out, "runs"), 50),
    "runs part without a commit record": lambda out: part(out, "runs").write_bytes(
        parquet_bytes(pd.read_parquet(part(out, "runs")))),
    "runs part of another study": _foreign_runs_part,
    "a FIFO for a model part": lambda out: (part(out, "model").unlink(), os.mkfifo(out / "model.parquet" /
                                                                                   "part-0000-000001-0000.parquet")),
    "stray and temporary files": lambda out: ((out / "model.parquet" / "part-0007-000000-0000.parquet")
                                              .write_bytes(b"junk"),
                                              (out / "runs.parquet" / ".part-x.parquet.tmp-1").write_bytes(b"x")),
    "attempts list reset in the manifest": lambda out: _edit_manifest(out, attempts=[]),
}


def _edit_manifest(out: Path, **fields) -> None:
    info = json.loads((out / "manifest.json").read_text())
    info.update(fields)
    (out / "manifest.json").write_text(json.dumps(info))


@pytest.mark.parametrize("how", list(DAMAGE))
def test_resume_repairs_each_kind_of_damage_with_the_same_numbers(reference, tmp_path, how):
    out = tmp_path / "out"
    shutil.copytree(reference, out)
    DAMAGE[how](out)
    if how not in ("stray and temporary files", "attempts list reset in the manifest"):
        with pytest.raises(ResultsError) as err:  # never a table quietly holding fewer runs
            load(out)
        assert "\n" not in str(err.value)
    summary = execute(study(), out, SERIAL, block_size=2, quiet=True)
    assert summary.ok and summary.succeeded + summary.skipped == 6
    if how in ("stray and temporary files", "attempts list reset in the manifest"):
        assert summary.succeeded == 0  # nothing was damaged: nothing is redone
    else:
        assert summary.succeeded == 2  # the damaged block only
    mine, ref = load(out), load(reference)
    for table in ("model", "agents", "pairs"):
        pd.testing.assert_frame_equal(getattr(mine, table), getattr(ref, table))
    assert (mine.runs.status == "ok").all() and len(mine.runs) == 6
    names = [p.name for folder in out.glob("*.parquet") for p in folder.iterdir()]
    assert not [n for n in names if n.startswith(".")] and "part-0007-000000-0000.parquet" not in names
    attempts = mine.manifest["attempts"]
    assert attempts[-1]["parts"] >= 1  # this attempt's parts are numbered past every earlier one


def test_a_reset_manifest_never_lets_new_parts_overwrite_committed_ones(reference, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(reference, out)
    part(out, "model", 2).unlink()  # one block to redo ...
    _edit_manifest(out, attempts=[])  # ... by an attempt the manifest numbers 0 again
    before = {p.name: p.read_bytes() for p in (out / "agents.parquet").iterdir()}
    execute(study(), out, SERIAL, block_size=2, quiet=True)
    after = {p.name: p.read_bytes() for p in (out / "agents.parquet").iterdir()}
    kept = set(before) - {part(reference, "agents", 2).name}
    assert all(after[name] == before[name] for name in kept)  # committed parts untouched
    assert any(name.startswith("part-0001-") for name in after)


@pytest.mark.parametrize("content", [b"\xff\xfe not json", b"[1, 2]", b'{"attempts": 3}', b"{",
                                     b'{"attempts": [1, 2]}', b'{"fingerprint": 5}', b'{"study": "x"}',
                                     b'{"replication_seeds": [-1]}', b'{"a": ' + b"9" * 5000 + b"}",
                                     b"[" * 50_000, b""])
def test_a_damaged_manifest_is_refused_in_one_line_and_left_as_it_is(reference, tmp_path, content):
    out = tmp_path / "out"
    shutil.copytree(reference, out)
    (out / "manifest.json").write_bytes(content)
    with pytest.raises(StudyError) as err:
        execute(study(), out, SERIAL, block_size=2, quiet=True)
    assert "damaged manifest" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(ResultsError, match="damaged manifest"):
        load(out)
    assert (out / "manifest.json").read_bytes() == content


@pytest.mark.parametrize("case", ["fifo", "directory", "device"])
def test_a_manifest_that_is_not_a_file_is_refused_without_hanging(reference, tmp_path, case):
    from tests.hostile import make_hostile

    out = tmp_path / "out"
    shutil.copytree(reference, out)
    (out / "manifest.json").unlink()
    make_hostile(case, out / "manifest.json")
    r = subprocess.run([sys.executable, "-m", "experiments.cli", "run", "x", "--reps", "6", "--steps", "6",
                        "--quiet", "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 2 and "not a regular file" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_the_command_line_resumes_a_damaged_directory(tmp_path):
    """``trustnet run`` after a model part was deleted: it says so and redoes that block."""
    args = [sys.executable, "-m", "experiments.cli", "run", "x", "--reps", "4", "--steps", "4", "--block-size", "2",
            "--workers", "1", "--out", str(tmp_path / "out")]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    assert subprocess.run(args + ["--quiet"], cwd=ROOT, env=env, capture_output=True, timeout=120).returncode == 0
    part(tmp_path / "out", "model", 0).unlink()
    r = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "2 runs done, 2 already done" in r.stdout
    assert "1 damaged block(s)" in r.stderr


def test_the_fingerprint_covers_the_runner_and_every_scenario_a_point_names(tmp_path, monkeypatch):
    """Rows of different code or different scenario files never share a directory: the
    fingerprint hashes the runner's code with the model's, and each named scenario as it
    resolves now (a changed file is a different study, refused)."""
    from experiments.ensemble import store

    assert store.CODE == ("model", "experiments.ensemble")
    pkg = tmp_path / "fakepkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "tables.py").write_text("ROWS = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = store.code_hash(("fakepkg",))
    (pkg / "tables.py").write_text("ROWS = 2\n")
    store.code_hash.cache_clear()
    assert store.code_hash(("fakepkg",)) != before

    net = tmp_path / "net.toml"
    net.write_text((ROOT / "model" / "inputs" / "scenarios" / "x.toml").read_text())
    named = Study(scenario=load_scenario("x"), points=({"scenario": str(net)},), reps=2, seed=3, steps=4)
    first = named.fingerprint()
    execute(named, tmp_path / "out", SERIAL, quiet=True)
    net.write_text(net.read_text().replace("horizon = 156", "horizon = 150"))
    changed = Study(scenario=load_scenario("x"), points=({"scenario": str(net)},), reps=2, seed=3, steps=4)
    assert changed.fingerprint() != first
    with pytest.raises(StudyError, match="made with different code"):
        execute(changed, tmp_path / "out", SERIAL, quiet=True)
