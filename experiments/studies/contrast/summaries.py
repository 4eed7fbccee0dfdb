"""The contrast study's tables: end-of-horizon summary of X and Y, the one-group sweeps
and the Shapley decomposition of the gap."""

from __future__ import annotations

import pandas as pd

from experiments.analysis import outcomes as oc
from experiments.ensemble import Tables
from experiments.studies.contrast.decomposition import decompose
from experiments.studies.contrast.hybrid import GROUPS

OUTCOMES = ("intentional_trust", "info_shared", "collaboration")


def summary_table(main: Tables) -> pd.DataFrame:
    """End-of-horizon metrics of X and Y (mean of the last weeks) with 95% intervals."""
    rows = []
    x, y = main.get("model", "x"), main.get("model", "y")
    metrics = ("intentional_trust", "cognitive_trust", "empathic_trust", "info_shared", "collaboration",
               "cases_resolved", "stalls", "misuse_events", "turnover_events", "common_language",
               "goal_alignment")
    for metric in metrics:
        vx, vy = oc.per_run(x, metric, oc.end_weeks(x)), oc.per_run(y, metric, oc.end_weeks(y))
        mx, my, md = oc.mean_ci(vx), oc.mean_ci(vy), oc.mean_ci(vx - vy)
        rows.append({"metric": metric, "x_mean": mx[0], "x_ci_low": mx[1], "x_ci_high": mx[2],
                     "y_mean": my[0], "y_ci_low": my[1], "y_ci_high": my[2],
                     "diff": md[0], "diff_ci_low": md[1], "diff_ci_high": md[2]})
    return pd.DataFrame(rows)


def sweep_table(sweeps: Tables) -> pd.DataFrame:
    """Outcome (end-of-horizon mean and CI) per group and level."""
    rows = []
    labels = sweeps.runs.drop_duplicates("label").label.tolist()
    for label in labels:
        frame = sweeps.get("model", label)
        if label == "sweep:x":
            targets = [(g, 0.0) for g in GROUPS]
        else:
            g, _, t = label.removeprefix("sweep:").partition("=")
            targets = [(g, float(t))]
        for outcome in OUTCOMES:
            m = oc.mean_ci(oc.per_run(frame, outcome, oc.end_weeks(frame)))
            for g, t in targets:
                rows.append({"group": g, "level": t, "outcome": outcome, "mean": m[0],
                             "ci_low": m[1], "ci_high": m[2]})
    return pd.DataFrame(rows).sort_values(["group", "outcome", "level"]).reset_index(drop=True)


DECOMPOSED = (*OUTCOMES, "stalls")  # and the stalls a network accumulates (why X has more: the report)


def decomposition_table(dec: Tables) -> pd.DataFrame:
    rows = []
    for label in dec.runs.drop_duplicates("label").label:
        groups = frozenset(filter(None, label.removeprefix("coalition:").split("+")))
        frame = dec.get("model", label)
        values = pd.DataFrame({o: oc.at_horizon(frame, o) for o in DECOMPOSED})
        values["coalition"] = [groups] * len(values)
        rows.append(values.reset_index())
    table = pd.concat(rows, ignore_index=True)
    out = decompose(table, list(DECOMPOSED))
    out["effect_x_minus_y"] = -out["effect"]
    return out
