"""Model-level and organisation-level metrics, computed from the state of a block.

Each function returns arrays with the batch axis first, so the same code serves the
Mesa model (B = 1), the `trustnet run` recorder and, later, batched ensembles.
"""

from __future__ import annotations

import numpy as np

from model.state import State
from model.structure import Structure

MODEL_METRICS = (
    "intentional_trust", "cognitive_trust", "empathic_trust", "info_shared", "collaboration",
    "cases_open", "cases_resolved", "cases_joint", "stalls", "misuse_events", "turnover_events",
    "common_language", "goal_alignment", "data_caution", "goal_clarity", "atmosphere", "task_confusions",
)

AGENT_METRICS = (
    "tenure", "present", "intentional_out", "cognitive_out", "empathic_out",
    "intentional_in", "cognitive_in", "empathic_in", "sharing", "common_language",
    "fixed_contacts", "goal_alignment", "caution", "goal_clarity",
)

PAIR_METRICS = ("intentional", "cognitive", "empathic", "damage", "contacts", "routed",
                "harmed", "stalled", "exposure", "fixed_contact", "backup_contact")


def _pair_mean(a: np.ndarray, st: Structure) -> np.ndarray:
    n = st.n
    return a.sum(axis=(1, 2)) / (n * (n - 1))


def model_metrics(s: State, st: Structure) -> dict[str, np.ndarray]:
    """(B,) arrays, names as in `MODEL_METRICS`.

    Trust means run over ordered pairs i != j of current members (every organisation
    is a member for the whole run; turnover replaces the person).
    """
    return {
        "intentional_trust": _pair_mean(s.intent, st),
        "cognitive_trust": _pair_mean(s.cog, st),
        "empathic_trust": _pair_mean(s.emp, st),
        "info_shared": s.info_shared.copy(),
        "collaboration": s.collaboration.copy(),
        "cases_open": s.case_open.sum(axis=1).astype(float),
        "cases_resolved": s.resolved.copy(),
        "cases_joint": (s.case_open & (s.case_acted.sum(axis=2) >= 2)).sum(axis=1).astype(float),
        "stalls": s.stalls.copy(),
        "misuse_events": s.misuse_events.copy(),
        "turnover_events": s.turnover_events.copy(),
        "common_language": s.language.mean(axis=1),
        "goal_alignment": s.align.mean(axis=1),
        "data_caution": s.caution.mean(axis=1),
        "goal_clarity": s.clarity.mean(axis=1),
        "atmosphere": s.atmosphere.copy(),
        "task_confusions": s.confusions.copy(),
    }


def agent_metrics(s: State, st: Structure) -> dict[str, np.ndarray]:
    """(B, N) arrays, names as in `AGENT_METRICS`."""
    others = st.n - 1
    return {
        "tenure": s.tenure.copy(),
        "present": s.present.astype(float),
        "intentional_out": s.intent.sum(axis=2) / others,
        "cognitive_out": s.cog.sum(axis=2) / others,
        "empathic_out": s.emp.sum(axis=2) / others,
        "intentional_in": s.intent.sum(axis=1) / others,
        "cognitive_in": s.cog.sum(axis=1) / others,
        "empathic_in": s.emp.sum(axis=1) / others,
        "sharing": s.sharing.copy(),
        "common_language": s.language.copy(),
        "fixed_contacts": s.fixed.sum(axis=2).astype(float),
        "goal_alignment": s.align.copy(),
        "caution": s.caution.copy(),
        "goal_clarity": s.clarity.copy(),
    }


def pair_metrics(s: State) -> dict[str, np.ndarray]:
    """(B, N, N) arrays [run, trustor, trustee], names as in `PAIR_METRICS`."""
    return {
        "intentional": s.intent, "cognitive": s.cog, "empathic": s.emp, "damage": s.damage,
        "contacts": s.contacts, "routed": s.routed, "harmed": s.harmed, "stalled": s.stalled, "exposure": s.exposure,
        "fixed_contact": s.fixed.astype(float), "backup_contact": s.backup.astype(float),
    }
