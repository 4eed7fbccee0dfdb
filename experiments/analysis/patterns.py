"""The patterns P1-P7 of the study as quantitative criteria (docs/patterns.md).

Each criterion is a pure function of tables of runs (pandas DataFrames shaped like the
runner's ``model``, ``agents`` and ``pairs`` tables, one design point each, with a
``replication`` column) and returns a `PatternResult`: a table of per-replication
quantities (paired by replication where a counterfactual exists -- every design point
shares the root seed) and the clauses that judge their means (`experiments.analysis.
criterion`). Whether a pattern holds depends on the estimated effect sizes, not on the
number of replications; the standard error of each estimate and the probability that
the pattern holds are reported beside it.

Each criterion measures a consequence that must emerge from the mechanisms, never an
input value: trust after the first year of meetings rather than its starting prior
(P1), victims defined by exposure and compared with their own counterfactual without
misuse (P2), routing as a share of the intended contacts (P3), what stalls do where
stalls occur in both arms of the ablation (P4), sharing against the probe's own
counterfactual and across two levels of cognitive trust (P5), moderation as a
difference of slopes (P6), and the X-Y contrast as a difference in differences around
Y's breach (P7). Every threshold comes from `experiments.analysis.thresholds`, which
gives its rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.analysis.criterion import Clause, PatternResult, absolute, per_replication
from experiments.analysis.outcomes import END_WINDOW, end_weeks, mean_ci, per_run  # noqa: F401 - re-exported
from experiments.analysis.thresholds import NOTICE, value

YEAR_ONE = (40, 52)  # the end of the first year of meetings
BREACH_WEEK = 104  # Y's newcomer with a diverging vision
BEFORE = (91, 103)  # the weeks before the breach
P4_TENURE = 104  # "long-standing": two years at the table or more
P4_INTERVAL = 2  # weeks between pair records that the stall event study reads
P4_RECOVERY_WEEKS = 26  # "then recovers": within half a year
P7_METRICS = ("intentional_trust", "info_shared", "collaboration")


def _at(pairs: pd.DataFrame, week: int) -> pd.DataFrame:
    """Pair rows at the last recorded week not after ``week``."""
    step = pairs.step[pairs.step <= week].max()
    return pairs[pairs.step == step]


# ---------------------------------------------------------------------------- P1


def interaction_gap(pairs: pd.DataFrame) -> pd.Series:
    """Per replication: mean intentional trust of the quarter of ordered pairs with the most
    contacts outside meetings minus that of the quarter with the fewest (NaN where the
    contacts do not vary)."""
    def gap(f: pd.DataFrame) -> float:
        lo, hi = f.contacts.quantile(0.25), f.contacts.quantile(0.75)
        top, bottom = f[f.contacts >= hi], f[f.contacts <= lo]
        return float(top.intentional.mean() - bottom.intentional.mean()) if hi > lo else np.nan

    return pairs.groupby("replication")[["contacts", "intentional"]].apply(gap)


def p1(x: pd.DataFrame, y: pd.DataFrame, x_pairs: pd.DataFrame) -> PatternResult:
    """Intentional trust is high after the first year of meetings, it does not follow the
    number of interactions across pairs, and in X it stays level or rises."""
    year = _at(x_pairs, YEAR_ONE[1])
    runs = per_replication(
        x_level=per_run(x, "intentional_trust", YEAR_ONE), y_level=per_run(y, "intentional_trust", YEAR_ONE),
        interaction_gap=interaction_gap(year),
        x_change=per_run(x, "intentional_trust", end_weeks(x)) - per_run(x, "intentional_trust", YEAR_ONE))
    level, gap, drift = value("P1_LEVEL"), value("P1_INTERACTION_GAP"), value("P1_DRIFT")
    return PatternResult(
        "P1", f"after the first year (weeks {YEAR_ONE[0]}-{YEAR_ONE[1]}) mean intentional trust >= {level} in X "
              f"and in Y; in X it does not follow the number of interactions: the quarter of pairs with the "
              f"most contacts outside meetings by week {YEAR_ONE[1]} holds at most {gap} more intentional trust "
              f"than the quarter with the fewest; in X it stays level or rises to the end (change >= {drift:g})",
        runs,
        [Clause("x_level", ("x_level",), ">=", level, NOTICE), Clause("y_level", ("y_level",), ">=", level, NOTICE),
         Clause("interactions", ("interaction_gap",), "<=", gap, NOTICE),
         Clause("x_level_or_rising", ("x_change",), ">=", drift, NOTICE)],
        {"contacts_per_pair": float(year.contacts.mean()) if len(year) else np.nan})


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
    first, _ = end_weeks(y_agents)

    def end_sharing(agents):
        s = agents[agents.step >= first].groupby(["replication", "org"]).sharing.mean()
        s.index = s.index.set_names(["replication", "trustor"])
        return s.reindex(exposed.index)

    sh_y, sh_cf = end_sharing(y_agents), end_sharing(cf_agents)
    fall = ((sh_cf - sh_y) / sh_cf.where(sh_cf > 0))[exposed.to_numpy()]
    after = y_model[y_model.step >= BREACH_WEEK].groupby("replication").misuse_events
    by_rep = "replication"
    runs = per_replication(
        misuse=((after.max() - after.min()) > 0).astype(float),
        exposed_drop=drop[exposed.to_numpy()].groupby(level=by_rep).mean(),
        sharing_fall=fall.groupby(level=by_rep).mean(),
        unexposed_change=(-drop[~exposed.to_numpy()]).groupby(level=by_rep).mean())
    misuse, notice, rel, band = (value("P2_MISUSE"), value("P2_DROP"), value("P2_SHARING_FALL"),
                                 value("P2_BAND"))
    return PatternResult(
        "P2", f"in Y, members whose data lay on the table before the {interested} after week {BREACH_WEEK} "
              f"(exposed; whether or not they noticed) end with intentional trust in it >= {notice} below their "
              f"own counterfactual without misuse (same seeds) and share >= {rel:.0%} less; case holders not "
              f"exposed stay within +-{band} of theirs; misuse after the breach in >= {misuse:.0%} of runs",
        runs,
        [Clause("misuse_happens", ("misuse",), ">=", misuse, misuse),
         Clause("exposed_trust_drop", ("exposed_drop",), ">=", notice, notice),
         Clause("exposed_sharing_fall", ("sharing_fall",), ">=", rel, rel),
         Clause("unexposed_keep_trust", ("unexposed_change",), "<=", band, band, combine=absolute)],
        {"interested_party": interested,
         "exposed_per_run": float(exposed.groupby(level=by_rep).sum().mean()) if len(exposed) else 0.0})


# ---------------------------------------------------------------------------- P3


def p3(x_pairs: pd.DataFrame, x_model: pd.DataFrame, overloaded: str,
       values_feedback: dict[str, float]) -> PatternResult:
    """Poor feedback lowers cognitive, not intentional, trust of those who value it; they
    route work around the organisation; collaboration at the table continues."""
    valuers = [o for o, v in values_feedback.items() if v >= value("P3_VALUES_FEEDBACK") and o != overloaded]
    last = x_pairs[(x_pairs.step == x_pairs.step.max()) & x_pairs.trustor.isin(valuers)]
    k, rest = last[last.trustee == overloaded].groupby("replication"), last[last.trustee != overloaded].groupby(
        "replication")

    def routed_share(g) -> pd.Series:  # share of the intended contacts routed elsewhere
        routed, contacts = g["routed"].sum(), g["contacts"].sum()
        return routed / (routed + contacts).where(routed + contacts > 0)

    runs = per_replication(
        cog_gap=rest["cognitive"].mean() - k["cognitive"].mean(),
        avoidance=routed_share(k) - routed_share(rest),
        intent_gap=rest["intentional"].mean() - k["intentional"].mean(),
        collaboration=per_run(x_model, "collaboration", end_weeks(x_model)))
    gap, avoid, band, collab = (value("P3_COG_GAP"), value("P3_AVOIDANCE"), value("P3_INTENT_BAND"),
                                value("P3_COLLABORATION"))
    return PatternResult(
        "P3", f"in X, members who value feedback (>= {value('P3_VALUES_FEEDBACK')}) hold cognitive trust in the "
              f"overloaded organisation >= {gap} below their trust in the others, route a share of their intended "
              f"contacts with it elsewhere that is >= {avoid} above the share they route around the others, keep "
              f"their intentional trust in it within {band} of the others, and collaboration at the table stays "
              f"> {collab}",
        runs,
        [Clause("cognitive_gap", ("cog_gap",), ">=", gap, gap),
         Clause("routes_around", ("avoidance",), ">=", avoid, avoid),
         Clause("intentional_kept", ("intent_gap",), "<=", band, band, combine=absolute),
         Clause("collaboration_continues", ("collaboration",), ">", collab, collab)],
        {"overloaded": overloaded, "members": valuers})


# ---------------------------------------------------------------------------- P4


def stall_event_study(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per replication: over the recording intervals in which a pair stalled against its
    other intervals (pairs that ever stalled, each its own control), how much less empathic
    and intentional trust gained; and the recovery rate: of the empathic trust a stall
    interval took away, the share regained within `P4_RECOVERY_WEEKS` weeks.

    The intervals are `P4_INTERVAL` weeks: what a stall takes in one interval is diluted in
    a longer one, so the criterion is defined on this recording and refuses any other.
    """
    p = pairs.sort_values(["replication", "trustor", "trustee", "step"])
    steps = np.unique(p.step)
    if len(steps) > 1 and set(np.diff(steps)) != {P4_INTERVAL}:
        raise ValueError(f"P4 reads pairs recorded every {P4_INTERVAL} weeks, "
                         f"got intervals {sorted(set(np.diff(steps).tolist()))}")
    g = p.groupby([p.replication, p.trustor, p.trustee], sort=False)
    frame = pd.DataFrame({"replication": p.replication, "d_emp": g["empathic"].diff(),
                          "d_int": g["intentional"].diff(), "stall": g["stalled"].diff() > 0,
                          "ever": g["stalled"].transform("max") > 0, "emp": p.empathic,
                          "later": g["empathic"].shift(-(P4_RECOVERY_WEEKS // P4_INTERVAL))})
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
    return pd.DataFrame(rows, columns=["replication", "emp_deficit", "intent_deficit", "recovery"]).set_index(
        "replication")


def p4(x_agents: pd.DataFrame, x_pairs: pd.DataFrame, case_holders: list[str]) -> PatternResult:
    """Empathic trust grows with tenure; stalls happen, damage empathic, not intentional,
    trust, which then recovers."""
    last = x_agents[(x_agents.step == x_agents.step.max())]
    holders = last[last.org.isin(case_holders)]
    newest = holders.loc[holders.groupby("replication")["tenure"].idxmin()].set_index("replication")
    senior = holders[holders.tenure >= P4_TENURE].groupby("replication")
    end_pairs = x_pairs[(x_pairs.step == x_pairs.step.max()) & x_pairs.trustor.isin(case_holders)]
    stalled = end_pairs.groupby(["replication", "trustor"]).stalled.max().gt(0)
    stallers = stalled.groupby(level=0).sum() / max(len(case_holders), 1)  # share of the case holders
    events = stall_event_study(x_pairs)
    runs = per_replication(
        emp_gap=senior["empathic_out"].mean() - newest["empathic_out"],
        language_gap=senior["common_language"].mean() - newest["common_language"],
        fixed_gap=senior["fixed_contacts"].mean() - newest["fixed_contacts"],
        stallers=stallers.astype(float), emp_deficit=events.emp_deficit, intent_deficit=events.intent_deficit,
        recovery=events.recovery)
    t = {n: value(n) for n in ("P4_EMP_GAP", "P4_LANGUAGE_GAP", "P4_FIXED_GAP", "P4_STALLERS", "P4_STALL_EMP",
                               "P4_STALL_INTENT", "P4_RECOVERY")}
    return PatternResult(
        "P4", f"in X, members with >= {P4_TENURE} weeks at the table hold empathic trust >= {t['P4_EMP_GAP']} "
              f"above the newest member's, common language >= {t['P4_LANGUAGE_GAP']} above and "
              f">= {t['P4_FIXED_GAP']:g} more fixed contacts; >= {t['P4_STALLERS']:.0%} of the members see work "
              f"stall on an absent fixed contact; over a {P4_INTERVAL}-week interval with a stall the pair's "
              f"empathic trust gains >= {t['P4_STALL_EMP']} less than over its other intervals while its "
              f"intentional trust's change differs by <= {t['P4_STALL_INTENT']}, and the pair regains "
              f">= {t['P4_RECOVERY']:.0%} of that loss within {P4_RECOVERY_WEEKS} weeks",
        runs,
        [Clause("tenure_empathic_gap", ("emp_gap",), ">=", t["P4_EMP_GAP"], NOTICE),
         Clause("tenure_language_gap", ("language_gap",), ">=", t["P4_LANGUAGE_GAP"], NOTICE),
         Clause("tenure_fixed_contacts_gap", ("fixed_gap",), ">=", t["P4_FIXED_GAP"], 1.0),
         Clause("stalls_happen", ("stallers",), ">=", t["P4_STALLERS"], t["P4_STALLERS"]),
         Clause("stall_hurts_empathic", ("emp_deficit",), ">=", t["P4_STALL_EMP"], NOTICE),
         Clause("stall_spares_intentional", ("intent_deficit",), "<=", t["P4_STALL_INTENT"], NOTICE,
                combine=absolute),
         Clause("recovers", ("recovery",), ">=", t["P4_RECOVERY"], t["P4_RECOVERY"])],
        {"share_of_pairs_stalled": float((end_pairs.stalled > 0).mean()) if len(end_pairs) else 0.0})


# ---------------------------------------------------------------------------- P5


def p5(probe: pd.DataFrame, low: pd.DataFrame, counterfactual: pd.DataFrame) -> PatternResult:
    """Where a history of misuse has destroyed intentional trust, sharing and collaboration
    collapse, whatever the cognitive trust.

    ``probe`` and ``low`` are the P5 probe with high and with low cognitive trust at the
    start (misuse happens in both); ``counterfactual`` is the high arm without misuse
    (same seeds). Cognitive trust moves freely in all three with the feedback there is.
    """
    def end(frame: pd.DataFrame, metric: str) -> pd.Series:
        return per_run(frame, metric, end_weeks(frame))

    runs = per_replication(
        destroyed=end(counterfactual, "intentional_trust") - end(probe, "intentional_trust"),
        sharing=end(probe, "info_shared"), fall=end(counterfactual, "info_shared") - end(probe, "info_shared"),
        collaboration=end(probe, "collaboration"),
        whatever=end(probe, "info_shared") - end(low, "info_shared"),
        arms=end(probe, "cognitive_trust") - end(low, "cognitive_trust"))
    t = {n: value(n) for n in ("P5_DESTROYED", "P5_COLLAPSE", "P5_FALL", "P5_WHATEVER", "P5_ARMS")}
    misuse = probe[probe.step == probe.step.max()].misuse_events
    return PatternResult(
        "P5", f"in the P5 probe (X where every party is tempted to misuse shared data and detects misuse), "
              f"against the same probe without misuse (same seeds): once a history of misuse has cut "
              f"intentional trust by >= {t['P5_DESTROYED']}, sharing and collaboration end <= "
              f"{t['P5_COLLAPSE']} and sharing >= {t['P5_FALL']} below the counterfactual's; starting the probe "
              f"with high instead of low cognitive trust keeps sharing up by <= {t['P5_WHATEVER']} (whatever the "
              f"cognitive trust), while the two arms still differ in cognitive trust at the end by >= "
              f"{t['P5_ARMS']} (a check of the design)",
        runs,
        [Clause("intentional_destroyed", ("destroyed",), ">=", t["P5_DESTROYED"], NOTICE),
         Clause("sharing_collapses", ("sharing",), "<=", t["P5_COLLAPSE"], NOTICE),
         Clause("sharing_falls", ("fall",), ">=", t["P5_FALL"], NOTICE),
         Clause("collaboration_collapses", ("collaboration",), "<=", t["P5_COLLAPSE"], NOTICE),
         Clause("whatever_cognitive_trust", ("whatever",), "<=", t["P5_WHATEVER"], NOTICE),
         Clause("cognitive_arms_differ", ("arms",), ">=", t["P5_ARMS"], NOTICE, role="check")],
        {"runs_with_misuse": float((misuse > 0).mean()) if len(misuse) else 0.0})


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
    runs = per_replication(**{name: trust_slope(strong) - trust_slope(weak) for name, (strong, weak) in sweeps.items()})
    slope = value("P6_SLOPE")
    return PatternResult(
        "P6", f"for each moderator on its own (communication, autonomy, stability, coordination), across a "
              f"sweep of levels of intentional trust in X (goal clarity and alignment, which also set effort, "
              f"untouched), the slope of collaboration on intentional trust is >= {slope} steeper with the "
              f"moderator strong than weak (paired by replication)",
        runs, [Clause(name, (name,), ">=", slope, NOTICE) for name in sweeps])


# ---------------------------------------------------------------------------- P7


def p7(x: pd.DataFrame, y: pd.DataFrame) -> PatternResult:
    """Y's trust, sharing and collaboration fall around its breach relative to X over the
    same weeks (difference in differences); the end-of-horizon X - Y gap is reported."""
    did, gaps = {}, {}
    for metric in P7_METRICS:
        change_y = per_run(y, metric, end_weeks(y)) - per_run(y, metric, BEFORE)
        change_x = per_run(x, metric, end_weeks(x)) - per_run(x, metric, BEFORE)
        did[metric] = change_y - change_x
        gaps[f"{metric}_x_minus_y_at_end"] = float(
            (per_run(x, metric, end_weeks(x)) - per_run(y, metric, end_weeks(y))).mean())
    threshold = value("P7_DID")
    return PatternResult(
        "P7", f"difference in differences: Y's change from weeks {BEFORE[0]}-{BEFORE[1]} (before its breach) to "
              f"the last {END_WINDOW} weeks, minus X's change over the same weeks, is <= {threshold:g} for "
              f"intentional trust, information shared and collaboration (the study did no comparative "
              f"analysis; the end-of-horizon X - Y gap is reported, not a criterion)",
        per_replication(**did), [Clause(m, (m,), "<=", threshold, NOTICE) for m in P7_METRICS], gaps)
