"""Theory variants: the study's revisions (T1-T8) against the literature's claims.

Each pair is a parameter whose value is ``"study"`` (the default, the study's finding)
or ``"literature"``; the trust update rule is a parameter too. This module holds the
small pieces of arithmetic that differ between the variants, so that `model.process.dynamics`
reads ``variants.<something>(...)`` where a variant acts and the variants are listed in
one place (THEORY.md §5; docs/ODD.md, "Theory variants").
"""

from __future__ import annotations

from model.inputs.parameters import SPEC_BY_NAME
from model.process.compiled import compiled
from model.process.structure import P

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


# a choice parameter reaches the kernel as its index among the choices
LITERATURE = float(SPEC_BY_NAME["T1"].choices.index("literature"))
ASYMMETRIC_CEILING, ASYMMETRIC, SYMMETRIC, VALUE_PERFORMANCE = (
    float(SPEC_BY_NAME["update_rule"].choices.index(r)) for r in UPDATE_RULES)


@compiled
def literature(value):
    """The run uses the literature's side of a theory pair (its parameter's value)."""
    return value == LITERATURE


@compiled
def rule_rates(p):
    """Effective (loss ratio, cognitive loss ratio, reputation damage) of the trust update
    rule chosen in the run (``p``: its parameters).

    * ``asymmetric_ceiling`` (Pant & Yu): the parameters as they are;
    * ``asymmetric``: losses weigh more, but no reputation damage caps trust later;
    * ``symmetric`` (Hoogendoorn et al. style linear): loss ratio 1 for both kinds, no cap;
    * ``value_performance`` (Earle & Siegrist): goodwill, resting on shared values, is
      resilient and symmetric (ratio 1, no cap); competence confidence is fragile
      (cognitive loss ratio tripled).
    """
    rule = p[P.update_rule]
    symmetric_goodwill = rule in (SYMMETRIC, VALUE_PERFORMANCE)
    loss_ratio = 1.0 if symmetric_goodwill else p[P.loss_ratio]
    fragile = 3.0 if rule == VALUE_PERFORMANCE else 1.0
    cog_loss = 1.0 if rule == SYMMETRIC else fragile * p[P.cog_loss_ratio]
    damage = p[P.reputation_damage] if rule == ASYMMETRIC_CEILING else 0.0
    return loss_ratio, cog_loss, damage


@compiled
def voice_shortfall(p, voice):
    """How far missing voice lets power asymmetry cost willingness (T5).

    study: only below ``voice_enough``, growing to 1 at no voice; literature: 1 whatever
    the voice (unequal resources restrict autonomy).
    """
    if literature(p[P.T5]):
        return 1.0
    return min(max(1.0 - voice / p[P.voice_enough], 0.0), 1.0)


@compiled
def culture_loss(p, cross_domain, atmosphere, communication):
    """Share of shared information lost across domain cultures on a case (T4).

    literature: ``culture_gap`` on every case that brings domains together; study: only
    where the atmosphere (state: it closes with irritations and misuse and opens with
    informal contact) is not open enough to ask for clarification. ``communication``:
    the communication moderator acts.
    """
    if not (cross_domain and communication):
        return 0.0
    weight = 1.0 if literature(p[P.T4]) else min(max(1.0 - atmosphere / p[P.open_enough], 0.0), 1.0)
    return p[P.culture_gap] * weight


@compiled
def readiness(p, tenure, here, holders):
    """1.0 where the table may share; T6 literature: 0.0 until the case holders ``here``
    have been together for ``stability_start`` weeks on average (stability as a precondition)."""
    if not literature(p[P.T6]):
        return 1.0
    total, count = 0.0, 0
    for i in range(tenure.shape[0]):
        if here[i] and holders[i]:
            total += tenure[i]
            count += 1
    return 1.0 if total / max(count, 1) >= p[P.stability_start] else 0.0


@compiled
def sham(p, imposed):
    """Share kept of a member's sharing and effort: T7 literature where its participation
    is imposed (the whole network's, or that organisation's: ``imposed``)."""
    if literature(p[P.T7]) and (p[P.imposed] > 0.5 or imposed):
        return 1.0 - p[P.sham_share]
    return 1.0


@compiled
def confusion_scope(p, overlap_on_case):
    """Where an unclear task division bites (T8), 0 or 1.

    study: where organisations with overlapping tasks meet on a case; literature: on every
    case unless the division is written down. A written division removes it in both.
    """
    if p[P.written_tasks] > 0.5:
        return 0.0
    return 1.0 if literature(p[P.T8]) or overlap_on_case else 0.0
