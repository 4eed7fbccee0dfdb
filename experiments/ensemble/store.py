"""Writing results: atomic Parquet and JSON files, and the manifest of a study.

Files are written to a temporary name in the same directory and renamed into place,
so a killed process never leaves a half-written file that looks complete.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

PACKAGES = ("trustnet", "mesa", "numpy", "pandas", "pyarrow", "networkx", "SALib", "matplotlib")


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def write_json(data: Any, path: Path) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=2, default=_json_default) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def write_text(text: str, path: Path) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


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


def model_code_hash() -> str:
    """Hash of the model's source and scenario files: results of different model code
    must not be mixed in one results directory."""
    import hashlib

    import model

    root = Path(model.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.toml")]):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


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


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest at ``path``, or `ManifestError` if it is damaged (not UTF-8 JSON, not
    an object, too large to be one)."""
    path = Path(path)
    try:
        if path.stat().st_size > 64 * 1024 * 1024:
            raise ManifestError(f"{path}: too large to be a trustnet manifest")
        info = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ManifestError(f"{path}: damaged manifest ({type(exc).__name__}); "
                            "choose another --out or restore the file") from None
    if not isinstance(info, dict) or not isinstance(info.get("attempts", []), list):
        raise ManifestError(f"{path}: damaged manifest (not a trustnet manifest object); "
                            "choose another --out or restore the file")
    return info
