"""The dynamic state of a block of runs: every array has a leading batch axis B.

Trust is directed: ``intent[b, i, j]`` is the intentional trust that organisation i
(the trustor) holds in organisation j (the trustee) in run b. The diagonal is unused and
kept at zero; metrics average over ordered pairs i != j.

`State` owns the arrays; the compiled weekly process reads and writes the same arrays
through `State.kernel` (a named tuple of them, no copies), and the Mesa agents are views
of them.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from model.inputs.variants import literature
from model.process.compiled import compiled, entry
from model.process.levers import week_levers
from model.process.structure import REP_ORDER, P, ParamBatch, Structure

# The state lives in eight arrays (`KernelState`), each a stack of named layers; the
# compiled weekly process indexes them with the constants below, and `State` exposes
# every layer under its name as a view (``state.intent`` is ``state.pair[:, INTENT]``).
PAIR = ("intent", "cog", "emp", "damage", "contacts", "routed", "harmed", "stalled", "exposure")
LINK = ("fixed", "backup")
ORG = ("align", "capacity", "values_feedback", "availability", "threshold", "reticence", "tenure", "language",
       "sharing", "caution", "clarity")
CASE = ("case_know", "case_progress")
SLOT = ("case_need", "case_agreed", "case_done", "case_reported", "case_shirked", "case_acted")
RUN = ("round_agreed", "round_delivered", "waiting", "resolved", "stalls", "misuse_events", "turnover_events",
       "evaluations", "confusions", "atmosphere", "info_shared", "collaboration", "last_stalls", "last_turnover",
       "last_evaluation", "last_turnover_week")
INTENT, COG, EMP, DAMAGE, CONTACTS, ROUTED, HARMED, STALLED, EXPOSURE = range(9)
FIXED, BACKUP = range(2)
ALIGN, CAPACITY, VALUES_FEEDBACK, AVAILABILITY, THRESHOLD, RETICENCE, TENURE, LANGUAGE, SHARING, CAUTION, \
    CLARITY = range(11)
KNOW, PROGRESS = range(2)
NEEDED, AGREED, DONE, REPORTED, SHIRKED, ACTED = range(6)
(ROUND_AGREED, ROUND_DELIVERED, WAITING, RESOLVED, STALLS, MISUSE_EVENTS, TURNOVER_EVENTS, EVALUATIONS, CONFUSIONS,
 ATMOSPHERE, INFO_SHARED, COLLABORATION, LAST_STALLS, LAST_TURNOVER, LAST_EVALUATION, LAST_TURNOVER_WEEK) = range(16)

KernelState = namedtuple("KernelState", ["pair", "link", "org", "present", "case", "case_open", "slot", "run"])

_LAYERS = {**{k: ("pair", i) for i, k in enumerate(PAIR)}, **{k: ("link", i) for i, k in enumerate(LINK)},
           **{k: ("org", i) for i, k in enumerate(ORG)}, **{k: ("case", i) for i, k in enumerate(CASE)},
           **{k: ("slot", i) for i, k in enumerate(SLOT)}, **{k: ("run", i) for i, k in enumerate(RUN)}}


class State:
    """The state of a block of B runs at the end of week ``week``.

    Directed pairs (B, N, N): ``intent`` (intentional trust, goodwill), ``cog`` (cognitive,
    competence), ``emp`` (empathic: routine and identification), ``damage`` (reputation
    damage i holds against j; ceiling on intent = 1 - damage), ``fixed`` (bool: i has a
    fixed contact person at j), ``backup`` (bool: i knows a back-up contact at j), and the
    cumulative counts ``contacts`` (successful contacts i -> j outside meetings),
    ``routed`` (contacts i routed around j for low cognitive trust), ``harmed`` (detected
    misuses of i's data by j), ``stalled`` (stalls of i's work on j), ``exposure``
    (meetings at which i shared while j, whose interest conflicts with i's data, was at
    the table).

    Representatives (B, N): ``align`` (goal alignment), ``capacity``, ``values_feedback``,
    ``availability``, ``threshold`` (opportunism threshold), ``reticence`` (outsider
    reticence), ``tenure`` (weeks at the table), ``language`` (common language with the
    network), ``present`` (bool, this week), ``sharing`` (share of own case information
    put on the table at the last meeting), ``caution`` (about sharing personal data),
    ``clarity`` (how clear and shared the goal looks to the member).

    Cases: ``case_open`` (bool (B, S)), ``case_know`` (how far the case is mapped) and
    ``case_progress`` (work done) (B, S); ``case_need``, ``case_agreed`` (an action agreed
    at the last meeting), ``case_done``, ``case_reported`` (done and reported back),
    ``case_shirked`` (left undone for lack of effort), ``case_acted`` (the organisation
    has done an action on the case since it opened; observed only), bool (B, S, N).

    Per run (B,): ``round_agreed`` (actions agreed at the last meeting, on cases still
    open), ``round_delivered`` (of those, delivered since), ``waiting`` (cases waiting for
    a free slot), the cumulative counts ``resolved``, ``stalls``, ``misuse_events``,
    ``turnover_events``, ``evaluations``, ``confusions`` (agreed actions lost to an unclear
    task division, T8), ``atmosphere`` (openness), ``info_shared`` (share of needed case
    information shared at the last meeting), ``collaboration`` (information exchanged at
    the last meeting x means delivered), the last week's ``last_stalls``,
    ``last_turnover``, ``last_evaluation``, and ``last_turnover_week`` (week of the latest
    replacement, -1000: none yet).
    """

    def __init__(self, week: int, arrays: KernelState):
        self.week = week
        self.kernel = arrays  # the arrays as the compiled weekly process reads them

    def __getattr__(self, name: str):
        layer = _LAYERS.get(name)
        if layer is None:
            if name in KernelState._fields:
                return getattr(self.__dict__["kernel"], name)
            raise AttributeError(f"'State' object has no attribute {name!r}")
        array, index = layer
        return getattr(self.__dict__["kernel"], array)[:, index]

    @property
    def batch(self) -> int:
        return self.kernel.pair.shape[0]

    def copy(self) -> State:
        return State(self.week, KernelState(*(a.copy() for a in self.kernel)))


# the representative's attributes: rows of `KernelStructure.base_rep` -> layers of `KernelState.org`
REP_LAYERS = tuple(ORG.index(a) for a in ("align", "capacity", "values_feedback", "availability", "threshold",
                                           "reticence", "tenure"))
assert REP_ORDER == ("goal_alignment", "capacity", "values_feedback", "availability", "opportunism_threshold",
                     "outsider_reticence", "tenure")


@compiled
def intent_prior(p, clarity, align):
    """Intentional trust that rests on the shared goal (the study's P1 finding).

    Trustor i expects goodwill of the others in so far as the goal looks clear and shared
    to it and it sees the goal as its own: prior = clarity[i] * align[i]. At the founding
    clarity is ``shared_goal``; a newcomer with a diverging vision lowers it (so the
    others expect less of the newcomer). With the ``goal_prior`` mechanism off, or under
    T1 = literature (trust is built up, not given), everyone starts at
    ``intent_start_low`` instead. ``intent_shift`` (the P6 trust sweep's knob, 0 in every
    scenario) is added to either. ``p``: the run's parameters.
    """
    prior = clarity * align if p[P.goal_prior] > 0.5 and not literature(p[P.T1]) else p[P.intent_start_low]
    shift = p[P.intent_shift]  # the P6 sweep's knob (0 in every scenario)
    return min(max(prior + shift, 0.0), 1.0) if shift != 0.0 else prior


@entry
def _found(s, p, st, b):
    """Run ``b`` at its first meeting: shared-goal trust, no routine yet."""
    n = st.domain.shape[0]
    lev = week_levers(p, st, 0)
    org, pair = s.org[b], s.pair[b]
    for i in range(n):
        for a in range(len(REP_LAYERS)):
            org[REP_LAYERS[a], i] = st.base_rep[a, i]
        org[CLARITY, i] = lev.shared_goal
        org[CAUTION, i] = p[P.sharing_risk]
        s.present[b, i] = True
        prior = intent_prior(p, org[CLARITY, i], org[ALIGN, i])
        for j in range(n):
            if i != j:
                pair[INTENT, i, j] = prior
                pair[COG, i, j] = p[P.cog_start]
    s.run[b, ATMOSPHERE] = p[P.open_atmosphere]
    s.run[b, LAST_TURNOVER_WEEK] = -1000.0


def initial_state(st: Structure, pb: ParamBatch) -> State:
    """The network at its first meeting, for every run of the block."""
    b, n, s = pb.size, st.n, int(pb.max_cases[0])
    state = State(0, KernelState(
        pair=np.zeros((b, len(PAIR), n, n)), link=np.zeros((b, len(LINK), n, n), dtype=np.bool_),
        org=np.zeros((b, len(ORG), n)), present=np.zeros((b, n), dtype=np.bool_),
        case=np.zeros((b, len(CASE), s)), case_open=np.zeros((b, s), dtype=np.bool_),
        slot=np.zeros((b, len(SLOT), s, n), dtype=np.bool_), run=np.zeros((b, len(RUN)))))
    for r in range(b):
        _found(state.kernel, pb.kernel[r], st.kernel, r)
    return state
