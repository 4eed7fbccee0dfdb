"""Trust update rules: pure functions of arrays, valid with or without a batch axis.

Each rule takes the current trust array and the week's signal counts (same shape, e.g.
(B, N, N) or (N, N)) plus rate parameters that broadcast against them, and returns the
new array. Nothing here knows about Mesa, cases or scheduling; `model.dynamics` gathers
the signals and calls these once per week for all pairs and all runs. There is no other
copy of these equations in the code base.

The functional form is the asymmetric update with a reputation ceiling of Pant & Yu
(2025): building moves trust toward a ceiling, erosion scales with current trust, and
erosion is faster than building (loss ratio ~3, after Slovic 1993).
"""

from __future__ import annotations

import numpy as np


def gate(trust: np.ndarray, floor: np.ndarray | float) -> np.ndarray:
    """How far trust is *present*: 0 at or below ``floor``, rising linearly to 1 at 1.

    The study finds that without intentional trust there is no collaboration (P5); the
    gate makes "absent" a level rather than exactly zero.
    """
    return np.clip((trust - floor) / (1.0 - floor), 0.0, 1.0)


def asymmetric_update(trust: np.ndarray, positive: np.ndarray, negative: np.ndarray,
                      gain: np.ndarray | float, loss_ratio: np.ndarray | float,
                      ceiling: np.ndarray | float = 1.0) -> np.ndarray:
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
    return np.clip(np.minimum(out, ceiling), 0.0, 1.0)


def update_intentional(intent: np.ndarray, damage: np.ndarray, successes: np.ndarray,
                       misuses: np.ndarray, freerides: np.ndarray, *, gain, loss_ratio,
                       misuse_signal, freeride_signal, reputation_damage, forgetting,
                       other_negative: np.ndarray | float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Intentional trust and reputation damage after a week.

    * ``successes``: joint cases resolved together (slow building);
    * ``misuses``: detected misuses of the trustor's data by the trustee (sharp drop,
      and lasting damage that lowers the ceiling 1 - damage: hysteresis);
    * ``freerides``: agreed actions the trustee left undone for lack of effort (weak
      opportunism, a mild drop);
    * ``other_negative``: further negative signal, already in signal units (used when
      intentional trust is not kept apart from competence trust).
    """
    kept = (1.0 - reputation_damage) ** misuses if np.any(misuses) else 1.0  # (exactly 1 without misuse)
    damage = 1.0 - (1.0 - damage) * kept
    damage = damage * (1.0 - forgetting)
    negative = misuse_signal * misuses + freeride_signal * freerides + other_negative
    intent = asymmetric_update(intent, successes, negative, gain, loss_ratio, 1.0 - damage)
    return intent, damage


def update_cognitive(cog: np.ndarray, reported: np.ndarray, missing: np.ndarray,
                     values_feedback: np.ndarray, *, gain, loss_ratio) -> np.ndarray:
    """Cognitive trust moves with feedback on agreed actions.

    Feedback received builds competence trust for everyone; missing feedback erodes it
    in proportion to how much the trustor values feedback (``values_feedback`` has the
    trustor on the second-to-last axis, e.g. (B, N, 1)). A trustor who does not care
    about feedback settles at a higher level (study §4.1.4.1).
    """
    return asymmetric_update(cog, reported, missing * values_feedback, gain, loss_ratio)


def update_empathic(emp: np.ndarray, joint_time: np.ndarray, intent: np.ndarray,
                    stalls: np.ndarray, *, gain, intent_floor, stall_damage) -> np.ndarray:
    """Empathic trust grows with joint time where intentional trust is present.

    Growth: E += gain * joint_time * gate(intent) * (1 - E) (it *needs* intentional
    trust, study §4.1.4.3); each stall through an absent fixed contact with no back-up
    removes a share ``stall_damage`` (tunnel vision, P4).
    """
    grow = np.minimum(gain * joint_time * gate(intent, intent_floor), 1.0)
    emp = emp + grow * (1.0 - emp)
    if np.any(stalls):  # (else the factor is exactly 1)
        emp = emp * (1.0 - stall_damage) ** stalls
    return np.clip(emp, 0.0, 1.0)


def transfer(value: np.ndarray, start: np.ndarray | float, share: np.ndarray | float) -> np.ndarray:
    """Person-bound trust passed to a successor: start + share * (value - start)."""
    return start + share * (value - start)
