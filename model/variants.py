"""Theory variants: the study's revisions (T1-T8) against the literature's claims.

Each pair is a parameter whose value is ``"study"`` (the default, the study's finding)
or ``"literature"``; the trust update rule is a parameter too. This module holds the
small pieces of arithmetic that differ between the variants, so that `model.dynamics`
reads ``variants.<something>(...)`` where a variant acts and the variants are listed in
one place (THEORY.md §5; docs/ODD.md, "Theory variants").
"""

from __future__ import annotations

import numpy as np

from model.structure import ParamBatch, Structure

THEORY_PAIRS = {
    "T1": ("trust is built up through cycles of interaction; it cannot be there at the start",
           "intentional trust is there from the start when a shared goal is found"),
    "T2": ("empathic trust based on identification can go too far",
           "empathic trust based on routine goes too far (tunnel vision)"),
    "T3": ("informal communication creates commitment",
           "informal contact helps people know each other, not commitment"),
    "T4": ("different cultures cause communication problems",
           "not, as long as the atmosphere is open enough to ask for clarification"),
    "T5": ("unequal resources restrict autonomy", "not when an actor feels free to express its perspective"),
    "T6": ("stability is a precondition to start collaborating",
           "people start for the common interest; stability moderates the link"),
    "T7": ("external pressure leads to sham collaboration", "not observed: participation was voluntary"),
    "T8": ("a written task division is needed",
           "a natural division suffices where tasks differ; it fails where tasks overlap"),
}
# theory pairs whose literature side acts only where a scenario has something to act on,
# and why X and Y have nothing (reported instead of a zero effect)
ACTS_ONLY_WHERE = {
    "T7": "acts only on imposed participation; participation in X and Y was voluntary (study §4.5), "
          "so no organisation is marked imposed",
}
UPDATE_RULES = ("asymmetric_ceiling", "asymmetric", "symmetric", "value_performance")


def literature(pb: ParamBatch, name: str, dims: int) -> np.ndarray:
    """(B, 1, ...) bool: the run uses the literature's side of theory pair ``name``."""
    return pb.col(name, dims) == "literature"


def rule_rates(pb: ParamBatch) -> dict[str, np.ndarray]:
    """Effective (B, 1, 1) rates of the trust update rule chosen per run.

    * ``asymmetric_ceiling`` (Pant & Yu): the parameters as they are;
    * ``asymmetric``: losses weigh more, but no reputation damage caps trust later;
    * ``symmetric`` (Hoogendoorn et al. style linear): loss ratio 1 for both kinds, no cap;
    * ``value_performance`` (Earle & Siegrist): goodwill, resting on shared values, is
      resilient and symmetric (ratio 1, no cap); competence confidence is fragile
      (cognitive loss ratio tripled).
    """
    rule = pb.col("update_rule", 2)
    ceiling = rule == "asymmetric_ceiling"
    symmetric_goodwill = (rule == "symmetric") | (rule == "value_performance")
    loss_ratio = np.where(symmetric_goodwill, 1.0, pb.col("loss_ratio", 2))
    cog_loss = np.where(rule == "symmetric", 1.0,
                        np.where(rule == "value_performance", 3.0, 1.0) * pb.col("cog_loss_ratio", 2))
    damage = np.where(ceiling, pb.col("reputation_damage", 2), 0.0)
    return {"loss_ratio": loss_ratio, "cog_loss_ratio": cog_loss, "reputation_damage": damage}


def voice_shortfall(pb: ParamBatch) -> np.ndarray:
    """(B, 1) how far missing voice lets power asymmetry cost willingness (T5).

    study: only below ``voice_enough``, growing to 1 at no voice; literature: 1 whatever
    the voice (unequal resources restrict autonomy).
    """
    study = np.clip(1.0 - pb.col("voice", 1) / pb.col("voice_enough", 1), 0.0, 1.0)
    return np.where(literature(pb, "T5", 1), 1.0, study)


def culture_loss(pb: ParamBatch, cross_domain: np.ndarray, atmosphere: np.ndarray) -> np.ndarray:
    """(B, S) share of shared information lost across domain cultures (T4).

    literature: ``culture_gap`` on every case that brings domains together; study: only
    where the atmosphere (state: it closes with irritations and misuse and opens with
    informal contact) is not open enough to ask for clarification.
    """
    lit = literature(pb, "T4", 1)
    shortfall = np.clip(1.0 - atmosphere[:, None] / pb.col("open_enough", 1), 0.0, 1.0)
    weight = np.where(lit, 1.0, shortfall)
    on = pb.col("moderators", 1) & pb.col("communication_moderator", 1)
    return pb.col("culture_gap", 1) * cross_domain * weight * on


def readiness(pb: ParamBatch, tenure: np.ndarray, at_table: np.ndarray, holders: np.ndarray) -> np.ndarray:
    """(B, 1) 1 where the table may share; T6 literature: 0 until the members present have
    been together for ``stability_start`` weeks on average (stability as a precondition)."""
    t6 = literature(pb, "T6", 0)
    if not t6.any():
        return np.ones((len(t6), 1))
    who = at_table & holders[None, :]
    mean_tenure = np.where(who, tenure, 0.0).sum(axis=1) / np.maximum(who.sum(axis=1), 1)
    ready = mean_tenure >= pb.stability_start
    return np.where(t6, ready, True)[:, None].astype(float)


def sham(pb: ParamBatch, st: Structure, dims: int) -> np.ndarray:
    """(B, N) share kept of each member's sharing and effort: T7 literature where its
    participation is imposed (the whole network's, or that organisation's)."""
    on = literature(pb, "T7", dims) & (pb.col("imposed", dims) | st.imposed[None, :])
    return np.where(on, 1.0 - pb.col("sham_share", dims), 1.0)


def confusion_scope(pb: ParamBatch, misdirected: np.ndarray) -> np.ndarray:
    """(B, S, N) where an unclear task division bites (T8).

    study: where tasks overlap -- on a case brought to one of two organisations with
    overlapping tasks without the other, which may be the wrong one (between themselves
    the two divide clearly, §4.6.4.1); literature: on every case unless the division is
    written down. A written division removes it in both.
    """
    everywhere = literature(pb, "T8", 2)
    scope = np.where(everywhere, 1.0, misdirected.astype(float))
    return scope * ~pb.col("written_tasks", 2)
