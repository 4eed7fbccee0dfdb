"""What a particle's simulation is reduced to: the pattern margins (the distance the
calibration minimises), the summary statistics of the known-answer check, and the
observables a follow-up field study could measure.

* Pattern mode: the scorecard's results, each as ``margin:<id>`` (0 when the criterion
  holds, > 0 its distance from holding, comparable across criteria) and ``passed:<id>``.
  The distance is the sum of the margins of every result not held out -- whatever
  results `score` returns, so checks added to the scorecard later count automatically.
* Known-answer mode: replication means of trust, sharing and collaboration in X and Y
  at the start and at the end (`TRUTH_STATISTICS`), all on [0, 1]; the distance is their
  mean absolute difference from the pseudo-observed values. Pass/fail criteria would
  identify little (a parameter region either passes or not); these statistics move
  smoothly with the parameters, so the posterior can be checked against the truth.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from experiments.analysis.outcomes import END_WINDOW, end_weeks, per_run
from experiments.analysis.scorecard import score

START_WEEKS = (1, 13)  # "at the start": the first quarter
TRUTH_METRICS = ("intentional_trust", "cognitive_trust", "empathic_trust", "info_shared", "collaboration")
TRUTH_STATISTICS = tuple([f"{s}:intentional_trust:start" for s in ("x", "y")]
                         + [f"{s}:{m}:end" for s in ("x", "y") for m in TRUTH_METRICS])
FAILED = "failed"


def pattern_summaries(main, probes) -> dict[str, float]:
    out = {}
    for r in score(main, probes):
        margin = float(r.margin) if r.margin is not None else float("nan")
        out[f"margin:{r.id}"] = margin if math.isfinite(margin) else float("inf")
        out[f"passed:{r.id}"] = float(bool(r.passed))
    return out


def truth_summaries(main) -> dict[str, float]:
    out = {}
    for stat in TRUTH_STATISTICS:
        label, metric, when = stat.split(":")
        model = main.get("model", label)
        weeks = START_WEEKS if when == "start" else end_weeks(model)
        out[f"stat:{stat}"] = float(per_run(model, metric, weeks).mean())
    return out


class PatternDistance:
    """Sum of the margins of the results not held out (``inf`` for a failed particle)."""

    def __init__(self, held_out: tuple[str, ...]):
        self.held_out = tuple(held_out)

    def __call__(self, x: dict, x_0: dict) -> float:  # noqa: ARG002 - the patterns are the data
        if x.get(FAILED):
            return float("inf")
        return float(sum(v for k, v in x.items() if k.startswith("margin:") and k[7:] not in self.held_out))


class StatisticDistance:
    """Mean absolute difference of the known-answer statistics (all on [0, 1])."""

    def __call__(self, x: dict, x_0: dict) -> float:
        if x.get(FAILED):
            return float("inf")
        keys = [k for k in x_0 if k.startswith("stat:")]
        return float(np.mean([abs(float(x[k]) - float(x_0[k])) for k in keys]))


# --------------------------------------------------------------------- observables

OBSERVABLES = {
    # name: (unit, what a field study measures)
    "x:intentional_trust": ("network", "survey: mean intentional (goodwill) trust between members, X"),
    "y:intentional_trust": ("network", "survey: mean intentional (goodwill) trust between members, Y"),
    "x:cognitive_trust": ("network", "survey: mean cognitive (competence) trust, X"),
    "x:empathic_trust": ("network", "survey: mean empathic trust, X"),
    "y:info_shared": ("network", "minutes: share of the needed information shared at the table, Y"),
    "x:collaboration": ("network", "minutes: collaboration (joint actions agreed and done), X"),
    "x:routed_share": ("network", "contact log: share of contacts routed around an organisation, X"),
    "y:sharing_after_turnover": ("network", "minutes: change in members' sharing from the half year before "
                                            "the newcomer to the last quarter, Y"),
    "x:weeks_to_backup": ("network", "interviews: weeks from a first stall on an absent contact until a "
                                     "back-up contact is known, X"),
    "x:respondent_intentional": ("respondent", "survey: one member's mean intentional trust in the others, X"),
    "y:respondent_intentional": ("respondent", "survey: one member's mean intentional trust in the others, Y"),
}
NEWCOMER_WEEK = 104  # Y's newcomer with a diverging vision (model/inputs/scenarios/y.toml)


def observables(main) -> dict[str, np.ndarray]:
    """Each observable per network (one value per replication) or per respondent (one
    value per replication and member); NaN-free arrays (empty where undefined)."""
    out = {}
    for label in ("x", "y"):
        model = main.get("model", label)
        w = end_weeks(model)
        for metric in ("intentional_trust", "cognitive_trust", "empathic_trust", "info_shared", "collaboration"):
            out[f"{label}:{metric}"] = per_run(model, metric, w).to_numpy(dtype=float)
        agents = main.get("agents", label)
        last = agents[agents.step > agents.step.max() - END_WINDOW]
        out[f"{label}:respondent_intentional"] = (
            last.groupby(["replication", "org"])["intentional_out"].mean().to_numpy(dtype=float))
    out["x:routed_share"] = _routed_share(main.get("pairs", "x"))
    out["y:sharing_after_turnover"] = _sharing_change(main.get("agents", "y"))
    out["x:weeks_to_backup"] = _weeks_to_backup(main.get("pairs", "x"))
    keep = {k: v[np.isfinite(v)] for k, v in out.items()}
    return {k: keep[k] for k in OBSERVABLES}


def _routed_share(pairs: pd.DataFrame) -> np.ndarray:
    last = pairs[pairs.step == pairs.step.max()].groupby("replication")[["routed", "contacts"]].sum()
    return (last.routed / last.contacts.where(last.contacts > 0)).to_numpy(dtype=float)


def _sharing_change(agents: pd.DataFrame) -> np.ndarray:
    first, _ = end_weeks(agents)
    pre = agents[(agents.step > NEWCOMER_WEEK - 27) & (agents.step < NEWCOMER_WEEK)].groupby("replication")
    post = agents[agents.step >= first].groupby("replication")
    return (post["sharing"].mean() - pre["sharing"].mean()).to_numpy(dtype=float)


def _weeks_to_backup(pairs: pd.DataFrame) -> np.ndarray:
    """Per replication: mean over pairs that stalled of the weeks from the first recorded
    stall to the first recording with a back-up contact known (0 if one was known
    already; pairs that never learn one count until the end of the horizon)."""
    p = pairs.sort_values("step")
    key = ["replication", "trustor", "trustee"]
    stalled = p[p.stalled > 0].groupby(key)["step"].min()
    backup = p[p.backup_contact > 0].groupby(key)["step"].min()
    frame = pd.DataFrame({"stall": stalled}).join(backup.rename("backup"), how="left")
    weeks = (frame.backup.fillna(p.step.max()) - frame.stall).clip(lower=0)
    return weeks.groupby(level="replication").mean().to_numpy(dtype=float)
