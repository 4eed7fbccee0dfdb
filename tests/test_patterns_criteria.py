"""Each pattern criterion on constructed data: it passes on data that show the pattern and
fails on data that violate it in each of its clauses (a criterion that passes on violating
data is a bug). Margins are 0 when a criterion passes and grow with the violation. The
verdict is a statement about effect sizes: it means the same at 4 and at 32 replications,
and the replication noise (standard errors, probability of holding) is reported beside it."""

import numpy as np
import pandas as pd
import pytest

from experiments.analysis import patterns as pt
from experiments.analysis.criterion import Clause, PatternResult, joint_p_holds, per_replication
from experiments.analysis.points import drivers, joint_shares, shares
from experiments.analysis.thresholds import THRESHOLDS

REPS = 10
rng = np.random.default_rng(0)


def series(values: dict, steps=(0, 156), reps=REPS) -> pd.DataFrame:
    """Model series: metric -> function of the week (or a constant), with small noise."""
    rows = []
    for r in range(reps):
        for step in range(steps[0], steps[1] + 1):
            row = {"replication": r, "step": step}
            for k, v in values.items():
                row[k] = (v(step) if callable(v) else v) + rng.normal(0, 0.003)
            rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- P1


def p1_pairs(gap: float) -> pd.DataFrame:
    rows = []
    for r in range(REPS):
        for k in range(20):
            contacts = float(k)
            rows.append({"replication": r, "step": 52, "trustor": f"a{k}", "trustee": "b", "contacts": contacts,
                         "intentional": 0.7 + gap * (k >= 15) + rng.normal(0, 0.01)})
    return pd.DataFrame(rows)


def test_p1():
    x, y = series({"intentional_trust": 0.75}), series({"intentional_trust": 0.6})
    good = pt.p1(x, y, p1_pairs(0.02))
    assert good.passed and good.margin == 0
    low_y = pt.p1(x, series({"intentional_trust": 0.3}), p1_pairs(0.02))
    assert not low_y.passed and low_y.margin > 0  # built from zero
    assert not pt.p1(x, y, p1_pairs(0.3)).passed  # trust follows the number of interactions
    falling = series({"intentional_trust": lambda t: 0.8 if t <= 52 else 0.8 - 0.3 * (t - 52) / 104})
    assert not pt.p1(falling, y, p1_pairs(0.02)).passed  # X declines after year one
    # the margin grows with the violation
    assert pt.p1(x, series({"intentional_trust": 0.2}), p1_pairs(0.02)).margin > low_y.margin


# ---------------------------------------------------------------------------- P2


def p2_data(exposed_drop: float, bystander_drop: float, sharing_fall: float, misuse_runs: int = REPS):
    def pairs(treated: bool):
        rows = []
        for r in range(REPS):
            for step, expo in ((102, 3.0), (156, 8.0)):
                for who, exposed in (("A", True), ("B", False)):
                    drop = (exposed_drop if exposed else bystander_drop) if treated and step == 156 else 0.0
                    rows.append({"replication": r, "step": step, "trustor": who, "trustee": "H",
                                 "intentional": 0.7 - drop + rng.normal(0, 0.005),
                                 "exposure": expo if exposed else 0.0})
        return pd.DataFrame(rows)

    def agents(treated: bool):
        rows = []
        for r in range(REPS):
            for step in range(140, 157):
                for who in ("A", "B"):
                    fall = sharing_fall if treated and who == "A" else 0.0
                    rows.append({"replication": r, "step": step, "org": who, "sharing": 0.5 * (1 - fall)})
        return pd.DataFrame(rows)

    model = series({"misuse_events": 0.0}, steps=(100, 156))
    model["misuse_events"] = [float(row.step >= 120 and row.replication < misuse_runs) for row in model.itertuples()]
    return model, pairs(True), agents(True), pairs(False), agents(False)


def test_p2():
    holders = ["A", "B"]
    assert pt.p2(*p2_data(0.3, 0.0, 0.5), holders, "H").passed
    assert not pt.p2(*p2_data(0.02, 0.0, 0.5), holders, "H").passed  # exposed keep their trust
    assert not pt.p2(*p2_data(0.3, 0.0, 0.05), holders, "H").passed  # exposed share as much
    assert not pt.p2(*p2_data(0.3, 0.3, 0.5), holders, "H").passed  # members not exposed lose trust too
    assert not pt.p2(*p2_data(0.3, 0.0, 0.5, misuse_runs=2), holders, "H").passed  # misuse rare


# ---------------------------------------------------------------------------- P3


def p3_data(cog_k: float, intent_k: float, routed: float):
    rows = []
    for r in range(REPS):
        for trustor in ("V", "W"):
            for trustee, cog, intent, rt in (("K", cog_k, intent_k, routed), ("L", 0.7, 0.8, 0.0),
                                              ("M", 0.7, 0.8, 0.0)):
                rows.append({"replication": r, "step": 156, "trustor": trustor, "trustee": trustee,
                             "cognitive": cog + rng.normal(0, 0.01),
                             "intentional": intent + rng.normal(0, 0.01), "routed": rt, "contacts": 10.0})
    return pd.DataFrame(rows)


def test_p3():
    collab = series({"collaboration": 0.3})
    vf = {"V": 0.9, "W": 0.9, "K": 0.5, "L": 0.3, "M": 0.3}
    assert pt.p3(p3_data(0.3, 0.8, 5.0), collab, "K", vf).passed
    assert not pt.p3(p3_data(0.65, 0.8, 5.0), collab, "K", vf).passed  # competence trust intact
    assert not pt.p3(p3_data(0.3, 0.5, 5.0), collab, "K", vf).passed  # goodwill lost too
    assert not pt.p3(p3_data(0.3, 0.8, 0.0), collab, "K", vf).passed  # nobody routes around
    assert not pt.p3(p3_data(0.3, 0.8, 5.0), series({"collaboration": 0.04}), "K", vf).passed


# ---------------------------------------------------------------------------- P4


def p4_data(emp_newest: float, stall_hit: float, stall_intent_hit: float, regrow: float = 0.01,
            stalls_elsewhere: bool = True):
    agents, pairs = [], []
    for r in range(REPS):
        for org, tenure, emp in (("A", 156, 0.5), ("B", 156, 0.5), ("N", 52, emp_newest)):
            agents.append({"replication": r, "step": 156, "org": org, "tenure": tenure,
                           "empathic_out": emp + rng.normal(0, 0.01),
                           "common_language": 0.3 if tenure > 100 else 0.1,
                           "fixed_contacts": 3 if tenure > 100 else 1})
        emp, intent, stalled = 0.4, 0.8, 0
        for step in range(0, 157, 2):
            stall_now = step % 40 == 10
            stalled += stall_now
            emp = emp + regrow - (stall_hit if stall_now else 0.0) + rng.normal(0, 0.0005)
            intent = intent - (stall_intent_hit if stall_now else 0.0) + rng.normal(0, 0.0005)
            pairs.append({"replication": r, "step": step, "trustor": "A", "trustee": "B", "empathic": emp,
                          "intentional": intent, "stalled": stalled})
            if stalls_elsewhere:  # the newest member stalls on the same contact (its own pair)
                pairs.append({"replication": r, "step": step, "trustor": "N", "trustee": "B", "empathic": emp,
                              "intentional": intent, "stalled": stalled})
    return pd.DataFrame(agents), pd.DataFrame(pairs)


def test_p4():
    holders = ["A", "B", "N"]
    assert pt.p4(*p4_data(0.2, 0.15, 0.0), holders).passed
    assert not pt.p4(*p4_data(0.5, 0.15, 0.0), holders).passed  # newcomers as close as veterans
    assert not pt.p4(*p4_data(0.2, 0.0, 0.0), holders).passed  # stalls do not hurt empathic trust
    assert not pt.p4(*p4_data(0.2, 0.15, 0.1), holders).passed  # ... they hurt intentional trust
    assert not pt.p4(*p4_data(0.2, 0.15, 0.0, regrow=0.0005), holders).passed  # no recovery
    assert not pt.p4(*p4_data(0.2, 0.15, 0.0, stalls_elsewhere=False), holders).passed  # 1 of 3 stall
    every4 = p4_data(0.2, 0.15, 0.0)[1]
    with pytest.raises(ValueError, match="every 2 weeks"):
        pt.stall_event_study(every4[every4.step % 4 == 0])


# ---------------------------------------------------------------------------- P5


def test_p5():
    """Three arms of the probe: high cognitive trust with misuse, low cognitive trust with
    misuse, and the high arm without misuse (the counterfactual)."""
    late = {"info_shared": lambda t: 0.3 if t <= 26 else 0.0, "collaboration": lambda t: 0.2 if t <= 26 else 0.0,
            "intentional_trust": lambda t: 0.7 if t <= 10 else 0.25, "cognitive_trust": 0.8,
            "misuse_events": lambda t: float(t > 10)}
    probe = series(late)
    probe[["info_shared", "collaboration"]] = probe[["info_shared", "collaboration"]].clip(lower=0)
    low = probe.assign(cognitive_trust=0.4)
    cf = series({"info_shared": 0.35, "collaboration": 0.25, "intentional_trust": 0.75, "cognitive_trust": 0.8,
                 "misuse_events": 0.0})
    assert pt.p5(probe, low, cf).passed
    assert not pt.p5(probe.assign(collaboration=0.1), low, cf).passed  # collaboration goes on
    assert not pt.p5(probe.assign(intentional_trust=0.72), low, cf).passed  # trust was not cut
    assert not pt.p5(probe, low, cf.assign(info_shared=0.03)).passed  # it never shared anyway
    assert not pt.p5(probe.assign(info_shared=0.12), low, cf).passed  # high cognitive trust keeps sharing up
    assert not pt.p5(probe, probe, cf).passed  # the arms do not differ in cognitive trust: no test of it
    check = next(c for c in pt.p5(probe, low, cf).clauses if c.name == "cognitive_arms_differ")
    assert check.role == "check"


# ---------------------------------------------------------------------------- P6


def sweep(slope: float, intercept: float = 0.0) -> list[pd.DataFrame]:
    return [series({"intentional_trust": t, "collaboration": intercept + slope * t}, steps=(140, 156))
            for t in (0.3, 0.5, 0.7, 0.9)]


def test_p6():
    assert pt.p6({"communication": (sweep(0.6), sweep(0.3)), "autonomy": (sweep(0.5), sweep(0.2))}).passed
    assert not pt.p6({"communication": (sweep(0.6), sweep(0.3)), "autonomy": (sweep(0.3), sweep(0.3))}).passed
    assert not pt.p6({"communication": (sweep(0.35), sweep(0.3))}).passed  # 0.05 steeper: not noticeable
    # a main effect (more collaboration at every trust level) is not moderation
    assert not pt.p6({"communication": (sweep(0.3, intercept=0.2), sweep(0.3))}).passed


# ---------------------------------------------------------------------------- P7


def test_p7():
    x = series({m: 0.5 for m in pt.P7_METRICS})
    falls = series({m: (lambda t: 0.5 if t < 104 else 0.2) for m in pt.P7_METRICS})
    assert pt.p7(x, falls).passed
    assert not pt.p7(x, series({m: 0.2 for m in pt.P7_METRICS})).passed  # lower all along: no breach effect
    small = series({m: (lambda t: 0.5 if t < 104 else 0.45) for m in pt.P7_METRICS})
    assert not pt.p7(x, small).passed  # a fall of 0.05: below a noticeable difference in differences
    partly = series({"intentional_trust": lambda t: 0.5 if t < 104 else 0.2, "info_shared": 0.5,
                     "collaboration": lambda t: 0.5 if t < 104 else 0.2})
    assert not pt.p7(x, partly).passed


# ------------------------------------------------------------------------- helpers


def test_clause_margins():
    at = {"a": np.array(0.4), "b": np.array(0.3), "c": np.array(np.nan)}
    assert Clause("a", ("a",), ">=", 0.5, 0.1).shortfall(float(at["a"])) == pytest.approx(1.0, abs=1e-6)
    assert Clause("a", ("a",), ">=", 0.3, 0.1).shortfall(0.4) == 0
    assert Clause("b", ("b",), "<=", 0.1, 0.1).shortfall(0.3) == pytest.approx(2.0, abs=1e-6)
    assert not Clause("c", ("c",), ">=", 0.0, 1.0).holds(at["c"])
    runs = per_replication(a=pd.Series([0.4] * 5), b=pd.Series([1.0] * 5))
    r = PatternResult("P0", "x", runs, [Clause("a", ("a",), ">=", 0.5, 0.1), Clause("b", ("b",), ">", 0.0, 1.0)])
    assert not r.passed and r.margin == pytest.approx(1.0, abs=1e-6)
    assert r.to_dict()["failed_clauses"] == ["a"] and r.p_holds == 0.0


def noisy(mean: float, sd: float, n: int, seed: int) -> pd.DataFrame:
    return per_replication(v=pd.Series(np.random.default_rng(seed).normal(mean, sd, n)))


def test_standard_error_and_probability_of_holding():
    """The standard error is the bootstrap's: about sd / sqrt(n) for a mean. The
    probability of holding is about 1 far above the threshold, 0 far below, a half at it."""
    clause = [Clause("v", ("v",), ">=", 0.0, 0.1)]
    data = noisy(0.0, 1.0, 400, 1)
    r = PatternResult("P0", "", data, [Clause("v", ("v",), ">=", float(data.v.mean()), 0.1)])  # at the threshold
    assert r.se["v"] == pytest.approx(1.0 / 20, rel=0.15)
    assert 0.35 < r.p_holds < 0.65 and PatternResult("P0", "", data, r.clauses).p_holds == r.p_holds
    assert PatternResult("P0", "", noisy(1.0, 1.0, 40, 2), clause).p_holds > 0.99
    assert PatternResult("P0", "", noisy(-1.0, 1.0, 40, 3), clause).p_holds < 0.01


def test_the_verdict_means_the_same_at_4_and_at_32_replications():
    """At a point away from the threshold (the effect 1.5 per-run standard deviations above
    it) the pass rate over many sets of 4 replications agrees with that over sets of 32
    within sampling error. A criterion on the lower 95% bound would pass 4-run sets far
    less often (about 85%): it would measure the replication count, not the model."""
    clause = [Clause("v", ("v",), ">=", 0.0, 0.1)]
    rate = {}
    for n, sets in ((4, 300), (32, 60)):
        passed = [PatternResult("P0", "", noisy(1.5, 1.0, n, 1000 * n + k), clause).passed for k in range(sets)]
        rate[n] = np.mean(passed)
    se = np.sqrt(rate[4] * (1 - rate[4]) / 300 + rate[32] * (1 - rate[32]) / 60)
    assert abs(rate[4] - rate[32]) <= 3 * max(se, 0.01)
    bound = np.mean([pt.mean_ci(noisy(1.5, 1.0, 4, 4000 + k).v)[1] >= 0 for k in range(300)])
    assert rate[32] - bound > 0.08  # the old rule does depend on the number of replications


def test_joint_probability_reads_the_same_resamples():
    a = PatternResult("P1", "", noisy(0.0, 1.0, 30, 5), [Clause("v", ("v",), ">=", 0.0, 0.1)])
    b = PatternResult("P2", "", noisy(0.0, 1.0, 30, 5), [Clause("v", ("v",), ">=", 0.0, 0.1)])
    assert joint_p_holds([a, b]) == pytest.approx(a.p_holds)  # the same data: they hold together
    c = PatternResult("P3", "", noisy(0.0, 1.0, 30, 5), [Clause("v", ("v",), "<", 0.0, 0.1)])
    assert joint_p_holds([a, c]) == 0.0  # never both


def test_every_threshold_has_a_rule_and_a_reason():
    for t in THRESHOLDS.values():
        assert t.rule in ("seed", "scale", "literature") and len(t.reason) > 20, t


def points_table(verdicts: dict[str, list[bool]], param: list[float]) -> pd.DataFrame:
    rows = []
    for k, x in enumerate(param):
        row = {"point": k, "param:x": x, "param:noise": float(k % 3)}
        for p, v in verdicts.items():
            row.update({f"{p}:holds": float(v[k]), f"{p}:p_holds": float(v[k]), f"{p}:margin": x if p == "P1"
                        else float(not v[k])})
        row["all:holds"] = float(all(v[k] for v in verdicts.values()))
        row["all:p_holds"] = row["all:holds"]
        rows.append(row)
    return pd.DataFrame(rows)


def test_shares_joint_shares_and_drivers_of_the_points():
    p1 = [True] * 8 + [False] * 2
    p2 = [False] * 8 + [True] * 2  # trades off against P1
    table = points_table({"P1": p1, "P2": p2}, [0.1 * k for k in range(10)])
    s = shares(table).set_index("pattern")
    assert s.loc["P1", "share"] == 0.8 and s.loc["all", "share"] == 0.0
    assert s.loc["P1", "ci_low"] < 0.8 < s.loc["P1", "ci_high"] and (s.points == 10).all()
    joint = joint_shares(table).iloc[0]
    assert joint.both == 0.0 and joint.independent == pytest.approx(0.16) and joint.phi == pytest.approx(-1.0)
    d = drivers(table)
    top = d[d.pattern == "P1"].iloc[0]
    assert top.parameter == "x" and top.rho == pytest.approx(1.0)


@pytest.mark.parametrize("values, expected", [([0.1, 0.2, 0.3], (0.2, 0.2 - 1.96 * 0.1 / 3**0.5)),
                                              ([1.0], (1.0, 1.0))])
def test_mean_ci(values, expected):
    m, lo, hi = pt.mean_ci(values)
    assert m == pytest.approx(expected[0]) and lo == pytest.approx(expected[1])
    assert hi - m == pytest.approx(m - lo)


def test_every_study_that_scores_p4_records_pairs_every_two_weeks():
    """P4 is defined on two-week intervals: the recording the criteria's points use is
    the one every scoring study (contrast, robustness, variants, calibration, the
    ledger) takes from `scorecard.RECORDING`."""
    from experiments.analysis.scorecard import RECORDING

    assert RECORDING["main"]["pairs_every"] == pt.P4_INTERVAL == 2
