"""Trust update rules: small pure compiled functions of plain numbers.

Each rule takes the current trust and the week's signal counts plus rate parameters and
returns the new value. The rules are compiled numpy ufuncs (``numba.vectorize``): the
weekly process (`model.process.dynamics`) calls them once a week for every pair that has
something to update, with plain numbers; the same ufuncs accept numpy arrays that
broadcast (the tests and the wrappers below use this). There is no other copy of these
equations in the code base.

The functional form is the asymmetric update with a reputation ceiling of Pant & Yu
(2025): building moves trust toward a ceiling, erosion scales with current trust, and
erosion is faster than building (loss ratio ~3, after Slovic 1993).

Powers of whole signal counts are repeated multiplications (`ipow`): exact IEEE
arithmetic, the same on every x86-64 machine (numpy's vectorised ``**`` is not).
"""

from __future__ import annotations

from numba import vectorize

_F2 = ["float64(float64, float64)"]
_F3 = ["float64(float64, float64, float64)"]
_F4 = ["float64(float64, float64, float64, float64)"]
_F6 = ["float64(float64, float64, float64, float64, float64, float64)"]
_F7 = ["float64(float64, float64, float64, float64, float64, float64, float64)"]
_F10 = ["float64(" + ", ".join(["float64"] * 10) + ")"]


@vectorize(_F2, cache=True)
def ipow(x, k):
    """``x ** k`` for a whole number ``k`` >= 0 by repeated multiplication (exactly 1 at k = 0)."""
    out = 1.0
    for _ in range(int(k)):
        out *= x
    return out


@vectorize(_F2, cache=True)
def gate(trust, floor):
    """How far trust is *present*: 0 at or below ``floor``, rising linearly to 1 at 1.

    The study finds that without intentional trust there is no collaboration (P5); the
    gate makes "absent" a level rather than exactly zero.
    """
    return min(max((trust - floor) / (1.0 - floor), 0.0), 1.0)


@vectorize(_F6, cache=True)
def asymmetric(trust, positive, negative, gain, loss_ratio, ceiling):
    """One step of the asymmetric rule.

    building:  T += gain * pos * (ceiling - T)
    erosion:   T -= gain * loss_ratio * neg * T
    Signal counts above one compound within the step but the step never overshoots:
    each factor is capped at 1, so T stays in [0, ceiling].
    """
    build = min(gain * positive, 1.0)
    erode = min(gain * loss_ratio * negative, 1.0)
    out = trust + build * max(ceiling - trust, 0.0)
    out = out - erode * out
    return min(max(min(out, ceiling), 0.0), 1.0)


@vectorize(_F4, cache=True)
def damage_after(damage, misuses, reputation_damage, forgetting):
    """Reputation damage after a week: each detected misuse takes ``reputation_damage`` of
    the remaining ceiling 1 - damage (hysteresis); the damage fades by ``forgetting``."""
    damage = 1.0 - (1.0 - damage) * ipow(1.0 - reputation_damage, misuses)
    return damage * (1.0 - forgetting)


@vectorize(_F10, cache=True)
def intentional(intent, damage, successes, misuses, freerides, gain, loss_ratio, misuse_signal, freeride_signal,
                other_negative):
    """Intentional trust after a week, under the ceiling 1 - ``damage`` (this week's damage).

    * ``successes``: joint cases resolved together (slow building);
    * ``misuses``: detected misuses of the trustor's data by the trustee (a sharp drop);
    * ``freerides``: agreed actions the trustee left undone for lack of effort (weak
      opportunism, a mild drop);
    * ``other_negative``: further negative signal, already in signal units (used when
      intentional trust is not kept apart from competence trust).
    """
    negative = misuse_signal * misuses + freeride_signal * freerides + other_negative
    return asymmetric(intent, successes, negative, gain, loss_ratio, 1.0 - damage)


@vectorize(_F6, cache=True)
def cognitive(cog, reported, missing, values_feedback, gain, loss_ratio):
    """Cognitive trust moves with feedback on agreed actions.

    Feedback received builds competence trust for everyone; missing feedback erodes it
    in proportion to how much the trustor values feedback. A trustor who does not care
    about feedback settles at a higher level (study §4.1.4.1).
    """
    return asymmetric(cog, reported, missing * values_feedback, gain, loss_ratio, 1.0)


@vectorize(_F7, cache=True)
def empathic(emp, joint_time, intent, stalls, gain, intent_floor, stall_damage):
    """Empathic trust grows with joint time where intentional trust is present.

    Growth: E += gain * joint_time * gate(intent) * (1 - E) (it *needs* intentional
    trust, study §4.1.4.3); each stall through an absent fixed contact with no back-up
    removes a share ``stall_damage`` (tunnel vision, P4).
    """
    grow = min(gain * joint_time * gate(intent, intent_floor), 1.0)
    emp = emp + grow * (1.0 - emp)
    emp = emp * ipow(1.0 - stall_damage, stalls)
    return min(max(emp, 0.0), 1.0)


@vectorize(_F3, cache=True)
def transfer(value, start, share):
    """Person-bound trust passed to a successor: start + share * (value - start)."""
    return start + share * (value - start)


# --- the rules as the ODD names them (keyword arguments; numbers or arrays) ----------


def asymmetric_update(trust, positive, negative, gain, loss_ratio, ceiling=1.0):
    """`asymmetric` with the ceiling 1 unless given."""
    return asymmetric(trust, positive, negative, gain, loss_ratio, ceiling)


def update_intentional(intent, damage, successes, misuses, freerides, *, gain, loss_ratio,
                       misuse_signal, freeride_signal, reputation_damage, forgetting, other_negative=0.0):
    """(`intentional`, `damage_after`): intentional trust and reputation damage after a week."""
    damage = damage_after(damage, misuses, reputation_damage, forgetting)
    return intentional(intent, damage, successes, misuses, freerides, gain, loss_ratio, misuse_signal,
                       freeride_signal, other_negative), damage


def update_cognitive(cog, reported, missing, values_feedback, *, gain, loss_ratio):
    """`cognitive` with the ODD's argument names."""
    return cognitive(cog, reported, missing, values_feedback, gain, loss_ratio)


def update_empathic(emp, joint_time, intent, stalls, *, gain, intent_floor, stall_damage):
    """`empathic` with the ODD's argument names."""
    return empathic(emp, joint_time, intent, stalls, gain, intent_floor, stall_damage)
