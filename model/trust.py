"""Trust update rules: small pure compiled functions, for one pair or for arrays.

Each rule takes the current trust and the week's signal counts plus rate parameters and
returns the new value. The weekly process (`model.dynamics`) calls them once a week for
every pair that has something to update, with plain numbers; the same functions accept
numpy arrays that broadcast (the tests use this). There is no other copy of these
equations in the code base.

The functional form is the asymmetric update with a reputation ceiling of Pant & Yu
(2025): building moves trust toward a ceiling, erosion scales with current trust, and
erosion is faster than building (loss ratio ~3, after Slovic 1993).

Powers of whole signal counts are repeated multiplications (`ipow`): exact IEEE
arithmetic, the same on every x86-64 machine (numpy's vectorised ``**`` is not).
"""

from __future__ import annotations

import numpy as np
from numba import njit, vectorize


@vectorize(["float64(float64, float64)"], cache=True)
def ipow(x, k):
    """``x ** k`` for a whole number ``k`` >= 0 by repeated multiplication (exactly 1 at k = 0)."""
    out = 1.0
    for _ in range(int(k)):
        out *= x
    return out


@njit(cache=True)
def clip01(x):
    return np.minimum(np.maximum(x, 0.0), 1.0)


@njit(cache=True)
def gate(trust, floor):
    """How far trust is *present*: 0 at or below ``floor``, rising linearly to 1 at 1.

    The study finds that without intentional trust there is no collaboration (P5); the
    gate makes "absent" a level rather than exactly zero.
    """
    return clip01((trust - floor) / (1.0 - floor))


@njit(cache=True)
def asymmetric_update(trust, positive, negative, gain, loss_ratio, ceiling=1.0):
    """One step of the asymmetric rule.

    building:  T += gain * pos * (ceiling - T)
    erosion:   T -= gain * loss_ratio * neg * T
    Signal counts above one compound within the step but the step never overshoots:
    each factor is capped at 1, so T stays in [0, ceiling].
    """
    build = np.minimum(gain * positive, 1.0)
    erode = np.minimum(gain * loss_ratio * negative, 1.0)
    out = trust + build * np.maximum(ceiling - trust, 0.0)
    out = out - erode * out
    return clip01(np.minimum(out, ceiling))


@njit(cache=True)
def update_intentional(intent, damage, successes, misuses, freerides, gain, loss_ratio,
                       misuse_signal, freeride_signal, reputation_damage, forgetting, other_negative=0.0):
    """Intentional trust and reputation damage after a week.

    * ``successes``: joint cases resolved together (slow building);
    * ``misuses``: detected misuses of the trustor's data by the trustee (sharp drop,
      and lasting damage that lowers the ceiling 1 - damage: hysteresis);
    * ``freerides``: agreed actions the trustee left undone for lack of effort (weak
      opportunism, a mild drop);
    * ``other_negative``: further negative signal, already in signal units (used when
      intentional trust is not kept apart from competence trust).
    """
    kept = ipow(1.0 - reputation_damage, misuses)
    damage = 1.0 - (1.0 - damage) * kept
    damage = damage * (1.0 - forgetting)
    negative = misuse_signal * misuses + freeride_signal * freerides + other_negative
    intent = asymmetric_update(intent, successes, negative, gain, loss_ratio, 1.0 - damage)
    return intent, damage


@njit(cache=True)
def update_cognitive(cog, reported, missing, values_feedback, gain, loss_ratio):
    """Cognitive trust moves with feedback on agreed actions.

    Feedback received builds competence trust for everyone; missing feedback erodes it
    in proportion to how much the trustor values feedback. A trustor who does not care
    about feedback settles at a higher level (study §4.1.4.1).
    """
    return asymmetric_update(cog, reported, missing * values_feedback, gain, loss_ratio)


@njit(cache=True)
def update_empathic(emp, joint_time, intent, stalls, gain, intent_floor, stall_damage):
    """Empathic trust grows with joint time where intentional trust is present.

    Growth: E += gain * joint_time * gate(intent) * (1 - E) (it *needs* intentional
    trust, study §4.1.4.3); each stall through an absent fixed contact with no back-up
    removes a share ``stall_damage`` (tunnel vision, P4).
    """
    grow = np.minimum(gain * joint_time * gate(intent, intent_floor), 1.0)
    emp = emp + grow * (1.0 - emp)
    emp = emp * ipow(1.0 - stall_damage, stalls)
    return clip01(emp)


@njit(cache=True)
def transfer(value, start, share):
    """Person-bound trust passed to a successor: start + share * (value - start)."""
    return start + share * (value - start)
