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
from dataclasses import dataclass, fields

import numpy as np
from numba import njit

from model.levers import week_levers
from model.structure import REP_ORDER, ParamBatch, Structure
from model.variants import literature


@dataclass
class State:
    week: int
    # directed pairwise state (B, N, N)
    intent: np.ndarray  # intentional trust (goodwill)
    cog: np.ndarray  # cognitive trust (competence)
    emp: np.ndarray  # empathic trust (routine and identification)
    damage: np.ndarray  # reputation damage i holds against j; ceiling on intent = 1 - damage
    fixed: np.ndarray  # bool: i has a fixed contact person at j
    backup: np.ndarray  # bool: i knows a back-up (general) contact at j
    contacts: np.ndarray  # cumulative successful contacts i -> j outside meetings
    routed: np.ndarray  # cumulative contacts i routed around j for low cognitive trust
    harmed: np.ndarray  # cumulative detected misuses of i's data by j
    stalled: np.ndarray  # cumulative stalls of i's work on j
    exposure: np.ndarray  # cumulative meetings at which i shared while j, whose interest
    #                       conflicts with i's data, was at the table (who *could* be a victim)
    # representatives (B, N)
    align: np.ndarray  # goal alignment
    capacity: np.ndarray
    values_feedback: np.ndarray
    availability: np.ndarray
    threshold: np.ndarray  # opportunism threshold
    reticence: np.ndarray  # outsider reticence
    tenure: np.ndarray  # weeks at the table
    language: np.ndarray  # common language (jargon, ways of working) with the network
    present: np.ndarray  # bool, this week
    sharing: np.ndarray  # share of own case information put on the table at the last meeting
    caution: np.ndarray  # caution about sharing personal data (perceived risk)
    clarity: np.ndarray  # how clear and shared the goal looks to the member
    # cases (B, S[, N])
    case_open: np.ndarray  # bool (B, S)
    case_need: np.ndarray  # bool (B, S, N)
    case_know: np.ndarray  # (B, S) how far the case is mapped (information exchanged)
    case_progress: np.ndarray  # (B, S) work done
    case_agreed: np.ndarray  # bool (B, S, N) an action agreed at the last meeting
    case_done: np.ndarray  # bool (B, S, N) that action is done
    case_reported: np.ndarray  # bool (B, S, N) and reported back
    case_shirked: np.ndarray  # bool (B, S, N) it was left undone for lack of effort
    round_agreed: np.ndarray  # (B,) actions agreed at the last meeting (on cases still open)
    round_delivered: np.ndarray  # (B,) of those, delivered since
    waiting: np.ndarray  # (B,) cases waiting for a free slot
    # cumulative counters and last values (B,)
    resolved: np.ndarray
    stalls: np.ndarray
    misuse_events: np.ndarray
    turnover_events: np.ndarray
    evaluations: np.ndarray
    confusions: np.ndarray  # agreed actions lost to an unclear task division (T8's referral outcome)
    atmosphere: np.ndarray  # (B,) openness of the atmosphere
    info_shared: np.ndarray  # share of needed case information shared at the last meeting
    collaboration: np.ndarray  # information exchanged at the last meeting x means delivered
    # events of the last week, for logs and the app (B,) counts
    last_stalls: np.ndarray
    last_turnover: np.ndarray
    last_evaluation: np.ndarray
    last_turnover_week: np.ndarray  # (B,) week of the latest replacement (-1000: none yet)

    @property
    def batch(self) -> int:
        return self.intent.shape[0]

    def copy(self) -> State:
        return State(**{f.name: (getattr(self, f.name).copy()
                                 if isinstance(getattr(self, f.name), np.ndarray)
                                 else getattr(self, f.name)) for f in fields(self)})

    @property
    def kernel(self) -> KernelState:
        """The arrays as the compiled weekly process reads them (the same objects)."""
        return KernelState(*(getattr(self, name) for name in KernelState._fields))


KernelState = namedtuple("KernelState", [f.name for f in fields(State) if f.name != "week"])
_ALIGN, _CAPACITY, _FEEDBACK, _AVAILABILITY, _THRESHOLD, _RETICENCE, _TENURE = (
    REP_ORDER.index(k) for k in ("goal_alignment", "capacity", "values_feedback", "availability",
                                 "opportunism_threshold", "outsider_reticence", "tenure"))


@njit(cache=True)
def intent_prior(p, b, clarity, align):
    """Intentional trust that rests on the shared goal (the study's P1 finding).

    Trustor i expects goodwill of the others in so far as the goal looks clear and shared
    to it and it sees the goal as its own: prior = clarity[i] * align[i]. At the founding
    clarity is ``shared_goal``; a newcomer with a diverging vision lowers it (so the
    others expect less of the newcomer). With the ``goal_prior`` mechanism off, or under
    T1 = literature (trust is built up, not given), everyone starts at
    ``intent_start_low`` instead.
    """
    if p.goal_prior[b] > 0.5 and not literature(p.T1[b]):
        return clarity * align
    return p.intent_start_low[b]


@njit(cache=True)
def _found(s, p, st, b):
    """Run ``b`` at its first meeting: shared-goal trust, no routine yet."""
    n = st.domain.shape[0]
    lev = week_levers(p, st, b, 0)
    for i in range(n):
        s.align[b, i] = st.base_rep[_ALIGN, i]
        s.capacity[b, i] = st.base_rep[_CAPACITY, i]
        s.values_feedback[b, i] = st.base_rep[_FEEDBACK, i]
        s.availability[b, i] = st.base_rep[_AVAILABILITY, i]
        s.threshold[b, i] = st.base_rep[_THRESHOLD, i]
        s.reticence[b, i] = st.base_rep[_RETICENCE, i]
        s.tenure[b, i] = st.base_rep[_TENURE, i]
        s.clarity[b, i] = lev.shared_goal
        s.caution[b, i] = p.sharing_risk[b]
        s.present[b, i] = True
        prior = intent_prior(p, b, s.clarity[b, i], s.align[b, i])
        for j in range(n):
            if i != j:
                s.intent[b, i, j] = prior
                s.cog[b, i, j] = p.cog_start[b]
    s.atmosphere[b] = p.open_atmosphere[b]
    s.last_turnover_week[b] = -1000.0


def initial_state(st: Structure, pb: ParamBatch) -> State:
    """The network at its first meeting, for every run of the block."""
    b, n, s = pb.size, st.n, int(pb.max_cases[0])
    zeros = {f.name: np.zeros((b, n, n)) for f in fields(State)
             if f.name in ("intent", "cog", "emp", "damage", "contacts", "routed", "harmed", "stalled", "exposure")}
    state = State(
        week=0, **zeros, fixed=np.zeros((b, n, n), dtype=bool), backup=np.zeros((b, n, n), dtype=bool),
        **{k: np.zeros((b, n)) for k in ("align", "capacity", "values_feedback", "availability", "threshold",
                                         "reticence", "tenure", "language", "sharing", "caution", "clarity")},
        present=np.zeros((b, n), dtype=bool),
        case_open=np.zeros((b, s), dtype=bool), case_need=np.zeros((b, s, n), dtype=bool),
        case_know=np.zeros((b, s)), case_progress=np.zeros((b, s)),
        case_agreed=np.zeros((b, s, n), dtype=bool), case_done=np.zeros((b, s, n), dtype=bool),
        case_reported=np.zeros((b, s, n), dtype=bool), case_shirked=np.zeros((b, s, n), dtype=bool),
        **{k: np.zeros(b) for k in ("round_agreed", "round_delivered", "waiting", "resolved", "stalls",
                                    "misuse_events", "turnover_events", "evaluations", "confusions", "atmosphere",
                                    "info_shared", "collaboration", "last_stalls", "last_turnover",
                                    "last_evaluation", "last_turnover_week")},
    )
    ks, kp, kst = state.kernel, pb.kernel, st.kernel
    for r in range(b):
        _found(ks, kp, kst, r)
    return state
