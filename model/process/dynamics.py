"""The weekly process, compiled: one run, one week, in the order of the ODD.

`advance_week` is the one place that fixes the order of the weekly process (ODD,
"Process overview and scheduling"); each sub-step below is a small compiled function
(numba) that reads and writes run ``b`` of the block's state arrays (`model.process.state`)
in place, with plain loops over organisations, case slots and pairs. Both engines run
these functions through `model.process.kernel`: the batched engine a whole block for its whole
horizon in one call, the Mesa model one week of a block of one.

Axis conventions: b run, c case slot, i/j organisations; pairwise arrays are indexed
[b, trustor, trustee].

Loops visit only what can act: the pairs that share an open case, the actions that are
pending, the pairs that received a signal (the trust rules leave every other pair
exactly as it is). Random numbers are drawn for the decisions taken, each a function of
(run, week, purpose, indices) (`model.process.draws`). Sums run in index order and powers of
whole counts are repeated multiplications (`model.process.trust.ipow`), so a run gives the same
numbers on every x86-64 machine and in either engine.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import vectorize

from model.inputs import variants
from model.inputs.parameters import SPEC_BY_NAME
from model.inputs.scenario import DOMAINS
from model.process.compiled import compiled
from model.process.draws import ACTION, CONTACT, MEMBER, MISUSE, NEED, NEWCOMER, REACH, WEEK, poisson_quantile, uniforms
from model.process.levers import week_levers
from model.process.state import (
    ACTED,
    AGREED,
    ALIGN,
    ATMOSPHERE,
    AVAILABILITY,
    BACKUP,
    CAPACITY,
    CAUTION,
    CLARITY,
    COG,
    COLLABORATION,
    CONFUSIONS,
    CONTACTS,
    DAMAGE,
    DONE,
    EMP,
    EVALUATIONS,
    EXPOSURE,
    FIXED,
    HARMED,
    INFO_SHARED,
    INTENT,
    KNOW,
    LANGUAGE,
    LAST_EVALUATION,
    LAST_STALLS,
    LAST_TURNOVER,
    LAST_TURNOVER_WEEK,
    MISUSE_EVENTS,
    NEEDED,
    PROGRESS,
    REP_LAYERS,
    REPORTED,
    RESOLVED,
    RETICENCE,
    ROUND_AGREED,
    ROUND_DELIVERED,
    ROUTED,
    SHARING,
    SHIRKED,
    STALLED,
    STALLS,
    TENURE,
    THRESHOLD,
    TURNOVER_EVENTS,
    VALUES_FEEDBACK,
    WAITING,
    intent_prior,
)
from model.process.structure import REP_ORDER, P
from model.process.trust import cognitive, damage_after, empathic, gate, intentional, ipow, transfer

N_DOMAINS = len(DOMAINS)
_ALIGN = REP_ORDER.index("goal_alignment")
_NEWCOMER = 6  # a newcomer brings the first six attributes of a representative (all but tenure)

# Scratch space of one run's week, reused week after week. The signals (what the trustor
# observed about the trustee this week) are dense counts ``sig[kind, i, j]``; `touched`
# marks the pairs that received one and `lists[ACTIVE_I]`/`lists[ACTIVE_J]` list them,
# so the trust rules visit only those.
Week = namedtuple("Week", ["sig", "touched", "lists", "counts", "um", "uw", "share", "at_table", "contributing",
                           "shared", "reach", "needed", "hits", "stalled_case", "values", "moves", "seen", "on_case",
                           "identifiable"])
LEAVE, JOINED, ARRIVE = range(3)  # rows of `Week.moves`
SIG_SUCCESS, SIG_MISUSE, SIG_FREERIDE, SIG_REPORTED, SIG_MISSING, SIG_JOINT, SIG_STALL = range(7)
ACTIVE_I, ACTIVE_J, CONTACT_I, CONTACT_T, MEMBERS = range(5)
_N_ACTIVE, _N_CONTACTS, _N_STALLS = 0, 1, 2
_REACHED, _STALLED, _MISSED = 2, 3, 4  # outcome of a contact i -> t (`Week.reach`; in `Week.shared`
#                                       for the pair (i, j) the contact was about)


def new_week(n: int, s: int) -> Week:
    """Scratch space for one run's week of ``n`` organisations and ``s`` case slots."""
    return Week(
        np.zeros((7, n, n)), np.zeros((n, n), dtype=np.bool_), np.zeros((5, n * n), dtype=np.int32),
        np.zeros(4, dtype=np.int64), np.zeros((n, 4)), np.zeros(4), np.zeros(n), np.zeros(n, dtype=np.bool_),
        np.zeros(n, dtype=np.bool_), np.zeros((n, n), dtype=np.int8), np.zeros((n, n), dtype=np.int8),
        np.zeros(n, dtype=np.int32), np.zeros(s), np.zeros(s, dtype=np.bool_), np.zeros(n),
        np.zeros((3, n), dtype=np.bool_), np.zeros(N_DOMAINS, dtype=np.bool_), np.zeros(n, dtype=np.bool_),
        np.ones(n))


@compiled
def advance_week(s, st, p, cdf, key, b, week, w):
    """Advance run ``b`` of the block by one week, to ``week`` (in place).

    ``s``: the block's state arrays; ``st``: its structure; ``p``, ``cdf`` and ``key``:
    the run's parameters (a row of the block's parameter array), Poisson CDF of new cases
    and random-number key; ``w``: scratch space (`new_week`).
    """
    lev = week_levers(p, st, week)  # 0. the timeline and the interventions of this week
    meeting = week % int(lev.meeting_interval) == 0
    draw_members(w, key, week, st)
    presence(s, st, p, lev, b, week, w)                    # 1. presence
    arrive_cases(s, st, p, cdf, key, b, week, w)           # 2. cases arrive
    if meeting:
        hold_meeting(s, st, p, lev, key, b, week, w)       # 3. meeting: share, review, agree
    informal = informal_contact(s, st, p, lev, b, w)       # 4. informal contact
    if not meeting:
        contact_outside_meetings(s, st, p, key, b, week, w)  # 5. contacts outside meetings
    carry_out_actions(s, st, p, lev, key, b, week, w)      # 6. actions, feedback, progress
    if meeting:
        opportunism(s, st, p, lev, key, b, week, w)        # 7. misuse of shared data
    evaluate(s, st, p, lev, b, week)                       # 8. evaluations
    update_trust(s, st, p, b, w)                           # 9. trust updates
    update_climate(s, p, b, w, informal)                   #    caution, atmosphere
    turnover(s, st, p, lev, key, b, week, w)               # 10. turnover, joining
    for i in range(st.domain.shape[0]):                    # 11. tenure
        s.org[b, TENURE, i] += 1.0
    s.run[b, LAST_STALLS] = float(w.counts[_N_STALLS])
    clear_signals(w)


# ------------------------------------------------------------------- small helpers

MAIN_EFFECT_AT = 0.1  # under moderation = additive, a factor m costs (1 - m) x this, whatever the trust
ADDITIVE = float(SPEC_BY_NAME["moderation"].choices.index("additive"))


@vectorize(["float64(float64, boolean, float64, float64)"], cache=True)
def moderated(y, additive, m1, m2):
    """A trust-driven quantity ``y`` (in [0, 1]) under moderator factors ``m1``, ``m2`` (in
    [0, 1]; 1: no second factor) whose product is m.

    The study's moderation (``moderation`` = interaction) scales what trust yields: y x m,
    so a weak moderator flattens the rise of collaboration with trust. Under the P6
    ablation (``additive``) the same factors act as a main effect only:
    y - (1 - m) x `MAIN_EFFECT_AT`, clipped to [0, 1] -- it lowers the level by the same
    amount at every level of trust, so the slope no longer depends on the moderator
    (except where the clip binds).
    """
    if additive:
        return min(max(y - (1.0 - m1 * m2) * MAIN_EFFECT_AT, 0.0), 1.0)
    return y * m1 * m2  # one factor after the other


@compiled
def acts(moderators, own):
    """A moderator acts in the run: ``moderators`` and its own switch (both 0/1)."""
    return moderators > 0.5 and own > 0.5


@compiled
def member(st, i, week):
    """Organisation i has joined the network by ``week``."""
    return st.join_week[i] <= week


@compiled
def signal(w, i, j):
    """Mark pair (i, j) as having received a signal this week (the trust rules visit it)."""
    if not w.touched[i, j]:
        w.touched[i, j] = True
        k = w.counts[_N_ACTIVE]
        w.lists[ACTIVE_I, k] = i
        w.lists[ACTIVE_J, k] = j
        w.counts[_N_ACTIVE] = k + 1


@compiled
def basis_of(p, intent, cog, emp):
    """The trust that gates sharing and contact (P5): intentional trust, or with the
    ``trust_gate`` mechanism off the mean of the three kinds."""
    if p[P.trust_gate] > 0.5:
        return intent
    return (intent + cog + emp) / 3.0


@compiled
def gate_floor(p):
    """The gate's floor: ``intent_gate``, or 0 with ``trust_gate`` off."""
    return p[P.intent_gate] if p[P.trust_gate] > 0.5 else 0.0


@compiled
def willingness(s, st, p, lev, b, i):
    """Willingness of member i to collaborate: autonomy kept, or lost under power asymmetry.

    Under "who pays decides" the organisations that do not pay may lose willingness in
    proportion to the asymmetry. On the study's side of T5 they keep it as long as they
    can voice their perspective (voice at least ``voice_enough``; study §4.4.2); on the
    literature's side unequal resources restrict autonomy whatever the voice
    (`variants.voice_shortfall`).
    """
    if st.pays[i] or not acts(p[P.moderators], p[P.autonomy_moderator]):
        return 1.0
    return 1.0 - p[P.power_asymmetry] * variants.voice_shortfall(p, lev.voice)


@compiled
def needed_on(s, b, c, out):
    """The organisations needed on case slot c, into ``out``; returns how many."""
    k = 0
    for i in range(s.slot.shape[3]):
        if s.slot[b, NEEDED, c, i]:
            out[k] = i
            k += 1
    return k


# ------------------------------------------------------------- 0-1. draws, presence


@compiled
def draw_members(w, key, week, st):
    """The week's draws (new cases, outsiders, informal moment) and each member's
    (present, input, private use, leaves): the decisions every week takes."""
    w.uw[0], w.uw[1], w.uw[2], w.uw[3] = uniforms(key, week, WEEK, 0, 0)
    for i in range(st.domain.shape[0]):
        w.um[i, 0], w.um[i, 1], w.um[i, 2], w.um[i, 3] = uniforms(key, week, MEMBER, i, 0)


@compiled
def presence(s, st, p, lev, b, week, w):
    """Each representative is present and reachable with chance 1 - absence x (1 -
    ``absence_cut``), absence = min(1, ``absence_scale`` x (1 - availability)); with the
    stability moderator off everyone is. Not yet joined: not there. I4: a back-up is
    known at every organisation while the social map is active."""
    n = st.domain.shape[0]
    stability = acts(p[P.moderators], p[P.stability_moderator])
    for i in range(n):
        absence = min(max((1.0 - s.org[b, AVAILABILITY, i]) * p[P.absence_scale], 0.0), 1.0)
        available = 1.0 - absence * (1.0 - lev.absence_cut)
        s.present[b, i] = (w.um[i, 0] < available or not stability) and member(st, i, week)
    if lev.social_map > 0.5:
        for i in range(n):
            for j in range(n):
                if i != j:
                    s.link[b, BACKUP, i, j] = True


# ------------------------------------------------------------------------ 2. cases


@compiled
def arrive_cases(s, st, p, cdf, key, b, week, w):
    """New cases fill free slots in order; the rest wait outside the pool.

    A case needs organisation i with chance ``need_prob`` (only organisations that hold
    case information); the two organisations with the lowest draws are always needed, so
    every case needs at least two parties (study §4.2.4).
    """
    n, slots = st.domain.shape[0], s.case_open.shape[1]
    demand = s.run[b, WAITING] + poisson_quantile(w.uw[0], cdf)
    filled = 0
    draws = w.values
    for c in range(slots):
        if s.case_open[b, c] or filled >= demand:
            continue
        filled += 1
        for g in range(0, n, 4):
            u = uniforms(key, week, NEED, c, g // 4)
            for lane in range(min(4, n - g)):
                draws[g + lane] = u[lane] if st.case_holder[g + lane] else np.inf
        lowest, second = np.inf, np.inf
        for i in range(n):
            if draws[i] < lowest:
                lowest, second = draws[i], lowest
            elif draws[i] < second:
                second = draws[i]
        for i in range(n):
            s.slot[b, NEEDED, c, i] = ((draws[i] < p[P.need_prob] or draws[i] <= second)
                                    and st.case_holder[i] and member(st, i, week))
            s.slot[b, AGREED, c, i] = False
            s.slot[b, DONE, c, i] = False
            s.slot[b, REPORTED, c, i] = False
            s.slot[b, SHIRKED, c, i] = False
            s.slot[b, ACTED, c, i] = False
        s.case_open[b, c] = True
        s.case[b, KNOW, c] = 0.0
        s.case[b, PROGRESS, c] = 0.0
    s.run[b, WAITING] = demand - filled


@compiled
def close_case(s, b, c):
    """Free the slot of a resolved case. Actions still open on it are moot: they leave
    this round's count of agreed actions, so that they are not read as undelivered at the
    next meeting."""
    for i in range(s.slot.shape[3]):
        if s.slot[b, AGREED, c, i] and not s.slot[b, DONE, c, i]:
            s.run[b, ROUND_AGREED] -= 1.0
        s.slot[b, AGREED, c, i] = False
    s.case_open[b, c] = False


@compiled
def mark_shared(s, b, w, value):
    """Set ``w.shared[i, j]`` to ``value`` (1: mark, 0: clear) for every pair i != j needed
    on a common open case, and ``w.on_case[i]`` for every organisation needed on one."""
    for c in range(s.case_open.shape[1]):
        if not s.case_open[b, c]:
            continue
        m = needed_on(s, b, c, w.needed)
        for x in range(m):
            i = w.needed[x]
            w.on_case[i] = value > 0
            for y in range(m):
                if y != x:
                    w.shared[i, w.needed[y]] = value


# ---------------------------------------------------------------------- 3. meeting


@compiled
def sharing_decision(s, st, p, lev, b, w, outsiders):
    """Share of its case information each member puts on the table (ODD+D), into ``w.share``.

    ``w.contributing`` are the members whose information reaches the meeting: those at
    the table and absent members who send it in (a colleague, written input). Rises
    with intentional trust in those present (gated: none without it, P5), weighing the
    least-trusted member present by ``weakest_link``; falls with the member's caution
    about sharing personal data (I2 takes a share of it away), with unscreened
    outsiders present (by the member's reticence), with reputation damage held against
    someone present (one's own data misused before, P2), and with lost autonomy.
    """
    n = st.domain.shape[0]
    floor = gate_floor(p)
    weakest = p[P.weakest_link]
    additive = p[P.moderation] == ADDITIVE
    ready = variants.readiness(p, s.org[b, TENURE], w.at_table, st.case_holder)
    for i in range(n):
        w.share[i] = 0.0
        if not (w.contributing[i] and st.case_holder[i]):
            continue
        total, count, least, burn = 0.0, 0, np.inf, 0.0
        for j in range(n):
            if j == i or not w.at_table[j]:
                continue
            trust = basis_of(p, s.pair[b, INTENT, i, j], s.pair[b, COG, i, j], s.pair[b, EMP, i, j])
            total += trust
            count += 1
            least = min(least, trust)
            burn = max(burn, s.pair[b, DAMAGE, i, j])
        mean = total / max(count, 1)
        if count == 0:
            least = mean
        share = gate((1.0 - weakest) * mean + weakest * least, floor)
        share = share * (1.0 - s.org[b, CAUTION, i] * (1.0 - lev.caution_cut))
        share = share * (1.0 - p[P.burn_penalty] * burn)
        share = share * (1.0 - s.org[b, RETICENCE, i] * outsiders)
        share = moderated(share, additive, willingness(s, st, p, lev, b, i), 1.0)  # autonomy
        w.share[i] = share * variants.sham(p, st.imposed[i]) * ready


@compiled
def hold_meeting(s, st, p, lev, key, b, week, w):
    """Meeting weeks: share information, review last round's actions, agree new ones."""
    n, slots = st.domain.shape[0], s.case_open.shape[1]
    for i in range(n):
        w.at_table[i] = s.present[b, i]
        written = not s.present[b, i] and member(st, i, week) and w.um[i, 1] < p[P.absent_input]
        w.contributing[i] = w.at_table[i] or written
    outsiders = 1.0 if w.uw[1] < lev.outsider_rate else 0.0
    sharing_decision(s, st, p, lev, b, w, outsiders)
    for i in range(n):
        s.org[b, SHARING, i] = w.share[i]

    identify(s, st, b, w)
    # information: each open case is mapped by what its needed members share and understand
    communication = acts(p[P.moderators], p[P.communication_moderator])
    additive = p[P.moderation] == ADDITIVE
    floor = p[P.language_floor] if communication else 1.0
    seen = w.seen
    n_open, exchanged, shared_info = 0, 0.0, 0.0
    for c in range(slots):
        if not s.case_open[b, c]:
            continue
        n_open += 1
        needed, info, lang, domains = 0, 0.0, 0.0, 0
        seen[:] = False
        for i in range(n):
            if s.slot[b, NEEDED, c, i]:
                needed += 1
                info += w.share[i]
                lang += s.org[b, LANGUAGE, i]
                if not seen[st.domain[i]]:
                    seen[st.domain[i]] = True
                    domains += 1
        info = info / max(needed, 1)
        lang = lang / max(needed, 1)
        understood = moderated(info, additive, floor + (1.0 - floor) * lang,  # communication: common language
                               1.0 - variants.culture_loss(p, domains > 1, s.run[b, ATMOSPHERE], communication))
        s.case[b, KNOW, c] = s.case[b, KNOW, c] + (1.0 - s.case[b, KNOW, c]) * understood
        exchanged += understood
        shared_info += info

    # review: the round of feedback on the actions agreed at the last meeting, seen by
    # the members needed on the case who are at the table (j observes i)
    for c in range(slots):
        if not s.case_open[b, c]:
            continue
        m = needed_on(s, b, c, w.needed)
        for i in range(n):
            if not s.slot[b, AGREED, c, i]:
                continue
            reported = s.slot[b, REPORTED, c, i]
            freeride = not s.slot[b, DONE, c, i] and s.slot[b, SHIRKED, c, i]
            for y in range(m):
                j = w.needed[y]
                if j == i or not w.at_table[j]:
                    continue
                if reported:
                    w.sig[SIG_REPORTED, j, i] += 1.0
                else:
                    w.sig[SIG_MISSING, j, i] += 1.0
                if freeride:
                    w.sig[SIG_FREERIDE, j, i] += 1.0
                signal(w, j, i)

    # collaboration at this meeting: information exchanged x means delivered since the last
    if n_open > 0:
        agreed = s.run[b, ROUND_AGREED]
        means = s.run[b, ROUND_DELIVERED] / max(agreed, 1.0) if agreed > 0 else 1.0
        s.run[b, COLLABORATION] = moderated(exchanged / n_open, additive, means, 1.0)
        s.run[b, INFO_SHARED] = shared_info / n_open

    # agree new actions: needed members present, on cases that are (partly) mapped
    agreed = 0.0
    for c in range(slots):
        mapped = s.case_open[b, c] and s.case[b, KNOW, c] > 0
        for i in range(n):
            new = mapped and s.slot[b, NEEDED, c, i] and w.at_table[i]
            s.slot[b, AGREED, c, i] = new
            s.slot[b, DONE, c, i] = False
            s.slot[b, REPORTED, c, i] = False
            s.slot[b, SHIRKED, c, i] = False
            agreed += 1.0 if new else 0.0
    s.run[b, ROUND_AGREED] = agreed
    s.run[b, ROUND_DELIVERED] = 0.0

    # joint work and common language from the meeting itself: pairs working together on an
    # open case at the table, and the informal chat a physical meeting brings to all present;
    # I5: the chair collects irritations, competence trust between those present is repaired;
    # T1 literature: trust built through cycles of interaction
    informal = p[P.informal_physical] * (p[P.online_informal_share] if lev.online > 0.5 else 1.0)
    cycle = p[P.interaction_cycle] if variants.literature(p[P.T1]) else 0.0
    repair, start = lev.irritation_repair, p[P.cog_start]
    mark_shared(s, b, w, 1)
    for i in range(n):
        if not w.at_table[i]:
            continue
        for j in range(n):
            if j == i or not w.at_table[j]:
                continue
            if repair > 0:
                s.pair[b, COG, i, j] = s.pair[b, COG, i, j] + repair * max(start - s.pair[b, COG, i, j], 0.0)
            joint = (1.0 if w.shared[i, j] > 0 else 0.0) + informal
            if joint != 0.0 or cycle != 0.0:
                w.sig[SIG_JOINT, i, j] += joint
                w.sig[SIG_SUCCESS, i, j] += cycle
                signal(w, i, j)
    mark_shared(s, b, w, 0)
    learn = p[P.lang_gain] * s.run[b, ATMOSPHERE] * (1.0 + informal)
    for i in range(n):
        if w.at_table[i]:
            s.org[b, LANGUAGE, i] = s.org[b, LANGUAGE, i] + learn * (1.0 - s.org[b, LANGUAGE, i])


@compiled
def identify(s, st, b, w):
    """``w.identifiable[i]``: the share of member i's sharing that identifies persons -- 1,
    except for a member that brings a case in anonymously at its first mention
    (``anonymous_first``, R11 in Y, §4.2.2.2): the share of its open cases mentioned at an
    earlier meeting (already mapped)."""
    n, slots = st.domain.shape[0], s.case_open.shape[1]
    for i in range(n):
        w.identifiable[i] = 1.0
        if not st.anonymous_first[i]:
            continue
        needed = mentioned = 0.0
        for c in range(slots):
            if s.case_open[b, c] and s.slot[b, NEEDED, c, i]:
                needed += 1.0
                mentioned += 1.0 if s.case[b, KNOW, c] > 0 else 0.0
        w.identifiable[i] = mentioned / max(needed, 1.0)


# ---------------------------------------------------------------- 4. informal contact


@compiled
def informal_contact(s, st, p, lev, b, w):
    """An informal moment (coffee, meeting in the neighbourhood) for those present.

    It gives joint time (getting to know each other) and common language; under T3 =
    literature it also raises the participants' commitment (goal alignment). Returns
    whether the run has a moment this week (it also opens the atmosphere).
    """
    if not w.uw[2] < lev.informal_rate:
        return False
    n = st.domain.shape[0]
    learn = p[P.lang_gain] * s.run[b, ATMOSPHERE]
    commit = p[P.informal_commitment] if variants.literature(p[P.T3]) else 0.0
    for i in range(n):
        if not s.present[b, i]:
            continue
        for j in range(n):
            if j != i and s.present[b, j]:
                w.sig[SIG_JOINT, i, j] += 1.0
                signal(w, i, j)
        s.org[b, LANGUAGE, i] = s.org[b, LANGUAGE, i] + learn * (1.0 - s.org[b, LANGUAGE, i])
        s.org[b, ALIGN, i] = s.org[b, ALIGN, i] + commit * (1.0 - s.org[b, ALIGN, i])
    return True


# ------------------------------------------------------- 5. between the meetings


@compiled
def route_around(s, st, b, i, j, threshold, floor, p):
    """The organisation member i contacts instead of partner j, whose competence it doubts.

    The case-holding organisation k of j's domain (k != i, j) that i holds in intentional
    trust (the gate's basis above its floor) and trusts most for competence (the first
    such one on ties), if that trust reaches the threshold (P3, study §4.1.2.1); -1: none.
    """
    d = st.domain[j]
    best, choice = -1.0, -1
    for m in range(st.domain_start[d], st.domain_start[d + 1]):
        k = st.domain_members[m]
        if k in (i, j) or not st.case_holder[k]:
            continue
        cog = s.pair[b, COG, i, k]
        if basis_of(p, s.pair[b, INTENT, i, k], cog, s.pair[b, EMP, i, k]) > floor and cog > best:
            best, choice = cog, k
    return choice if best >= threshold else -1


@compiled
def contact_outside_meetings(s, st, p, key, b, week, w):
    """Members contact partners on shared open cases; marks the stalled cases.

    Between meetings a member contacts a partner it shares an open case with -- more
    often the more empathic trust it has in it (shorter lines), and only where
    intentional trust is present. A member that doubts the partner's competence
    (cognitive trust below ``route_threshold``) routes the work around it (`route_around`).
    A fixed contact answers when present; when absent and no back-up is known the work
    stalls (tunnel vision, P4) and the member may learn a back-up. Without a fixed contact
    the general address gets through with chance ``general_channel``. Successful contacts
    add information to the shared cases and may turn the person reached into a fixed
    contact (routine). Each member contacts an organisation at most once a week, whether
    for itself or on a detour.
    """
    n, slots = st.domain.shape[0], s.case_open.shape[1]
    mark_shared(s, b, w, 1)
    members = w.lists[MEMBERS]
    m = 0
    for i in range(n):
        if w.on_case[i]:
            members[m] = i
            m += 1
    ready = variants.readiness(p, s.org[b, TENURE], s.present[b], st.case_holder) > 0
    floor, threshold = gate_floor(p), p[P.route_threshold]
    rate, weight = p[P.contact_rate], p[P.emp_contact]
    tunnel = p[P.tunnel_vision] > 0.5
    contacts = 0
    for x in range(m):
        i = members[x]
        if not (s.present[b, i] and ready):
            continue
        group, wish = -1, (0.0, 0.0, 0.0, 0.0)
        for y in range(m):
            j = members[y]
            if w.shared[i, j] == 0:
                continue
            if j // 4 != group:  # the wishes of i toward four organisations come from one draw
                group = j // 4
                wish = uniforms(key, week, CONTACT, i, group)
            chance = rate * (1.0 - weight + weight * s.pair[b, EMP, i, j])
            if not wish[j % 4] < chance:
                continue
            if not basis_of(p, s.pair[b, INTENT, i, j], s.pair[b, COG, i, j], s.pair[b, EMP, i, j]) > floor:
                continue
            t = j
            if s.pair[b, COG, i, j] < threshold:  # doubt: route around
                s.pair[b, ROUTED, i, j] += 1.0
                t = route_around(s, st, b, i, j, threshold, floor, p)
                if t < 0:
                    continue
            if w.reach[i, t] == 0:  # not yet contacted this week
                w.reach[i, t] = contact(s, p, key, b, week, w, i, t, tunnel)
                w.lists[CONTACT_I, contacts] = i
                w.lists[CONTACT_T, contacts] = t
                contacts += 1
            w.shared[i, j] = w.reach[i, t]
    # information reaches the cases the contact was about (for a detour: the cases shared
    # with the partner routed around); a stall blocks them this week
    for c in range(slots):
        w.hits[c] = 0.0
        if not s.case_open[b, c]:
            continue
        k = needed_on(s, b, c, w.needed)
        for x in range(k):
            for y in range(k):
                outcome = w.shared[w.needed[x], w.needed[y]]
                if outcome == _REACHED:
                    w.hits[c] += 1.0
                elif outcome == _STALLED:
                    w.stalled_case[c] = True
    for k in range(contacts):
        w.reach[w.lists[CONTACT_I, k], w.lists[CONTACT_T, k]] = 0
    mark_shared(s, b, w, 0)
    keep = 1.0 - p[P.contact_info]
    for c in range(slots):
        if s.case_open[b, c] and w.hits[c] > 0:  # each contact maps contact_info of what is unknown
            s.case[b, KNOW, c] = 1.0 - (1.0 - s.case[b, KNOW, c]) * ipow(keep, w.hits[c])


@compiled
def contact(s, p, key, b, week, w, i, t, tunnel):
    """Member i contacts organisation t; returns the outcome (reached, stalled, missed).

    A fixed contact answers when present; when absent and no back-up is known the work
    stalls (with ``tunnel_vision``; else the member tries the general address) and the
    member may learn a back-up. Without a fixed contact the general address gets through
    with chance ``general_channel``. A successful contact gives both sides joint time and
    may turn the person reached into a fixed contact (routine).
    """
    u = uniforms(key, week, REACH, i, t)
    fixed, backup, there = s.link[b, FIXED, i, t], s.link[b, BACKUP, i, t], s.present[b, t]
    stuck = fixed and not there and not backup  # the only person known is away
    general = not backup and (not fixed or (stuck and not tunnel))
    if (fixed and there) or (not (fixed and there) and backup) or (general and u[0] < p[P.general_channel]):
        s.pair[b, CONTACTS, i, t] += 1.0
        if u[1] < p[P.routine_rate]:
            s.link[b, FIXED, i, t] = True
        w.sig[SIG_JOINT, i, t] += p[P.contact_joint]
        w.sig[SIG_JOINT, t, i] += p[P.contact_joint]
        signal(w, i, t)
        signal(w, t, i)
        return _REACHED
    if stuck and tunnel:
        if u[2] < p[P.learn_backup]:
            s.link[b, BACKUP, i, t] = True
        s.pair[b, STALLED, i, t] += 1.0
        s.run[b, STALLS] += 1.0
        w.sig[SIG_STALL, i, t] += 1.0
        w.counts[_N_STALLS] += 1
        signal(w, i, t)
        return _STALLED
    return _MISSED


# ---------------------------------------------------------------------- 6. actions


@compiled
def carry_out_actions(s, st, p, lev, key, b, week, w):
    """Organisations carry out agreed actions and report back; cases progress or resolve.

    An action is done when the representative is present, the case is not stalled, the
    organisation has capacity (less where an overlapping organisation is on the same case
    and the task division is unclear: such lost actions are counted, T8's observable
    referral outcome) and puts in effort (less with low commitment -- goal alignment
    times goal clarity -- or lost autonomy: weak opportunism, counted as free-riding). A
    done action is reported back with chance ``capacity``. Each done action moves its
    case by (case knowledge / parties needed): a case that is not mapped cannot be solved
    (study §4.2.6). Stalled cases do not move this week. A resolved case gives every pair
    of organisations needed on it a success.
    """
    n, slots = st.domain.shape[0], s.case_open.shape[1]
    confusion = (1.0 - p[P.task_clarity]) if acts(p[P.moderators], p[P.coordination_moderator]) else 0.0
    for c in range(slots):
        if not s.case_open[b, c]:
            continue
        needed, done_here = needed_on(s, b, c, w.needed), 0.0
        if not w.stalled_case[c]:
            for i in range(n):
                if not (s.slot[b, AGREED, c, i] and not s.slot[b, DONE, c, i] and s.present[b, i]):
                    continue
                # the two organisations with overlapping tasks divide a case clearly between
                # themselves (§4.6.4.1): an unclear division bites where a case was brought to one
                # of them without the other, so that it may have gone to the wrong one
                misdirected = st.has_partner[i]
                for y in range(needed):
                    if st.overlap[i, w.needed[y]]:
                        misdirected = False
                        break
                capacity = s.org[b, CAPACITY, i] * (1.0 - confusion * variants.confusion_scope(p, misdirected))
                commitment = s.org[b, ALIGN, i] * s.org[b, CLARITY, i]  # own goal, and how clear and shared it looks
                effort = willingness(s, st, p, lev, b, i) * (1.0 - lev.effort_alignment * (1.0 - commitment))
                effort = effort * variants.sham(p, st.imposed[i])
                u = uniforms(key, week, ACTION, c, i)
                able, willing = u[0] < capacity, u[1] < effort
                if able and willing:
                    s.slot[b, DONE, c, i] = True
                    s.slot[b, ACTED, c, i] = True  # who has acted on the case (observed: joint action)
                    done_here += 1.0
                    if u[2] < s.org[b, CAPACITY, i]:
                        s.slot[b, REPORTED, c, i] = True
                elif able:
                    s.slot[b, SHIRKED, c, i] = True
                elif willing and u[0] < s.org[b, CAPACITY, i]:
                    s.run[b, CONFUSIONS] += 1.0  # referred on: task confusion
        s.run[b, ROUND_DELIVERED] += done_here
        s.case[b, PROGRESS, c] = s.case[b, PROGRESS, c] + s.case[b, KNOW, c] * done_here / max(needed, 1)
    for c in range(slots):
        w.stalled_case[c] = False
        if not (s.case_open[b, c] and s.case[b, PROGRESS, c] >= p[P.case_work]):
            continue
        m = needed_on(s, b, c, w.needed)
        for x in range(m):
            for y in range(m):
                if x != y:
                    w.sig[SIG_SUCCESS, w.needed[x], w.needed[y]] += 1.0
                    signal(w, w.needed[x], w.needed[y])
        s.run[b, RESOLVED] += 1.0
        close_case(s, b, c)


# ------------------------------------------------------------------ 7. opportunism


@compiled
def opportunism(s, st, p, lev, key, b, week, w):
    """Members may use data shared this week for their organisation's own interest.

    Gorobets & Nooteboom's threshold of defection: member j misuses when it has a
    private use for the data (chance ``opportunity_rate``) and its temptation -- its
    organisation's conflict of interest times (1 - its goal alignment) -- exceeds its
    opportunism threshold (I2: raised by clear limits; the privacy officer stops a share
    of the attempts before any data are used). The data it can use are those put on the
    table at this meeting while it was present, by members whose data serve its
    interest (their domain is one j's interest conflicts with, study §4.1.3.2); each
    such member's data are touched with a chance that grows with how much it shared
    (``misuse_reach`` x its sharing), and each victim may detect it (T2 literature:
    less so the more empathic trust it has in j). Only data that identify persons can be
    used: a member that brings cases in anonymously at their first mention exposes only
    the ``identifiable`` share of what it shares (`identify`). ``exposure`` adds up, per
    pair, the meetings at which i's data lay on the table before j in this way, each
    weighted by that share (1 for most members).
    """
    n = st.domain.shape[0]
    t2 = variants.literature(p[P.T2])
    for j in range(n):
        if not s.present[b, j]:
            continue
        first, last = st.exposed_start[j], st.exposed_start[j + 1]
        for m in range(first, last):
            i = st.exposed_members[m]
            if w.share[i] * w.identifiable[i] > 0:
                s.pair[b, EXPOSURE, i, j] += w.identifiable[i]
        temptation = conflict_of_interest(st, p, j) * (1.0 - s.org[b, ALIGN, j])
        if not (p[P.opportunism] > 0.5 and w.um[j, 2] < p[P.opportunity_rate]
                and temptation > s.org[b, THRESHOLD, j] + lev.threshold_boost):
            continue
        if lev.interception > 0 and uniforms(key, week, NEWCOMER, j, 0)[1] < lev.interception:
            continue
        event = False
        for m in range(first, last):
            i = st.exposed_members[m]
            usable = w.share[i] * w.identifiable[i]  # what identifies persons
            if not usable > 0:
                continue
            u = uniforms(key, week, MISUSE, i, j)
            if not u[0] < p[P.misuse_reach] * usable:
                continue
            event = True
            blind = p[P.identification_blindness] * s.pair[b, EMP, i, j] if t2 else 0.0
            if u[1] < p[P.detect_prob] * (1.0 - blind):
                s.pair[b, HARMED, i, j] += 1.0
                w.sig[SIG_MISUSE, i, j] += 1.0
                signal(w, i, j)
        if event:
            s.run[b, MISUSE_EVENTS] += 1.0


@compiled
def conflict_of_interest(st, p, j):
    """Organisation j's conflict of interest with the shared goal: the scenario's, and for
    the breach's organisation the run's ``breach_conflict``."""
    return p[P.breach_conflict] if j == st.breach_org else st.conflict[j]


# ---------------------------------------------------------------- 8. coordination


@compiled
def evaluate(s, st, p, lev, b, week):
    """Chair-led evaluation: re-align goals, restore goal clarity, repair irritations.

    Held every ``evaluation_interval`` weeks of the network's own practice, and under I1
    also every ``i1_every`` weeks counted from its start and ``i1_after_turnover`` weeks
    after a representative was replaced, when the chair is present.
    """
    interval, every = int(p[P.evaluation_interval]), int(lev.i1_every)
    due = interval > 0 and week % interval == 0
    due = due or (every > 0 and (week - int(p[P.i1_start])) % every == 0)  # I1
    due = due or (lev.after_turnover > 0 and week - s.run[b, LAST_TURNOVER_WEEK] == lev.after_turnover)  # I1
    due = due and acts(p[P.moderators], p[P.coordination_moderator])
    if st.chair >= 0:
        due = due and s.present[b, st.chair]
    s.run[b, LAST_EVALUATION] = 1.0 if due else 0.0
    if not due:
        return
    n = st.domain.shape[0]
    rate, goal = p[P.evaluation_align], lev.shared_goal  # I1 makes the goal concrete: its clarity rises
    repair, start = p[P.evaluation_repair], p[P.cog_start]
    for i in range(n):
        s.org[b, ALIGN, i] = s.org[b, ALIGN, i] + rate * (1.0 - s.org[b, ALIGN, i])
        s.org[b, CLARITY, i] = s.org[b, CLARITY, i] + rate * max(goal - s.org[b, CLARITY, i], 0.0)
        for j in range(n):
            if j != i:
                s.pair[b, COG, i, j] = s.pair[b, COG, i, j] + repair * max(start - s.pair[b, COG, i, j], 0.0)
    s.run[b, EVALUATIONS] += 1.0


# ------------------------------------------------------------------------ 9. trust


@compiled
def update_pair(s, st, p, b, w, i, j, rates):
    """The three update rules for pair (i, j): intentional trust and reputation damage,
    then cognitive trust, then empathic trust (whose gate reads the updated kinds)."""
    loss_ratio, cog_loss_ratio, reputation_damage = rates
    succ, reported, missing = w.sig[SIG_SUCCESS, i, j], w.sig[SIG_REPORTED, i, j], w.sig[SIG_MISSING, i, j]
    emp, feedback = s.pair[b, EMP, i, j], s.org[b, VALUES_FEEDBACK, i]
    successes, competence, blind = succ, 0.0, 0.0
    if p[P.separate_kinds] < 0.5:  # one undifferentiated trust: feedback also moves goodwill
        successes = succ + reported
        competence = missing * feedback * cog_loss_ratio / loss_ratio
    if variants.literature(p[P.T2]):
        blind = p[P.identification_blindness] * emp
    misuses = w.sig[SIG_MISUSE, i, j] * p[P.misuse_trust]  # P2 ablation: trust does not register misuse
    damage = damage_after(s.pair[b, DAMAGE, i, j], misuses, reputation_damage, p[P.damage_forgetting])
    intent = intentional(s.pair[b, INTENT, i, j], damage, successes, misuses, w.sig[SIG_FREERIDE, i, j] * (1.0 - blind),
                         p[P.intent_gain], loss_ratio, p[P.misuse_signal], p[P.freeride_signal], competence)
    cog = cognitive(s.pair[b, COG, i, j], reported, missing * p[P.feedback_loss], feedback,  # P3 ablation
                    p[P.cog_gain], cog_loss_ratio)
    # empathic trust follows successful joint work; identification adds most across domains
    cross = 0.0 if st.same_domain[i, j] else 1.0
    joint = (w.sig[SIG_JOINT, i, j] + succ) * (1.0 + p[P.identification] * cross)
    s.pair[b, EMP, i, j] = empathic(emp, joint, basis_of(p, intent, cog, emp), w.sig[SIG_STALL, i, j],
                                    p[P.emp_gain], gate_floor(p), p[P.stall_damage])
    s.pair[b, INTENT, i, j], s.pair[b, DAMAGE, i, j], s.pair[b, COG, i, j] = intent, damage, cog


@compiled
def update_trust(s, st, p, b, w):
    """Apply the three update rules to every pair that has something to update: the pairs
    with a signal this week and, in a run with misuse, those with reputation damage (it
    fades). Every other pair is left as it is (at zero signal the rules change nothing)."""
    rates = variants.rule_rates(p)
    for k in range(w.counts[_N_ACTIVE]):
        update_pair(s, st, p, b, w, int(w.lists[ACTIVE_I, k]), int(w.lists[ACTIVE_J, k]), rates)
    if s.run[b, MISUSE_EVENTS] > 0:
        n = st.domain.shape[0]
        for i in range(n):
            for j in range(n):
                if s.pair[b, DAMAGE, i, j] > 0 and not w.touched[i, j]:
                    update_pair(s, st, p, b, w, i, j, rates)


@compiled
def clear_signals(w):
    """Zero the signals of the pairs that received one (the scratch of the next week)."""
    for k in range(w.counts[_N_ACTIVE]):
        i, j = w.lists[ACTIVE_I, k], w.lists[ACTIVE_J, k]
        w.sig[SIG_SUCCESS, i, j] = w.sig[SIG_MISUSE, i, j] = w.sig[SIG_FREERIDE, i, j] = 0.0
        w.sig[SIG_REPORTED, i, j] = w.sig[SIG_MISSING, i, j] = w.sig[SIG_JOINT, i, j] = w.sig[SIG_STALL, i, j] = 0.0
        w.touched[i, j] = False
    w.counts[_N_ACTIVE] = 0
    w.counts[_N_STALLS] = 0


# ------------------------------------------------------------------------ climate


@compiled
def update_climate(s, p, b, w, informal):
    """Caution about sharing data, and the openness of the atmosphere.

    Caution (each member's perceived risk of sharing personal data) starts at what the
    network's rules allow (``sharing_risk``) and is moved by experience (study §4.2.3: Y
    is more on guard *because* it had bad experiences): it closes ``caution_detect`` of
    its gap to 1 for every misuse of the member's own data it detects this week,
    ``caution_hear`` for every detected misuse of another member's data it hears of
    (detections are discussed in the network), and returns toward the rule's level by
    ``caution_decay`` a week.

    The atmosphere (T4) loses ``atmosphere_loss`` of its openness per detected misuse and
    per unit of irritation (share of pairs that saw an agreed action without feedback)
    and gains ``atmosphere_gain`` of its gap to 1 at an informal moment.
    """
    n = s.org.shape[2]
    own = w.values  # detected misuses of i's data this week (whole numbers)
    own[:] = 0.0
    missing = 0.0
    for k in range(w.counts[_N_ACTIVE]):
        i, j = w.lists[ACTIVE_I, k], w.lists[ACTIVE_J, k]
        own[i] += w.sig[SIG_MISUSE, i, j]
        missing += w.sig[SIG_MISSING, i, j]
    total = own.sum()
    detect, hear = 1.0 - p[P.caution_detect], 1.0 - p[P.caution_hear]
    for i in range(n):
        kept = ipow(detect, own[i]) * ipow(hear, total - own[i])
        caution = 1.0 - (1.0 - s.org[b, CAUTION, i]) * kept
        s.org[b, CAUTION, i] = caution + p[P.caution_decay] * (p[P.sharing_risk] - caution)
    irritation = missing / max(n * (n - 1), 1)
    loss = p[P.atmosphere_loss]
    atmosphere = s.run[b, ATMOSPHERE] * ipow(1.0 - loss, total) * min(max(1.0 - loss * irritation, 0.0), 1.0)
    if informal:
        atmosphere = atmosphere + p[P.atmosphere_gain] * (1.0 - atmosphere)
    s.run[b, ATMOSPHERE] = atmosphere


# --------------------------------------------------------------------- 10. turnover


@compiled
def turnover(s, st, p, lev, key, b, week, w):
    """Replace representatives (at the base rate, or as the scenario schedules) and let
    organisations that join this week take their seat.

    Person-bound trust (cognitive, empathic) and common language pass to the successor
    only by ``transfer_share``; fixed contacts with the leaver are lost (back-up
    addresses are the organisation's and stay). Intentional trust toward and of the
    newcomer carries over by ``goodwill_transfer`` (what rests on the organisation and the
    network's history: R8 trusts partly because the meeting has existed for years) and
    restarts for the rest from the shared goal as it stands -- the trustor's goal clarity x
    goal alignment, so the others expect less of a newcomer whose vision diverges -- always
    under the ceiling of reputation damage, which is the organisation's memory and stays.
    An organisation with a ``colleague`` at the table from the start keeps all of this
    when one of its representatives changes (the housing corporation in Y, §4.5.1.1). A
    newcomer whose vision diverges from what its organisation usually brings lowers how
    clear and shared the goal looks to the others (``goal_erosion`` x divergence;
    coordination). The breach (a scenario's ``[breach]``) is such a newcomer, arriving at
    the breach week plus ``breach_shift`` with ``breach_alignment`` and
    ``breach_threshold``. A joining organisation starts like a newcomer (no person-bound
    trust, tenure 0), with the attributes the scenario gives it.
    """
    n = st.domain.shape[0]
    row = min(week, st.horizon)
    in_horizon = week <= st.horizon
    leave, joined, arrive = w.moves[LEAVE], w.moves[JOINED], w.moves[ARRIVE]
    breach = st.breach_org if st.breach_week + int(p[P.breach_shift]) == week else -1  # it arrives this week
    left, arrivals = 0, 0
    for i in range(n):
        scheduled = ((in_horizon and st.event_mask[row, i]) or i == breach) and p[P.scheduled_events] > 0.5
        leave[i] = (w.um[i, 3] < lev.turnover_rate / 52.0 or scheduled) and member(st, i, week - 1)
        joined[i] = st.join_week[i] == week and week > 0
        arrive[i] = leave[i] or joined[i]
        left += 1 if leave[i] else 0
        arrivals += 1 if arrive[i] else 0
    s.run[b, LAST_TURNOVER] = float(left)
    s.run[b, TURNOVER_EVENTS] += left
    if arrivals == 0:
        return
    if left > 0:
        s.run[b, LAST_TURNOVER_WEEK] = float(week)
    seat_newcomers(s, st, p, lev, key, b, week, leave, joined, arrive, breach)


@compiled
def seat_newcomers(s, st, p, lev, key, b, week, leave, joined, arrive, breach):
    """`turnover` for a week with newcomers ``arrive`` (``leave``: successors of a leaver,
    ``joined``: organisations that join; ``breach``: the breach's organisation if its
    newcomer arrives now, else -1)."""
    n = st.domain.shape[0]
    relearn = acts(p[P.moderators], p[P.stability_moderator])  # stability: a newcomer re-learns
    start = p[P.cog_start]
    for i in range(n):
        for j in range(n):
            if i == j or not (arrive[i] or arrive[j]):
                continue
            share, _, keeps = carried_over(st, p, relearn, arrive, joined, i, j)
            s.pair[b, COG, i, j] = transfer(s.pair[b, COG, i, j], start, share)
            s.pair[b, EMP, i, j] = s.pair[b, EMP, i, j] * share
            if relearn and not keeps:
                s.link[b, FIXED, i, j] = False
    row = min(week, st.horizon)
    for i in range(n):
        if not arrive[i]:
            continue
        passed = 1.0 if st.colleague[i] or not relearn else p[P.transfer_share]
        kept = 0.0 if joined[i] else passed
        s.org[b, LANGUAGE, i] = max(s.org[b, LANGUAGE, i] * kept, lev.training)  # I2: training
        s.org[b, TENURE, i] = 0.0
        if not leave[i]:
            continue
        for a in range(_NEWCOMER):
            override = st.event_values[a, row, i] if week <= st.horizon else np.nan
            value = st.base_rep[a, i] if np.isnan(override) else override
            if a == _ALIGN and np.isnan(override):  # drawn around what the organisation usually brings
                u = uniforms(key, week, NEWCOMER, i, 0)[0]
                value = min(max(st.base_rep[a, i] + st.newcomer_spread * (2.0 * u - 1.0), 0.0), 1.0)
            s.org[b, REP_LAYERS[a], i] = value
        if i == breach:  # the breach: its newcomer's vision and threshold are the run's hypothesis
            s.org[b, ALIGN, i] = p[P.breach_alignment]
            s.org[b, THRESHOLD, i] = p[P.breach_threshold]

    # coordination: a diverging newcomer erodes the goal's clarity for the others
    coordination = 1.0 if acts(p[P.moderators], p[P.coordination_moderator]) else 0.0
    kept = 1.0
    for i in range(n):
        if leave[i]:
            divergence = max(st.base_rep[_ALIGN, i] - s.org[b, ALIGN, i], 0.0)
            kept *= 1.0 - min(p[P.goal_erosion] * coordination * divergence, 1.0)
    total, settled = 0.0, 0
    for i in range(n):
        if arrive[i]:
            continue
        s.org[b, CLARITY, i] = s.org[b, CLARITY, i] * kept
        total += s.org[b, CLARITY, i]
        settled += 1
    for i in range(n):
        if arrive[i]:
            s.org[b, CLARITY, i] = total / max(settled, 1)

    # goodwill: what rests on the organisation and the network's history carries over; the
    # rest restarts from the shared goal as it stands (the trustor's clarity x alignment),
    # under the ceiling of reputation damage (the organisation's memory)
    for i in range(n):
        prior = intent_prior(p, s.org[b, CLARITY, i], s.org[b, ALIGN, i])
        for j in range(n):
            if i != j and (arrive[i] or arrive[j]):
                goodwill = carried_over(st, p, relearn, arrive, joined, i, j)[1]
                s.pair[b, INTENT, i, j] = min(transfer(s.pair[b, INTENT, i, j], prior, goodwill),
                                              1.0 - s.pair[b, DAMAGE, i, j])


@compiled
def carried_over(st, p, relearn, arrive, joined, i, j):
    """(person-bound share, goodwill share, kept) of pair (i, j) at an arrival: nothing
    passes where an organisation joins; everything where a colleague who stays keeps the
    relationships (both sides) or the stability moderator is off; else ``transfer_share``
    and ``goodwill_transfer``."""
    keeps = (not arrive[i] or st.colleague[i]) and (not arrive[j] or st.colleague[j])
    if joined[i] or joined[j]:
        return 0.0, 0.0, keeps
    if keeps or not relearn:
        return 1.0, 1.0, keeps
    return p[P.transfer_share], p[P.goodwill_transfer], keeps
