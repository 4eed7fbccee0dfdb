"""The levers of one week: the scenario's timeline and the interventions active in each run,
applied to the parameters.

The catalogue of interventions (names, options, costs) is `model.interventions`; this
module is what the weekly process reads. `Levers` offers the `ParamBatch` interface, so
`model.dynamics` reads effective values (perceived risk of sharing, informal contact,
meeting form, voice, turnover, effort, shared-goal clarity, opportunism threshold) and a
few levers that exist only here, without knowing which intervention set them. A
scenario's timeline (`Structure.timeline`: settings such as online meetings during COVID
that change at given weeks) is applied first; interventions act on top of it.
"""

from __future__ import annotations

import numpy as np

from model.structure import ParamBatch, Structure


def active(pb: ParamBatch, k: int, week: int) -> np.ndarray:
    """(B,) bool: intervention I<k> acts in ``week`` in each run."""
    on = getattr(pb, f"i{k}")
    start, end = getattr(pb, f"i{k}_start"), getattr(pb, f"i{k}_end")
    return on & (week >= start) & ((end == 0) | (week < end))


def scheduled(st: Structure, week: int) -> dict[str, float]:
    """The timeline's settings in force in ``week`` (only those it has set by then)."""
    row = min(week, st.horizon)
    return {k: float(v[row]) for k, v in st.timeline.items() if not np.isnan(v[row])}


def levers(pb: ParamBatch, st: Structure, week: int) -> Levers:
    """The levers of ``week``; without interventions, computed once per timeline phase."""
    settings = scheduled(st, week)
    if any(getattr(pb, f"i{k}").any() for k in range(1, 7)):
        return Levers(pb, week, settings)
    cache = pb.__dict__.setdefault("_idle_levers", {})
    key = tuple(sorted(settings.items()))
    if key not in cache:
        cache[key] = Levers(pb, week, settings)
    return cache[key]


class Levers:
    """The parameters of one week with the active interventions applied.

    Offers the `ParamBatch` interface (``col``, attributes) so the weekly process reads it
    in place of the raw parameters; lever names that are not parameters (``absence_cut``,
    ``social_map``, ``irritation_repair``, ``threshold_boost``, ``training``,
    ``after_turnover``, ``interception``, ``caution_cut``; ``i1_every`` is 0 where I1 is
    not active) exist only here. ``settings`` are the timeline's values in force.
    """

    def __init__(self, pb: ParamBatch, week: int, settings: dict[str, float] | None = None):
        self._pb = pb
        a = {k: active(pb, k, week) for k in range(1, 7)}
        zeros = np.zeros(pb.size)
        base = {k: np.full(pb.size, v, dtype=getattr(pb, k).dtype) for k, v in (settings or {}).items()}
        lev = dict(base)
        informal, online = base.get("informal_rate", pb.informal_rate), base.get("online", pb.online)
        lev["i1_every"] = np.where(a[1], pb.i1_every, 0)  # I1 evaluations, counted from its start
        lev["after_turnover"] = np.where(a[1], pb.i1_after_turnover, -1)
        lev["shared_goal"] = np.where(a[1], np.minimum(1.0, pb.shared_goal + pb.i1_goal), pb.shared_goal)
        lev["caution_cut"] = np.where(a[2], pb.i2_risk_cut, zeros)
        lev["interception"] = np.where(a[2], pb.i2_officer, zeros)
        lev["threshold_boost"] = np.where(a[2], pb.i2_limits, zeros)
        lev["training"] = np.where(a[2], pb.i2_training, zeros)
        lev["informal_rate"] = np.where(a[3], np.maximum(informal, pb.i3_rate), informal)
        lev["online"] = np.where(a[3] & pb.i3_physical, False, online)
        lev["social_map"] = a[4]
        lev["irritation_repair"] = np.where(a[5], pb.i5_repair, zeros)
        lev["voice"] = np.where(a[5], 1.0 - (1.0 - pb.voice) * (1.0 - pb.i5_voice), pb.voice)
        lev["turnover_rate"] = np.where(a[6], pb.turnover_rate * (1.0 - pb.i6_turnover_cut), pb.turnover_rate)
        lev["absence_cut"] = np.where(a[6], pb.i6_absence_cut, zeros)
        lev["effort_alignment"] = np.where(a[6], pb.effort_alignment * (1.0 - pb.i6_effort),
                                           pb.effort_alignment)
        self._lev = lev
        self._cols: dict[tuple[str, int], np.ndarray] = {}

    def __getattr__(self, name: str):
        lev = self.__dict__.get("_lev", {})
        if name in lev:
            return lev[name]
        return getattr(self.__dict__["_pb"], name)

    def col(self, name: str, extra_dims: int) -> np.ndarray:
        if name not in self._lev:
            return self._pb.col(name, extra_dims)
        key = (name, extra_dims)
        if key not in self._cols:
            self._cols[key] = self._lev[name].reshape((self._pb.size,) + (1,) * extra_dims)
        return self._cols[key]
