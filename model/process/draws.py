"""The random numbers of a run: a counter-based generator, one number per decision.

Every stochastic decision of the weekly process reads a uniform number in [0, 1) that
is a *function* of the run's key and of what is decided: ``(week, purpose, i, j)``
(`uniforms`). The function is Philox4x64-10 (Salmon et al. 2011, "Parallel random
numbers: as easy as 1, 2, 3"), the generator behind ``numpy.random.Philox``: the
counter ``(week, purpose, i, j)`` and the run's 128-bit key give four 64-bit words, so
one call serves up to four decisions about the same thing (the four *lanes* below).
``tests/test_draws.py`` checks the words against ``numpy.random.Philox`` (a known-answer
test) and the uniforms against ``numpy.random.Generator(Philox).random()``.

Why a function rather than a stream:

* **one seed, one trajectory** -- the key is drawn once from the run's own generator (the
  Mesa model's ``model.rng``, `run_key`), so all randomness still flows from one seed;
* **common random numbers** -- which number serves which decision never depends on what
  else happened in the run or on the parameters: a policy or parameter change leaves
  every other decision's number where it was, so paired comparisons stay paired;
* **engine and block equivalence** -- the Mesa model and the batched engine, and any
  composition of a block, read the same numbers;
* **cost that follows the work** -- only decisions that are taken are drawn (a contact
  only between partners on a shared open case, an action only where one is pending), so
  a large network with few interacting pairs does not pay for N^2 numbers a week.

| purpose | i, j | lanes |
|---|---|---|
| `WEEK` | 0, 0 | new cases (inverse Poisson CDF), outsiders attend, informal moment |
| `MEMBER` | member, 0 | present, absent member's input reaches the meeting, private use for shared data, leaves |
| `NEWCOMER` | member, 0 | newcomer's goal alignment, the privacy officer stops the member's misuse (I2) |
| `NEED` | slot, member // 4 | the new case in the slot needs member (lane member % 4) |
| `ACTION` | slot, member | action carried out (capacity), effort put in, done action reported back |
| `CONTACT` | member, partner // 4 | the member wants to contact the partner (lane partner % 4) |
| `REACH` | member, organisation contacted | general address gets through, fixed contact made, back-up learned |
| `MISUSE` | victim, misuser | the misuse touches the victim's data, the victim detects it |
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from model.process.compiled import allocating, compiled, entry

# purposes: the second word of the counter
WEEK, MEMBER, NEWCOMER, NEED, ACTION, CONTACT, REACH, MISUSE = 0, 1, 2, 3, 4, 5, 6, 7

_M0 = np.uint64(0xD2E7470EE14C6C93)  # Philox4x64 multipliers and Weyl key increments (Random123)
_M1 = np.uint64(0xCA5A826395121157)
_W0 = np.uint64(0x9E3779B97F4A7C15)
_W1 = np.uint64(0xBB67AE8584CAA73B)
_TO_UNIT = 2.0**-53  # the 53 high bits of a word as a double in [0, 1), as numpy's random()


@intrinsic
def _mulhilo(typingctx, a, b):
    """(high, low) 64-bit words of the 128-bit product a * b (one x86-64 MUL)."""
    sig = types.UniTuple(types.uint64, 2)(types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        wide = ir.IntType(128)
        product = builder.mul(builder.zext(args[0], wide), builder.zext(args[1], wide))
        high = builder.trunc(builder.lshr(product, ir.Constant(wide, 64)), ir.IntType(64))
        low = builder.trunc(product, ir.IntType(64))
        return context.make_tuple(builder, signature.return_type, (high, low))

    return sig, codegen


@entry
def philox(c0, c1, c2, c3, k0, k1):
    """Philox4x64-10: four 64-bit words from a 256-bit counter and a 128-bit key."""
    for _ in range(10):
        hi0, lo0 = _mulhilo(_M0, c0)
        hi1, lo1 = _mulhilo(_M1, c2)
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
        k0 += _W0
        k1 += _W1
    return c0, c1, c2, c3


@entry
def uniforms(key, week, purpose, i, j):
    """The four uniforms in [0, 1) of decision ``(week, purpose, i, j)`` of the run keyed ``key``."""
    w0, w1, w2, w3 = philox(np.uint64(week), np.uint64(purpose), np.uint64(i), np.uint64(j), key[0], key[1])
    shift = np.uint64(11)
    return (float(w0 >> shift) * _TO_UNIT, float(w1 >> shift) * _TO_UNIT,
            float(w2 >> shift) * _TO_UNIT, float(w3 >> shift) * _TO_UNIT)


def run_key(rng: np.random.Generator) -> np.ndarray:
    """The run's Philox key: two 64-bit words drawn from its own generator (``model.rng``)."""
    return rng.integers(0, 2**64, size=2, dtype=np.uint64, endpoint=False)


def block_keys(seeds: list[int]) -> np.ndarray:
    """(B, 2) keys of runs seeded ``seeds``, as ``TrustNetworkModel(rng=seed)`` draws them."""
    return np.array([run_key(np.random.default_rng(seed)) for seed in seeds], dtype=np.uint64).reshape(-1, 2)


@allocating
def poisson_cdf(lam, kmax):
    """Poisson CDF at 0..kmax with mean ``lam`` (C library's exp and log; sums in order)."""
    cdf = np.empty(kmax + 1)
    if lam == 0.0:
        cdf[:] = 1.0
        return cdf
    log_lam, log_fact, total = math.log(lam), 0.0, 0.0
    for k in range(kmax + 1):
        if k > 1:
            log_fact += math.log(k)
        total += math.exp(-lam + k * log_lam - log_fact)
        cdf[k] = total
    return cdf


@compiled
def poisson_quantile(u, cdf):
    """Inverse Poisson CDF: the count k with CDF(k-1) <= u < CDF(k). One uniform per draw
    keeps the numbers of the other decisions independent of the rate."""
    k = 0
    while k < cdf.shape[0] and u >= cdf[k]:
        k += 1
    return k
