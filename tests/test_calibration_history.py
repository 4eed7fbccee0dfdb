"""The calibration's history belongs to its directory: created whole, stamped, and a
damaged or foreign history refused in one line (issue 26)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from experiments.ensemble import StudyError
from experiments.ensemble.executors import SerialExecutor
from experiments.ensemble.factors import Factor
from experiments.studies.calibration import Calibration, owner
from experiments.studies.calibration import abc as abc_run
from experiments.studies.calibration.sampler import OrderedSampler
from experiments.studies.calibration.study import prepare
from tests.hostile import make_hostile

ROOT = Path(__file__).resolve().parents[1]


def calibration(seed: int = 1) -> Calibration:
    return Calibration((Factor("intent_gain", 0.005, 0.15),), {"baseline": {}}, population=2, reps=1, seed=seed)


def maker(calib: Calibration):
    """pyabc's ABCSMC.new for ``calib``: writes a real, empty history (no simulation)."""
    return lambda url: abc_run.build(calib, OrderedSampler(SerialExecutor(), 1, calib.seed)).new(url, {})


def test_a_history_is_created_whole_and_checked(tmp_path):
    calib = calibration()
    owner.create(tmp_path, calib.fingerprint(), "id-1", maker(calib))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.db"]
    owner.check(tmp_path, calib.fingerprint(), "id-1")  # its own: accepted
    with pytest.raises(StudyError, match="not this calibration's history"):
        owner.check(tmp_path, calibration(seed=2).fingerprint(), "id-1")
    with pytest.raises(StudyError, match="not this calibration's history"):
        owner.check(tmp_path, calib.fingerprint(), "id-2")  # another directory's, same design


def test_a_failed_creation_leaves_no_history(tmp_path):
    def broken(url):
        maker(calibration())(url)
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        owner.create(tmp_path, calibration().fingerprint(), "id", broken)
    assert not list(tmp_path.iterdir())


def test_a_creation_killed_midway_leaves_only_a_temporary_file_the_next_start_removes(tmp_path):
    code = ("import os, sys\nfrom experiments.studies.calibration import owner\n"
            "from tests.test_calibration_history import calibration, maker\n"
            "def die(url):\n    maker(calibration())(url)\n    os._exit(9)\n"
            "owner.create(sys.argv[1], calibration().fingerprint(), 'id', die)\n")
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert r.returncode == 9
    assert not (tmp_path / "history.db").exists() and list(tmp_path.glob(".history.db.tmp-*"))
    calib = calibration()
    owner.create(tmp_path, calib.fingerprint(), "id", maker(calib))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.db"]


def _truncated(path):
    data = path.read_bytes()
    path.write_bytes(data[:2000])


def _no_pyabc_tables(path):
    path.unlink()
    with sqlite3.connect(path) as db:
        db.execute(f"CREATE TABLE {owner.STAMP} (fingerprint TEXT, id TEXT)")
    db.close()


def _no_stamp(path):
    with sqlite3.connect(path) as db:
        db.execute(f"DROP TABLE {owner.STAMP}")
    db.close()


DAMAGE = {"truncated": _truncated, "garbage": lambda p: p.write_bytes(b"\x00garbage" * 1000),
          "empty": lambda p: p.write_bytes(b""), "no pyabc tables": _no_pyabc_tables,
          "no owner stamp (a plain pyabc history)": _no_stamp,
          "fifo": lambda p: (p.unlink(), make_hostile("fifo", p)),
          "directory": lambda p: (p.unlink(), p.mkdir()),
          "symlink to /dev/zero": lambda p: (p.unlink(), make_hostile("device", p))}


@pytest.mark.parametrize("how", list(DAMAGE))
def test_a_damaged_history_is_refused_in_one_line(tmp_path, how):
    calib = calibration()
    owner.create(tmp_path, calib.fingerprint(), "id", maker(calib))
    DAMAGE[how](tmp_path / "history.db")
    with pytest.raises(StudyError) as err:
        owner.check(tmp_path, calib.fingerprint(), "id")
    message = str(err.value)
    assert "\n" not in message and "history.db" in message and "to start this calibration afresh" in message


def test_prepare_refuses_a_foreign_history_and_a_damaged_record(tmp_path):
    calib, other = calibration(), calibration(seed=2)
    out = tmp_path / "out"
    info = prepare(out, calib)
    assert info["history"]["fingerprint"] == calib.fingerprint()
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    owner.create(foreign, other.fingerprint(), "other-id", maker(other))
    shutil.copy(foreign / "history.db", out / "history.db")  # another calibration's history
    with pytest.raises(StudyError, match="not this calibration's history"):
        prepare(out, calib)
    (out / "history.db").unlink()
    owner.create(out, calib.fingerprint(), info["history"]["id"], maker(calib))
    assert prepare(out, calib)["history"] == info["history"]  # its own history: resumed
    record = (out / "calibration.json").read_text()
    for bad in ("[1, 2]", "{", '{"fingerprint": 5, "models": {}}', '{"models": []}'):
        (out / "calibration.json").write_text(bad)
        with pytest.raises(StudyError) as err:
            prepare(out, calib)
        assert "\n" not in str(err.value)
    (out / "calibration.json").write_text(record)
    assert json.loads(record)["history"]["id"] == prepare(out, calib)["history"]["id"]


def test_a_screening_record_naming_no_candidate_is_refused_in_one_line(tmp_path):
    """The screening's choice is read back from calibration.json on a resume; a record
    naming a factor that is not a candidate (edited, or another calibration's) is refused."""
    import dataclasses

    from experiments.studies.calibration.study import _screened

    calib = dataclasses.replace(calibration(), screen=2)
    chosen = _screened(tmp_path, calib, None, {"screening": {"chosen": ["intent_gain"]}})
    assert [f.name for f in chosen.calibrated] == ["intent_gain"]  # read back, not screened again
    for bad in (["loss_ratio"], [3], ["intent_gain", None]):
        with pytest.raises(StudyError) as err:
            _screened(tmp_path, calib, None, {"screening": {"chosen": bad}})
        assert "\n" not in str(err.value) and "not candidates" in str(err.value)


def test_a_history_that_appears_during_the_screening_is_refused_in_one_line(tmp_path, monkeypatch):
    """The directory is checked when the command begins; a file named history.db that
    appears before the history is created (here: an empty database, what another program's
    ``sqlite3.connect`` on the path leaves) is checked too, and refused, not continued."""
    from experiments.ensemble import ExecutorSpec
    from experiments.studies.calibration import run_calibration
    from experiments.studies.calibration import study as calibration_study

    out = tmp_path / "out"
    screened = calibration_study._screened

    def screened_then_probed(out_, calib, pool, info):
        chosen = screened(out_, calib, pool, info)
        sqlite3.connect(out_ / "history.db").close()  # someone looks for the history too early
        return chosen

    monkeypatch.setattr(calibration_study, "_screened", screened_then_probed)
    with pytest.raises(StudyError) as err:
        run_calibration(out, calibration(), generations=1, executor=ExecutorSpec(workers=1))
    message = str(err.value)
    assert "\n" not in message and "damaged calibration history" in message and "afresh" in message
    assert (out / "history.db").stat().st_size == 0  # left as it was found: nothing of it was continued
