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
  (`model.process.dynamics.new_week`, compiled with ``allocating``).

* no CPython wrapper (``no_cpython_wrapper``): a kernel function is called from other
  compiled functions only, and the wrapper that would unbox its dozens of array
  arguments from Python objects is most of its compile time. The few functions Python
  calls -- the driver, the initial state, the metrics, the levers -- are ``entry``
  points; `python_entry` makes any other one callable from Python (tests use it).

All leave the arithmetic alone: no fast-math, so the compiler neither reorders sums
nor fuses multiply-adds, and a run gives the same numbers on every x86-64 machine.

numba checks a cached function against its own source file only, but the kernel reads
constants defined elsewhere (the parameter columns `model.process.structure.P`, the state's
layers): `_invalidate_stale_cache` therefore drops the package's cached machine code
whenever a source file of ``model.process`` or ``model.inputs`` (or numba) has changed
since it was compiled.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from pathlib import Path

import numba
from numba import njit
from numba.core.registry import CPUDispatcher

_PACKAGE = Path(importlib.import_module(__name__.partition(".")[0]).__file__).resolve().parent  # model/
_KERNEL_ROOMS = ("process", "inputs")  # the kernel's code and the constants it reads (parameters, scenario)
_STAMP = "trustnet-kernel.stamp"


def _sources() -> list[Path]:
    return sorted(p for room in _KERNEL_ROOMS for p in (_PACKAGE / room).rglob("*.py"))


def _fingerprint() -> str:
    digest = hashlib.sha256(numba.__version__.encode())
    for path in _sources():
        digest.update(str(path.relative_to(_PACKAGE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _cache_dirs() -> set[Path]:
    """Where numba keeps the machine code of the package's modules."""
    from numba.core.caching import FunctionCache  # noqa: PLC0415 - numba's own locator of cache files

    dirs = set()
    for path in _sources():
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
        stems = {p.stem for p in _sources()}
        for cached in list(folder.glob("*.nbi")) + list(folder.glob("*.nbc")):
            if cached.name.split(".")[0] in stems:
                cached.unlink(missing_ok=True)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            stamp.write_text(fingerprint)
        except OSError:
            pass


_invalidate_stale_cache()

_kernel_jit = njit(cache=True, _nrt=False, no_cpython_wrapper=True)


class KernelFunction(CPUDispatcher):
    """A `compiled` function: callable from compiled code only (it has no CPython wrapper,
    so a call from Python would jump to nothing); from Python it raises instead."""

    def __call__(self, *args, **kwargs):
        raise TypeError(f"{self.py_func.__qualname__} runs inside the compiled kernel only; "
                        f"from Python call model.compiled.python_entry({self.py_func.__name__})(...)")


def compiled(fn):
    """Compile ``fn`` for the kernel (see the module docstring)."""
    dispatcher = _kernel_jit(fn)
    dispatcher.__class__ = KernelFunction
    return dispatcher


entry = njit(cache=True, _nrt=False)
allocating = njit(cache=True)
_ENTRIES: dict = {}


def python_entry(fn):
    """``fn`` (a `compiled` kernel function) callable from Python: a thin compiled function
    with a CPython wrapper that calls it (built once per function, not cached on disk)."""
    if fn not in _ENTRIES:
        names = ", ".join(inspect.signature(fn.py_func).parameters)
        namespace: dict = {}
        exec(f"def call({names}):\n    return fn({names})\n", {"fn": fn}, namespace)  # noqa: S102
        _ENTRIES[fn] = njit(_nrt=False)(namespace["call"])
    return _ENTRIES[fn]
