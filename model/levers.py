"""The levers of one week: the scenario's timeline and the interventions active in a run,
applied to the parameters.

The catalogue of interventions (names, options, costs) is `model.interventions`; this
module is what the weekly process reads. `week_levers` (compiled) gives, for one run and
week, the effective values of every parameter a timeline entry or an intervention can
move (meeting interval and form, informal contact, outsiders, shared-goal clarity,
voice, turnover, effort) and the levers that exist only here (``absence_cut``,
``social_map``, ``irritation_repair``, ``threshold_boost``, ``training``,
``after_turnover``, ``interception``, ``caution_cut``; ``i1_every`` is 0 where I1 is
not active). The weekly process reads these names from the levers and never from the
raw parameters (``tests/test_kernel.py`` checks this). A scenario's timeline
(`Structure.timeline`: settings such as online meetings during COVID that change at
given weeks) is applied first; interventions act on top of it.
"""

from __future__ import annotations

from collections import namedtuple
from types import SimpleNamespace

import numpy as np
from numba import njit

from model.scenario import TIMELINE_KEYS
from model.structure import ParamBatch, Structure

Levers = namedtuple("Levers", [
    "meeting_interval", "online", "informal_rate", "outsider_rate", "shared_goal", "voice", "turnover_rate",
    "effort_alignment", "caution_cut", "interception", "threshold_boost", "training", "social_map",
    "irritation_repair", "absence_cut", "i1_every", "after_turnover"])
LEVER_NAMES = Levers._fields
_TL = {k: i for i, k in enumerate(TIMELINE_KEYS)}
_MEETING, _ONLINE, _INFORMAL, _OUTSIDERS = (_TL["meeting_interval"], _TL["online"], _TL["informal_rate"],
                                            _TL["outsider_rate"])


@njit(cache=True)
def _active(on, start, end, week):
    """Intervention with switch ``on`` and window [start, end) (end 0: open) acts in ``week``."""
    return on > 0.5 and week >= start and (end == 0.0 or week < end)


@njit(cache=True)
def _scheduled(timeline, row, value):
    """The timeline's value in force (NaN: none set) or the parameter's."""
    v = timeline[row]
    return value if np.isnan(v) else v


@njit(cache=True)
def week_levers(p, st, b, week):
    """The levers of run ``b`` in ``week`` (a `Levers` tuple of floats)."""
    tl = st.timeline[:, min(week, st.horizon)]
    a1 = _active(p.i1[b], p.i1_start[b], p.i1_end[b], week)
    a2 = _active(p.i2[b], p.i2_start[b], p.i2_end[b], week)
    a3 = _active(p.i3[b], p.i3_start[b], p.i3_end[b], week)
    a4 = _active(p.i4[b], p.i4_start[b], p.i4_end[b], week)
    a5 = _active(p.i5[b], p.i5_start[b], p.i5_end[b], week)
    a6 = _active(p.i6[b], p.i6_start[b], p.i6_end[b], week)
    informal = _scheduled(tl, _INFORMAL, p.informal_rate[b])
    online = _scheduled(tl, _ONLINE, p.online[b])
    voice, turnover, effort = p.voice[b], p.turnover_rate[b], p.effort_alignment[b]
    online = 0.0 if a3 and p.i3_physical[b] > 0.5 else online
    informal = max(informal, p.i3_rate[b]) if a3 else informal
    goal = min(1.0, p.shared_goal[b] + p.i1_goal[b]) if a1 else p.shared_goal[b]
    voice = 1.0 - (1.0 - voice) * (1.0 - p.i5_voice[b]) if a5 else voice
    turnover = turnover * (1.0 - p.i6_turnover_cut[b]) if a6 else turnover
    effort = effort * (1.0 - p.i6_effort[b]) if a6 else effort
    risk_cut = p.i2_risk_cut[b] if a2 else 0.0
    officer = p.i2_officer[b] if a2 else 0.0
    limits = p.i2_limits[b] if a2 else 0.0
    training = p.i2_training[b] if a2 else 0.0
    social_map = 1.0 if a4 else 0.0
    repair = p.i5_repair[b] if a5 else 0.0
    absence_cut = p.i6_absence_cut[b] if a6 else 0.0
    every = p.i1_every[b] if a1 else 0.0
    after = p.i1_after_turnover[b] if a1 else -1.0
    # in the order of the fields of `Levers`
    return Levers(_scheduled(tl, _MEETING, p.meeting_interval[b]), online, informal,
                  _scheduled(tl, _OUTSIDERS, p.outsider_rate[b]), goal, voice, turnover, effort, risk_cut,
                  officer, limits, training, social_map, repair, absence_cut, every, after)


def scheduled(st: Structure, week: int) -> dict[str, float]:
    """The timeline's settings in force in ``week`` (only those it has set by then)."""
    row = min(week, st.horizon)
    return {k: float(v[row]) for k, v in st.timeline.items() if not np.isnan(v[row])}


def levers(pb: ParamBatch, st: Structure, week: int) -> SimpleNamespace:
    """The levers of ``week`` for every run of a block: one (B,) array per lever name."""
    rows = [week_levers(pb.kernel, st.kernel, b, week) for b in range(pb.size)]
    return SimpleNamespace(**{name: np.array([getattr(r, name) for r in rows]) for name in LEVER_NAMES})
