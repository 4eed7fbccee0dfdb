"""The weekly process, compiled: one run, one week, in the order of the ODD.

`advance_week` is the one place that fixes the order of the weekly process (ODD,
"Process overview and scheduling"); each sub-step below is a small compiled function
(numba) that reads and writes run ``b`` of the block's state arrays (`model.state`)
in place, with plain loops over organisations, case slots and pairs. Both engines run
these functions through `model.kernel`: the batched engine a whole block for its whole
horizon in one call, the Mesa model one week of a block of one.

Axis conventions: b run, c case slot, i/j organisations; pairwise arrays are indexed
[b, trustor, trustee].

Loops visit only what can act: the pairs that share an open case, the actions that are
pending, the pairs that received a signal (the trust rules leave every other pair
exactly as it is). Random numbers are drawn for the decisions taken, each a function of
(run, week, purpose, indices) (`model.draws`). Sums run in index order and powers of
whole counts are repeated multiplications (`model.trust.ipow`), so a run gives the same
numbers on every x86-64 machine and in either engine.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from model import variants
from model.draws import ACTION, CONTACT, MEMBER, MISUSE, NEED, NEWCOMER, WEEK, poisson_quantile, uniforms
from model.levers import week_levers
from model.scenario import DOMAINS
from model.state import intent_prior
from model.structure import REP_ORDER
from model.trust import gate, ipow, transfer, update_cognitive, update_empathic, update_intentional

N_DOMAINS = len(DOMAINS)
_ALIGN = REP_ORDER.index("goal_alignment")
_NEWCOMER_ATTRS = tuple(REP_ORDER.index(k) for k in ("goal_alignment", "capacity", "values_feedback",
                                                      "availability", "opportunism_threshold",
                                                      "outsider_reticence"))

# Scratch space of one run's week, reused week after week. The signals (what the trustor
# observed about the trustee this week) are dense (N, N) counts; `touched` marks the
# pairs that received one and `active_i`/`active_j` list them, so the trust rules visit
# only those.
Week = namedtuple("Week", [
    "successes", "misuses", "freerides", "reported", "missing", "joint", "stalls",
    "touched", "active_i", "active_j", "counts",
    "um", "uw", "share", "at_table", "contributing",
    "shared", "pair_i", "pair_j", "target", "reach",
    "understood", "info", "hits", "stalled_case"])
_N_ACTIVE, _N_PAIRS, _N_STALLS = 0, 1, 2
_REACHED, _STALLED, _MISSED = 1, 2, 3  # outcome of a contact i -> t (`Week.reach`)


@njit(cache=True)
def new_week(n, s):
    """Scratch space for one run's week of ``n`` organisations and ``s`` case slots."""
    nn = n * n
    return Week(
        np.zeros((n, n)), np.zeros((n, n)), np.zeros((n, n)), np.zeros((n, n)), np.zeros((n, n)),
        np.zeros((n, n)), np.zeros((n, n)),
        np.zeros((n, n), dtype=np.bool_), np.zeros(nn, dtype=np.int32), np.zeros(nn, dtype=np.int32),
        np.zeros(4, dtype=np.int64),
        np.zeros((n, 4)), np.zeros(4), np.zeros(n), np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_),
        np.zeros((n, n), dtype=np.bool_), np.zeros(nn, dtype=np.int32), np.zeros(nn, dtype=np.int32),
        np.zeros(nn, dtype=np.int32), np.zeros((n, n), dtype=np.int8),
        np.zeros(s), np.zeros(s), np.zeros(s), np.zeros(s, dtype=np.bool_))


@njit(cache=True)
def advance_week(s, st, p, cdf, key, b, week, w):
    """Advance run ``b`` of the block by one week, to ``week`` (in place)."""
    lev = week_levers(p, st, b, week)  # 0. the timeline and the interventions of this week
    meeting = week % int(lev.meeting_interval) == 0
    draw_members(w, key, week, st)
    presence(s, st, p, lev, b, week, w)                    # 1. presence
    arrive_cases(s, st, p, cdf[b], key, b, week, w)        # 2. cases arrive
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
        s.tenure[b, i] += 1.0
    s.last_stalls[b] = float(w.counts[_N_STALLS])
    clear_signals(w)


# ------------------------------------------------------------------- small helpers


@njit(cache=True)
def acts(moderators, own):
    """A moderator acts in the run: ``moderators`` and its own switch (both 0/1)."""
    return moderators > 0.5 and own > 0.5


@njit(cache=True)
def member(st, i, week):
    """Organisation i has joined the network by ``week``."""
    return st.join_week[i] <= week


@njit(cache=True)
def signal(w, i, j):
    """Mark pair (i, j) as having received a signal this week (the trust rules visit it)."""
    if not w.touched[i, j]:
        w.touched[i, j] = True
        k = w.counts[_N_ACTIVE]
        w.active_i[k] = i
        w.active_j[k] = j
        w.counts[_N_ACTIVE] = k + 1


@njit(cache=True)
def basis_of(p, b, intent, cog, emp):
    """The trust that gates sharing and contact (P5): intentional trust, or with the
    ``trust_gate`` mechanism off the mean of the three kinds."""
    if p.trust_gate[b] > 0.5:
        return intent
    return (intent + cog + emp) / 3.0


@njit(cache=True)
def gate_floor(p, b):
    """The gate's floor: ``intent_gate``, or 0 with ``trust_gate`` off."""
    return p.intent_gate[b] if p.trust_gate[b] > 0.5 else 0.0


@njit(cache=True)
def willingness(s, st, p, lev, b, i):
    """Willingness of member i to collaborate: autonomy kept, or lost under power asymmetry.

    Under "who pays decides" the organisations that do not pay may lose willingness in
    proportion to the asymmetry. On the study's side of T5 they keep it as long as they
    can voice their perspective (voice at least ``voice_enough``; study §4.4.2); on the
    literature's side unequal resources restrict autonomy whatever the voice
    (`variants.voice_shortfall`).
    """
    if st.pays[i] or not acts(p.moderators[b], p.autonomy_moderator[b]):
        return 1.0
    return 1.0 - p.power_asymmetry[b] * variants.voice_shortfall(p, b, lev.voice)


@njit(cache=True)
def open_need(s, b, c, i):
    """Organisation i is needed on open case c."""
    return s.case_open[b, c] and s.case_need[b, c, i]


# ------------------------------------------------------------- 0-1. draws, presence


@njit(cache=True)
def draw_members(w, key, week, st):
    """The week's draws (new cases, outsiders, informal moment) and each member's
    (present, input, private use, leaves): the decisions every week takes."""
    w.uw[0], w.uw[1], w.uw[2], w.uw[3] = uniforms(key, week, WEEK, 0, 0)
    for i in range(st.domain.shape[0]):
        w.um[i, 0], w.um[i, 1], w.um[i, 2], w.um[i, 3] = uniforms(key, week, MEMBER, i, 0)


@njit(cache=True)
def presence(s, st, p, lev, b, week, w):
    """Each representative is present and reachable with chance 1 - absence x (1 -
    ``absence_cut``), absence = min(1, ``absence_scale`` x (1 - availability)); with the
    stability moderator off everyone is. Not yet joined: not there. I4: a back-up is
    known at every organisation while the social map is active."""
    n = st.domain.shape[0]
    stability = acts(p.moderators[b], p.stability_moderator[b])
    for i in range(n):
        absence = min(max((1.0 - s.availability[b, i]) * p.absence_scale[b], 0.0), 1.0)
        available = 1.0 - absence * (1.0 - lev.absence_cut)
        s.present[b, i] = (w.um[i, 0] < available or not stability) and member(st, i, week)
    if lev.social_map > 0.5:
        for i in range(n):
            for j in range(n):
                if i != j:
                    s.backup[b, i, j] = True


# ------------------------------------------------------------------------ 2. cases


@njit(cache=True)
def arrive_cases(s, st, p, cdf, key, b, week, w):
    """New cases fill free slots in order; the rest wait outside the pool.

    A case needs organisation i with chance ``need_prob`` (only organisations that hold
    case information); the two organisations with the lowest draws are always needed, so
    every case needs at least two parties (study §4.2.4).
    """
    n, slots = st.domain.shape[0], s.case_open.shape[1]
    demand = s.waiting[b] + poisson_quantile(w.uw[0], cdf)
    filled = 0
    draws = np.empty(n)
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
            s.case_need[b, c, i] = ((draws[i] < p.need_prob[b] or draws[i] <= second)
                                    and st.case_holder[i] and member(st, i, week))
            s.case_agreed[b, c, i] = False
            s.case_done[b, c, i] = False
            s.case_reported[b, c, i] = False
            s.case_shirked[b, c, i] = False
        s.case_open[b, c] = True
        s.case_know[b, c] = 0.0
        s.case_progress[b, c] = 0.0
    s.waiting[b] = demand - filled


@njit(cache=True)
def close_case(s, b, c):
    """Free the slot of a resolved case. Actions still open on it are moot: they leave
    this round's count of agreed actions, so that they are not read as undelivered at the
    next meeting."""
    for i in range(s.case_need.shape[2]):
        if s.case_agreed[b, c, i] and not s.case_done[b, c, i]:
            s.round_agreed[b] -= 1.0
        s.case_agreed[b, c, i] = False
    s.case_open[b, c] = False


@njit(cache=True)
def mark_shared(s, b, w, value):
    """Set ``w.shared[i, j]`` (i != j both needed on an open case) to ``value``; with
    value True also list the pairs in ``w.pair_i``/``w.pair_j``."""
    n, slots = s.case_need.shape[2], s.case_open.shape[1]
    k = 0
    for c in range(slots):
        if not s.case_open[b, c]:
            continue
        for i in range(n):
            if not s.case_need[b, c, i]:
                continue
            for j in range(n):
                if j != i and s.case_need[b, c, j] and w.shared[i, j] != value:
                    w.shared[i, j] = value
                    if value:
                        w.pair_i[k] = i
                        w.pair_j[k] = j
                        k += 1
    if value:
        w.counts[_N_PAIRS] = k


# ---------------------------------------------------------------------- 3. meeting


@njit(cache=True)
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
    floor = gate_floor(p, b)
    weakest = p.weakest_link[b]
    ready = variants.readiness(p, b, s.tenure[b], w.at_table, st.case_holder)
    for i in range(n):
        w.share[i] = 0.0
        if not (w.contributing[i] and st.case_holder[i]):
            continue
        total, count, least, burn = 0.0, 0, np.inf, 0.0
        for j in range(n):
            if j == i or not w.at_table[j]:
                continue
            trust = basis_of(p, b, s.intent[b, i, j], s.cog[b, i, j], s.emp[b, i, j])
            total += trust
            count += 1
            least = min(least, trust)
            burn = max(burn, s.damage[b, i, j])
        mean = total / max(count, 1)
        if count == 0:
            least = mean
        share = gate((1.0 - weakest) * mean + weakest * least, floor)
        share = share * (1.0 - s.caution[b, i] * (1.0 - lev.caution_cut))
        share = share * (1.0 - p.burn_penalty[b] * burn)
        share = share * (1.0 - s.reticence[b, i] * outsiders)
        share = share * willingness(s, st, p, lev, b, i)
        w.share[i] = share * variants.sham(p, b, st.imposed[i]) * ready


@njit(cache=True)
def hold_meeting(s, st, p, lev, key, b, week, w):
    """Meeting weeks: share information, review last round's actions, agree new ones."""
    n, slots = st.domain.shape[0], s.case_open.shape[1]
    for i in range(n):
        w.at_table[i] = s.present[b, i]
        written = not s.present[b, i] and member(st, i, week) and w.um[i, 1] < p.absent_input[b]
        w.contributing[i] = w.at_table[i] or written
    outsiders = 1.0 if w.uw[1] < lev.outsider_rate else 0.0
    sharing_decision(s, st, p, lev, b, w, outsiders)
    for i in range(n):
        s.sharing[b, i] = w.share[i]

    # information: each open case is mapped by what its needed members share and understand
    communication = acts(p.moderators[b], p.communication_moderator[b])
    floor = p.language_floor[b] if communication else 1.0
    seen = np.zeros(N_DOMAINS, dtype=np.bool_)
    n_open, exchanged, shared_info = 0, 0.0, 0.0
    for c in range(slots):
        if not s.case_open[b, c]:
            continue
        n_open += 1
        needed, info, lang, domains = 0, 0.0, 0.0, 0
        seen[:] = False
        for i in range(n):
            if s.case_need[b, c, i]:
                needed += 1
                info += w.share[i]
                lang += s.language[b, i]
                if not seen[st.domain[i]]:
                    seen[st.domain[i]] = True
                    domains += 1
        info = info / max(needed, 1)
        lang = lang / max(needed, 1)
        understood = info * (floor + (1.0 - floor) * lang)  # communication: common language
        understood = understood * (1.0 - variants.culture_loss(p, b, domains > 1, s.atmosphere[b], communication))
        s.case_know[b, c] = s.case_know[b, c] + (1.0 - s.case_know[b, c]) * understood
        exchanged += understood
        shared_info += info

    # review: the round of feedback on the actions agreed at the last meeting, seen by
    # the members needed on the case who are at the table (j observes i)
    for c in range(slots):
        if not s.case_open[b, c]:
            continue
        for i in range(n):
            if not s.case_agreed[b, c, i]:
                continue
            reported = s.case_reported[b, c, i]
            freeride = not s.case_done[b, c, i] and s.case_shirked[b, c, i]
            for j in range(n):
                if j == i or not (s.case_need[b, c, j] and w.at_table[j]):
                    continue
                if reported:
                    w.reported[j, i] += 1.0
                else:
                    w.missing[j, i] += 1.0
                if freeride:
                    w.freerides[j, i] += 1.0
                signal(w, j, i)

    # collaboration at this meeting: information exchanged x means delivered since the last
    if n_open > 0:
        agreed = s.round_agreed[b]
        means = s.round_delivered[b] / max(agreed, 1.0) if agreed > 0 else 1.0
        s.collaboration[b] = exchanged / n_open * means
        s.info_shared[b] = shared_info / n_open

    # agree new actions: needed members present, on cases that are (partly) mapped
    agreed = 0.0
    for c in range(slots):
        mapped = s.case_open[b, c] and s.case_know[b, c] > 0
        for i in range(n):
            new = mapped and s.case_need[b, c, i] and w.at_table[i]
            s.case_agreed[b, c, i] = new
            s.case_done[b, c, i] = False
            s.case_reported[b, c, i] = False
            s.case_shirked[b, c, i] = False
            agreed += 1.0 if new else 0.0
    s.round_agreed[b] = agreed
    s.round_delivered[b] = 0.0

    # joint work and common language from the meeting itself: pairs working together on an
    # open case at the table, and the informal chat a physical meeting brings to all present;
    # I5: the chair collects irritations, competence trust between those present is repaired;
    # T1 literature: trust built through cycles of interaction
    informal = p.informal_physical[b] * (p.online_informal_share[b] if lev.online > 0.5 else 1.0)
    cycle = p.interaction_cycle[b] if variants.literature(p.T1[b]) else 0.0
    repair, start = lev.irritation_repair, p.cog_start[b]
    mark_shared(s, b, w, True)
    for i in range(n):
        if not w.at_table[i]:
            continue
        for j in range(n):
            if j == i or not w.at_table[j]:
                continue
            if repair > 0:
                s.cog[b, i, j] = s.cog[b, i, j] + repair * max(start - s.cog[b, i, j], 0.0)
            joint = (1.0 if w.shared[i, j] else 0.0) + informal
            if joint != 0.0 or cycle != 0.0:
                w.joint[i, j] += joint
                w.successes[i, j] += cycle
                signal(w, i, j)
    mark_shared(s, b, w, False)
    learn = p.lang_gain[b] * s.atmosphere[b] * (1.0 + informal)
    for i in range(n):
        if w.at_table[i]:
            s.language[b, i] = s.language[b, i] + learn * (1.0 - s.language[b, i])


# ---------------------------------------------------------------- 4. informal contact


@njit(cache=True)
def informal_contact(s, st, p, lev, b, w):
    """An informal moment (coffee, meeting in the neighbourhood) for those present.

    It gives joint time (getting to know each other) and common language; under T3 =
    literature it also raises the participants' commitment (goal alignment). Returns
    whether the run has a moment this week (it also opens the atmosphere).
    """
    if not w.uw[2] < lev.informal_rate:
        return False
    n = st.domain.shape[0]
    learn = p.lang_gain[b] * s.atmosphere[b]
    commit = p.informal_commitment[b] if variants.literature(p.T3[b]) else 0.0
    for i in range(n):
        if not s.present[b, i]:
            continue
        for j in range(n):
            if j != i and s.present[b, j]:
                w.joint[i, j] += 1.0
                signal(w, i, j)
        s.language[b, i] = s.language[b, i] + learn * (1.0 - s.language[b, i])
        s.align[b, i] = s.align[b, i] + commit * (1.0 - s.align[b, i])
    return True


# ------------------------------------------------------- 5. between the meetings


@njit(cache=True)
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
        if k == i or k == j or not st.case_holder[k]:
            continue
        if basis_of(p, b, s.intent[b, i, k], s.cog[b, i, k], s.emp[b, i, k]) > floor and s.cog[b, i, k] > best:
            best, choice = s.cog[b, i, k], k
    return choice if best >= threshold else -1


@njit(cache=True)
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
    n = st.domain.shape[0]
    mark_shared(s, b, w, True)
    ready = variants.readiness(p, b, s.tenure[b], s.present[b], st.case_holder) > 0
    floor, threshold = gate_floor(p, b), p.route_threshold[b]
    rate, weight = p.contact_rate[b], p.emp_contact[b]
    tunnel = p.tunnel_vision[b] > 0.5
    pairs = w.counts[_N_PAIRS]
    for k in range(pairs):
        i, j = w.pair_i[k], w.pair_j[k]
        w.target[k] = -1
        if not (s.present[b, i] and ready):
            continue
        chance = rate * (1.0 - weight + weight * s.emp[b, i, j])
        if not uniforms(key, week, CONTACT, i, j)[0] < chance:
            continue
        if not basis_of(p, b, s.intent[b, i, j], s.cog[b, i, j], s.emp[b, i, j]) > floor:
            continue
        t = j
        if s.cog[b, i, j] < threshold:  # doubt: route around
            s.routed[b, i, j] += 1.0
            t = route_around(s, st, b, i, j, threshold, floor, p)
            if t < 0:
                continue
        w.target[k] = t
        if w.reach[i, t] != 0:  # already contacted this week
            continue
        u = uniforms(key, week, CONTACT, i, t)
        fixed, backup, there = s.fixed[b, i, t], s.backup[b, i, t], s.present[b, t]
        stuck = fixed and not there and not backup  # the only person known is away
        general = not backup and (not fixed or (stuck and not tunnel))
        if (fixed and there) or (not (fixed and there) and backup) or (general and u[1] < p.general_channel[b]):
            w.reach[i, t] = _REACHED
            s.contacts[b, i, t] += 1.0
            if u[2] < p.routine_rate[b]:
                s.fixed[b, i, t] = True
            w.joint[i, t] += p.contact_joint[b]
            w.joint[t, i] += p.contact_joint[b]
            signal(w, i, t)
            signal(w, t, i)
        elif stuck and tunnel:
            w.reach[i, t] = _STALLED
            if u[3] < p.learn_backup[b]:
                s.backup[b, i, t] = True
            s.stalled[b, i, t] += 1.0
            s.stalls[b] += 1.0
            w.stalls[i, t] += 1.0
            w.counts[_N_STALLS] += 1
            signal(w, i, t)
        else:
            w.reach[i, t] = _MISSED
    # information reaches the cases the contact was about (for a detour: the cases shared
    # with the partner routed around); a stall blocks them this week
    slots = s.case_open.shape[1]
    for c in range(slots):
        w.hits[c] = 0.0
    for k in range(pairs):
        t = w.target[k]
        if t < 0:
            continue
        i, j = w.pair_i[k], w.pair_j[k]
        outcome = w.reach[i, t]
        if outcome == _MISSED:
            continue
        for c in range(slots):
            if open_need(s, b, c, i) and open_need(s, b, c, j):
                if outcome == _REACHED:
                    w.hits[c] += 1.0
                else:
                    w.stalled_case[c] = True
    for k in range(pairs):
        if w.target[k] >= 0:
            w.reach[w.pair_i[k], w.target[k]] = 0
    mark_shared(s, b, w, False)
    keep = 1.0 - p.contact_info[b]
    for c in range(slots):
        if s.case_open[b, c] and w.hits[c] > 0:  # each contact maps contact_info of what is unknown
            s.case_know[b, c] = 1.0 - (1.0 - s.case_know[b, c]) * ipow(keep, w.hits[c])


# ---------------------------------------------------------------------- 6. actions


@njit(cache=True)
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
    confusion = (1.0 - p.task_clarity[b]) if acts(p.moderators[b], p.coordination_moderator[b]) else 0.0
    for c in range(slots):
        if not s.case_open[b, c]:
            continue
        needed, done_here = 0, 0.0
        for i in range(n):
            if s.case_need[b, c, i]:
                needed += 1
        if not w.stalled_case[c]:
            for i in range(n):
                if not (s.case_agreed[b, c, i] and not s.case_done[b, c, i] and s.present[b, i]):
                    continue
                overlap = False
                for k in range(n):
                    if s.case_need[b, c, k] and st.overlap[i, k]:
                        overlap = True
                        break
                capacity = s.capacity[b, i] * (1.0 - confusion * variants.confusion_scope(p, b, overlap))
                commitment = s.align[b, i] * s.clarity[b, i]  # own goal, and how clear and shared it looks
                effort = willingness(s, st, p, lev, b, i) * (1.0 - lev.effort_alignment * (1.0 - commitment))
                effort = effort * variants.sham(p, b, st.imposed[i])
                u = uniforms(key, week, ACTION, c, i)
                able, willing = u[0] < capacity, u[1] < effort
                if able and willing:
                    s.case_done[b, c, i] = True
                    done_here += 1.0
                    if u[2] < s.capacity[b, i]:
                        s.case_reported[b, c, i] = True
                elif able:
                    s.case_shirked[b, c, i] = True
                elif willing and u[0] < s.capacity[b, i]:
                    s.confusions[b] += 1.0  # lost to task confusion
        s.round_delivered[b] += done_here
        s.case_progress[b, c] = s.case_progress[b, c] + s.case_know[b, c] * done_here / max(needed, 1)
    for c in range(slots):
        w.stalled_case[c] = False
        if not (s.case_open[b, c] and s.case_progress[b, c] >= p.case_work[b]):
            continue
        for i in range(n):
            if not s.case_need[b, c, i]:
                continue
            for j in range(n):
                if j != i and s.case_need[b, c, j]:
                    w.successes[i, j] += 1.0
                    signal(w, i, j)
        s.resolved[b] += 1.0
        close_case(s, b, c)


# ------------------------------------------------------------------ 7. opportunism


@njit(cache=True)
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
    less so the more empathic trust it has in j). ``exposure`` counts, per pair, the
    meetings at which i's data lay on the table before j in this way.
    """
    n = st.domain.shape[0]
    t2 = variants.literature(p.T2[b])
    for j in range(n):
        if not s.present[b, j]:
            continue
        first, last = st.exposed_start[j], st.exposed_start[j + 1]
        for m in range(first, last):
            i = st.exposed_members[m]
            if w.share[i] > 0:
                s.exposure[b, i, j] += 1.0
        temptation = st.conflict[j] * (1.0 - s.align[b, j])
        if not (p.opportunism[b] > 0.5 and w.um[j, 2] < p.opportunity_rate[b]
                and temptation > s.threshold[b, j] + lev.threshold_boost):
            continue
        if lev.interception > 0 and uniforms(key, week, NEWCOMER, j, 0)[1] < lev.interception:
            continue
        event = False
        for m in range(first, last):
            i = st.exposed_members[m]
            if not w.share[i] > 0:
                continue
            u = uniforms(key, week, MISUSE, i, j)
            if not u[0] < p.misuse_reach[b] * w.share[i]:
                continue
            event = True
            blind = p.identification_blindness[b] * s.emp[b, i, j] if t2 else 0.0
            if u[1] < p.detect_prob[b] * (1.0 - blind):
                s.harmed[b, i, j] += 1.0
                w.misuses[i, j] += 1.0
                signal(w, i, j)
        if event:
            s.misuse_events[b] += 1.0


# ---------------------------------------------------------------- 8. coordination


@njit(cache=True)
def evaluate(s, st, p, lev, b, week):
    """Chair-led evaluation: re-align goals, restore goal clarity, repair irritations.

    Held every ``evaluation_interval`` weeks of the network's own practice, and under I1
    also every ``i1_every`` weeks counted from its start and ``i1_after_turnover`` weeks
    after a representative was replaced, when the chair is present.
    """
    interval, every = int(p.evaluation_interval[b]), int(lev.i1_every)
    due = interval > 0 and week % interval == 0
    due = due or (every > 0 and (week - int(p.i1_start[b])) % every == 0)  # I1
    due = due or (lev.after_turnover > 0 and week - s.last_turnover_week[b] == lev.after_turnover)  # I1
    due = due and acts(p.moderators[b], p.coordination_moderator[b])
    if st.chair >= 0:
        due = due and s.present[b, st.chair]
    s.last_evaluation[b] = 1.0 if due else 0.0
    if not due:
        return
    n = st.domain.shape[0]
    rate, goal = p.evaluation_align[b], lev.shared_goal  # I1 makes the goal concrete: its clarity rises
    repair, start = p.evaluation_repair[b], p.cog_start[b]
    for i in range(n):
        s.align[b, i] = s.align[b, i] + rate * (1.0 - s.align[b, i])
        s.clarity[b, i] = s.clarity[b, i] + rate * max(goal - s.clarity[b, i], 0.0)
        for j in range(n):
            if j != i:
                s.cog[b, i, j] = s.cog[b, i, j] + repair * max(start - s.cog[b, i, j], 0.0)
    s.evaluations[b] += 1.0


# ------------------------------------------------------------------------ 9. trust


@njit(cache=True)
def update_pair(s, st, p, b, w, i, j, rates):
    """The three update rules for pair (i, j): intentional trust and reputation damage,
    then cognitive trust, then empathic trust (whose gate reads the updated kinds)."""
    loss_ratio, cog_loss_ratio, reputation_damage = rates
    succ, reported, missing = w.successes[i, j], w.reported[i, j], w.missing[i, j]
    emp, feedback = s.emp[b, i, j], s.values_feedback[b, i]
    successes, competence, blind = succ, 0.0, 0.0
    if p.separate_kinds[b] < 0.5:  # one undifferentiated trust: feedback also moves goodwill
        successes = succ + reported
        competence = missing * feedback * cog_loss_ratio / loss_ratio
    if variants.literature(p.T2[b]):
        blind = p.identification_blindness[b] * emp
    intent, damage = update_intentional(
        s.intent[b, i, j], s.damage[b, i, j], successes, w.misuses[i, j], w.freerides[i, j] * (1.0 - blind),
        p.intent_gain[b], loss_ratio, p.misuse_signal[b], p.freeride_signal[b], reputation_damage,
        p.damage_forgetting[b], competence)
    cog = update_cognitive(s.cog[b, i, j], reported, missing, feedback, p.cog_gain[b], cog_loss_ratio)
    # empathic trust follows successful joint work; identification adds most across domains
    cross = 0.0 if st.same_domain[i, j] else 1.0
    joint = (w.joint[i, j] + succ) * (1.0 + p.identification[b] * cross)
    s.emp[b, i, j] = update_empathic(emp, joint, basis_of(p, b, intent, cog, emp), w.stalls[i, j],
                                     p.emp_gain[b], gate_floor(p, b), p.stall_damage[b])
    s.intent[b, i, j], s.damage[b, i, j], s.cog[b, i, j] = intent, damage, cog


@njit(cache=True)
def update_trust(s, st, p, b, w):
    """Apply the three update rules to every pair that has something to update: the pairs
    with a signal this week and, in a run with misuse, those with reputation damage (it
    fades). Every other pair is left as it is (at zero signal the rules change nothing)."""
    rates = variants.rule_rates(p, b)
    for k in range(w.counts[_N_ACTIVE]):
        update_pair(s, st, p, b, w, w.active_i[k], w.active_j[k], rates)
    if s.misuse_events[b] > 0:
        n = st.domain.shape[0]
        for i in range(n):
            for j in range(n):
                if s.damage[b, i, j] > 0 and not w.touched[i, j]:
                    update_pair(s, st, p, b, w, i, j, rates)


@njit(cache=True)
def clear_signals(w):
    """Zero the signals of the pairs that received one (the scratch of the next week)."""
    for k in range(w.counts[_N_ACTIVE]):
        i, j = w.active_i[k], w.active_j[k]
        w.successes[i, j] = w.misuses[i, j] = w.freerides[i, j] = 0.0
        w.reported[i, j] = w.missing[i, j] = w.joint[i, j] = w.stalls[i, j] = 0.0
        w.touched[i, j] = False
    w.counts[_N_ACTIVE] = 0
    w.counts[_N_STALLS] = 0


# ------------------------------------------------------------------------ climate


@njit(cache=True)
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
    n = s.caution.shape[1]
    own = np.zeros(n)
    missing = 0.0
    for k in range(w.counts[_N_ACTIVE]):
        i, j = w.active_i[k], w.active_j[k]
        own[i] += w.misuses[i, j]  # detected misuses of i's data this week (whole numbers)
        missing += w.missing[i, j]
    total = own.sum()
    detect, hear = 1.0 - p.caution_detect[b], 1.0 - p.caution_hear[b]
    for i in range(n):
        kept = ipow(detect, own[i]) * ipow(hear, total - own[i])
        caution = 1.0 - (1.0 - s.caution[b, i]) * kept
        s.caution[b, i] = caution + p.caution_decay[b] * (p.sharing_risk[b] - caution)
    irritation = missing / max(n * (n - 1), 1)
    loss = p.atmosphere_loss[b]
    atmosphere = s.atmosphere[b] * ipow(1.0 - loss, total) * min(max(1.0 - loss * irritation, 0.0), 1.0)
    if informal:
        atmosphere = atmosphere + p.atmosphere_gain[b] * (1.0 - atmosphere)
    s.atmosphere[b] = atmosphere


# --------------------------------------------------------------------- 10. turnover


@njit(cache=True)
def turnover(s, st, p, lev, key, b, week, w):
    """Replace representatives (at the base rate, or as the scenario schedules) and let
    organisations that join this week take their seat.

    Person-bound trust (cognitive, empathic) and common language pass to the successor
    only by ``transfer_share``; fixed contacts with the leaver are lost (back-up
    addresses are the organisation's and stay). A newcomer whose vision diverges from
    what its organisation usually brings lowers how clear and shared the goal looks to
    the others (``goal_erosion`` x divergence; coordination). Intentional trust toward
    and of the newcomer restarts from goal clarity x goal alignment -- so the others
    expect less of a diverging newcomer -- under the ceiling of reputation damage, which
    is the organisation's memory and stays. A joining organisation starts like a
    newcomer (no person-bound trust, tenure 0), with the attributes the scenario gives it.
    """
    n = st.domain.shape[0]
    row = min(week, st.horizon)
    in_horizon = week <= st.horizon
    leave = np.zeros(n, dtype=np.bool_)
    arrive = np.zeros(n, dtype=np.bool_)
    joined = np.zeros(n, dtype=np.bool_)
    left, arrivals = 0, 0
    for i in range(n):
        scheduled = in_horizon and st.event_mask[row, i] and p.scheduled_events[b] > 0.5
        leave[i] = (w.um[i, 3] < lev.turnover_rate / 52.0 or scheduled) and member(st, i, week - 1)
        joined[i] = st.join_week[i] == week and week > 0
        arrive[i] = leave[i] or joined[i]
        left += 1 if leave[i] else 0
        arrivals += 1 if arrive[i] else 0
    s.last_turnover[b] = float(left)
    s.turnover_events[b] += left
    if arrivals == 0:
        return
    if left > 0:
        s.last_turnover_week[b] = float(week)
    seat_newcomers(s, st, p, lev, key, b, week, leave, joined, arrive)


@njit(cache=True)
def seat_newcomers(s, st, p, lev, key, b, week, leave, joined, arrive):
    """`turnover` for a week with newcomers ``arrive`` (``leave``: successors of a leaver,
    ``joined``: organisations that join)."""
    n = st.domain.shape[0]
    relearn = acts(p.moderators[b], p.stability_moderator[b])  # stability: a newcomer re-learns
    passed = p.transfer_share[b] if relearn else 1.0
    start = p.cog_start[b]
    for i in range(n):
        for j in range(n):
            if i == j or not (arrive[i] or arrive[j]):
                continue
            share = 0.0 if joined[i] or joined[j] else passed  # a joining organisation: nothing to pass on
            s.cog[b, i, j] = transfer(s.cog[b, i, j], start, share)
            s.emp[b, i, j] = s.emp[b, i, j] * share
            if relearn:
                s.fixed[b, i, j] = False
    row = min(week, st.horizon)
    for i in range(n):
        if not arrive[i]:
            continue
        kept = 0.0 if joined[i] else passed
        s.language[b, i] = max(s.language[b, i] * kept, lev.training)  # I2: training
        s.tenure[b, i] = 0.0
        if not leave[i]:
            continue
        values = np.empty(len(_NEWCOMER_ATTRS))
        for a in range(len(_NEWCOMER_ATTRS)):
            k = _NEWCOMER_ATTRS[a]
            override = st.event_values[k, row, i] if week <= st.horizon else np.nan
            values[a] = st.base_rep[k, i] if np.isnan(override) else override
            if k == _ALIGN and np.isnan(override):
                u = uniforms(key, week, NEWCOMER, i, 0)[0]
                values[a] = min(max(st.base_rep[k, i] + st.newcomer_spread * (2.0 * u - 1.0), 0.0), 1.0)
        s.align[b, i], s.capacity[b, i], s.values_feedback[b, i] = values[0], values[1], values[2]
        s.availability[b, i], s.threshold[b, i], s.reticence[b, i] = values[3], values[4], values[5]

    # coordination: a diverging newcomer erodes the goal's clarity for the others
    coordination = 1.0 if acts(p.moderators[b], p.coordination_moderator[b]) else 0.0
    kept = 1.0
    for i in range(n):
        if leave[i]:
            divergence = max(st.base_rep[_ALIGN, i] - s.align[b, i], 0.0)
            kept *= 1.0 - min(p.goal_erosion[b] * coordination * divergence, 1.0)
    total, settled = 0.0, 0
    for i in range(n):
        if arrive[i]:
            continue
        s.clarity[b, i] = s.clarity[b, i] * kept
        total += s.clarity[b, i]
        settled += 1
    for i in range(n):
        if arrive[i]:
            s.clarity[b, i] = total / max(settled, 1)

    # intentional trust toward and of the newcomer restarts from the prior, under the ceiling
    for i in range(n):
        prior = intent_prior(p, b, s.clarity[b, i], s.align[b, i])
        for j in range(n):
            if i != j and (arrive[i] or arrive[j]):
                s.intent[b, i, j] = min(prior, 1.0 - s.damage[b, i, j])
