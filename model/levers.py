"""The levers of one week: the interventions active in each run, applied to the parameters.

The catalogue of interventions (names, options, costs) is `model.interventions`; this
module is what the weekly process reads. `Levers` offers the `ParamBatch` interface, so
`model.dynamics` reads effective values (perceived risk of sharing, informal contact,
meeting form, voice, turnover, effort, shared-goal clarity, opportunism threshold) and a
few levers that exist only here, without knowing which intervention set them.
"""

from __future__ import annotations

import numpy as np

from model.structure import ParamBatch


def active(pb: ParamBatch, k: int, week: int) -> np.ndarray:
    """(B,) bool: intervention I<k> acts in ``week`` in each run."""
    on = getattr(pb, f"i{k}")
    start, end = getattr(pb, f"i{k}_start"), getattr(pb, f"i{k}_end")
    return on & (week >= start) & ((end == 0) | (week < end))


def levers(pb: ParamBatch, week: int) -> Levers:
    """The levers of ``week``; computed once per block when no run has an intervention."""
    if any(getattr(pb, f"i{k}").any() for k in range(1, 7)):
        return Levers(pb, week)
    idle = pb.__dict__.get("_idle_levers")
    if idle is None:
        idle = pb.__dict__["_idle_levers"] = Levers(pb, week)
    return idle


class Levers:
    """The parameters of one week with the active interventions applied.

    Offers the `ParamBatch` interface (``col``, attributes) so the weekly process reads it
    in place of the raw parameters; lever names that are not parameters (``absence_cut``,
    ``social_map``, ``irritation_repair``, ``threshold_boost``, ``training``,
    ``after_turnover``, ``interception``; ``i1_every`` is 0 where I1 is not active) exist
    only here.
    """

    def __init__(self, pb: ParamBatch, week: int):
        self._pb = pb
        a = {k: active(pb, k, week) for k in range(1, 7)}
        zeros = np.zeros(pb.size)
        lev = {}
        lev["i1_every"] = np.where(a[1], pb.i1_every, 0)  # I1 evaluations, counted from its start
        lev["after_turnover"] = np.where(a[1], pb.i1_after_turnover, -1)
        lev["shared_goal"] = np.where(a[1], np.minimum(1.0, pb.shared_goal + pb.i1_goal), pb.shared_goal)
        lev["sharing_risk"] = np.where(a[2], pb.sharing_risk * (1.0 - pb.i2_risk_cut), pb.sharing_risk)
        lev["interception"] = np.where(a[2], pb.i2_officer, zeros)
        lev["threshold_boost"] = np.where(a[2], pb.i2_limits, zeros)
        lev["training"] = np.where(a[2], pb.i2_training, zeros)
        lev["informal_rate"] = np.where(a[3], np.maximum(pb.informal_rate, pb.i3_rate), pb.informal_rate)
        lev["online"] = np.where(a[3] & pb.i3_physical, False, pb.online)
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
