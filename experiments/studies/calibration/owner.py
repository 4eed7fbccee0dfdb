"""The calibration's history belongs to its directory: created whole, checked before use.

pyabc keeps the populations in an SQLite file, ``DIR/history.db``, and continues
whatever file it finds there. So that a resume never continues a history that is not
this calibration's:

* the history is created under a temporary name, stamped with the calibration's
  fingerprint and an identity (a random id also recorded in ``calibration.json``), and
  only then renamed into place -- a kill during creation leaves no ``history.db``, only
  a temporary file that the next start removes;
* before a resume the file is checked: a regular file, a readable SQLite database with
  pyabc's tables, stamped with this calibration's fingerprint and identity. A damaged
  history (truncated, overwritten, not a database) or a foreign one (copied from
  another calibration or directory) is refused with one line that says what to do.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from pathlib import Path

from experiments.ensemble import StudyError
from model.inputs.errors import ScenarioError
from model.inputs.files import regular_file

HISTORY = "history.db"
STAMP = "trustnet_owner"  # the table that says whose history this is
PYABC_TABLES = {"abc_smc", "populations", "models", "particles", "samples"}


def new_identity() -> str:
    return uuid.uuid4().hex


def _tmp_prefix() -> str:
    return f".{HISTORY}.tmp-"


def present(out: Path) -> bool:
    """Whether ``out`` holds something named ``history.db`` (a dangling link included),
    which `check` must then accept before anything continues it."""
    path = Path(out) / HISTORY
    return path.exists() or path.is_symlink()


def remove_leftovers(out: Path) -> None:
    """Temporary histories of a creation that was killed."""
    for p in Path(out).glob(_tmp_prefix() + "*"):
        if p.is_file() and not p.is_symlink():
            p.unlink()


def create(out: Path, fingerprint: str, identity: str, make) -> None:
    """Create ``out/history.db`` atomically: ``make(url)`` (pyabc's ``ABCSMC.new``) writes
    a temporary database, which is stamped and renamed into place."""
    out = Path(out)
    remove_leftovers(out)
    tmp = out / f"{_tmp_prefix()}{os.getpid()}"
    try:
        make(f"sqlite:///{tmp}")
        with sqlite3.connect(tmp) as db:
            db.execute(f"CREATE TABLE {STAMP} (fingerprint TEXT NOT NULL, id TEXT NOT NULL)")
            db.execute(f"INSERT INTO {STAMP} VALUES (?, ?)", (fingerprint, identity))
        db.close()
        os.replace(tmp, out / HISTORY)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def check(out: Path, fingerprint: str, identity: str | None) -> None:
    """`StudyError` (one line) unless ``out/history.db`` is this calibration's, intact."""
    path = Path(out) / HISTORY
    remedy = f"remove {path} to start this calibration afresh, or choose another --out"
    try:
        regular_file(path, "calibration history")
    except ScenarioError as exc:
        raise StudyError(f"{exc}; {remedy}") from None
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            stamp = db.execute(f"SELECT fingerprint, id FROM {STAMP}").fetchall() if STAMP in tables else []
        finally:
            db.close()
    except (sqlite3.Error, OSError, ValueError) as exc:
        raise StudyError(f"{path}: damaged calibration history ({str(exc)[:80]}); {remedy}") from None
    if PYABC_TABLES - tables:
        raise StudyError(f"{path}: damaged calibration history (pyabc's tables missing); {remedy}")
    if stamp != [(fingerprint, identity)]:
        whose = f"fingerprint {stamp[0][0][:16]}" if len(stamp) == 1 else "no owner recorded"
        raise StudyError(f"{path}: not this calibration's history ({whose}; this calibration is "
                         f"{fingerprint}); {remedy}")
