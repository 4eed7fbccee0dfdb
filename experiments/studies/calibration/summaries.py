"""What a particle's simulation is reduced to: the criteria's clause estimates and their
shortfalls (what the calibration's distance reads), the summary statistics of the
known-answer check, and the observables a follow-up field study could measure.

* Pattern mode: for each scored pattern ``margin:<id>`` and ``passed:<id>``, and for each of
  its clauses ``est:<id>:<clause>`` (the effect size: a mean over the replications) and
  ``short:<id>:<clause>`` (the clause's shortfall from its threshold, in units of its own
  scale; 0 when it holds; `experiments.analysis.criterion`). The distance
  (`experiments.studies.calibration.distance`) is an adaptively weighted sum of the
  shortfalls of the calibrated clauses, so a particle close to passing is told apart from
  one far away, and 0 means every calibrated clause holds.
* Known-answer mode: replication means of trust, sharing and collaboration in X and Y
  at the start and at the end (`TRUTH_STATISTICS`), all on [0, 1]. Pass/fail criteria
  would identify little (a parameter region either passes or not); these statistics move
  smoothly with the parameters, so the posterior can be checked against the truth.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from experiments.analysis.outcomes import END_WINDOW, end_weeks, per_run
from experiments.analysis.scorecard import respondent_checks, score

START_WEEKS = (1, 13)  # "at the start": the first quarter
TRUTH_METRICS = ("intentional_trust", "cognitive_trust", "empathic_trust", "info_shared", "collaboration")
TRUTH_STATISTICS = tuple([f"{s}:intentional_trust:start" for s in ("x", "y")]
                         + [f"{s}:{m}:end" for s in ("x", "y") for m in TRUTH_METRICS])
FAILED = "failed"


def pattern_summaries(main, probes, patterns=None) -> dict[str, float]:
    """Margins, verdicts, clause estimates and shortfalls of ``patterns`` (ids; all if None)."""
    out = {}
    for r in score(main, probes, patterns=patterns):
        margin = float(r.margin) if r.margin is not None else float("nan")
        out[f"margin:{r.id}"] = margin if math.isfinite(margin) else float("inf")
        out[f"passed:{r.id}"] = float(bool(r.passed))
        for c in r.clauses:
            out[f"est:{r.id}:{c.name}"] = float(r.estimates[c.name])
            out[f"short:{r.id}:{c.name}"] = float(c.shortfall(r.estimates[c.name]))
    return out


def respondent_summaries(main) -> tuple[dict[str, float], dict[str, str]]:
    """Each respondent check as ``respondent:<R>:<k>`` (1 passed, 0 not; k numbers a
    respondent's checks in the order of `respondent_checks`), and each key's claim."""
    checks = respondent_checks(main)
    keys = [f"respondent:{key}" for key in _check_keys(checks)]
    values = {k: float(row.passed) for k, row in zip(keys, checks.itertuples(), strict=True)}
    claims = {k: f"{row.respondent} ({row.network.upper()}): {row.claim}"
              for k, row in zip(keys, checks.itertuples(), strict=True)}
    return values, claims


def _check_keys(checks: pd.DataFrame) -> list[str]:
    seen: dict[str, int] = {}
    keys = []
    for r in checks.respondent:
        seen[r] = seen.get(r, 0) + 1
        keys.append(f"{r}:{seen[r]}")
    return keys


def truth_summaries(main) -> dict[str, float]:
    out = {}
    for stat in TRUTH_STATISTICS:
        label, metric, when = stat.split(":")
        model = main.get("model", label)
        weeks = START_WEEKS if when == "start" else end_weeks(model)
        out[f"stat:{stat}"] = float(per_run(model, metric, weeks).mean())
    return out


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
