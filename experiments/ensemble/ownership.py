"""One writer per results directory, and one kind of study in it.

Two commands writing the same directory at once would each clean up the other's files
in flight, write every block twice and lose one of the manifests' records. A command
therefore holds an OS-level lock (``fcntl.flock`` through `filelock`) on
``DIR/.trustnet.lock`` for as long as it runs; the kernel releases it when the process
ends however it ends, so a killed command never leaves a stale lock behind. Who holds
it (process, host, command, since when) is written beside it, for the one line that
refuses a second writer.

The kind of study (``run``, ``contrast``, ``policy``, ``sa``, ``variants``) is recorded
in the directory's manifest and checked by every command before it writes, so a
variants study cannot overwrite the report of a policy study. And a command's results
directory is never nested in another study's: not inside a directory that holds a
trustnet manifest (``policy --out OLD/runs`` would write into a sub-study's data), and
not a study's data directory itself unless the command is ``run``.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from experiments.ensemble.store import ManifestError, manifest, now, read_manifest, write_json
from model.inputs.errors import ScenarioError
from model.inputs.files import read_json
from model.inputs.schema import Anything, Number, Table, Text

LOCK = ".trustnet.lock"
HOLDER = ".trustnet.holder.json"
OWN_FILES = frozenset({LOCK, HOLDER})
HOLDER_SCHEMA = Table({"pid": Number(0, whole=True), "host": Text(300), "command": Text(100_000, line=False),
                       "since": Text(60)}, required=("pid", "host", "command", "since"), extra=Anything())


class DirectoryError(ValueError):
    """The results directory cannot be used by this command (one readable line)."""


def check_creatable(out: Path) -> None:
    """Raise `DirectoryError` unless ``out`` is, or can be made, a directory we may write.

    Writes nothing: called while validating input.
    """
    if out.exists() and not out.is_dir():
        raise DirectoryError(f"{out}: exists and is not a directory")
    parent = out
    while not parent.exists() and parent.parent != parent:
        parent = parent.parent
    if not parent.is_dir():
        raise DirectoryError(f"{out}: cannot be a directory ({parent} is not one)")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise DirectoryError(f"{out}: no permission to write in {parent}")


def kind_of(info: dict) -> str:
    """The kind of study a manifest records (older manifests: in the study)."""
    study = info.get("study")
    return str(info.get("kind") or (study.get("kind") if isinstance(study, dict) else None) or "?")


@contextlib.contextmanager
def claim(out: Path, kind: str | None = None) -> Iterator[Path]:
    """Hold ``out`` for this process: create it, lock it, check (and record) its kind.

    ``kind`` None only locks (the ensemble runner checks the study itself). Re-entrant in
    one process: the runner claims the directory a command has already claimed.
    """
    out = Path(out)
    check_creatable(out)
    if kind is not None:  # before creating or locking: a refused directory gets no lock file either
        _refuse_nested(out)
        if out.is_dir():
            _refuse_other(out, kind)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError) as exc:
        raise DirectoryError(f"{out}: cannot create the directory ({exc.strerror or exc})") from None
    # one lock object per directory in this process (resolved path: "out" and "./out" are one)
    lock = FileLock((out / LOCK).resolve(), timeout=0, thread_local=False, is_singleton=True,
                    preserve_lock_file=True)
    try:
        os.close(os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644))  # a lock that cannot be made is not "in use"
        lock.acquire()
    except Timeout:
        raise DirectoryError(f"{out} is in use by another trustnet command ({_holder(out)}); "
                             "wait for it to finish or choose another --out") from None
    except OSError as exc:
        raise DirectoryError(f"{out}: cannot lock the directory ({exc.strerror or exc})") from None
    outermost = lock.lock_counter == 1
    try:
        if outermost:
            write_json({"pid": os.getpid(), "host": socket.gethostname(), "command": manifest()["command"],
                        "since": now()}, out / HOLDER)
        if kind is not None:
            _check_kind(out, kind)
        yield out
    finally:
        if outermost:
            with contextlib.suppress(OSError):
                (out / HOLDER).unlink()
        lock.release()


def _refuse_other(out: Path, kind: str) -> None:
    """`DirectoryError` if ``out`` lies inside another study's results, holds another
    kind of study or a study's data (for any command but ``run``), or files that are not
    a study."""
    _refuse_nested(out)
    path = out / "manifest.json"
    if path.exists():
        try:
            info = read_manifest(path)
        except ManifestError as exc:
            raise DirectoryError(str(exc)) from None
        found = kind_of(info)
        if found != kind:
            raise DirectoryError(f"{out} holds the results of a '{found}' study, not '{kind}'; "
                                 "choose another --out")
        if kind != "run" and "study" in info:
            raise DirectoryError(f"{out} holds the runs of one of a command's studies (its data), not a "
                                 f"'{kind}' command's results; choose another --out")
    elif any(p.name not in OWN_FILES for p in out.iterdir()):
        raise DirectoryError(f"{out} is not empty and holds no trustnet study; choose another --out")


def trustnet_manifest(path: Path) -> dict | None:
    """The manifest at ``path`` if it is a trustnet manifest (even a damaged one: {}), else None."""
    if not path.is_file():
        return None
    try:
        info = read_manifest(path)
    except ManifestError:
        return {}
    return info if "model_code" in info and "command" in info else None


def _refuse_nested(out: Path) -> None:
    """`DirectoryError` if ``out`` lies inside another study's data: a directory whose
    manifest records a study's runs, or the ``runs/`` folder of a command's results. A
    results directory beside the data of another (``results/policy/robust`` next to
    ``results/policy/runs``) is allowed: nothing of the other study is written there."""
    try:
        resolved = Path(out).resolve()
    except (OSError, RuntimeError) as exc:  # e.g. a loop of symlinks
        raise DirectoryError(f"{out}: cannot resolve the path ({exc})") from None
    for parent in resolved.parents:
        info = trustnet_manifest(parent / "manifest.json")
        if info is not None and "study" in info:
            raise DirectoryError(f"{out} lies inside the data of a '{kind_of(info)}' study ({parent}); "
                                 "choose a --out outside it")
    for folder in (resolved, *resolved.parents):
        info = trustnet_manifest(folder.parent / "manifest.json") if folder.name == "runs" else None
        if info is not None:
            raise DirectoryError(f"{out} lies inside the data of a '{kind_of(info)}' study ({folder}); "
                                 "choose a --out outside it")


def _check_kind(out: Path, kind: str) -> None:
    """Under the lock: check again, and record the kind of a new study command's directory."""
    _refuse_other(out, kind)
    path = out / "manifest.json"
    if kind != "run" and not path.exists():  # the runner writes a run's manifest itself
        write_json(manifest(kind=kind, parts="the studies' own results directories are under runs/"), path)


def _holder(out: Path) -> str:
    try:
        info = read_json(out / HOLDER, "holder record", HOLDER_SCHEMA, 256 * 1024)
    except ScenarioError:
        return "holder unknown"
    return f"process {info['pid']} on {info['host'][:60]} since {info['since']}: {info['command'][:200]}"

