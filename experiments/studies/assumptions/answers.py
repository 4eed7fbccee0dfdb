"""The headline answers at one point of the ledger's sample."""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.analysis import outcomes as oc
from experiments.analysis.scorecard import score
from experiments.studies.assumptions.design import NETWORKS, intervention_label
from model.interventions import INTERVENTIONS

GAP_METRICS = ("intentional_trust", "info_shared", "collaboration")


def answer_names() -> list[str]:
    return ([f"gap:{m}" for m in GAP_METRICS] + [f"margin:P{k}" for k in range(1, 8)]
            + [f"{kind}:{i.id}:{n}" for kind in ("effect", "rank") for n in NETWORKS for i in INTERVENTIONS.values()])


def _end(frame: pd.DataFrame, metric: str) -> pd.Series:
    return oc.per_run(frame, metric, oc.end_weeks(frame))


def answers(main, probes) -> dict[str, float]:
    """``main`` and ``probes`` give a point's tables by the criteria's labels. Gaps are X - Y
    at the end; an effect is the paired mean gain in collaboration at the end; ranks are
    1 for the largest effect among the six interventions in that network."""
    out = {f"margin:{r.id}": r.margin for r in score(main, probes)}
    x, y = main.get("model", "x"), main.get("model", "y")
    for m in GAP_METRICS:
        out[f"gap:{m}"] = float((_end(x, m) - _end(y, m)).mean())
    for network, base in (("x", x), ("y", y)):
        effects = {i.id: float((_end(probes.get("model", intervention_label(network, name)), "collaboration")
                                - _end(base, "collaboration")).mean())
                   for name, i in INTERVENTIONS.items()}
        order = pd.Series(effects).rank(ascending=False, method="min")
        for iid, effect in effects.items():
            out[f"effect:{iid}:{network}"] = effect
            out[f"rank:{iid}:{network}"] = float(order[iid])
    return {k: out.get(k, np.nan) for k in answer_names()}
