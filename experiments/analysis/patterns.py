"""The patterns P1-P7 of the study as quantitative criteria (docs/patterns.md).

Each criterion is a pure function of tables of runs (pandas DataFrames shaped like the
runner's ``model``, ``agents`` and ``pairs`` tables, one design point each, with a
``replication`` column) and returns a `PatternResult`. A criterion is a conjunction of
*clauses*; each clause compares one measured quantity (a mean or a 95% bound over
replications) with a threshold and knows its scale, so a failing clause says how far it
is from passing (the result's ``margin``, the distance calibration minimises).

Each criterion measures a consequence that must emerge from the mechanisms, never an
input value: trust after the first year of meetings rather than its starting prior
(P1), victims defined by exposure and compared with their own counterfactual without
misuse (P2), what stalls do where stalls occur in both arms of the ablation (P4),
trust destroyed by a history of misuse (P5), moderation as a difference of slopes
(P6), and the X-Y contrast as a difference in differences around Y's breach (P7).
Thresholds are module constants so that docs, tests and code share them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from experiments.analysis.outcomes import END_WINDOW, end_weeks, mean_ci, per_run

# thresholds (docs/patterns.md gives the reasons)
YEAR_ONE = (40, 52)  # the end of the first year of meetings
P1_LEVEL = 0.5  # intentional trust after the first year, X and Y (lower 95% bound)
P1_INTERACTION_GAP = 0.1  # most- minus least-interacting quartile of pairs (upper bound)
P1_DRIFT = -0.02  # X: change from the end of year one to the end (lower bound)
BREACH_WEEK = 104  # Y's newcomer with a diverging vision
BEFORE = (91, 103)  # the weeks before the breach
P2_DROP = 0.1  # exposed members' trust in the interested party, below their counterfactual
P2_SHARING_FALL = 0.2  # exposed members' sharing below their counterfactual (share)
P2_BAND = 0.05  # members not exposed: trust within this of their counterfactual (mean)
P2_MIN_RUNS = 0.6  # share of runs with misuse after the breach
P3_VALUES_FEEDBACK = 0.7
P3_COG_GAP = 0.2
P3_INTENT_BAND = 0.1
P3_COLLABORATION = 0.15
P4_EMP_GAP = 0.05
P4_STALL_EMP = 0.02
P4_STALL_INTENT = 0.01
P4_RECOVERY_WEEKS = 26
P4_RECOVERY = 0.5  # share of a stall's empathic loss regained within 26 weeks (lower bound)
P5_EARLY = 0.05  # the probe shared before its trust was destroyed (weeks 1-26, mean)
P5_INTENT_FALL = 0.1  # mean intentional trust fell at least this much from week 1 to the end
P5_COG = 0.6
P5_COLLAPSE = 0.05  # sharing and collaboration at the end: upper bounds at most this ...
P5_RATIO = 0.25  # ... and at most this share of the probe's own early sharing
P6_SLOPE = 0.05  # slope of collaboration on intentional trust: strong minus weak (lower bound)
P7_DID = 0.0  # Y's change around the breach minus X's (upper bound below this)
P7_METRICS = ("intentional_trust", "info_shared", "collaboration")


@dataclass(frozen=True)
class Clause:
    """``value op threshold``; ``scale`` turns a shortfall into comparable units."""

    name: str
    value: float
    op: str  # ">=", "<=", "<", ">"
    threshold: float
    scale: float

    @property
    def passed(self) -> bool:
        if not np.isfinite(self.value):
            return False
        return {">=": self.value >= self.threshold, ">": self.value > self.threshold,
                "<=": self.value <= self.threshold, "<": self.value < self.threshold}[self.op]

    @property
    def shortfall(self) -> float:
        if self.passed:
            return 0.0
        if not np.isfinite(self.value):
            return 1.0
        gap = self.threshold - self.value if self.op in (">=", ">") else self.value - self.threshold
        return float(max(gap, 0.0) / self.scale) + 1e-9


@dataclass
class PatternResult:
    """A criterion's outcome. ``margin`` says how far the measured quantities are from
    passing: 0 when the criterion passes, otherwise the summed shortfall of its failing
    clauses, each in units of its own scale (so criteria are comparable; calibration
    minimises the sum)."""

    id: str
    criterion: str
    measured: dict[str, Any] = field(default_factory=dict)
    passed: bool = False
    margin: float | None = None
    clauses: list[Clause] = field(default_factory=list)

    def __post_init__(self):
        if self.clauses:
            self.passed = all(c.passed for c in self.clauses)
            self.margin = float(sum(c.shortfall for c in self.clauses))
        if self.margin is None:
            self.margin = 0.0 if self.passed else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "criterion": self.criterion,
                "measured": {k: _plain(v) for k, v in self.measured.items()}, "passed": bool(self.passed),
                "margin": round(float(self.margin), 4),
                "failed_clauses": [c.name for c in self.clauses if not c.passed]}


def _plain(v):
    if isinstance(v, (np.floating, float)):
        return round(float(v), 4)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def _at(pairs: pd.DataFrame, week: int) -> pd.DataFrame:
    """Pair rows at the last recorded week not after ``week``."""
    step = pairs.step[pairs.step <= week].max()
    return pairs[pairs.step == step]


# ---------------------------------------------------------------------------- P1


def p1(x: pd.DataFrame, y: pd.DataFrame, x_pairs: pd.DataFrame) -> PatternResult:
    """Intentional trust is high after the first year of meetings although few
    interactions have happened, it does not follow the number of interactions across
    pairs, and in X it stays level or rises."""
    lx, ly = mean_ci(per_run(x, "intentional_trust", YEAR_ONE)), mean_ci(per_run(y, "intentional_trust", YEAR_ONE))
    year = _at(x_pairs, YEAR_ONE[1])
    gaps = []
    for _, f in year.groupby("replication"):
        lo, hi = f.contacts.quantile(0.25), f.contacts.quantile(0.75)
        top, bottom = f[f.contacts >= hi], f[f.contacts <= lo]
        if len(top) and len(bottom) and hi > lo:
            gaps.append(top.intentional.mean() - bottom.intentional.mean())
    gap = mean_ci(gaps)
    contacts = mean_ci(year.groupby("replication").contacts.mean())
    drift = mean_ci(per_run(x, "intentional_trust", end_weeks(x)) - per_run(x, "intentional_trust", YEAR_ONE))
    return PatternResult(
        "P1", f"after the first year (weeks {YEAR_ONE[0]}-{YEAR_ONE[1]}) mean intentional trust >= {P1_LEVEL} "
              f"in X and in Y (lower 95% bounds); in X it does not follow the number of interactions: the "
              f"quarter of pairs with the most contacts outside meetings hold at most {P1_INTERACTION_GAP} more "
              f"trust than the quarter with the fewest (upper bound); in X it stays level or rises to the end "
              f"(change >= {P1_DRIFT}, lower bound)",
        {"x_year_one": lx[0], "x_year_one_ci": lx[1:], "y_year_one": ly[0], "y_year_one_ci": ly[1:],
         "interaction_gap": gap[0], "interaction_gap_ci": gap[1:], "contacts_per_pair": contacts[0],
         "x_change": drift[0], "x_change_ci": drift[1:]},
        clauses=[Clause("x_level", lx[1], ">=", P1_LEVEL, 0.1), Clause("y_level", ly[1], ">=", P1_LEVEL, 0.1),
                 Clause("interactions", gap[2], "<=", P1_INTERACTION_GAP, 0.1),
                 Clause("x_level_or_rising", drift[1], ">=", P1_DRIFT, 0.1)])


# ---------------------------------------------------------------------------- P2


def exposed_after_breach(pairs: pd.DataFrame, interested: str) -> pd.Series:
    """Per (replication, trustor): True if its data lay on the table while ``interested``
    was present, after the breach week (exposure rose)."""
    toward = pairs[pairs.trustee == interested]
    before = _at(toward, BREACH_WEEK - 1).set_index(["replication", "trustor"]).exposure
    end = toward[toward.step == toward.step.max()].set_index(["replication", "trustor"]).exposure
    return (end - before) > 0


def p2(y_model: pd.DataFrame, y_pairs: pd.DataFrame, y_agents: pd.DataFrame, cf_pairs: pd.DataFrame,
       cf_agents: pd.DataFrame, holders: list[str], interested: str) -> PatternResult:
    """In Y, members whose data lay before the interested party after its newcomer joined
    lose trust in it and share less than they would have without misuse (same seeds);
    members not exposed keep their trust."""
    exposed = exposed_after_breach(y_pairs, interested)
    exposed = exposed[exposed.index.get_level_values("trustor").isin(holders)]
    last = y_pairs.step.max()

    def end_trust(pairs):
        t = pairs[(pairs.trustee == interested) & (pairs.step == last)]
        return t.set_index(["replication", "trustor"]).intentional

    drop = (end_trust(cf_pairs) - end_trust(y_pairs)).reindex(exposed.index)
    reps = exposed.index.get_level_values("replication")
    victim_drop = drop[exposed].groupby(level="replication").mean()
    bystander = (-drop[~exposed]).groupby(level="replication").mean()
    first, _ = end_weeks(y_agents)

    def end_sharing(agents):
        return agents[agents.step >= first].groupby(["replication", "org"]).sharing.mean()

    sh_y, sh_cf = end_sharing(y_agents), end_sharing(cf_agents)
    keys = [k for k in exposed.index[exposed.to_numpy()] if sh_cf.get(k, 0) > 0]
    fall = pd.Series([(sh_cf[k] - sh_y[k]) / sh_cf[k] for k in keys],
                     index=pd.MultiIndex.from_tuples(keys, names=["replication", "org"]) if keys else None,
                     dtype=float)
    fall = fall.groupby(level="replication").mean() if len(fall) else fall
    after = y_model[y_model.step >= BREACH_WEEK].groupby("replication").misuse_events
    misuse_runs = float(((after.max() - after.min()) > 0).mean()) if len(after) else 0.0
    md, mb, mf = mean_ci(victim_drop), mean_ci(bystander), mean_ci(fall)
    return PatternResult(
        "P2", f"in Y, members whose data lay on the table before the {interested} after week {BREACH_WEEK} "
              f"(exposed; whether or not they noticed) end with intentional trust in it >= {P2_DROP} below their "
              f"own counterfactual without misuse (same seeds) and share >= {P2_SHARING_FALL:.0%} less (lower "
              f"bounds); case holders not exposed stay within +-{P2_BAND} of theirs (mean); misuse after the "
              f"breach in >= {P2_MIN_RUNS:.0%} of runs",
        {"interested_party": interested, "runs_with_misuse": misuse_runs,
         "exposed_per_run": float(exposed.groupby(level="replication").sum().mean()) if len(exposed) else 0.0,
         "exposed_trust_drop": md[0], "exposed_trust_drop_ci": md[1:],
         "exposed_sharing_fall": mf[0], "exposed_sharing_fall_ci": mf[1:],
         "unexposed_trust_change": mb[0], "unexposed_trust_change_ci": mb[1:]},
        clauses=[Clause("misuse_happens", misuse_runs, ">=", P2_MIN_RUNS, P2_MIN_RUNS),
                 Clause("exposed_trust_drop", md[1], ">=", P2_DROP, P2_DROP),
                 Clause("exposed_sharing_fall", mf[1], ">=", P2_SHARING_FALL, P2_SHARING_FALL),
                 Clause("unexposed_keep_trust", abs(mb[0]) if np.isfinite(mb[0]) else 0.0, "<=", P2_BAND, P2_BAND)]
        if len(reps) else [Clause("exposed_members", 0.0, ">", 0.0, 1.0)])


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
        clauses=[Clause("cognitive_gap", mc[1], ">=", P3_COG_GAP, P3_COG_GAP),
                 Clause("routes_around", mr[1], ">", 0.0, 1.0),
                 Clause("intentional_kept", abs(mi[0]), "<=", P3_INTENT_BAND, P3_INTENT_BAND),
                 Clause("collaboration_continues", mcol[1], ">=", P3_COLLABORATION, P3_COLLABORATION)])


# ---------------------------------------------------------------------------- P4


def stall_event_study(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per replication: over the recording intervals in which a pair stalled against its
    other intervals (pairs that ever stalled, each its own control), how much less empathic
    and intentional trust gained; and the recovery rate: of the empathic trust a stall
    interval took away, the share regained within `P4_RECOVERY_WEEKS` weeks."""
    p = pairs.sort_values(["replication", "trustor", "trustee", "step"])
    g = p.groupby([p.replication, p.trustor, p.trustee], sort=False)
    every = int(np.diff(np.unique(p.step))[0]) if p.step.nunique() > 1 else 1
    frame = pd.DataFrame({"replication": p.replication, "d_emp": g["empathic"].diff(),
                          "d_int": g["intentional"].diff(), "stall": g["stalled"].diff() > 0,
                          "ever": g["stalled"].transform("max") > 0, "emp": p.empathic,
                          "later": g["empathic"].shift(-max(1, P4_RECOVERY_WEEKS // every))})
    frame = frame.dropna(subset=["d_emp", "d_int"])
    frame = frame[frame.ever]
    rows = []
    for rep, f in frame.groupby("replication"):
        if f.stall.any() and (~f.stall).any():
            cut = f[f.stall & (f.d_emp < 0) & f.later.notna()]  # stalls that lowered empathic trust
            rate = ((cut.later - cut.emp) / -cut.d_emp).clip(-2.0, 2.0).mean() if len(cut) else np.nan
            rows.append({"replication": rep,
                         "emp_deficit": f.d_emp[~f.stall].mean() - f.d_emp[f.stall].mean(),
                         "intent_deficit": f.d_int[~f.stall].mean() - f.d_int[f.stall].mean(),
                         "recovery": rate})
    return pd.DataFrame(rows, columns=["replication", "emp_deficit", "intent_deficit", "recovery"])


def p4(x_agents: pd.DataFrame, x_pairs: pd.DataFrame, case_holders: list[str]) -> PatternResult:
    """Empathic trust grows with tenure; stalls damage empathic, not intentional, trust,
    which then recovers."""
    last = x_agents[(x_agents.step == x_agents.step.max())]
    holders = last[last.org.isin(case_holders)]
    newest = holders.loc[holders.groupby("replication")["tenure"].idxmin()].set_index("replication")
    senior = holders[holders.tenure >= 104].groupby("replication")
    emp_gap = senior["empathic_out"].mean() - newest["empathic_out"]
    lang_gap = senior["common_language"].mean() - newest["common_language"]
    fixed_gap = senior["fixed_contacts"].mean() - newest["fixed_contacts"]
    events = stall_event_study(x_pairs)
    stalled = float((x_pairs[x_pairs.step == x_pairs.step.max()].stalled > 0).mean())
    me, ml, mf = mean_ci(emp_gap), mean_ci(lang_gap), mean_ci(fixed_gap)
    mse, msi, mrec = mean_ci(events.emp_deficit), mean_ci(events.intent_deficit), mean_ci(events.recovery)
    return PatternResult(
        "P4", f"in X, members with >= 2 years at the table hold empathic trust >= {P4_EMP_GAP} above the "
              f"newest member's, more common language and more fixed contacts; where work stalls on an absent "
              f"fixed contact, the pair's empathic trust gains >= {P4_STALL_EMP} less over the stall interval "
              f"than over its other intervals while its intentional trust's change differs by < "
              f"{P4_STALL_INTENT}, and the pair regains >= {P4_RECOVERY:.0%} of that loss within "
              f"{P4_RECOVERY_WEEKS} weeks (lower bound: recovery as a rate)",
        {"empathic_gap": me[0], "empathic_gap_ci": me[1:], "language_gap": ml[0],
         "fixed_contacts_gap": mf[0], "share_of_pairs_stalled": stalled,
         "stall_empathic_deficit": mse[0], "stall_empathic_deficit_ci": mse[1:],
         "stall_intentional_deficit": msi[0], "recovery_rate": mrec[0], "recovery_rate_ci": mrec[1:]},
        clauses=[Clause("tenure_empathic_gap", me[1], ">=", P4_EMP_GAP, P4_EMP_GAP),
                 Clause("tenure_language_gap", ml[0], ">", 0.0, 0.05),
                 Clause("tenure_fixed_contacts_gap", mf[0], ">", 0.0, 1.0),
                 Clause("stalls_happen", float(len(events)), ">", 0.0, 1.0),
                 Clause("stall_hurts_empathic", mse[1], ">=", P4_STALL_EMP, P4_STALL_EMP),
                 Clause("stall_spares_intentional", abs(msi[0]), "<", P4_STALL_INTENT, P4_STALL_INTENT),
                 Clause("recovers", mrec[1], ">=", P4_RECOVERY, P4_RECOVERY)])


# ---------------------------------------------------------------------------- P5


def p5(probe: pd.DataFrame) -> PatternResult:
    """Where a history of misuse has destroyed intentional trust, sharing and
    collaboration collapse while cognitive trust stays high."""
    w = end_weeks(probe)
    early = mean_ci(per_run(probe, "info_shared", (1, 26)))
    fall = mean_ci(per_run(probe, "intentional_trust", 1) - per_run(probe, "intentional_trust", w))
    cg = mean_ci(per_run(probe, "cognitive_trust", w))
    co, sh = mean_ci(per_run(probe, "collaboration", w)), mean_ci(per_run(probe, "info_shared", w))
    misuse = float((probe[probe.step == probe.step.max()].misuse_events > 0).mean())
    ratio = sh[0] / early[0] if early[0] > 0 else np.inf
    return PatternResult(
        "P5", f"in the P5 probe (X where every party is tempted to misuse shared data and detects misuse, and "
              f"cognitive trust starts high): it first shares (weeks 1-26, mean >= {P5_EARLY}); once a history "
              f"of misuse has cut intentional trust (by >= {P5_INTENT_FALL} from week 1), sharing and "
              f"collaboration collapse (upper bounds <= {P5_COLLAPSE}, sharing <= {P5_RATIO:.0%} of its early "
              f"level) while cognitive trust stays >= {P5_COG}",
        {"early_sharing": early[0], "intentional_trust_fall": fall[0], "cognitive_trust": cg[0],
         "collaboration": co[0], "collaboration_ci": co[1:], "info_shared": sh[0], "sharing_ratio": ratio,
         "runs_with_misuse": misuse},
        clauses=[Clause("shared_at_first", early[0], ">=", P5_EARLY, P5_EARLY),
                 Clause("misuse_history", misuse, ">=", 0.9, 0.9),
                 Clause("intentional_cut", fall[0], ">=", P5_INTENT_FALL, P5_INTENT_FALL),
                 Clause("cognitive_high", cg[0], ">=", P5_COG, 0.1),
                 Clause("sharing_collapses", sh[2], "<=", P5_COLLAPSE, P5_COLLAPSE),
                 Clause("sharing_ratio", ratio, "<=", P5_RATIO, P5_RATIO),
                 Clause("collaboration_collapses", co[2], "<=", P5_COLLAPSE, P5_COLLAPSE)])


# ---------------------------------------------------------------------------- P6


def trust_slope(levels: list[pd.DataFrame]) -> pd.Series:
    """Per replication: the least-squares slope of collaboration on intentional trust
    (both at the horizon) across the points of a sweep of trust levels."""
    frames = []
    for k, model in enumerate(levels):
        w = end_weeks(model)
        frames.append(pd.DataFrame({"level": k, "trust": per_run(model, "intentional_trust", w),
                                    "collab": per_run(model, "collaboration", w)}))
    data = pd.concat(frames).reset_index()

    def slope(f: pd.DataFrame) -> float:
        x = f.trust - f.trust.mean()
        return float((x * (f.collab - f.collab.mean())).sum() / (x * x).sum()) if (x * x).sum() > 0 else np.nan

    return data.groupby("replication")[["trust", "collab"]].apply(slope)


def p6(sweeps: dict[str, tuple[list[pd.DataFrame], list[pd.DataFrame]]]) -> PatternResult:
    """Each moderator strengthens the link: across a sweep of trust levels, collaboration
    rises more steeply with intentional trust where the moderator is strong than weak.

    ``sweeps`` maps a moderator to (strong, weak) lists of model tables, one per level."""
    measured, clauses = {}, []
    for name, (strong, weak) in sweeps.items():
        diff = mean_ci(trust_slope(strong) - trust_slope(weak))
        measured[f"{name}_slope_gain"] = diff[0]
        measured[f"{name}_slope_gain_ci"] = diff[1:]
        clauses.append(Clause(name, diff[1], ">=", P6_SLOPE, P6_SLOPE))
    return PatternResult(
        "P6", f"for each moderator on its own (communication, autonomy, stability, coordination), across a "
              f"sweep of intentional trust levels in X, the slope of collaboration on intentional trust is "
              f">= {P6_SLOPE} steeper with the moderator strong than weak (paired by replication, lower bound)",
        measured, clauses=clauses)


# ---------------------------------------------------------------------------- P7


def p7(x: pd.DataFrame, y: pd.DataFrame) -> PatternResult:
    """Y's trust, sharing and collaboration fall around its breach relative to X over the
    same weeks (difference in differences); the end-of-horizon X - Y gap is reported."""
    measured, clauses = {}, []
    for metric in P7_METRICS:
        change_y = per_run(y, metric, end_weeks(y)) - per_run(y, metric, BEFORE)
        change_x = per_run(x, metric, end_weeks(x)) - per_run(x, metric, BEFORE)
        did = mean_ci(change_y - change_x)
        gap = mean_ci(per_run(x, metric, end_weeks(x)) - per_run(y, metric, end_weeks(y)))
        measured[f"{metric}_did"] = did[0]
        measured[f"{metric}_did_ci"] = did[1:]
        measured[f"{metric}_x_minus_y_at_end"] = gap[0]
        clauses.append(Clause(metric, did[2], "<", P7_DID, 0.05))
    return PatternResult(
        "P7", f"difference in differences: Y's change from weeks {BEFORE[0]}-{BEFORE[1]} (before its breach) to "
              f"the last {END_WINDOW} weeks, minus X's change over the same weeks, is below 0 (upper 95% bound) "
              f"for intentional trust, information shared and collaboration (the study did no comparative "
              f"analysis; the end-of-horizon X - Y gap is reported, not a criterion)",
        measured, clauses=clauses)
