"""The weekly process, as array operations over all organisations and all runs.

`advance_week` is the one place that fixes the order of the weekly process (ODD,
"Process overview and scheduling"). Each sub-step reads and writes the `State` of a
block of B runs in place; run-dependent events (a meeting this week, outsiders
attending) are boolean masks of shape (B,), so runs with different meeting intervals can
share a block. The Mesa model calls `advance_week` with B = 1.

Axis conventions: b run, c case slot, i/j organisations; pairwise arrays are indexed
[b, trustor, trustee].

Speed without other numbers: a sub-step that no run of the block needs this week is
skipped, some work is done only on the runs, slots or pairs it concerns, and in large
networks the trust rules run on the active pairs only. Each shortcut is an exact
identity of the arithmetic it replaces (ODD 7.6; `tests/test_engine_paths.py` holds the
engine's outputs from before the shortcuts and compares them bit for bit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model import variants
from model.draws import WeekDraws, poisson_quantile
from model.levers import levers
from model.scenario import DOMAINS
from model.state import State, intent_prior
from model.structure import ParamBatch, Structure, memo
from model.trust import gate, transfer, update_cognitive, update_empathic, update_intentional


@dataclass
class Signals:
    """What the trustor observed about the trustee this week, (B, N, N) counts."""

    successes: np.ndarray
    misuses: np.ndarray
    freerides: np.ndarray
    reported: np.ndarray
    missing: np.ndarray
    joint: np.ndarray
    stalls: np.ndarray

    @classmethod
    def zeros(cls, b: int, n: int) -> Signals:
        return cls(*(np.zeros((b, n, n)) for _ in range(7)))


def advance_week(s: State, st: Structure, pb: ParamBatch, u: WeekDraws) -> None:
    """Advance every run of the block by one week (in place)."""
    s.week += 1
    pb = levers(pb, st, s.week)  # the timeline and the interventions of this week, as levers
    sig = Signals.zeros(s.batch, st.n)
    meeting = (s.week % pb.meeting_interval) == 0  # (B,)

    absence = np.clip((1.0 - s.availability) * pb.col("absence_scale", 1), 0.0, 1.0)
    availability = 1.0 - absence * (1.0 - pb.col("absence_cut", 1))  # I6: absence cut
    present = (u.presence < availability) | ~moderates(pb, "stability", 1)  # stability: absence
    s.present = present & members(st, s.week)[None, :]  # not yet joined: not there
    s.backup = s.backup | (pb.col("social_map", 2) & st.offdiag[None])  # I4: a back-up is known
    arrive_cases(s, st, pb, u)                                    # 1. cases arrive
    share, identifiable = hold_meeting(s, st, pb, u, meeting, sig)  # 2. meeting: share, review, agree
    informal = informal_contact(s, st, pb, u, sig)                #    communication
    stalled_cases = contact_outside_meetings(s, st, pb, u, meeting, sig)  # 3. contacts
    carry_out_actions(s, st, pb, u, stalled_cases, sig)           # 3. actions, feedback, progress
    opportunism(s, st, pb, u, meeting, share, identifiable, sig)  # 4. misuse of shared data
    evaluate(s, st, pb)                                           # coordination: evaluations
    update_trust(s, st, pb, sig)                                  # 5. trust updates
    update_climate(s, st, pb, sig, informal)                      #    caution, atmosphere
    turnover(s, st, pb, u)                                        # 6. turnover, joining
    s.tenure = s.tenure + 1.0
    s.last_stalls = sig.stalls.sum(axis=(1, 2))


def moderates(pb: ParamBatch, name: str, dims: int) -> np.ndarray:
    """(B, 1, ...) bool: moderator ``name`` acts in the run (its own switch and ``moderators``)."""
    return pb.col("moderators", dims) & pb.col(f"{name}_moderator", dims)


MAIN_EFFECT_AT = 0.1  # under moderation = additive, a factor m costs (1 - m) x this, whatever the trust


def moderated(y: np.ndarray, pb: ParamBatch, dims: int, *factors: np.ndarray) -> np.ndarray:
    """A trust-driven quantity ``y`` (in [0, 1]) under moderator factors (in [0, 1]) whose
    product is m.

    The study's moderation (``moderation`` = interaction) scales what trust yields: y x m,
    so a weak moderator flattens the rise of collaboration with trust. Under the P6
    ablation (``moderation`` = additive) the same factor acts as a main effect only:
    y - (1 - m) x `MAIN_EFFECT_AT`, clipped to [0, 1] -- it lowers the level by the same
    amount at every level of trust, so the slope no longer depends on the moderator
    (except where the clip binds). ``pb.col`` with ``dims`` trailing axes matches ``y``.
    """
    scaled = y
    for m in factors:  # one factor after the other (the order of the arithmetic is kept)
        scaled = scaled * m
    additive = pb.col("moderation", dims) == "additive"
    if not additive.any():
        return scaled
    m = np.prod(np.broadcast_arrays(*factors), axis=0) if len(factors) > 1 else factors[0]
    return np.where(additive, np.clip(y - (1.0 - m) * MAIN_EFFECT_AT, 0.0, 1.0), scaled)


def members(st: Structure, week: int) -> np.ndarray:
    """(N,) bool: the organisations that have joined the network by ``week``."""
    return st.join_week <= week


def count(a: np.ndarray) -> np.ndarray:
    """Sums along the last axis of a boolean or whole-numbered array, as exact floats.

    A matrix product with a vector of ones: numpy's own reductions along a short last
    axis cost several times more. The entries are whole numbers, so the sums are exact
    whatever the order of summation.
    """
    return np.asarray(a, dtype=np.float64) @ np.ones(a.shape[-1])


# ----------------------------------------------------------------------------- cases


def co_needed(need: np.ndarray) -> np.ndarray:
    """(B, N, N) number of cases that need both i and j (``need`` is (B, S, N) 0/1).

    Written as a batched matrix product; the operands are 0/1, so the sums are exact
    integers whatever the order of summation (engines agree bit for bit).
    """
    return np.swapaxes(need, 1, 2) @ need


def on_cases(need: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """(B, S) sum over pairs (i, j) both needed on case c of ``pairs[b, i, j]``."""
    return count((need @ pairs) * need)  # whole numbers: counts of contacts


def open_needs(s: State) -> np.ndarray:
    """(B, S, N) bool: organisation i is needed on open case c."""
    return s.case_need & s.case_open[:, :, None]


def arrive_cases(s: State, st: Structure, pb: ParamBatch, u: WeekDraws) -> None:
    """New cases fill free slots in order; the rest wait outside the pool.

    A case needs organisation i with chance ``need_prob`` (only organisations that
    hold case information); the two organisations with the lowest draws are always
    needed, so every case needs at least two parties (study §4.2.4).
    """
    new = poisson_quantile(u.arrivals, pb.arrival_cdf)
    demand = s.waiting + new
    free = ~s.case_open
    rank = np.cumsum(free, axis=1)
    fill = free & (rank <= demand[:, None])
    s.waiting = demand - count(fill)
    bb, cc = np.nonzero(fill)  # the slots filled this week; only their draws are read
    if not len(bb):
        return
    draws = np.where(st.case_holder[None, :], u.need[bb, cc], np.inf)
    second = np.partition(draws, 1, axis=-1)[:, 1:2] if st.n > 1 else draws
    need = (draws < pb.col("need_prob", 1)[bb]) | (draws <= second)
    need &= (st.case_holder & members(st, s.week))[None, :]
    s.case_need[bb, cc] = need
    s.case_open[bb, cc] = True
    for name in ("case_agreed", "case_done", "case_reported", "case_shirked", "case_acted"):
        getattr(s, name)[bb, cc] = False
    s.case_know[bb, cc] = 0.0
    s.case_progress[bb, cc] = 0.0


def close_cases(s: State, done: np.ndarray) -> None:
    """Free the slots of resolved cases ((B, S) mask).

    Actions still open on a resolved case are moot: they leave this round's count of
    agreed actions, so that they are not read as undelivered at the next meeting.
    """
    moot = s.case_agreed & ~s.case_done & done[:, :, None]
    s.round_agreed = s.round_agreed - moot.sum(axis=(1, 2))
    s.case_agreed = s.case_agreed & ~done[:, :, None]
    s.case_open = s.case_open & ~done


# --------------------------------------------------------------------------- meeting


def willingness(s: State, st: Structure, pb: ParamBatch) -> np.ndarray:
    """(B, N) willingness to collaborate: autonomy kept, or lost under power asymmetry.

    Under "who pays decides" the organisations that do not pay may lose willingness in
    proportion to the asymmetry. On the study's side of T5 they keep it as long as they
    can voice their perspective (voice at least ``voice_enough``; study §4.4.2: everyone
    in Y says autonomy is kept although the municipality pays); on the literature's side
    unequal resources restrict autonomy whatever the voice (`variants.voice_shortfall`).
    """
    def compute():
        loss = pb.col("power_asymmetry", 1) * variants.voice_shortfall(pb) * moderates(pb, "autonomy", 1)
        return 1.0 - loss * (~st.pays)[None, :]
    return memo(pb, ("willingness", id(st)), compute)


def trust_basis(s: State, pb: ParamBatch, dims: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """The trust that gates sharing and contact, and its floor (P5).

    Normally intentional trust with floor ``intent_gate``; with the ``trust_gate``
    mechanism off, the mean of the three kinds with no floor.
    """
    floor = trust_gate(pb, dims)[1]
    return basis_of(pb.col("trust_gate", 2), s.intent, s.cog, s.emp), floor


def trust_gate(pb: ParamBatch, dims: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``trust_gate`` switch and the gate's floor, (B, 1, ...) with ``dims`` trailing axes."""
    on = pb.col("trust_gate", dims)
    return on, memo(pb, ("gate_floor", dims), lambda: np.where(on, pb.col("intent_gate", dims), 0.0))


def basis_of(on: np.ndarray, intent: np.ndarray, cog: np.ndarray, emp: np.ndarray) -> np.ndarray:
    """Intentional trust where the gate is on, else the mean of the three kinds."""
    if np.all(on):
        return intent
    return np.where(on, intent, (intent + cog + emp) / 3.0)


def table_trust(trust: np.ndarray, pair: np.ndarray, pb: ParamBatch) -> np.ndarray:
    """(B, N) trust a member places in the others at the table: mean and weakest link."""
    count = pair.sum(axis=-1)
    mean = np.where(pair, trust, 0.0).sum(axis=-1) / np.maximum(count, 1)
    least = np.where(pair, trust, np.inf).min(axis=-1)
    least = np.where(count > 0, least, mean)
    w = pb.col("weakest_link", 1)
    return (1.0 - w) * mean + w * least


def sharing_decision(s: State, st: Structure, pb: ParamBatch, at_table: np.ndarray,
                     contributing: np.ndarray, outsiders: np.ndarray) -> np.ndarray:
    """(B, N) share of its case information each member puts on the table (ODD+D).

    ``contributing`` are the members whose information reaches the meeting: those at the
    table and absent members who send it in (a colleague, written input). Rises with
    intentional trust in those present (gated: none without it, P5); falls with the
    member's caution about sharing personal data (state, see `update_climate`; I2 takes
    a share of it away), with unscreened outsiders present (by the member's reticence),
    with reputation damage held against someone present (one's own data misused before,
    P2), and with lost autonomy.
    """
    pair = contributing[:, :, None] & at_table[:, None, :] & st.offdiag[None]
    basis, floor = trust_basis(s, pb, dims=1)
    trust = table_trust(basis, pair, pb)
    burn = np.where(pair, s.damage, 0.0).max(axis=-1)
    share = gate(trust, floor)
    share = share * (1.0 - s.caution * (1.0 - pb.col("caution_cut", 1)))
    share = share * (1.0 - pb.col("burn_penalty", 1) * burn)
    share = share * (1.0 - s.reticence * outsiders[:, None])
    share = moderated(share, pb, 1, willingness(s, st, pb))  # autonomy
    share = share * variants.sham(pb, st, 1) * variants.readiness(pb, s.tenure, at_table, st.case_holder)
    return np.where(contributing & st.case_holder[None, :], share, 0.0)


def hold_meeting(s: State, st: Structure, pb: ParamBatch, u: WeekDraws, meeting: np.ndarray,
                 sig: Signals) -> tuple[np.ndarray, np.ndarray]:
    """Meeting weeks: share information, review last round's actions, agree new ones.

    Returns the (B, N) sharing of this week (zero where no meeting) and the share of it
    that identifies persons: 1, except for a member that brings a case in anonymously at
    its first mention (``anonymous_first``, R11 in Y, §4.2.2.2), for which it is the share
    of its open cases mentioned at an earlier meeting. In a week in which no run of the
    block meets nothing here changes, so the sub-step is skipped.
    """
    if not meeting.any():
        return np.zeros((s.batch, st.n)), np.ones((s.batch, st.n))
    m1, m2 = meeting[:, None], meeting[:, None, None]
    at_table = s.present & m1
    written = m1 & ~s.present & members(st, s.week)[None, :] & (u.input < pb.col("absent_input", 1))
    outsiders = (u.outsiders < pb.outsider_rate) & meeting
    share = sharing_decision(s, st, pb, at_table, at_table | written, outsiders)
    s.sharing = np.where(m1, share, s.sharing)

    need = open_needs(s)
    needf = need.astype(float)
    identifiable = np.ones((s.batch, st.n))
    if st.anonymous_first.any():  # cases not yet mapped are at their first mention
        mentioned = count(np.swapaxes(needf * (s.case_know > 0)[:, :, None], 1, 2))
        known = mentioned / np.maximum(count(np.swapaxes(needf, 1, 2)), 1.0)
        identifiable = np.where(st.anonymous_first[None, :], known, 1.0)
    n_need = need.sum(axis=-1)
    info = (needf * share[:, None, :]).sum(axis=-1) / np.maximum(n_need, 1)
    lang = (needf * s.language[:, None, :]).sum(axis=-1) / np.maximum(n_need, 1)
    floor = np.where(moderates(pb, "communication", 1), pb.col("language_floor", 1), 1.0)
    domains = (needf @ np.eye(len(DOMAINS))[st.domain]) > 0  # (B, S, domains) present on the case
    cross = (domains.sum(axis=-1) > 1).astype(float)
    understood = moderated(info, pb, 1, floor + (1.0 - floor) * lang,  # communication: common language
                           1.0 - variants.culture_loss(pb, cross, s.atmosphere))  # and domain cultures (T4)
    s.case_know = np.where(m1 & s.case_open, s.case_know + (1.0 - s.case_know) * understood,
                           s.case_know)

    # review: the round of feedback on the actions agreed at the last meeting
    observers = (need & at_table[:, None, :]).astype(float)  # j at the table, on the case
    prev = s.case_agreed & m2
    sig.reported += _pair_counts(observers, prev & s.case_reported, st)
    sig.missing += _pair_counts(observers, prev & ~s.case_reported, st)
    sig.freerides += _pair_counts(observers, prev & ~s.case_done & s.case_shirked, st)

    # collaboration at this meeting: information exchanged x means delivered since the last
    n_open = s.case_open.sum(axis=1)
    exchanged = np.where(s.case_open, understood, 0.0).sum(axis=1) / np.maximum(n_open, 1)
    means = np.where(s.round_agreed > 0, s.round_delivered / np.maximum(s.round_agreed, 1), 1.0)
    has = meeting & (n_open > 0)
    s.collaboration = np.where(has, moderated(exchanged, pb, 0, means), s.collaboration)
    mean_info = np.where(s.case_open, info, 0.0).sum(axis=1) / np.maximum(n_open, 1)
    s.info_shared = np.where(has, mean_info, s.info_shared)

    # agree new actions: needed members present, on cases that are (partly) mapped
    new = need & at_table[:, None, :] & (s.case_know > 0)[:, :, None]
    s.case_agreed = np.where(m2, new, s.case_agreed)
    for name in ("case_done", "case_reported", "case_shirked"):
        setattr(s, name, getattr(s, name) & ~m2)
    s.round_agreed = np.where(meeting, new.sum(axis=(1, 2)), s.round_agreed)
    s.round_delivered = np.where(meeting, 0.0, s.round_delivered)

    # I5: the chair collects irritations; competence trust between those present is repaired
    pair = pair_of(at_table, st)
    repair = pb.col("irritation_repair", 2) * np.maximum(pb.col("cog_start", 2) - s.cog, 0.0)
    s.cog = np.where(pair, s.cog + repair, s.cog)

    # joint work and common language from the meeting itself: pairs working together on an
    # open case at the table, and the informal chat a physical meeting brings to all present
    informal = pb.col("informal_physical", 1) * np.where(pb.col("online", 1),
                                                         pb.col("online_informal_share", 1), 1.0)
    cowork = pair & (co_needed(needf) > 0)
    sig.joint += cowork + pair * informal[:, :, None]
    cycle = np.where(variants.literature(pb, "T1", 2), pb.col("interaction_cycle", 2), 0.0)
    sig.successes += pair * cycle  # T1 literature: trust built through cycles of interaction
    learn = pb.col("lang_gain", 1) * s.atmosphere[:, None] * (1.0 + informal)
    s.language = np.where(at_table, s.language + learn * (1.0 - s.language), s.language)
    return share, identifiable


def pair_of(members: np.ndarray, st: Structure) -> np.ndarray:
    """(B, N, N) ordered pairs of distinct organisations both in ``members`` (B, N)."""
    return members[:, :, None] & members[:, None, :] & st.offdiag[None]


def _pair_counts(observers: np.ndarray, acted: np.ndarray, st: Structure) -> np.ndarray:
    """[b, j, i] = number of cases on which observer j saw organisation i's outcome."""
    counts = np.swapaxes(observers, 1, 2) @ acted.astype(float)
    return counts * st.offdiag[None]


def informal_contact(s: State, st: Structure, pb: ParamBatch, u: WeekDraws, sig: Signals) -> np.ndarray:
    """An informal moment (coffee, meeting in the neighbourhood) for those present.

    It gives joint time (getting to know each other) and common language; under T3 =
    literature it also raises the participants' commitment (goal alignment). Returns the
    (B,) bool of runs with a moment this week (it also opens the atmosphere).
    """
    happens = u.informal < pb.informal_rate
    here = s.present & happens[:, None]
    sig.joint += pair_of(here, st)
    learn = pb.col("lang_gain", 1) * s.atmosphere[:, None]
    s.language = np.where(here, s.language + learn * (1.0 - s.language), s.language)
    commit = np.where(variants.literature(pb, "T3", 1), pb.col("informal_commitment", 1), 0.0)
    s.align = np.where(here, s.align + commit * (1.0 - s.align), s.align)  # T3 literature
    return happens


# ------------------------------------------------------------- between the meetings


def contact_outside_meetings(s: State, st: Structure, pb: ParamBatch, u: WeekDraws,
                             meeting: np.ndarray, sig: Signals) -> np.ndarray:
    """Members contact partners on shared open cases; returns (B, S) stalled cases.

    Between meetings a member contacts a partner it shares an open case with -- more
    often the more empathic trust it has in it (shorter lines), and only where
    intentional trust is present. A member that doubts the partner's competence
    (cognitive trust below ``route_threshold``) routes the work around it: it asks the
    organisation of the same domain it trusts most instead, if it trusts that one
    enough (P3, study §4.1.2.1). A fixed contact answers when present; when absent and
    no back-up is known the work stalls (tunnel vision, P4) and the member may learn a
    back-up. Without a fixed contact the general address gets through with chance
    ``general_channel``. Successful contacts add information to the shared cases and
    may turn the person reached into a fixed contact (routine).
    """
    if meeting.all():  # contacts happen between meetings only
        return _inform_cases(s, pb, 0.0)
    need = open_needs(s).astype(float)
    shared = (co_needed(need) > 0) & st.offdiag[None]
    w = pb.col("emp_contact", 2)
    chance = pb.col("contact_rate", 2) * (1.0 - w + w * s.emp)
    ready = variants.readiness(pb, s.tenure, s.present, st.case_holder)[:, :, None] > 0
    want = shared & s.present[:, :, None] & (u.contact < chance) & ~meeting[:, None, None] & ready
    basis, floor = trust_basis(s, pb)
    want &= basis > floor
    if not want.any():
        return _inform_cases(s, pb, 0.0)
    threshold = pb.col("route_threshold", 2)
    doubt = s.cog < threshold
    direct = want & ~doubt
    detour, redirects = route_around(s, st, want & doubt, threshold, basis, floor)
    s.routed = s.routed + (want & doubt)

    there = s.present[:, None, :]
    tunnel = pb.col("tunnel_vision", 2)  # routine over-trust (P4); T2 literature adds blind spots
    stuck = s.fixed & ~there & ~s.backup  # the only person known is away
    general = ~s.backup & (~s.fixed | (stuck & ~tunnel))  # goes to the general address
    reached = (s.fixed & there) | (~(s.fixed & there) & s.backup) \
        | (general & (u.channel < pb.col("general_channel", 2)))
    success = (direct | detour) & reached
    stall = (direct | detour) & stuck & tunnel

    s.contacts = s.contacts + success
    s.fixed = s.fixed | (success & (u.routine < pb.col("routine_rate", 2)))
    succ = success.astype(float)
    sig.joint += pb.col("contact_joint", 2) * (succ + np.swapaxes(succ, 1, 2))
    # information reaches the cases the contact was about: direct contacts serve the
    # cases shared with the partner; a detour serves the cases of the partner routed around
    served = _credit(succ * direct, succ, redirects)
    stalled_cases = _inform_cases(s, pb, on_cases(need, served))
    if not stall.any():
        return stalled_cases
    s.backup = s.backup | (stall & (u.backup < pb.col("learn_backup", 2)))
    s.stalled = s.stalled + stall
    s.stalls = s.stalls + stall.sum(axis=(1, 2))
    sig.stalls += stall
    blocked = _credit(stall * direct, stall.astype(float), redirects)
    return on_cases(need, blocked) > 0


def _inform_cases(s: State, pb: ParamBatch, hits: np.ndarray | float) -> np.ndarray:
    """Each contact about an open case maps ``contact_info`` of what is still unknown.

    Applied in every week, also to cases no contact reached (``hits`` 0), so that the
    weeks in which the contact step is skipped go through the same arithmetic. Returns
    the (B, S) stalled cases of a week without stalls (none).
    """
    keep = (1.0 - pb.col("contact_info", 1)) ** hits
    s.case_know = np.where(s.case_open, 1.0 - (1.0 - s.case_know) * keep, s.case_know)
    return np.zeros(s.case_open.shape, dtype=bool)


def _credit(direct: np.ndarray, outcome: np.ndarray, redirects: tuple[np.ndarray, ...]) -> np.ndarray:
    """Pairwise (i, j) outcomes: direct ones plus those of the detours made for (i, j)."""
    out = direct.astype(float)
    bb, ii, jj, kk = redirects
    if len(bb):
        np.add.at(out, (bb, ii, jj), outcome[bb, ii, kk])
    return out


DETOUR_COLUMNS = 64  # above this many organisations the detour search goes domain by domain


def route_around(s: State, st: Structure, doubted: np.ndarray, threshold: np.ndarray,
                 basis: np.ndarray, floor: np.ndarray) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """Redirect contacts away from doubted partners.

    For each doubted pair (i, j) the member turns to the organisation k of j's domain
    (k != i, j) that holds case information and has its intentional trust, choosing the
    one in which it has the highest cognitive trust (the first such one on ties), if that
    trust reaches the threshold. Returns ``detour`` (B, N, N) bool, the contacts i -> k
    made instead, and the index arrays (b, i, j, k) of the redirections.

    The candidates depend on j only through its domain and through k != j, so the search
    runs once per (run, member, domain): the best candidate serves every doubted partner
    of that domain except itself, which gets the second best.
    """
    b, n = doubted.shape[0], st.n
    detour = np.zeros((b, n, n), dtype=bool)
    bb, ii, jj = np.nonzero(doubted)
    if not len(bb):
        return detour, (bb, ii, jj, jj)
    ndom = len(DOMAINS)
    key = (bb * n + ii) * ndom + st.domain[jj]
    seen = np.zeros(b * n * ndom, dtype=np.intp)
    seen[key] = 1
    group = np.flatnonzero(seen)
    inverse = np.cumsum(seen)[key] - 1
    gb, gi, gd = group // (n * ndom), (group // ndom) % n, group % ndom
    first, second = np.zeros(len(group), dtype=np.intp), np.zeros(len(group), dtype=np.intp)
    best, runner_up = np.full(len(group), -1.0), np.full(len(group), -1.0)
    everyone = np.arange(n)
    # in large networks per domain, over the columns of that domain's organisations only
    parts = ([(np.flatnonzero(gd == d), np.flatnonzero(st.domain == d)) for d in np.unique(gd)]
             if n > DETOUR_COLUMNS else [(np.arange(len(group)), everyone)])
    for g, cols in parts:
        candidates = (st.domain[cols][None, :] == gd[g, None]) & (cols[None, :] != gi[g, None])
        candidates &= st.case_holder[cols][None, :]
        candidates &= basis[gb[g, None], gi[g, None], cols[None, :]] > floor.reshape(-1)[gb[g], None]
        score = np.where(candidates, s.cog[gb[g, None], gi[g, None], cols[None, :]], -1.0)
        rows = np.arange(len(g))
        top = score.argmax(axis=1)
        first[g], best[g] = cols[top], score[rows, top]
        score[rows, top] = -1.0
        top = score.argmax(axis=1)
        second[g], runner_up[g] = cols[top], score[rows, top]
    taken = first[inverse] == jj  # the best candidate is the doubted partner itself
    kk = np.where(taken, second[inverse], first[inverse])
    ok = np.where(taken, runner_up[inverse], best[inverse]) >= threshold.reshape(-1)[bb]
    bb, ii, jj, kk = bb[ok], ii[ok], jj[ok], kk[ok]
    detour[bb, ii, kk] = True
    return detour, (bb, ii, jj, kk)


def carry_out_actions(s: State, st: Structure, pb: ParamBatch, u: WeekDraws,
                      stalled_cases: np.ndarray, sig: Signals) -> None:
    """Organisations carry out agreed actions and report back; cases progress or resolve.

    An action is done when the representative is present, the case is not stalled, the
    organisation has capacity (less where an overlapping organisation is on the same case
    and the task division is unclear: such lost actions are counted, T8's observable
    referral outcome) and puts in effort (less with low commitment -- goal alignment times
    goal clarity -- or lost autonomy: weak opportunism, counted as free-riding). A done action is reported
    back with chance ``capacity``. Each done action moves its case by (case knowledge /
    parties needed): a case that is not mapped cannot be solved (study §4.2.6). Stalled
    cases do not move this week.
    """
    need = open_needs(s)
    pending = s.case_agreed & ~s.case_done & s.present[:, None, :] & s.case_open[:, :, None]
    if pending.any():  # else no action moves and no case progresses
        _act(s, st, pb, u, need, pending & ~stalled_cases[:, :, None])
    resolved = s.case_open & (s.case_progress >= pb.col("case_work", 1))
    if not resolved.any():
        return
    rf = (need & resolved[:, :, None]).astype(float)
    sig.successes += co_needed(rf) * st.offdiag[None]
    s.resolved = s.resolved + resolved.sum(axis=1)
    close_cases(s, resolved)


def _act(s: State, st: Structure, pb: ParamBatch, u: WeekDraws, need: np.ndarray, workable: np.ndarray) -> None:
    """The agreed actions that can be worked on this week are done, lost or left undone."""
    # the two organisations with overlapping tasks divide a case clearly between themselves
    # (§4.6.4.1): an unclear division bites where a case was brought to one of them without
    # the other, so that it may have gone to the wrong one and is referred on (a week lost)
    partner_on_case = (need.astype(float) @ memo(st, ("overlap",), lambda: st.overlap.T.astype(float))) > 0
    misdirected = memo(st, ("has_partner",), lambda: st.overlap.any(axis=1))[None, None, :] & ~partner_on_case
    confusion = memo(pb, ("confusion",), lambda: (1.0 - pb.col("task_clarity", 2))
                     * moderates(pb, "coordination", 2))
    capacity = s.capacity[:, None, :] * (1.0 - confusion * variants.confusion_scope(pb, misdirected))
    commitment = s.align * s.clarity  # own goal, and how clear and shared the goal looks
    effort = willingness(s, st, pb) * (1.0 - pb.col("effort_alignment", 1) * (1.0 - commitment))
    effort = effort * memo(pb, ("sham", id(st)), lambda: variants.sham(pb, st, 1))
    able = u.act < capacity
    willing = u.effort < effort[:, None, :]
    done = workable & able & willing
    lost = workable & willing & ~able & (u.act < s.capacity[:, None, :])  # referred on: task confusion
    s.confusions = s.confusions + lost.sum(axis=(1, 2))
    s.case_shirked = s.case_shirked | (workable & able & ~willing)
    s.case_done = s.case_done | done
    s.case_acted = s.case_acted | done  # who has acted on the case: observed only (joint action)
    s.case_reported = s.case_reported | (done & (u.report < s.capacity[:, None, :]))
    n_done = count(done)
    s.round_delivered = s.round_delivered + n_done.sum(axis=1)
    s.case_progress = s.case_progress + s.case_know * n_done / np.maximum(count(need), 1)


# ----------------------------------------------------------------------- opportunism


def opportunism(s: State, st: Structure, pb: ParamBatch, u: WeekDraws, meeting: np.ndarray,
                share: np.ndarray, identifiable: np.ndarray, sig: Signals) -> None:
    """Members may use data shared this week for their organisation's own interest.

    Gorobets & Nooteboom's threshold of defection: member j misuses when it has a
    private use for the data (chance ``opportunity_rate``) and its temptation -- its
    organisation's conflict of interest times (1 - its goal alignment) -- exceeds its
    opportunism threshold. The data it can use are those put on the table at this meeting
    while it was present, by members whose data serve its interest (their domain is one
    j's interest conflicts with: the housing corporation against care and the district
    team, not the police, study §4.1.3.2); each such member's data are touched with a
    chance that grows with how much it shared (``misuse_reach`` x its sharing), and each
    victim may detect it. Only data that identify persons can be used: a member that
    brings cases in anonymously at their first mention exposes only the ``identifiable``
    share of what it shares. ``exposure`` adds up, per pair, the meetings at which i's data
    lay on the table before j in this way, each weighted by that share (1 for most
    members). Only meeting weeks expose data.
    """
    if not meeting.any():
        return
    at_table = s.present & meeting[:, None]
    temptation = conflict_of_interest(st, pb) * (1.0 - s.align)
    threshold = s.threshold + pb.col("threshold_boost", 1)  # I2: clear limits on the use of data
    misuser = at_table & (u.opportunity < pb.col("opportunity_rate", 1)) & (temptation > threshold)
    misuser &= pb.col("opportunism", 1)
    # I2: the privacy officer checks uses of shared data and stops a share of the attempts
    # before any data are used (the otherwise unused diagonal of the victim draw decides)
    misuser &= ~(np.diagonal(u.victim, axis1=1, axis2=2) < pb.col("interception", 1))
    usable = share * identifiable  # what identifies persons
    before = (usable > 0)[:, :, None] & at_table[:, None, :] & st.exposed_to[None]
    s.exposure = s.exposure + before * identifiable[:, :, None]
    victim = misuser[:, None, :] & before & (u.victim < pb.col("misuse_reach", 2) * usable[:, :, None])
    blind = np.where(variants.literature(pb, "T2", 2), pb.col("identification_blindness", 2) * s.emp, 0.0)
    detected = victim & (u.detect < pb.col("detect_prob", 2) * (1.0 - blind))  # T2 literature
    events = victim.any(axis=1).sum(axis=1)
    s.misuse_events = s.misuse_events + events
    s.harmed = s.harmed + detected
    sig.misuses += detected


# ---------------------------------------------------------------------- coordination


def evaluate(s: State, st: Structure, pb: ParamBatch) -> None:
    """Chair-led evaluation: re-align goals, restore goal clarity, repair irritations.

    Held every ``evaluation_interval`` weeks of the network's own practice, and under I1
    also every ``i1_every`` weeks counted from its start and ``i1_after_turnover`` weeks
    after a representative was replaced, when the chair is present.
    """
    interval = pb.evaluation_interval
    due = (interval > 0) & (s.week % np.maximum(interval, 1) == 0)
    every = pb.i1_every
    due |= (every > 0) & ((s.week - pb.i1_start) % np.maximum(every, 1) == 0)  # I1
    due |= (pb.after_turnover > 0) & (s.week - s.last_turnover_week == pb.after_turnover)  # I1
    due &= moderates(pb, "coordination", 0)
    if st.chair >= 0:
        due &= s.present[:, st.chair]
    s.last_evaluation = due.astype(float)
    if not due.any():
        return
    d1, d2 = due[:, None], due[:, None, None]
    s.align = np.where(d1, s.align + pb.col("evaluation_align", 1) * (1.0 - s.align), s.align)
    goal = pb.col("shared_goal", 1)  # I1 makes the goal concrete: its clarity rises
    s.clarity = np.where(d1, s.clarity + pb.col("evaluation_align", 1) * np.maximum(goal - s.clarity, 0.0),
                         s.clarity)
    start = pb.col("cog_start", 2)
    repaired = s.cog + pb.col("evaluation_repair", 2) * np.maximum(start - s.cog, 0.0)
    s.cog = np.where(d2 & st.offdiag[None], repaired, s.cog)
    s.evaluations = s.evaluations + due


# ----------------------------------------------------------------------------- trust


def update_trust(s: State, st: Structure, pb: ParamBatch, sig: Signals) -> None:
    """Apply the three update rules to every pair that has something to update.

    A pair without any signal this week and without reputation damage is left exactly
    as it is by all three rules (at zero signal every step adds or multiplies by an exact
    zero or one). When such idle pairs are the majority -- large networks, quiet weeks --
    the rules run on the active pairs only, gathered into 1-D arrays; otherwise on the
    whole arrays. The rules are the same functions either way and give the same numbers
    bit for bit (tests).
    """
    idx = None
    if st.n >= SPARSE_MIN_N:
        total = sig.successes + sig.reported + sig.missing + sig.freerides + sig.misuses + sig.joint + sig.stalls
        active = ((total != 0) | (s.damage > 0)) & st.offdiag[None]
        if np.count_nonzero(active) < SPARSE_SHARE * active.size:
            idx = np.flatnonzero(active)
    p = _Gather(idx, st.n)
    # separate_kinds off: one undifferentiated trust, so feedback also moves goodwill, with
    # the cognitive rule's weights (missing feedback scaled to the intentional loss ratio)
    rates = {k: p(v) for k, v in memo(pb, ("rule_rates",), lambda: variants.rule_rates(pb)).items()}
    succ, reported, missing, emp = p(sig.successes), p(sig.reported), p(sig.missing), p(s.emp)
    feedback = p(s.values_feedback[:, :, None])
    successes, competence, blind = succ, 0.0, 0.0  # what the branches below give when no run takes them
    merged = ~pb.col("separate_kinds", 2)
    if merged.any():
        merged = p(merged)
        successes = succ + np.where(merged, reported, 0.0)
        competence = np.where(merged, missing * feedback * rates["cog_loss_ratio"] / rates["loss_ratio"], 0.0)
    t2 = variants.literature(pb, "T2", 2)
    if t2.any():
        blind = np.where(p(t2), p(pb.col("identification_blindness", 2)) * emp, 0.0)
    misuses = p(sig.misuses) * p(pb.col("misuse_trust", 2))  # P2 ablation: trust does not register misuse
    intent, damage = update_intentional(
        p(s.intent), p(s.damage), successes, misuses, p(sig.freerides) * (1.0 - blind),
        other_negative=competence, gain=p(pb.col("intent_gain", 2)), loss_ratio=rates["loss_ratio"],
        misuse_signal=p(pb.col("misuse_signal", 2)), freeride_signal=p(pb.col("freeride_signal", 2)),
        reputation_damage=rates["reputation_damage"], forgetting=p(pb.col("damage_forgetting", 2)))
    cog = update_cognitive(p(s.cog), reported, missing * p(pb.col("feedback_loss", 2)), feedback,  # P3 ablation
                           gain=p(pb.col("cog_gain", 2)), loss_ratio=rates["cog_loss_ratio"])
    # empathic trust follows successful joint work; identification adds most across domains
    cross = memo(st, ("cross",), lambda: (st.offdiag & ~st.same_domain)[None])
    joint = (p(sig.joint) + succ) * (1.0 + p(pb.col("identification", 2)) * p(cross))
    on, floor = trust_gate(pb, 2)
    emp = update_empathic(emp, joint, basis_of(p(on), intent, cog, emp), p(sig.stalls),
                          gain=p(pb.col("emp_gain", 2)), intent_floor=p(floor),
                          stall_damage=p(pb.col("stall_damage", 2)))
    for name, value in (("intent", intent), ("cog", cog), ("emp", emp), ("damage", damage)):
        if idx is None:
            value[:, st.diagonal, st.diagonal] = 0.0  # the diagonal is unused and kept at zero
            setattr(s, name, value)
        else:
            np.put(getattr(s, name), idx, value)


# The trust rules run on the active pairs only in networks of at least SPARSE_MIN_N
# organisations, in weeks with fewer than SPARSE_SHARE of the pairs active: below that
# size finding the active pairs costs more than it saves (benchmarks/engines.py).
SPARSE_MIN_N = 30
SPARSE_SHARE = 0.5


class _Gather:
    """Picks the active pairs out of arrays that broadcast to (B, N, N) -- pairs, parameters
    (B, 1, 1), trustor attributes (B, N, 1), structure (1, N, N) -- as 1-D arrays; with no
    active set (``flat`` None, dense weeks) it returns the arrays as they are."""

    def __init__(self, flat: np.ndarray | None, n: int):
        self.flat = flat
        if flat is not None:
            self.axes = (flat // (n * n), (flat // n) % n, flat % n)
            self.index: dict[tuple[int, ...], np.ndarray] = {}

    def __call__(self, a: np.ndarray) -> np.ndarray:
        if self.flat is None:
            return a
        if a.shape not in self.index:
            b, i, j = (ax if size > 1 else 0 for ax, size in zip(self.axes, a.shape, strict=True))
            self.index[a.shape] = b * (a.shape[1] * a.shape[2]) + i * a.shape[2] + j
        return np.take(a.reshape(-1), self.index[a.shape])


# ---------------------------------------------------------------------------- climate


def update_climate(s: State, st: Structure, pb: ParamBatch, sig: Signals, informal: np.ndarray) -> None:
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
    own = sig.misuses.sum(axis=2)  # (B, N) detected misuses of i's data this week
    heard = own.sum(axis=1, keepdims=True) - own
    kept = (1.0 - pb.col("caution_detect", 1)) ** own * (1.0 - pb.col("caution_hear", 1)) ** heard
    caution = 1.0 - (1.0 - s.caution) * kept
    s.caution = caution + pb.col("caution_decay", 1) * (pb.col("sharing_risk", 1) - caution)
    n = st.n
    irritation = sig.missing.sum(axis=(1, 2)) / max(n * (n - 1), 1)
    loss = pb.atmosphere_loss
    atmosphere = s.atmosphere * (1.0 - loss) ** own.sum(axis=1) * np.clip(1.0 - loss * irritation, 0.0, 1.0)
    s.atmosphere = np.where(informal, atmosphere + pb.atmosphere_gain * (1.0 - atmosphere), atmosphere)


# -------------------------------------------------------------------------- turnover


def turnover(s: State, st: Structure, pb: ParamBatch, u: WeekDraws) -> None:
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
    week = min(s.week, st.horizon)
    scheduled = st.event_mask[week] if s.week <= st.horizon else np.zeros(st.n, dtype=bool)
    breach = breach_arrives(s, st, pb)
    scheduled = (scheduled[None, :] | breach) & pb.col("scheduled_events", 1)
    joined = np.broadcast_to((st.join_week == s.week) & (s.week > 0), scheduled.shape)
    leave = ((u.turnover < pb.col("turnover_rate", 1) / 52.0) | scheduled) & members(st, s.week - 1)[None, :]
    left = leave.sum(axis=1)
    s.last_turnover = left.astype(float)
    s.turnover_events = s.turnover_events + left
    arrive = leave | joined
    r = np.flatnonzero(arrive.any(axis=1))  # the runs with a newcomer; the others are left as they are
    if not len(r):
        return
    _seat_newcomers(s, st, _Rows(pb, r), u.newcomer[r], r, leave[r], joined[r], arrive[r], breach[r], week)


def breach_arrives(s: State, st: Structure, pb: ParamBatch) -> np.ndarray:
    """(B, N) bool: the newcomer with a diverging vision arrives this week at the breach's
    organisation (the scenario's breach week plus each run's ``breach_shift``)."""
    out = np.zeros((s.batch, st.n), dtype=bool)
    if st.breach_org >= 0:
        out[:, st.breach_org] = (st.breach_week + pb.breach_shift) == s.week
    return out


def conflict_of_interest(st: Structure, pb: ParamBatch) -> np.ndarray:
    """(B, N) each organisation's conflict of interest with the shared goal: the scenario's,
    and for the breach's organisation the run's ``breach_conflict``."""
    def compute():
        out = np.broadcast_to(st.conflict, (pb.size, st.n)).copy()
        if st.breach_org >= 0:
            out[:, st.breach_org] = pb.breach_conflict
        return out
    return memo(pb, ("conflict", id(st)), compute)


class _Rows:
    """The parameters of the runs ``r`` of a block (the `ParamBatch` interface of ``col``)."""

    def __init__(self, pb: ParamBatch, r: np.ndarray):
        self.pb, self.r = pb, r

    def col(self, name: str, extra_dims: int) -> np.ndarray:
        return self.pb.col(name, extra_dims)[self.r]


def _seat_newcomers(s: State, st: Structure, pb: _Rows, drawn_u: np.ndarray, r: np.ndarray, leave: np.ndarray,
                    joined: np.ndarray, arrive: np.ndarray, breach: np.ndarray, week: int) -> None:
    """`turnover` for the runs ``r`` that have a newcomer this week (arrays restricted to them)."""
    off = st.offdiag[None]
    relearn = moderates(pb, "stability", 2)  # stability: a newcomer has to re-learn (off: keeps all)
    # a colleague who stays keeps the organisation's relationships: nothing to re-learn on that side
    staying = ~arrive | st.colleague[None, :]
    keeps = staying[:, :, None] & staying[:, None, :]
    fresh = joined[:, :, None] | joined[:, None, :]  # nothing to pass on
    share2 = np.where(fresh, 0.0, np.where(keeps | ~relearn, 1.0, pb.col("transfer_share", 2)))
    goodwill = np.where(fresh, 0.0, np.where(keeps | ~relearn, 1.0, pb.col("goodwill_transfer", 2)))
    touched = (arrive[:, :, None] | arrive[:, None, :]) & off
    cog, emp = s.cog[r], s.emp[r]
    s.cog[r] = np.where(touched, transfer(cog, pb.col("cog_start", 2), share2), cog)
    s.emp[r] = np.where(touched, emp * share2, emp)
    s.fixed[r] = s.fixed[r] & ~(touched & relearn & ~keeps)
    language = s.language[r]
    carried = np.where(joined, 0.0, np.where(st.colleague[None, :] | ~relearn[:, :, 0], 1.0,
                                             pb.col("transfer_share", 1)))
    trained = np.maximum(language * carried, pb.col("training", 1))  # I2
    s.language[r] = np.where(arrive, trained, language)
    s.last_turnover_week[r] = np.where(leave.any(axis=1), float(s.week), s.last_turnover_week[r])
    s.tenure[r] = np.where(arrive, 0.0, s.tenure[r])

    newcomer = {}
    for key, base in st.base_rep.items():
        override = st.event_values[key][week] if s.week <= st.horizon else np.full(st.n, np.nan)
        value = np.where(np.isnan(override), base, override)[None, :]
        if key == "goal_alignment":
            drawn = np.clip(base[None, :] + st.newcomer_spread * (2.0 * drawn_u - 1.0), 0.0, 1.0)
            value = np.where(np.isnan(override)[None, :], drawn, value)
        newcomer[key] = np.broadcast_to(value, leave.shape)
    # the breach: its newcomer's vision and threshold are the run's hypothesis
    newcomer["goal_alignment"] = np.where(breach, pb.col("breach_alignment", 1), newcomer["goal_alignment"])
    newcomer["opportunism_threshold"] = np.where(breach, pb.col("breach_threshold", 1),
                                                 newcomer["opportunism_threshold"])
    for attr, key in (("align", "goal_alignment"), ("capacity", "capacity"),
                      ("values_feedback", "values_feedback"), ("availability", "availability"),
                      ("threshold", "opportunism_threshold"), ("reticence", "outsider_reticence")):
        getattr(s, attr)[r] = np.where(leave, newcomer[key], getattr(s, attr)[r])

    # coordination: a diverging newcomer erodes the goal's clarity for the others
    align = s.align[r]
    divergence = np.where(leave, np.maximum(st.base_rep["goal_alignment"][None, :] - align, 0.0), 0.0)
    erosion = pb.col("goal_erosion", 1) * moderates(pb, "coordination", 1) * divergence
    kept = np.prod(1.0 - np.minimum(erosion, 1.0), axis=1, keepdims=True)  # over this week's newcomers
    others = np.where(arrive, 0.0, s.clarity[r] * kept)
    settled = np.maximum((~arrive).sum(axis=1, keepdims=True), 1)
    clarity = np.where(arrive, others.sum(axis=1, keepdims=True) / settled, others)
    s.clarity[r] = clarity

    # goodwill: what rests on the organisation and the network's history carries over; the
    # rest restarts from the shared goal as it stands (the trustor's clarity x alignment),
    # under the ceiling of reputation damage (the organisation's memory)
    prior = intent_prior(pb, clarity, align)  # (R, N, 1): trustor's expectation
    intent = s.intent[r]
    carried = np.minimum(transfer(intent, prior, goodwill), 1.0 - s.damage[r])
    s.intent[r] = np.where(touched, carried, intent)
