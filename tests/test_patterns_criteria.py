"""Each pattern criterion on constructed data: it passes on data that show the pattern and
fails on data that violate it in each of its clauses (a criterion that passes on violating
data is a bug). Margins are 0 when a criterion passes and grow with the violation."""

import numpy as np
import pandas as pd
import pytest

from experiments.analysis import patterns as pt
from experiments.analysis.scorecard import robustness

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
                             "intentional": intent + rng.normal(0, 0.01), "routed": rt})
    return pd.DataFrame(rows)


def test_p3():
    collab = series({"collaboration": 0.3})
    vf = {"V": 0.9, "W": 0.9, "K": 0.5, "L": 0.3, "M": 0.3}
    assert pt.p3(p3_data(0.3, 0.8, 5.0), collab, "K", vf).passed
    assert not pt.p3(p3_data(0.65, 0.8, 5.0), collab, "K", vf).passed  # competence trust intact
    assert not pt.p3(p3_data(0.3, 0.5, 5.0), collab, "K", vf).passed  # goodwill lost too
    assert not pt.p3(p3_data(0.3, 0.8, 0.0), collab, "K", vf).passed  # nobody routes around
    assert not pt.p3(p3_data(0.3, 0.8, 5.0), series({"collaboration": 0.05}), "K", vf).passed


# ---------------------------------------------------------------------------- P4


def p4_data(emp_newest: float, stall_hit: float, stall_intent_hit: float, regrow: float = 0.01):
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
    return pd.DataFrame(agents), pd.DataFrame(pairs)


def test_p4():
    holders = ["A", "B", "N"]
    assert pt.p4(*p4_data(0.2, 0.08, 0.0), holders).passed
    assert not pt.p4(*p4_data(0.5, 0.08, 0.0), holders).passed  # newcomers as close as veterans
    assert not pt.p4(*p4_data(0.2, 0.0, 0.0), holders).passed  # stalls do not hurt empathic trust
    assert not pt.p4(*p4_data(0.2, 0.08, 0.05), holders).passed  # ... they hurt intentional trust
    assert not pt.p4(*p4_data(0.2, 0.08, 0.0, regrow=0.0005), holders).passed  # no recovery


# ---------------------------------------------------------------------------- P5


def test_p5():
    collapse = {"info_shared": lambda t: 0.3 if t <= 26 else 0.0, "collaboration": lambda t: 0.2 if t <= 26 else 0.0,
                "intentional_trust": lambda t: 0.7 if t <= 10 else 0.4, "cognitive_trust": 0.9,
                "misuse_events": lambda t: float(t > 10)}
    probe = series(collapse)
    probe[["info_shared", "collaboration"]] = probe[["info_shared", "collaboration"]].clip(lower=0)
    assert pt.p5(probe).passed
    assert not pt.p5(probe.assign(collaboration=0.1)).passed  # collaboration goes on
    assert not pt.p5(probe.assign(intentional_trust=0.7)).passed  # trust was not cut
    assert not pt.p5(probe.assign(cognitive_trust=0.3)).passed  # cognitive trust collapsed too
    assert not pt.p5(probe.assign(info_shared=0.0)).passed  # never shared: zero by arithmetic
    assert not pt.p5(probe.assign(misuse_events=0.0)).passed  # no history of misuse


# ---------------------------------------------------------------------------- P6


def sweep(slope: float, intercept: float = 0.0) -> list[pd.DataFrame]:
    return [series({"intentional_trust": t, "collaboration": intercept + slope * t}, steps=(140, 156))
            for t in (0.3, 0.5, 0.7, 0.9)]


def test_p6():
    assert pt.p6({"communication": (sweep(0.6), sweep(0.3)), "autonomy": (sweep(0.5), sweep(0.2))}).passed
    assert not pt.p6({"communication": (sweep(0.6), sweep(0.3)), "autonomy": (sweep(0.3), sweep(0.3))}).passed
    # a main effect (more collaboration at every trust level) is not moderation
    assert not pt.p6({"communication": (sweep(0.3, intercept=0.2), sweep(0.3))}).passed


# ---------------------------------------------------------------------------- P7


def test_p7():
    x = series({m: 0.5 for m in pt.P7_METRICS})
    falls = series({m: (lambda t: 0.5 if t < 104 else 0.2) for m in pt.P7_METRICS})
    assert pt.p7(x, falls).passed
    assert not pt.p7(x, series({m: 0.2 for m in pt.P7_METRICS})).passed  # lower all along: no breach effect
    partly = series({"intentional_trust": lambda t: 0.5 if t < 104 else 0.2, "info_shared": 0.5,
                     "collaboration": lambda t: 0.5 if t < 104 else 0.2})
    assert not pt.p7(x, partly).passed


# ------------------------------------------------------------------------- helpers


def test_clause_margins():
    assert pt.Clause("a", 0.4, ">=", 0.5, 0.1).shortfall == pytest.approx(1.0, abs=1e-6)
    assert pt.Clause("a", 0.6, ">=", 0.5, 0.1).shortfall == 0
    assert pt.Clause("b", 0.3, "<=", 0.1, 0.1).shortfall == pytest.approx(2.0, abs=1e-6)
    assert not pt.Clause("c", float("nan"), ">=", 0.0, 1.0).passed
    r = pt.PatternResult("P0", "x", clauses=[pt.Clause("a", 0.4, ">=", 0.5, 0.1), pt.Clause("b", 1.0, ">", 0.0, 1.0)])
    assert not r.passed and r.margin == pytest.approx(1.0, abs=1e-6)
    assert r.to_dict()["failed_clauses"] == ["a"]


def test_robustness_shares_with_wilson_intervals():
    scores = pd.DataFrame({"P1": [True] * 8 + [False] * 2, "P2": [True] * 5 + [False] * 5})
    table = robustness(scores).set_index("pattern")
    assert table.loc["P1", "share"] == 0.8 and table.loc["all", "share"] == 0.5
    assert table.loc["P1", "ci_low"] < 0.8 < table.loc["P1", "ci_high"]
    assert (table.points == 10).all()


@pytest.mark.parametrize("values, expected", [([0.1, 0.2, 0.3], (0.2, 0.2 - 1.96 * 0.1 / 3**0.5)),
                                              ([1.0], (1.0, 1.0))])
def test_mean_ci(values, expected):
    m, lo, hi = pt.mean_ci(values)
    assert m == pytest.approx(expected[0]) and lo == pytest.approx(expected[1])
    assert hi - m == pytest.approx(m - lo)
