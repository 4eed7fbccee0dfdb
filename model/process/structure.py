"""Static arrays of a block of runs: who the organisations are and which runs share what.

A *block* is a set of runs advanced together by the compiled weekly process: the Mesa
model is a block of one run; the batched engine advances many. All runs of a block
share the scenario's organisations and scheduled events (the structure); network-level
parameters may differ per run and are held as arrays of shape ``(B,)`` in `ParamBatch`.

The kernel (`model.process.kernel`) reads both as plain arrays: `ParamBatch.kernel` is a float64
array (B, K) with one column per parameter, named by `P` (``p[P.intent_gain]`` in the
row of a run; switches as 0/1, a choice as its index among the parameter's choices), and
`Structure.kernel` a named tuple of arrays.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, fields
from enum import IntEnum

import numpy as np

from model.inputs.parameters import SPECS, Params
from model.inputs.scenario import DOMAINS, REPRESENTATIVE_FIELDS, TIMELINE_KEYS, Scenario
from model.process.draws import poisson_cdf

# the columns of the kernel's parameter array, one per registry entry
P = IntEnum("P", {s.name: k for k, s in enumerate(SPECS)})
# the kernel's view of the structure (see `Structure`)
KernelStructure = namedtuple("KernelStructure", [
    "domain", "case_holder", "conflict", "exposed_to", "pays", "overlap", "same_domain", "join_week",
    "imposed", "chair", "base_rep", "event_mask", "event_values", "timeline", "newcomer_spread", "horizon",
    "domain_start", "domain_members", "exposed_start", "exposed_members", "colleague", "anonymous_first",
    "has_partner", "breach_org", "breach_week"])
REP_ORDER = tuple(REPRESENTATIVE_FIELDS)  # rows of `KernelStructure.base_rep` and `event_values`
POISSON_KMAX = 60


def _as_float(spec, values: np.ndarray) -> np.ndarray:
    if spec.kind is str:
        return np.array([spec.choices.index(v) for v in values], dtype=np.float64)
    return values.astype(np.float64)


class ParamBatch:
    """Network-level parameters of B runs, one array of shape (B,) per name.

    ``pb.intent_gain`` is a (B,) array of the values as given; ``pb.kernel`` holds the same
    values as float64 arrays for the compiled weekly process. Never changed after it is built.
    """

    def __init__(self, params: list[Params]):
        if not params:
            raise ValueError("a block needs at least one run")
        self.size = len(params)
        for f in fields(Params):
            values = np.array([getattr(p, f.name) for p in params])
            setattr(self, f.name, values)
        for name in ("max_cases",):
            if len(set(getattr(self, name).tolist())) != 1:
                raise ValueError(f"all runs of a block must share '{name}' (it sets array shapes)")
        self.kernel = np.ascontiguousarray(np.array([_as_float(s, getattr(self, s.name)) for s in SPECS]).T)
        self.arrival_cdf = np.array([poisson_cdf(float(lam), POISSON_KMAX) for lam in self.case_rate])


@dataclass
class Structure:
    """Per-organisation facts fixed for the whole run (shape (N,) or (N, N))."""

    names: list[str]
    domain: np.ndarray  # (N,) int index into DOMAINS
    role: list[str]
    chair: int  # index of the chair, -1 if none
    case_holder: np.ndarray  # (N,) bool: holds case information (not the minute-taker)
    conflict: np.ndarray  # (N,) strength of own interest against the goal
    exposed_to: np.ndarray  # (N, N) bool: [i, j] True if j's interest conflicts with i's data
    pays: np.ndarray  # (N,) bool
    overlap: np.ndarray  # (N, N) bool: tasks of i and j overlap (i != j)
    same_domain: np.ndarray  # (N, N) bool, diagonal False
    offdiag: np.ndarray  # (N, N) bool, True off the diagonal
    base_rep: dict[str, np.ndarray]  # representative attributes as given, (N,) each
    horizon: int
    newcomer_spread: float
    event_mask: np.ndarray  # (horizon + 1, N) bool: scheduled turnover in that week
    event_values: dict[str, np.ndarray]  # (horizon + 1, N) newcomer overrides, NaN = none
    join_week: np.ndarray  # (N,) week each organisation joins (0: founding member)
    imposed: np.ndarray  # (N,) bool: participation imposed (T7)
    colleague: np.ndarray  # (N,) bool: a colleague from the start stays when the representative changes
    anonymous_first: np.ndarray  # (N,) bool: brings a case in anonymously at its first mention
    breach_org: int  # index of the breach's organisation, -1 if the scenario has no [breach]
    breach_week: int  # the scenario's breach week (before ``breach_shift``)
    timeline: dict[str, np.ndarray]  # name -> (horizon + 1,) scheduled value in force, NaN = the parameter

    @property
    def n(self) -> int:
        return len(self.names)

    @classmethod
    def from_scenario(cls, sc: Scenario, horizon: int | None = None) -> Structure:
        horizon = sc.horizon if horizon is None else horizon
        n = sc.n
        orgs = sc.organisations
        domain = np.array([DOMAINS.index(o.domain) for o in orgs])
        role = [o.role for o in orgs]
        chair = role.index("chair") if "chair" in role else -1
        offdiag = ~np.eye(n, dtype=bool)
        # [i, j]: j's interest conflicts with i's data (i's domain is one j conflicts with)
        conflicts = np.array([[d in o.conflicts_with for d in DOMAINS] for o in orgs], dtype=bool).reshape(n, -1)
        exposed = conflicts[:, domain].T & offdiag
        groups = np.array([o.overlap_group for o in orgs], dtype=object)
        overlap = (groups[:, None] == groups[None, :]) & (groups != "")[:, None] & offdiag
        base_rep = {k: np.array([o.representative[k] for o in orgs], dtype=float)
                    for k in REPRESENTATIVE_FIELDS}
        event_mask = np.zeros((horizon + 1, n), dtype=bool)
        event_values = {k: np.full((horizon + 1, n), np.nan) for k in REPRESENTATIVE_FIELDS}
        for ev in sc.events:
            if ev.week > horizon:
                continue
            j = sc.org_index(ev.org)
            event_mask[ev.week, j] = True
            for k, v in ev.representative.items():
                event_values[k][ev.week, j] = v
        timeline = {}
        for change in sc.timeline:
            for key, value in change.values:
                series = timeline.setdefault(key, np.full(horizon + 1, np.nan))
                series[min(change.week, horizon + 1):] = float(value)
        timeline = {k: timeline[k] for k in TIMELINE_KEYS if k in timeline}
        return cls(
            names=[o.name for o in orgs], domain=domain, role=role, chair=chair,
            case_holder=np.array([r != "minute-taker" for r in role]),
            conflict=np.array([o.conflict_of_interest for o in orgs], dtype=float),
            exposed_to=exposed, pays=np.array([o.pays for o in orgs]), overlap=overlap,
            same_domain=(domain[:, None] == domain[None, :]) & offdiag, offdiag=offdiag,
            base_rep=base_rep, horizon=horizon, newcomer_spread=sc.newcomer_spread,
            event_mask=event_mask, event_values=event_values,
            join_week=np.array([o.joins for o in orgs]), imposed=np.array([o.imposed for o in orgs]),
            colleague=np.array([o.colleague for o in orgs]),
            anonymous_first=np.array([o.anonymous_first for o in orgs]),
            breach_org=sc.org_index(sc.breach.org) if sc.breach else -1,
            breach_week=sc.breach.week if sc.breach else -1,
            timeline=timeline,
        )

    @property
    def kernel(self) -> KernelStructure:
        """The structure as the compiled weekly process reads it (built once, then cached)."""
        cached = self.__dict__.get("_kernel")
        if cached is None:
            by_domain = np.argsort(self.domain, kind="stable")
            exposed_by = np.nonzero(self.exposed_to.T)  # (trustee j, trustor i) in order of j
            timeline = np.full((len(TIMELINE_KEYS), self.horizon + 1), np.nan)
            for r, key in enumerate(TIMELINE_KEYS):
                if key in self.timeline:
                    timeline[r] = self.timeline[key]
            cached = self.__dict__["_kernel"] = KernelStructure(
                domain=self.domain.astype(np.int64), case_holder=self.case_holder.astype(np.bool_),
                conflict=self.conflict.astype(np.float64), exposed_to=self.exposed_to,
                pays=self.pays.astype(np.bool_), overlap=self.overlap.astype(np.bool_),
                same_domain=self.same_domain, join_week=self.join_week.astype(np.int64),
                imposed=self.imposed.astype(np.bool_), chair=self.chair,
                base_rep=np.array([self.base_rep[k] for k in REP_ORDER], dtype=np.float64).reshape(len(REP_ORDER), -1),
                event_mask=self.event_mask,
                event_values=np.array([self.event_values[k] for k in REP_ORDER], dtype=np.float64),
                timeline=timeline, newcomer_spread=float(self.newcomer_spread), horizon=int(self.horizon),
                domain_start=np.searchsorted(self.domain[by_domain], np.arange(len(DOMAINS) + 1)).astype(np.int64),
                domain_members=by_domain.astype(np.int64),
                exposed_start=np.searchsorted(exposed_by[0], np.arange(self.n + 1)).astype(np.int64),
                exposed_members=exposed_by[1].astype(np.int64),
                colleague=self.colleague.astype(np.bool_), anonymous_first=self.anonymous_first.astype(np.bool_),
                has_partner=self.overlap.any(axis=1), breach_org=int(self.breach_org),
                breach_week=int(self.breach_week),
            )
        return cached
