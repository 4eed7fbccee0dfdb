"""The dynamic state of a block of runs: every array has a leading batch axis B.

Trust is directed: ``intent[b, i, j]`` is the intentional trust that organisation i
(the trustor) holds in organisation j (the trustee) in run b. The diagonal is unused and
kept at zero; metrics average over ordered pairs i != j.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from model.levers import Levers, scheduled
from model.structure import ParamBatch, Structure


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
    case_acted: np.ndarray  # bool (B, S, N) the organisation has done an action on the case since it opened
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


def intent_prior(pb: ParamBatch, clarity: np.ndarray, align_trustor: np.ndarray) -> np.ndarray:
    """Intentional trust that rests on the shared goal (the study's P1 finding).

    Trustor i expects goodwill of the others in so far as the goal looks clear and shared
    to it and it sees the goal as its own: prior[b, i] = clarity[b, i] * align[b, i]. At
    the founding clarity is ``shared_goal``; a newcomer with a diverging vision lowers it
    (so the others expect less of the newcomer). With the ``goal_prior`` mechanism off,
    or under T1 = literature (trust is built up, not given), everyone starts at
    ``intent_start_low`` instead. ``intent_shift`` (the P6 trust sweep's knob, 0 in every
    scenario) is added to either. Returned with shape (B, N, 1) so that it broadcasts
    over trustees.
    """
    prior = clarity * align_trustor
    from_goal = pb.col("goal_prior", 1) & (pb.col("T1", 1) == "study")  # T1 literature: built up
    prior = np.where(from_goal, prior, pb.col("intent_start_low", 1))
    shift = pb.col("intent_shift", 1)  # the P6 sweep's knob (0 in every scenario)
    if np.any(shift):
        prior = np.clip(prior + shift, 0.0, 1.0)
    return prior[:, :, None]


def initial_state(st: Structure, pb: ParamBatch) -> State:
    """The network at its first meeting: shared-goal trust, no routine yet."""
    b, n = pb.size, st.n
    pb = Levers(pb, 0, scheduled(st, 0))
    s = int(pb.max_cases[0])
    rep = {k: np.broadcast_to(v, (b, n)).copy() for k, v in st.base_rep.items()}
    off = st.offdiag[None, :, :]
    zeros_nn = np.zeros((b, n, n))
    clarity = np.broadcast_to(pb.col("shared_goal", 1), (b, n)).copy()
    intent = np.where(off, np.broadcast_to(intent_prior(pb, clarity, rep["goal_alignment"]), (b, n, n)), 0.0)
    cog = np.where(off, pb.col("cog_start", 2), 0.0) * np.ones((b, n, n))
    return State(
        week=0,
        intent=intent, cog=cog, emp=zeros_nn.copy(), damage=zeros_nn.copy(),
        fixed=np.zeros((b, n, n), dtype=bool), backup=np.zeros((b, n, n), dtype=bool),
        contacts=zeros_nn.copy(), routed=zeros_nn.copy(), harmed=zeros_nn.copy(),
        stalled=zeros_nn.copy(), exposure=zeros_nn.copy(),
        align=rep["goal_alignment"], capacity=rep["capacity"],
        values_feedback=rep["values_feedback"], availability=rep["availability"],
        threshold=rep["opportunism_threshold"], reticence=rep["outsider_reticence"],
        tenure=rep["tenure"],
        language=np.zeros((b, n)), present=np.ones((b, n), dtype=bool), sharing=np.zeros((b, n)),
        caution=np.broadcast_to(pb.col("sharing_risk", 1), (b, n)).copy(), clarity=clarity,
        case_open=np.zeros((b, s), dtype=bool), case_need=np.zeros((b, s, n), dtype=bool),
        case_know=np.zeros((b, s)), case_progress=np.zeros((b, s)),
        case_agreed=np.zeros((b, s, n), dtype=bool), case_done=np.zeros((b, s, n), dtype=bool),
        case_reported=np.zeros((b, s, n), dtype=bool), case_shirked=np.zeros((b, s, n), dtype=bool),
        case_acted=np.zeros((b, s, n), dtype=bool),
        round_agreed=np.zeros(b), round_delivered=np.zeros(b),
        waiting=np.zeros(b),
        resolved=np.zeros(b), stalls=np.zeros(b), misuse_events=np.zeros(b),
        turnover_events=np.zeros(b), evaluations=np.zeros(b), info_shared=np.zeros(b),
        confusions=np.zeros(b), atmosphere=pb.open_atmosphere.astype(float).copy(),
        collaboration=np.zeros(b),
        last_stalls=np.zeros(b), last_turnover=np.zeros(b),
        last_evaluation=np.zeros(b), last_turnover_week=np.full(b, -1000.0),
    )
