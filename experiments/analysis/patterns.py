"""The patterns P1-P7 of the study as quantitative criteria (docs/patterns.md).

Each criterion is a pure function of tables of runs (the runner's ``model``, ``agents``
and ``pairs`` tables, one design point each, with a ``replication`` column: DataFrames or
their grids, `experiments.ensemble.grid`) and returns a `PatternResult`: a table of per-replication
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

from experiments.analysis import byrep as br
from experiments.analysis import reductions as rd
from experiments.analysis.byrep import PerRep
from experiments.analysis.criterion import Clause, PatternResult, absolute, per_replication
from experiments.analysis.outcomes import END_WINDOW, end_weeks, mean_ci, per_run  # noqa: F401 - re-exported
from experiments.analysis.thresholds import NOTICE, value
from experiments.ensemble.grid import Grid

YEAR_ONE = (40, 52)  # the end of the first year of meetings
BREACH_WEEK = 104  # Y's newcomer with a diverging vision
BEFORE = (91, 103)  # the weeks before the breach
P4_TENURE = 104  # "long-standing": two years at the table or more
P4_INTERVAL = 2  # weeks between pair records that the stall event study reads
P4_RECOVERY_WEEKS = 26  # "then recovers": within half a year
P7_METRICS = ("intentional_trust", "info_shared", "collaboration")


def _end(grid: Grid) -> tuple[int, int]:
    return br.end_weeks(grid, END_WINDOW)


def _among(names: np.ndarray, allowed) -> np.ndarray:
    allowed = set(allowed)
    return np.array([n in allowed for n in names], dtype=bool)


# ---------------------------------------------------------------------------- P1


def interaction_gap(pairs: Grid | pd.DataFrame, week: int | None = None) -> PerRep:
    """Per replication: mean intentional trust of the quarter of ordered pairs with the most
    contacts outside meetings minus that of the quarter with the fewest (NaN where the
    contacts do not vary), over the pairs recorded at ``week`` (all recorded weeks if None)."""
    pairs = Grid.of(pairs)
    sel = np.ones(len(pairs.steps), dtype=bool) if week is None else pairs.steps == week
    if not sel.any():
        return PerRep.empty()
    contacts = pairs["contacts"][:, sel, :].reshape(len(pairs.reps), -1)
    trust = pairs["intentional"][:, sel, :].reshape(len(pairs.reps), -1)
    out = np.full(len(pairs.reps), np.nan)
    for r in range(len(pairs.reps)):
        lo, hi = rd.quantile(contacts[r], 0.25), rd.quantile(contacts[r], 0.75)
        if hi > lo:
            out[r] = rd.mean(trust[r][contacts[r] >= hi]) - rd.mean(trust[r][contacts[r] <= lo])
    return PerRep(pairs.reps, out)


def p1(x, y, x_pairs) -> PatternResult:
    """Intentional trust is high after the first year of meetings, it does not follow the
    number of interactions across pairs, and in X it stays level or rises."""
    x, y, x_pairs = Grid.of(x), Grid.of(y), Grid.of(x_pairs)
    k = br.at_or_before(x_pairs, YEAR_ONE[1])
    year = None if k is None else int(x_pairs.steps[k])
    runs = per_replication(
        x_level=br.per_run(x, "intentional_trust", YEAR_ONE), y_level=br.per_run(y, "intentional_trust", YEAR_ONE),
        interaction_gap=PerRep.empty() if year is None else interaction_gap(x_pairs, year),
        x_change=br.per_run(x, "intentional_trust", _end(x)) - br.per_run(x, "intentional_trust", YEAR_ONE))
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
        {"contacts_per_pair": rd.mean(x_pairs["contacts"][:, k, :].reshape(-1)) if k is not None and len(x_pairs)
         else np.nan})


# ---------------------------------------------------------------------------- P2


def _exposed(pairs: Grid, interested: str) -> tuple[np.ndarray, np.ndarray]:
    """The entities of the pairs toward ``interested`` (indices) and, per replication and
    such pair, whether its trustor's data lay before ``interested`` after the breach week."""
    toward = np.flatnonzero(pairs.key("trustee") == interested)
    k = br.at_or_before(pairs, BREACH_WEEK - 1)
    end = pairs["exposure"][:, -1, toward]
    before = pairs["exposure"][:, k, toward] if k is not None else np.full_like(end, np.nan)
    with np.errstate(invalid="ignore"):
        return toward, (end - before) > 0


def exposed_after_breach(pairs: Grid | pd.DataFrame, interested: str) -> pd.Series:
    """Per (replication, trustor): True if its data lay on the table while ``interested``
    was present, after the breach week (exposure rose)."""
    pairs = Grid.of(pairs)
    toward, exposed = _exposed(pairs, interested)
    index = pd.MultiIndex.from_product([pairs.reps, pairs.key("trustor")[toward]], names=["replication", "trustor"])
    return pd.Series(exposed.reshape(-1), index=index, name="exposure")


def _lookup(grid: Grid, column: str, reps: np.ndarray, step: int, trustee: str, trustors: np.ndarray) -> np.ndarray:
    """``column`` of the pairs (trustor -> ``trustee``) at ``step`` for ``reps`` x ``trustors``
    (NaN where the grid has no such row)."""
    out = np.full((len(reps), len(trustors)), np.nan)
    k = np.flatnonzero(grid.steps == step)
    if not len(k):
        return out
    at = {t: e for e, t in enumerate(grid.key("trustor")) if grid.key("trustee")[e] == trustee}
    cols = np.array([at.get(t, -1) for t in trustors], dtype=np.int64)
    rows = PerRep(grid.reps, np.arange(len(grid.reps), dtype=float)).on(reps)
    have_r, have_c = ~np.isnan(rows), cols >= 0
    values = grid[column][:, k[0], :]
    out[np.ix_(have_r, have_c)] = values[np.ix_(rows[have_r].astype(np.int64), cols[have_c])]
    return out


def _end_sharing(agents: Grid, first: int, reps: np.ndarray, orgs: np.ndarray) -> np.ndarray:
    """Mean sharing over the weeks from ``first`` per replication and organisation, on
    ``reps`` x ``orgs`` (NaN where missing)."""
    out = np.full((len(reps), len(orgs)), np.nan)
    sel = agents.steps >= first
    names = agents.key("org")
    if not sel.any() or not len(names):
        return out
    rank = np.argsort(np.argsort(names.astype(str), kind="stable"), kind="stable")  # groups in name order
    shape = (len(agents.reps), int(sel.sum()), len(names))
    codes = (np.arange(len(agents.reps))[:, None, None] * len(names) + rank[None, None, :]) * np.ones(shape, int)
    groups, means = rd.grouped(agents["sharing"][:, sel, :].reshape(-1), codes.reshape(-1))
    table = np.full(len(agents.reps) * len(names), np.nan)
    table[groups] = means
    table = table.reshape(len(agents.reps), len(names))[:, np.argsort(np.argsort(rank))]
    where = {n: e for e, n in enumerate(names)}
    cols = np.array([where.get(o, -1) for o in orgs], dtype=np.int64)
    rows = PerRep(agents.reps, np.arange(len(agents.reps), dtype=float)).on(reps)
    have_r, have_c = ~np.isnan(rows), cols >= 0
    out[np.ix_(have_r, have_c)] = table[np.ix_(rows[have_r].astype(np.int64), cols[have_c])]
    return out


def p2(y_model, y_pairs, y_agents, cf_pairs, cf_agents, holders: list[str], interested: str) -> PatternResult:
    """In Y, members whose data lay before the interested party after its newcomer joined
    lose trust in it and share less than they would have without misuse (same seeds);
    members not exposed keep their trust."""
    y_model, y_pairs, y_agents, cf_pairs, cf_agents = (Grid.of(t) for t in (y_model, y_pairs, y_agents, cf_pairs,
                                                                             cf_agents))
    toward, exposed = _exposed(y_pairs, interested)
    kept = _among(y_pairs.key("trustor")[toward], holders)
    trustors, exposed = y_pairs.key("trustor")[toward][kept], exposed[:, kept]
    reps, last = y_pairs.reps, y_pairs.last
    drop = (_lookup(cf_pairs, "intentional", reps, last, interested, trustors)
            - _lookup(y_pairs, "intentional", reps, last, interested, trustors))
    first, _ = _end(y_agents)
    sh_y, sh_cf = _end_sharing(y_agents, first, reps, trustors), _end_sharing(cf_agents, first, reps, trustors)
    with np.errstate(invalid="ignore", divide="ignore"):
        fall = (sh_cf - sh_y) / np.where(sh_cf > 0, sh_cf, np.nan)
    after = y_model.steps >= BREACH_WEEK
    if after.any():
        events = np.ascontiguousarray(y_model["misuse_events"][:, after, :])
        spread = br.by_rep(y_model, events, how="max") - (-br.by_rep(y_model, -events, how="max"))
        misuse = spread.positive()
    else:
        misuse = PerRep.empty()

    def mean_where(values: np.ndarray, rows: np.ndarray) -> PerRep:
        return br.by_rep(y_pairs, values, rows)

    runs = per_replication(
        misuse=misuse,
        exposed_drop=mean_where(drop, exposed),
        sharing_fall=mean_where(fall, exposed),
        unexposed_change=mean_where(-drop, ~exposed))
    misuse_t, notice, rel, band = (value("P2_MISUSE"), value("P2_DROP"), value("P2_SHARING_FALL"),
                                   value("P2_BAND"))
    return PatternResult(
        "P2", f"in Y, members whose data lay on the table before the {interested} after week {BREACH_WEEK} "
              f"(exposed; whether or not they noticed) end with intentional trust in it >= {notice} below their "
              f"own counterfactual without misuse (same seeds) and share >= {rel:.0%} less; case holders not "
              f"exposed stay within +-{band} of theirs; misuse after the breach in >= {misuse_t:.0%} of runs",
        runs,
        [Clause("misuse_happens", ("misuse",), ">=", misuse_t, misuse_t),
         Clause("exposed_trust_drop", ("exposed_drop",), ">=", notice, notice),
         Clause("exposed_sharing_fall", ("sharing_fall",), ">=", rel, rel),
         Clause("unexposed_keep_trust", ("unexposed_change",), "<=", band, band, combine=absolute)],
        {"interested_party": interested,
         "exposed_per_run": rd.mean(exposed.sum(axis=1).astype(np.int64)) if exposed.size else 0.0})


# ---------------------------------------------------------------------------- P3


def p3(x_pairs, x_model, overloaded: str, values_feedback: dict[str, float]) -> PatternResult:
    """Poor feedback lowers cognitive, not intentional, trust of those who value it; they
    route work around the organisation; collaboration at the table continues."""
    x_pairs, x_model = Grid.of(x_pairs), Grid.of(x_model)
    valuers = [o for o, v in values_feedback.items() if v >= value("P3_VALUES_FEEDBACK") and o != overloaded]
    mine = _among(x_pairs.key("trustor"), valuers)
    toward = x_pairs.key("trustee") == overloaded
    last = x_pairs.steps == x_pairs.last
    k = last[None, :, None] & (mine & toward)[None, None, :]
    rest = last[None, :, None] & (mine & ~toward)[None, None, :]

    def mean(column: str, rows: np.ndarray) -> PerRep:
        return br.by_rep(x_pairs, x_pairs[column], rows)

    def routed_share(rows: np.ndarray) -> PerRep:  # share of the intended contacts routed elsewhere
        routed = br.by_rep(x_pairs, x_pairs["routed"], rows, how="sum")
        contacts = br.by_rep(x_pairs, x_pairs["contacts"], rows, how="sum")
        intended = routed + contacts
        return routed / PerRep(intended.reps, np.where(intended.values > 0, intended.values, np.nan))

    runs = per_replication(
        cog_gap=mean("cognitive", rest) - mean("cognitive", k),
        avoidance=routed_share(k) - routed_share(rest),
        intent_gap=mean("intentional", rest) - mean("intentional", k),
        collaboration=br.per_run(x_model, "collaboration", _end(x_model)))
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


def stall_event_study(pairs: Grid | pd.DataFrame) -> dict[str, PerRep]:
    """Per replication: over the recording intervals in which a pair stalled against its
    other intervals (pairs that ever stalled, each its own control), how much less empathic
    and intentional trust gained (``emp_deficit``, ``intent_deficit``); and the recovery
    rate (``recovery``): of the empathic trust a stall interval took away, the share
    regained within `P4_RECOVERY_WEEKS` weeks. A replication in which no pair stalled, or
    every interval of the pairs that did was a stall, has no value.

    The intervals are `P4_INTERVAL` weeks: what a stall takes in one interval is diluted in
    a longer one, so the criterion is defined on this recording and refuses any other.
    """
    pairs = Grid.of(pairs)
    steps = pairs.steps
    if len(steps) > 1 and set(np.diff(steps)) != {P4_INTERVAL}:
        raise ValueError(f"P4 reads pairs recorded every {P4_INTERVAL} weeks, "
                         f"got intervals {sorted(set(np.diff(steps).tolist()))}")
    # each pair's series, pairs in the order of their names (trustor, then trustee)
    order = np.lexsort((pairs.key("trustee").astype(str), pairs.key("trustor").astype(str)))

    def series(column: str) -> np.ndarray:  # (replications, pairs, weeks)
        return np.ascontiguousarray(pairs[column][:, :, order].transpose(0, 2, 1))

    def diff(a: np.ndarray) -> np.ndarray:
        out = np.full_like(a, np.nan)
        out[:, :, 1:] = a[:, :, 1:] - a[:, :, :-1]
        return out

    emp, intent, stalled = series("empathic"), series("intentional"), series("stalled")
    d_emp, d_int = diff(emp), diff(intent)
    with np.errstate(invalid="ignore"):
        stall = diff(stalled) > 0
        ever = np.fmax.reduce(stalled, axis=2, initial=-np.inf) > 0 if stalled.shape[2] else np.zeros(
            stalled.shape[:2], bool)
    shift = P4_RECOVERY_WEEKS // P4_INTERVAL
    later = np.full_like(emp, np.nan)
    if shift < emp.shape[2]:
        later[:, :, :-shift] = emp[:, :, shift:]
    keep = ~np.isnan(d_emp) & ~np.isnan(d_int) & ever[:, :, None]
    out = {name: np.full(len(pairs.reps), np.nan) for name in ("emp_deficit", "intent_deficit", "recovery")}
    found = np.zeros(len(pairs.reps), dtype=bool)
    for r in range(len(pairs.reps)):
        rows = keep[r]
        st = stall[r][rows]
        if not (st.any() and (~st).any()):
            continue
        found[r] = True
        de, di, em, la = d_emp[r][rows], d_int[r][rows], emp[r][rows], later[r][rows]
        out["emp_deficit"][r] = rd.mean(de[~st]) - rd.mean(de[st])
        out["intent_deficit"][r] = rd.mean(di[~st]) - rd.mean(di[st])
        cut = st & (de < 0) & ~np.isnan(la)  # stalls that lowered empathic trust
        if cut.any():
            out["recovery"][r] = rd.mean(np.clip((la[cut] - em[cut]) / -de[cut], -2.0, 2.0))
    return {name: PerRep(pairs.reps[found], values[found]) for name, values in out.items()}


def p4(x_agents, x_pairs, case_holders: list[str]) -> PatternResult:
    """Empathic trust grows with tenure; stalls happen, damage empathic, not intentional,
    trust, which then recovers."""
    x_agents, x_pairs = Grid.of(x_agents), Grid.of(x_pairs)
    holders = _among(x_agents.key("org"), case_holders)
    last = x_agents.steps == x_agents.last
    tenure = x_agents["tenure"][:, last, :][:, :, holders].reshape(len(x_agents.reps), -1)
    rows = np.zeros(x_agents.shape, dtype=bool)
    rows[:, last, :] = holders[None, :]
    senior = rows & (x_agents["tenure"] >= P4_TENURE)
    if tenure.shape[1]:
        newest_at = np.argmin(np.where(np.isnan(tenure), np.inf, tenure), axis=1)  # the first of the newest

    def gap(column: str) -> PerRep:
        older = br.by_rep(x_agents, x_agents[column], senior)
        if not tenure.shape[1]:
            return older - PerRep.empty()
        values = x_agents[column][:, last, :][:, :, holders].reshape(len(x_agents.reps), -1)
        return older - PerRep(x_agents.reps, values[np.arange(len(values)), newest_at])

    mine = _among(x_pairs.key("trustor"), case_holders)
    end = x_pairs.steps == x_pairs.last
    at_end = np.ascontiguousarray(x_pairs["stalled"][:, end, :][:, :, mine]).reshape(len(x_pairs.reps), -1)
    trustors = x_pairs.key("trustor")[mine]
    stallers = _stallers(x_pairs.reps, at_end, trustors) / max(len(case_holders), 1)
    events = stall_event_study(x_pairs)
    runs = per_replication(
        emp_gap=gap("empathic_out"), language_gap=gap("common_language"), fixed_gap=gap("fixed_contacts"),
        stallers=stallers, emp_deficit=events["emp_deficit"], intent_deficit=events["intent_deficit"],
        recovery=events["recovery"])
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
        {"share_of_pairs_stalled": rd.mean(at_end.reshape(-1) > 0) if at_end.size else 0.0})


def _stallers(reps: np.ndarray, stalled: np.ndarray, trustors: np.ndarray) -> PerRep:
    """Per replication, how many trustors have a pair that stalled by the end (``stalled``:
    replications x the trustors' pairs)."""
    if not stalled.size:
        return PerRep.empty()
    hit = np.zeros(len(reps))
    for who in set(trustors.tolist()):
        hit += np.fmax.reduce(stalled[:, trustors == who], axis=1, initial=-np.inf) > 0
    return PerRep(reps, hit)


# ---------------------------------------------------------------------------- P5


def p5(probe, low, counterfactual) -> PatternResult:
    """Where a history of misuse has destroyed intentional trust, sharing and collaboration
    collapse, whatever the cognitive trust.

    ``probe`` and ``low`` are the P5 probe with high and with low cognitive trust at the
    start (misuse happens in both); ``counterfactual`` is the high arm without misuse
    (same seeds). Cognitive trust moves freely in all three with the feedback there is.
    """
    probe, low, counterfactual = Grid.of(probe), Grid.of(low), Grid.of(counterfactual)

    def end(grid: Grid, metric: str) -> PerRep:
        return br.per_run(grid, metric, _end(grid))

    runs = per_replication(
        destroyed=end(counterfactual, "intentional_trust") - end(probe, "intentional_trust"),
        sharing=end(probe, "info_shared"), fall=end(counterfactual, "info_shared") - end(probe, "info_shared"),
        collaboration=end(probe, "collaboration"),
        whatever=end(probe, "info_shared") - end(low, "info_shared"),
        arms=end(probe, "cognitive_trust") - end(low, "cognitive_trust"))
    t = {n: value(n) for n in ("P5_DESTROYED", "P5_COLLAPSE", "P5_FALL", "P5_WHATEVER", "P5_ARMS")}
    misuse = probe["misuse_events"][:, probe.steps == probe.last, :].reshape(-1)
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
        {"runs_with_misuse": rd.mean(misuse > 0) if len(misuse) else 0.0})


# ---------------------------------------------------------------------------- P6


def trust_slope(levels: list) -> PerRep:
    """Per replication: the least-squares slope of collaboration on intentional trust
    (both at the horizon) across the points of a sweep of trust levels."""
    trust, collab = [], []
    for model in levels:
        grid = Grid.of(model)
        w = _end(grid)
        trust.append(br.per_run(grid, "intentional_trust", w))
        collab.append(br.per_run(grid, "collaboration", w))
    reps = np.unique(np.concatenate([q.reps for q in trust + collab])) if trust else np.empty(0, np.int64)
    # a replication's points: the levels that have it, in order
    have = np.array([np.isin(reps, t.reps) | np.isin(reps, c.reps) for t, c in zip(trust, collab, strict=True)],
                    dtype=bool).T.reshape(len(reps), len(trust))
    tv = np.array([t.on(reps) for t in trust]).T.reshape(len(reps), len(trust))
    cv = np.array([c.on(reps) for c in collab]).T.reshape(len(reps), len(trust))
    if have.all() and not (np.isnan(tv).any() or np.isnan(cv).any()):  # every point of every replication
        with np.errstate(invalid="ignore", divide="ignore"):
            x = tv - (tv.sum(axis=1) / len(trust))[:, None]
            xx = (x * x).sum(axis=1)
            xy = (x * (cv - (cv.sum(axis=1) / len(trust))[:, None])).sum(axis=1)
            return PerRep(reps, np.where(xx > 0, xy / xx, np.nan))
    out = np.full(len(reps), np.nan)
    for i in range(len(reps)):
        t, c = tv[i][have[i]], cv[i][have[i]]
        x = t - rd.mean(t)
        xx = rd.total(x * x)
        if xx > 0:
            out[i] = rd.total(x * (c - rd.mean(c))) / xx
    return PerRep(reps, out)


def p6(sweeps: dict[str, tuple[list, list]]) -> PatternResult:
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


def p7(x, y) -> PatternResult:
    """Y's trust, sharing and collaboration fall around its breach relative to X over the
    same weeks (difference in differences); the end-of-horizon X - Y gap is reported."""
    x, y = Grid.of(x), Grid.of(y)
    did, gaps = {}, {}
    for metric in P7_METRICS:
        end_x, end_y = br.per_run(x, metric, _end(x)), br.per_run(y, metric, _end(y))
        did[metric] = (end_y - br.per_run(y, metric, BEFORE)) - (end_x - br.per_run(x, metric, BEFORE))
        gaps[f"{metric}_x_minus_y_at_end"] = (end_x - end_y).mean()
    threshold = value("P7_DID")
    return PatternResult(
        "P7", f"difference in differences: Y's change from weeks {BEFORE[0]}-{BEFORE[1]} (before its breach) to "
              f"the last {END_WINDOW} weeks, minus X's change over the same weeks, is <= {threshold:g} for "
              f"intentional trust, information shared and collaboration (the study did no comparative "
              f"analysis; the end-of-horizon X - Y gap is reported, not a criterion)",
        per_replication(**did), [Clause(m, (m,), "<=", threshold, NOTICE) for m in P7_METRICS], gaps)
