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
"""

from numba import njit

compiled = njit(cache=True, _nrt=False)
allocating = njit(cache=True)
