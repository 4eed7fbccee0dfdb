"""The levers of one week: the scenario's timeline and the interventions active in a run,
applied to the parameters.

The catalogue of interventions (names, options, costs) is `model.inputs.interventions`; this
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

from model.inputs.scenario import TIMELINE_KEYS
from model.process.compiled import compiled, python_entry
from model.process.structure import P, ParamBatch, Structure

Levers = namedtuple("Levers", [
    "meeting_interval", "online", "informal_rate", "outsider_rate", "shared_goal", "voice", "turnover_rate",
    "effort_alignment", "caution_cut", "interception", "threshold_boost", "training", "social_map",
    "irritation_repair", "absence_cut", "i1_every", "after_turnover"])
LEVER_NAMES = Levers._fields
_TL = {k: i for i, k in enumerate(TIMELINE_KEYS)}
_MEETING, _ONLINE, _INFORMAL, _OUTSIDERS = (_TL["meeting_interval"], _TL["online"], _TL["informal_rate"],
                                            _TL["outsider_rate"])


@compiled
def _active(on, start, end, week):
    """Intervention with switch ``on`` and window [start, end) (end 0: open) acts in ``week``."""
    return on > 0.5 and week >= start and (end == 0.0 or week < end)


@compiled
def _scheduled(timeline, row, value):
    """The timeline's value in force (NaN: none set) or the parameter's."""
    v = timeline[row]
    return value if np.isnan(v) else v


@compiled
def week_levers(p, st, week):
    """The levers of a run in ``week`` (a `Levers` tuple of floats); ``p``: the run's parameters."""
    tl = st.timeline[:, min(week, st.horizon)]
    a1 = _active(p[P.i1], p[P.i1_start], p[P.i1_end], week)
    a2 = _active(p[P.i2], p[P.i2_start], p[P.i2_end], week)
    a3 = _active(p[P.i3], p[P.i3_start], p[P.i3_end], week)
    a4 = _active(p[P.i4], p[P.i4_start], p[P.i4_end], week)
    a5 = _active(p[P.i5], p[P.i5_start], p[P.i5_end], week)
    a6 = _active(p[P.i6], p[P.i6_start], p[P.i6_end], week)
    informal = _scheduled(tl, _INFORMAL, p[P.informal_rate])
    online = _scheduled(tl, _ONLINE, p[P.online])
    voice, turnover, effort = p[P.voice], p[P.turnover_rate], p[P.effort_alignment]
    online = 0.0 if a3 and p[P.i3_physical] > 0.5 else online
    informal = max(informal, p[P.i3_rate]) if a3 else informal
    goal = min(1.0, p[P.shared_goal] + p[P.i1_goal]) if a1 else p[P.shared_goal]
    voice = 1.0 - (1.0 - voice) * (1.0 - p[P.i5_voice]) if a5 else voice
    turnover = turnover * (1.0 - p[P.i6_turnover_cut]) if a6 else turnover
    effort = effort * (1.0 - p[P.i6_effort]) if a6 else effort
    risk_cut = p[P.i2_risk_cut] if a2 else 0.0
    officer = p[P.i2_officer] if a2 else 0.0
    limits = p[P.i2_limits] if a2 else 0.0
    training = p[P.i2_training] if a2 else 0.0
    social_map = 1.0 if a4 else 0.0
    repair = p[P.i5_repair] if a5 else 0.0
    absence_cut = p[P.i6_absence_cut] if a6 else 0.0
    every = p[P.i1_every] if a1 else 0.0
    after = p[P.i1_after_turnover] if a1 else -1.0
    # in the order of the fields of `Levers`
    return Levers(_scheduled(tl, _MEETING, p[P.meeting_interval]), online, informal,
                  _scheduled(tl, _OUTSIDERS, p[P.outsider_rate]), goal, voice, turnover, effort, risk_cut,
                  officer, limits, training, social_map, repair, absence_cut, every, after)


def scheduled(st: Structure, week: int) -> dict[str, float]:
    """The timeline's settings in force in ``week`` (only those it has set by then)."""
    row = min(week, st.horizon)
    return {k: float(v[row]) for k, v in st.timeline.items() if not np.isnan(v[row])}


def levers(pb: ParamBatch, st: Structure, week: int) -> SimpleNamespace:
    """The levers of ``week`` for every run of a block: one (B,) array per lever name."""
    call = python_entry(week_levers)
    rows = [call(pb.kernel[b], st.kernel, week) for b in range(pb.size)]
    return SimpleNamespace(**{name: np.array([getattr(r, name) for r in rows]) for name in LEVER_NAMES})
