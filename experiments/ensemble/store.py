"""Writing results: atomic Parquet, JSON and text files, and the manifest of a study.

Files are written to a temporary name in the same directory and renamed into place,
so a killed process never leaves a half-written file that looks complete; a write
that fails (a full disk, a file-size limit) removes its temporary file and raises
`OSError` naming the file, which the command line reports in one line. A part of a
table is never replaced (``replace=False``): writing over a committed part is an error,
not a silent loss.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from model.inputs.errors import ScenarioError
from model.inputs.files import read_json
from model.inputs.schema import Anything, Items, Number, Table, Text

PACKAGES = ("trustnet", "mesa", "numpy", "pandas", "pyarrow", "networkx", "SALib", "matplotlib")
MAX_MANIFEST_BYTES = 64 * 1024 * 1024  # a study of a million design points; far beyond any real one


def write_bytes(data: bytes, path: Path, replace: bool = True) -> None:
    """Write ``data`` to ``path`` atomically; with ``replace`` False, fail with
    `FileExistsError` rather than replace an existing file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        if replace:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _link_new(tmp: Path, path: Path) -> None:
    """Move ``tmp`` to ``path`` unless ``path`` exists (a hard link is atomic and never
    replaces; where links are not supported, check and rename)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise FileExistsError(f"{path}: exists already; a committed part is never replaced") from None
    except OSError:
        if path.exists():
            raise FileExistsError(f"{path}: exists already; a committed part is never replaced") from None
        os.replace(tmp, path)
        return
    tmp.unlink()


def parquet_bytes(frame: pd.DataFrame, metadata: dict[str, Any] | None = None) -> bytes:
    """``frame`` as a Parquet file in memory, with ``metadata`` (JSON) under ``trustnet``
    in the file's key-value metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    if metadata is not None:
        table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                               b"trustnet": json.dumps(metadata).encode()})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    write_bytes(parquet_bytes(frame), path)


def write_json(data: Any, path: Path) -> None:
    write_bytes((json.dumps(data, indent=2, default=_json_default) + "\n").encode("utf-8"), path)


def write_text(text: str, path: Path) -> None:
    write_bytes(text.encode("utf-8"), path)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json_default(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def now() -> str:
    """The time in UTC to the second, as manifests and holder files record it."""
    import datetime as dt

    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit() -> str:
    """The commit of the code that produced the results ('unknown' outside a checkout)."""
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True,
                                text=True, timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
                               capture_output=True, text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("-dirty" if dirty else "")


CODE = ("model", "experiments.ensemble")  # what shapes the rows the runner writes


@functools.cache
def code_hash(packages: tuple[str, ...] = CODE) -> str:
    """Hash of the source (``.py``) and data (``.toml``) files of ``packages`` (once per
    process: the code does not change while it runs)."""
    import importlib

    digest_ = hashlib.sha256()
    for name in packages:
        root = Path(importlib.import_module(name).__file__).resolve().parent
        for path in sorted([*root.rglob("*.py"), *root.rglob("*.toml")]):
            digest_.update(f"{name}/{path.relative_to(root).as_posix()}".encode())
            digest_.update(path.read_bytes())
    return digest_.hexdigest()[:16]


def model_code_hash() -> str:
    """Hash of all the code that shapes what a results directory holds -- the model, its
    scenario files, and the ensemble runner that turns runs into rows (`tables`, `blocks`,
    the seeds of `design`): results of different code must not be mixed in one directory."""
    return code_hash(CODE)


def manifest(**fields: Any) -> dict[str, Any]:
    """A study manifest: what was run, with which code, and how to run it again."""
    return {
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "git_commit": git_commit(),
        "model_code": model_code_hash(),
        "versions": package_versions(),
        "platform": platform.platform(),
        **fields,
    }


class ManifestError(ValueError):
    """A manifest.json that cannot be read as one (one readable line)."""


# The shape of a manifest (`model.inputs.schema`): what the runner and the commands read back.
MANIFEST = Table({
    "kind": Text(100),
    "fingerprint": Text(64),
    "attempts": Items(Table(extra=Anything())),
    "study": Table({"points": Items(Table(extra=Anything()), 1), "reps": Number(1, whole=True)},
                   extra=Anything()),
    "replication_seeds": Items(Number(0, 2**64 - 1, whole=True), 0, 10_000_000),
}, extra=Anything())


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest at ``path``, or `ManifestError` if it is damaged (not a regular file,
    not UTF-8 JSON, too large, or not of a manifest's shape)."""
    path = Path(path)
    try:
        return read_json(path, "manifest", MANIFEST, MAX_MANIFEST_BYTES)
    except ScenarioError as exc:
        reason = str(exc).removeprefix(f"{path}: ").removeprefix(f"{path} ")
        raise ManifestError(f"{path}: damaged manifest ({reason}); choose another --out or restore the "
                            "file") from None
