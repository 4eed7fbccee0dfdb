"""Static arrays of a block of runs: who the organisations are and which runs share what.

A *block* is a set of runs advanced together by the same array operations: the Mesa
model is a block of one run; the batched engine (a later issue) advances many. All runs
of a block share the scenario's organisations and scheduled events (the structure);
network-level parameters may differ per run and are held as arrays of shape ``(B,)``
in `ParamBatch`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from model.draws import poisson_cdf
from model.parameters import Params
from model.scenario import DOMAINS, REPRESENTATIVE_FIELDS, TIMELINE_KEYS, Scenario


class ParamBatch:
    """Network-level parameters of B runs, one array of shape (B,) per name.

    ``pb.intent_gain`` is a (B,) array; ``pb.col("intent_gain", 2)`` reshapes it to
    (B, 1, 1) so that it broadcasts against (B, N, N) arrays. A ParamBatch is never
    changed after it is built (reshaped columns and the week's levers are cached on it).
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
        self._cols: dict[tuple[str, int], np.ndarray] = {}
        self.arrival_cdf = poisson_cdf(self.case_rate)

    def col(self, name: str, extra_dims: int) -> np.ndarray:
        """The (B,) parameter reshaped to (B, 1, ...) with ``extra_dims`` trailing axes."""
        key = (name, extra_dims)
        if key not in self._cols:
            self._cols[key] = getattr(self, name).reshape((self.size,) + (1,) * extra_dims)
        return self._cols[key]


def memo(pb, key: tuple, compute):
    """``compute()`` once per object: a `ParamBatch`, a week's `Levers` or a `Structure`.

    For values of the weekly process that depend only on the parameters (and the
    structure, whose identity then belongs in ``key``) or only on the structure, so that
    a block does not recompute them every week. A `Levers` object is built anew whenever
    the levers may change, so its cache never outlives the values it was computed from.
    """
    cache = pb.__dict__.setdefault("_memo", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


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

    @property
    def diagonal(self) -> np.ndarray:
        """Index of the diagonal of an (N, N) array: ``a[:, d, d]`` for a block's pairs."""
        return np.arange(self.n)

    @classmethod
    def from_scenario(cls, sc: Scenario, horizon: int | None = None) -> Structure:
        horizon = sc.horizon if horizon is None else horizon
        n = sc.n
        orgs = sc.organisations
        domain = np.array([DOMAINS.index(o.domain) for o in orgs])
        role = [o.role for o in orgs]
        chair = role.index("chair") if "chair" in role else -1
        exposed = np.zeros((n, n), dtype=bool)
        for j, oj in enumerate(orgs):
            for i, oi in enumerate(orgs):
                exposed[i, j] = i != j and oi.domain in oj.conflicts_with
        groups = [o.overlap_group for o in orgs]
        overlap = np.array([[i != j and groups[i] != "" and groups[i] == groups[j]
                             for j in range(n)] for i in range(n)])
        offdiag = ~np.eye(n, dtype=bool)
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
            conflict=np.array([o.conflict_of_interest for o in orgs]),
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
