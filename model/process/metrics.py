"""Model-level, organisation-level and pair-level metrics of a run, computed by compiled
functions that both engines share (so their recorded numbers agree bit for bit).

`measure` writes the metrics of run ``b`` into rows of preallocated arrays; the batched
engine calls it inside the compiled loop every week, the Mesa model and the `Recorder`
through `model_metrics`, `agent_metrics` and `pair_metrics`, which return arrays with the
batch axis first. Sums run in index order.
"""

from __future__ import annotations

import numpy as np

from model.process.compiled import compiled, entry
from model.process.state import (
    ACTED,
    ALIGN,
    ATMOSPHERE,
    BACKUP,
    CAUTION,
    CLARITY,
    COG,
    COLLABORATION,
    CONFUSIONS,
    EMP,
    FIXED,
    INFO_SHARED,
    INTENT,
    LANGUAGE,
    MISUSE_EVENTS,
    PAIR,
    RESOLVED,
    SHARING,
    STALLS,
    TENURE,
    TURNOVER_EVENTS,
    State,
)
from model.process.structure import Structure

MODEL_METRICS = (
    "intentional_trust", "cognitive_trust", "empathic_trust", "info_shared", "collaboration",
    "cases_open", "cases_resolved", "cases_joint", "stalls", "misuse_events", "turnover_events",
    "common_language", "goal_alignment", "data_caution", "goal_clarity", "atmosphere", "task_confusions",
)

AGENT_METRICS = (
    "tenure", "present", "intentional_out", "cognitive_out", "empathic_out",
    "intentional_in", "cognitive_in", "empathic_in", "sharing", "common_language",
    "fixed_contacts", "goal_alignment", "caution", "goal_clarity",
)

assert len(MODEL_METRICS) == 17  # `measure_model` writes them in this order
PAIR_METRICS = ("intentional", "cognitive", "empathic", "damage", "contacts", "routed",
                "harmed", "stalled", "exposure", "fixed_contact", "backup_contact")
assert PAIR == ("intent", "cog", "emp", "damage", "contacts", "routed", "harmed", "stalled", "exposure")


@compiled
def _mean(a):
    total = 0.0
    for i in range(a.shape[0]):
        total += a[i]
    return total / a.shape[0]


@compiled
def measure_model(s, b, out):
    """`MODEL_METRICS` of run ``b`` into ``out`` (M,). Trust means run over ordered pairs
    i != j (the diagonal is kept at zero)."""
    pair, org, run = s.pair[b], s.org[b], s.run[b]
    n = pair.shape[1]
    intent = cog = emp = 0.0
    for i in range(n):
        for j in range(n):
            intent += pair[INTENT, i, j]
            cog += pair[COG, i, j]
            emp += pair[EMP, i, j]
    pairs = n * (n - 1)
    opened = joint = 0.0
    for c in range(s.case_open.shape[1]):
        if s.case_open[b, c]:
            opened += 1.0
            acted = 0
            for i in range(n):
                acted += 1 if s.slot[b, ACTED, c, i] else 0
            joint += 1.0 if acted >= 2 else 0.0
    values = (intent / pairs, cog / pairs, emp / pairs, run[INFO_SHARED], run[COLLABORATION], opened,
              run[RESOLVED], joint, run[STALLS], run[MISUSE_EVENTS], run[TURNOVER_EVENTS], _mean(org[LANGUAGE]),
              _mean(org[ALIGN]), _mean(org[CAUTION]), _mean(org[CLARITY]), run[ATMOSPHERE], run[CONFUSIONS])
    for m in range(len(values)):  # in the order of MODEL_METRICS
        out[m] = values[m]


@compiled
def measure_agents(s, b, out):
    """`AGENT_METRICS` of run ``b`` into ``out`` (A, N)."""
    pair, org = s.pair[b], s.org[b]
    n = pair.shape[1]
    others = n - 1
    for i in range(n):
        io = co = eo = ii = ci = ei = fixed = 0.0
        for j in range(n):
            io += pair[INTENT, i, j]
            co += pair[COG, i, j]
            eo += pair[EMP, i, j]
            ii += pair[INTENT, j, i]
            ci += pair[COG, j, i]
            ei += pair[EMP, j, i]
            fixed += 1.0 if s.link[b, FIXED, i, j] else 0.0
        out[0, i], out[1, i] = org[TENURE, i], 1.0 if s.present[b, i] else 0.0
        out[2, i], out[3, i], out[4, i] = io / others, co / others, eo / others
        out[5, i], out[6, i], out[7, i] = ii / others, ci / others, ei / others
        out[8, i], out[9, i], out[10, i] = org[SHARING, i], org[LANGUAGE, i], fixed
        out[11, i], out[12, i], out[13, i] = org[ALIGN, i], org[CAUTION, i], org[CLARITY, i]


@compiled
def measure_pairs(s, b, out):
    """`PAIR_METRICS` of run ``b`` into ``out`` (P, N, N): the nine pair layers, then the links."""
    n = s.pair.shape[2]
    for i in range(n):
        for j in range(n):
            for k in range(9):
                out[k, i, j] = s.pair[b, k, i, j]
            out[9, i, j] = 1.0 if s.link[b, FIXED, i, j] else 0.0
            out[10, i, j] = 1.0 if s.link[b, BACKUP, i, j] else 0.0


@compiled
def measure(s, b, t, model_out, agent_out, pair_out, pairs_every):
    """Record week ``t`` of run ``b``: model metrics into ``model_out[t, b]``; agents into
    ``agent_out[t, b]`` unless it is empty; pairs into ``pair_out[t // pairs_every, b]``
    every ``pairs_every`` weeks (0: never)."""
    measure_model(s, b, model_out[t, b])
    if agent_out.shape[0] > 0:
        measure_agents(s, b, agent_out[t, b])
    if pairs_every > 0 and t % pairs_every == 0:
        measure_pairs(s, b, pair_out[t // pairs_every, b])


@entry
def record_week(s, t, model_out, agent_out, pair_out, pairs_every):
    """Record week ``t`` of every run of the block."""
    for b in range(model_out.shape[1]):
        measure(s, b, t, model_out, agent_out, pair_out, pairs_every)


class Recorder:
    """The metrics of a block of B runs every week (and pairs every K weeks), as arrays.

    Without ``record_agents`` the organisation-level series are not computed, which
    saves time in large sweeps.
    """

    def __init__(self, steps: int, b: int, n: int, pairs_every: int = 0, record_agents: bool = True):
        self.b, self.pairs_every = b, pairs_every
        self.model = np.zeros((steps + 1, b, len(MODEL_METRICS)))
        self.agents = np.zeros((steps + 1, b, len(AGENT_METRICS), n) if record_agents else (0, b, 0, n))
        self.pair_weeks = np.arange(0, steps + 1, pairs_every) if pairs_every > 0 else np.array([], dtype=int)
        self.pairs = np.zeros((len(self.pair_weeks), b, len(PAIR_METRICS), n, n))

    @property
    def arrays(self) -> tuple:
        return self.model, self.agents, self.pairs, self.pairs_every

    def record(self, t: int, state: State) -> None:
        record_week(state.kernel, t, *self.arrays)


def model_metrics(s: State, st: Structure) -> dict[str, np.ndarray]:
    """(B,) arrays, names as in `MODEL_METRICS`."""
    rec = Recorder(0, s.batch, st.n, 0, False)
    rec.record(0, s)
    return {k: rec.model[0, :, m].copy() for m, k in enumerate(MODEL_METRICS)}


def agent_metrics(s: State, st: Structure) -> dict[str, np.ndarray]:
    """(B, N) arrays, names as in `AGENT_METRICS`."""
    rec = Recorder(0, s.batch, st.n, 0, True)
    rec.record(0, s)
    return {k: rec.agents[0, :, m].copy() for m, k in enumerate(AGENT_METRICS)}


def pair_metrics(s: State) -> dict[str, np.ndarray]:
    """(B, N, N) arrays [run, trustor, trustee], names as in `PAIR_METRICS`."""
    return {
        "intentional": s.intent, "cognitive": s.cog, "empathic": s.emp, "damage": s.damage,
        "contacts": s.contacts, "routed": s.routed, "harmed": s.harmed, "stalled": s.stalled, "exposure": s.exposure,
        "fixed_contact": s.fixed.astype(float), "backup_contact": s.backup.astype(float),
    }
