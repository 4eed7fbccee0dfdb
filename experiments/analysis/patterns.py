"""The patterns P1-P7 of the study as quantitative criteria (docs/patterns.md).

Each criterion is a pure function of tables of runs (pandas DataFrames shaped like the
runner's ``model``, ``agents`` and ``pairs`` tables, for one design point each) and
returns a `PatternResult`: the criterion in words, what was measured, and whether it
passed. The thresholds are module constants so that docs, tests and code share them.
Differences between X and Y are paired by replication (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from experiments.analysis.outcomes import END_WINDOW, end_weeks, mean_ci, per_run

# thresholds (see docs/patterns.md for their justification)
P1_START = 0.5  # mean intentional trust at week 1 in X and Y
P1_DRIFT = -0.02  # X: change week 1 -> end at least this (level or rising)
P2_BEFORE_WEEK = 103  # the last week before Y's newcomer (week 104)
P2_DROP = 0.2  # victims' intentional trust in the misuser falls by at least this
P2_SHARING_FALL = 0.25  # victims' sharing falls by at least this share
P2_BAND = 0.15  # unaffected members' trust in the misuser changes by at most this
P2_MIN_RUNS = 0.6  # share of runs in which misuse touches someone
P3_VALUES_FEEDBACK = 0.7  # members who value feedback
P3_COG_GAP = 0.2  # their cognitive trust in the overloaded org is this much below others
P3_INTENT_BAND = 0.1  # their intentional trust in it stays within this of the others
P3_COLLABORATION = 0.15  # collaboration at the table continues above this
P4_EMP_GAP = 0.05  # long-standing members' empathic trust exceeds the newest member's
P4_STALL_EMP = 0.02  # a stall interval: empathic trust gains at least this much less
P4_STALL_INTENT = 0.01  # ... while intentional trust's change differs by less than this
P5_COG = 0.6  # probe: cognitive trust high...
P5_INTENT = 0.3  # ... intentional trust absent (below the gate) ...
P5_COLLABORATION = 0.02  # ... and collaboration at most this
P6_GAIN = 0.05  # relative gain in collaboration per unit of intentional trust


@dataclass
class PatternResult:
    """A criterion's outcome. ``margin`` says how far the measured quantities are from
    passing: 0 when the criterion passes, otherwise the summed shortfall of its failing
    clauses, each in units of its own scale (so criteria are comparable; calibration
    minimises the sum). Criteria that do not yet grade their shortfall report 1 when
    they fail."""

    id: str
    criterion: str
    measured: dict[str, Any] = field(default_factory=dict)
    passed: bool = False
    margin: float | None = None

    def __post_init__(self):
        if self.margin is None:
            self.margin = 0.0 if self.passed else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "criterion": self.criterion,
                "measured": {k: _plain(v) for k, v in self.measured.items()}, "passed": bool(self.passed)}


def _plain(v):
    if isinstance(v, (np.floating, float)):
        return round(float(v), 4)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


# ---------------------------------------------------------------------------- P1


def p1(x: pd.DataFrame, y: pd.DataFrame) -> PatternResult:
    """Intentional trust is high from the start; in X it stays level or rises."""
    start_x = per_run(x, "intentional_trust", 1)
    start_y = per_run(y, "intentional_trust", 1)
    drift = per_run(x, "intentional_trust", end_weeks(x)) - start_x
    mx, my, md = mean_ci(start_x), mean_ci(start_y), mean_ci(drift)
    return PatternResult(
        "P1", f"mean intentional trust at week 1 >= {P1_START} in X and in Y (its lower 95% bound); "
              f"in X its change from week 1 to the end (last {END_WINDOW} weeks) >= {P1_DRIFT}",
        {"x_week1": mx[0], "x_week1_ci": mx[1:], "y_week1": my[0], "y_week1_ci": my[1:],
         "x_change": md[0], "x_change_ci": md[1:]},
        mx[1] >= P1_START and my[1] >= P1_START and md[1] >= P1_DRIFT)


# ---------------------------------------------------------------------------- P2


def misuser_of(pairs: pd.DataFrame) -> str | None:
    """The organisation whose misuse harmed others most (None if nobody was harmed)."""
    last = pairs[pairs.step == pairs.step.max()]
    harm = last.groupby("trustee")["harmed"].sum()
    return None if harm.empty or harm.max() <= 0 else str(harm.idxmax())


def p2(y_pairs: pd.DataFrame, y_agents: pd.DataFrame, case_holders: list[str]) -> PatternResult:
    """In Y, misuse after the newcomer breaks the affected members' trust and sharing only."""
    criterion = (f"in Y, members whose data the misusing organisation used (harmed > 0): their "
                 f"intentional trust in it falls by >= {P2_DROP} from week {P2_BEFORE_WEEK} to the "
                 f"end, their sharing falls by >= {P2_SHARING_FALL:.0%}; case-holding members not "
                 f"affected keep their trust in it within +-{P2_BAND}; misuse touches someone in "
                 f">= {P2_MIN_RUNS:.0%} of runs")
    misuser = misuser_of(y_pairs)
    if misuser is None:
        return PatternResult("P2", criterion, {"runs_with_victims": 0.0}, False)
    last_step = y_pairs.step.max()
    before_step = y_pairs.step[y_pairs.step <= P2_BEFORE_WEEK].max()
    toward = y_pairs[y_pairs.trustee == misuser]
    end = toward[toward.step == last_step].set_index(["replication", "trustor"])
    before = toward[toward.step == before_step].set_index(["replication", "trustor"])
    victim = end["harmed"] > 0
    holders = end.index.get_level_values("trustor").isin(case_holders)
    drop = (before["intentional"] - end["intentional"])
    reps = end.index.get_level_values("replication")
    runs_with_victims = victim.groupby(reps).any().mean()
    victim_drop = drop[victim].groupby(level="replication").mean()
    bystander_change = (-drop[~victim & holders]).groupby(level="replication").mean()
    # sharing of the victims: mean over the weeks before the newcomer against the last weeks
    victims = set(end.index[victim])
    ag = y_agents.set_index(["replication", "org"])
    mask = np.array([key in victims for key in ag.index])
    vict = ag[mask].reset_index()
    first, last = end_weeks(y_agents)
    pre = vict[(vict.step > P2_BEFORE_WEEK - 26) & (vict.step <= P2_BEFORE_WEEK)
               ].groupby("replication")["sharing"].mean()
    post = vict[vict.step >= first].groupby("replication")["sharing"].mean()
    fall = ((pre - post) / pre.where(pre > 0)).dropna()
    md, mb, mf = mean_ci(victim_drop), mean_ci(bystander_change), mean_ci(fall)
    passed = (runs_with_victims >= P2_MIN_RUNS and md[1] >= P2_DROP and mf[1] >= P2_SHARING_FALL
              and abs(mb[0]) <= P2_BAND)
    return PatternResult("P2", criterion, {
        "misuser": misuser, "runs_with_victims": runs_with_victims,
        "victims_trust_drop": md[0], "victims_trust_drop_ci": md[1:],
        "victims_sharing_fall": mf[0], "victims_sharing_fall_ci": mf[1:],
        "unaffected_trust_change": mb[0], "unaffected_trust_change_ci": mb[1:]}, bool(passed))


# ---------------------------------------------------------------------------- P3


def p3(x_pairs: pd.DataFrame, x_model: pd.DataFrame, overloaded: str,
       values_feedback: dict[str, float]) -> PatternResult:
    """Poor feedback lowers cognitive, not intentional, trust of those who value it."""
    valuers = [o for o, v in values_feedback.items() if v >= P3_VALUES_FEEDBACK and o != overloaded]
    last = x_pairs[(x_pairs.step == x_pairs.step.max()) & x_pairs.trustor.isin(valuers)]
    to_k = last[last.trustee == overloaded].groupby("replication")
    to_rest = last[last.trustee != overloaded].groupby("replication")
    cog_gap = to_rest["cognitive"].mean() - to_k["cognitive"].mean()
    intent_gap = to_rest["intentional"].mean() - to_k["intentional"].mean()
    routed = to_k["routed"].sum()
    collab = per_run(x_model, "collaboration", end_weeks(x_model))
    mc, mi, mr, mcol = mean_ci(cog_gap), mean_ci(intent_gap), mean_ci(routed), mean_ci(collab)
    return PatternResult(
        "P3", f"in X, members who value feedback (>= {P3_VALUES_FEEDBACK}) hold cognitive trust in the "
              f"overloaded organisation >= {P3_COG_GAP} below their trust in the others, route work "
              f"around it (routed contacts > 0), keep their intentional trust in it within "
              f"{P3_INTENT_BAND} of the others, and collaboration at the table stays >= {P3_COLLABORATION}",
        {"overloaded": overloaded, "members": valuers, "cognitive_gap": mc[0], "cognitive_gap_ci": mc[1:],
         "intentional_gap": mi[0], "intentional_gap_ci": mi[1:], "routed_contacts": mr[0],
         "collaboration": mcol[0]},
        bool(mc[1] >= P3_COG_GAP and mr[1] > 0 and abs(mi[0]) <= P3_INTENT_BAND
             and mcol[1] >= P3_COLLABORATION))


# ---------------------------------------------------------------------------- P4


def stall_event_study(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per replication: change of empathic and intentional trust over the recording
    intervals in which a pair stalled, against the intervals in which it did not (only
    pairs that ever stalled, so each pair is its own control)."""
    p = pairs.sort_values(["replication", "trustor", "trustee", "step"])
    key = [p.replication, p.trustor, p.trustee]
    d_emp = p.groupby(key, sort=False)["empathic"].diff()
    d_int = p.groupby(key, sort=False)["intentional"].diff()
    new = p.groupby(key, sort=False)["stalled"].diff() > 0
    ever = p.groupby(key, sort=False)["stalled"].transform("max") > 0
    frame = pd.DataFrame({"replication": p.replication, "d_emp": d_emp, "d_int": d_int, "stall": new,
                          "ever": ever}).dropna()
    frame = frame[frame.ever]
    rows = []
    for rep, f in frame.groupby("replication"):
        if f.stall.any() and (~f.stall).any():
            rows.append({"replication": rep,
                         "emp_deficit": f.d_emp[~f.stall].mean() - f.d_emp[f.stall].mean(),
                         "intent_deficit": f.d_int[~f.stall].mean() - f.d_int[f.stall].mean()})
    return pd.DataFrame(rows, columns=["replication", "emp_deficit", "intent_deficit"])


def p4(x_agents: pd.DataFrame, x_pairs: pd.DataFrame, case_holders: list[str]) -> PatternResult:
    """Empathic trust grows with tenure; stalls damage empathic, not intentional, trust."""
    last = x_agents[(x_agents.step == x_agents.step.max())]
    holders = last[last.org.isin(case_holders)]
    newest = holders.loc[holders.groupby("replication")["tenure"].idxmin()].set_index("replication")
    senior = holders[holders.tenure >= 104].groupby("replication")
    emp_gap = senior["empathic_out"].mean() - newest["empathic_out"]
    lang_gap = senior["common_language"].mean() - newest["common_language"]
    fixed_gap = senior["fixed_contacts"].mean() - newest["fixed_contacts"]
    events = stall_event_study(x_pairs)
    pl = x_pairs[x_pairs.step == x_pairs.step.max()]
    stalled = pl.stalled > 0
    recovered = float(pl[stalled]["backup_contact"].mean()) if stalled.any() else 0.0
    me, ml, mf = mean_ci(emp_gap), mean_ci(lang_gap), mean_ci(fixed_gap)
    mse, msi = mean_ci(events.emp_deficit), mean_ci(events.intent_deficit)
    passed = (me[1] >= P4_EMP_GAP and ml[0] > 0 and mf[0] > 0 and len(events) > 0
              and mse[1] >= P4_STALL_EMP and abs(msi[0]) < P4_STALL_INTENT and recovered > 0)
    return PatternResult(
        "P4", f"in X, members with >= 2 years at the table hold empathic trust >= {P4_EMP_GAP} above "
              f"the newest member's, more common language and more fixed contacts; work stalls on "
              f"absent fixed contacts, and over the recording intervals in which a pair stalls its "
              f"empathic trust gains >= {P4_STALL_EMP} less than in its other intervals while its "
              f"intentional trust changes by < {P4_STALL_INTENT} differently; back-up contacts are "
              f"learned after stalls (recovery)",
        {"empathic_gap": me[0], "empathic_gap_ci": me[1:], "language_gap": ml[0],
         "fixed_contacts_gap": mf[0], "share_of_pairs_stalled": float(stalled.mean()),
         "stall_empathic_deficit": mse[0], "stall_empathic_deficit_ci": mse[1:],
         "stall_intentional_deficit": msi[0], "backup_learned_share": recovered},
        bool(passed))


# ---------------------------------------------------------------------------- P5


def p5(probe: pd.DataFrame, x: pd.DataFrame) -> PatternResult:
    """Without intentional trust there is no collaboration, whatever the other kinds."""
    w = end_weeks(probe)
    it, cg = mean_ci(per_run(probe, "intentional_trust", w)), mean_ci(per_run(probe, "cognitive_trust", w))
    co, sh = mean_ci(per_run(probe, "collaboration", w)), mean_ci(per_run(probe, "info_shared", w))
    base = mean_ci(per_run(x, "collaboration", end_weeks(x)))
    return PatternResult(
        "P5", f"in X with no shared goal (intentional trust < {P5_INTENT}) but high cognitive trust "
              f"(>= {P5_COG}), collaboration and information shared stay <= {P5_COLLABORATION}, while "
              f"X itself collaborates (> {P5_COLLABORATION})",
        {"intentional_trust": it[0], "cognitive_trust": cg[0], "collaboration": co[0],
         "collaboration_ci": co[1:], "info_shared": sh[0], "x_collaboration": base[0]},
        bool(it[0] < P5_INTENT and cg[0] >= P5_COG and co[2] <= P5_COLLABORATION
             and sh[2] <= P5_COLLABORATION and base[1] > P5_COLLABORATION))


# ---------------------------------------------------------------------------- P6


def collaboration_yield(model: pd.DataFrame) -> pd.Series:
    """Collaboration per unit of intentional trust, per run, over the last weeks."""
    w = end_weeks(model)
    return per_run(model, "collaboration", w) / per_run(model, "intentional_trust", w)


def p6(pairs_of_points: dict[str, tuple[pd.DataFrame, pd.DataFrame]]) -> PatternResult:
    """Each moderator raises the collaboration a given level of trust yields.

    ``pairs_of_points`` maps a moderator name to (strong, weak) model tables.
    """
    measured, ok = {}, True
    for name, (strong, weak) in pairs_of_points.items():
        ys, yw = collaboration_yield(strong), collaboration_yield(weak)
        gain = (ys - yw) / yw.mean() if yw.mean() > 0 else ys - yw
        m = mean_ci(gain)
        measured[f"{name}_gain"] = m[0]
        measured[f"{name}_gain_ci"] = m[1:]
        ok &= m[1] >= P6_GAIN
    return PatternResult(
        "P6", f"for each moderator (communication, autonomy, stability, coordination), network X with "
              f"the moderator strong yields >= {P6_GAIN:.0%} more collaboration per unit of intentional "
              f"trust than with it weak (lower 95% bound of the paired relative gain)",
        measured, bool(ok))


# ---------------------------------------------------------------------------- P7


def p7(x: pd.DataFrame, y: pd.DataFrame) -> PatternResult:
    """X ends with more intentional trust, sharing and collaboration than Y."""
    measured, ok = {}, True
    for metric in ("intentional_trust", "info_shared", "collaboration"):
        diff = per_run(x, metric, end_weeks(x)) - per_run(y, metric, end_weeks(y))
        m = mean_ci(diff)
        measured[f"{metric}_x_minus_y"] = m[0]
        measured[f"{metric}_x_minus_y_ci"] = m[1:]
        ok &= m[1] > 0
    return PatternResult(
        "P7", f"X - Y (paired by replication, mean of the last {END_WINDOW} weeks) > 0 with 95% "
              "confidence for intentional trust, information shared and collaboration",
        measured, bool(ok))
