"""How the weekly process is compiled: one decorator for every function of the kernel.

``compiled`` is numba's ``njit`` with

* ``cache=True``: the machine code is kept on disk next to the module, so a machine
  compiles once and later processes (worker processes included) load it;
* no reference counting (numba's private ``_nrt=False`` option): numba otherwise
  increments and decrements a shared counter of every array argument at every call
  (an atomic operation, some 15 ns per array on the development machine), which for a
  function that receives the state, structure and scratch arrays costs several hundred
  nanoseconds per call -- more than the work of most sub-steps. A function compiled
  this way must not create arrays; the kernel allocates its scratch space once per call
  (`model.dynamics.new_week`, compiled with ``allocating``).

Both leave the arithmetic alone: no fast-math, so the compiler neither reorders sums
nor fuses multiply-adds, and a run gives the same numbers on every x86-64 machine.

numba checks a cached function against its own source file only, but the kernel reads
constants defined elsewhere (the parameter columns `model.structure.P`, the state's
layers): `_invalidate_stale_cache` therefore drops the package's cached machine code
whenever any source file of the package (or numba) has changed since it was compiled.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numba
from numba import njit

_PACKAGE = Path(__file__).resolve().parent
_STAMP = "trustnet-kernel.stamp"


def _fingerprint() -> str:
    digest = hashlib.sha256(numba.__version__.encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(_PACKAGE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _cache_dirs() -> set[Path]:
    """Where numba keeps the machine code of the package's modules."""
    from numba.core.caching import FunctionCache  # noqa: PLC0415 - numba's own locator of cache files

    dirs = set()
    for path in _PACKAGE.rglob("*.py"):
        def probe():
            pass
        probe.__code__ = probe.__code__.replace(co_filename=str(path))
        try:
            dirs.add(Path(FunctionCache(probe)._cache_path))
        except RuntimeError:  # no writable location: numba will not cache that module
            continue
    return dirs


def _invalidate_stale_cache() -> None:
    fingerprint = _fingerprint()
    for folder in _cache_dirs():
        stamp = folder / _STAMP
        try:
            if stamp.read_text() == fingerprint:
                continue
        except OSError:
            pass
        stems = {p.stem for p in _PACKAGE.rglob("*.py")}
        for cached in list(folder.glob("*.nbi")) + list(folder.glob("*.nbc")):
            if cached.name.split(".")[0] in stems:
                cached.unlink(missing_ok=True)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            stamp.write_text(fingerprint)
        except OSError:
            pass


_invalidate_stale_cache()

compiled = njit(cache=True, _nrt=False)
allocating = njit(cache=True)
