"""Each pattern criterion on constructed data: passes when the data show the pattern and
fails when they violate it (a criterion that passes on violating data is a bug)."""

import numpy as np
import pandas as pd
import pytest

from experiments.analysis import patterns as pt

REPS = 10
rng = np.random.default_rng(0)


def model(values: dict[str, tuple[float, float]], steps=(1, 156)) -> pd.DataFrame:
    """Model series: metric -> (value at the first step, value at the end), with noise."""
    rows = []
    for r in range(REPS):
        for step in range(steps[0], steps[1] + 1):
            row = {"replication": r, "step": step}
            for k, (a, b) in values.items():
                t = (step - steps[0]) / (steps[1] - steps[0])
                row[k] = a + t * (b - a) + rng.normal(0, 0.005)
            rows.append(row)
    return pd.DataFrame(rows)


def test_p1():
    good_x = model({"intentional_trust": (0.75, 0.8)})
    good_y = model({"intentional_trust": (0.6, 0.5)})
    assert pt.p1(good_x, good_y).passed
    assert not pt.p1(model({"intentional_trust": (0.3, 0.8)}), good_y).passed  # built from zero
    assert not pt.p1(good_x, model({"intentional_trust": (0.2, 0.5)})).passed
    assert not pt.p1(model({"intentional_trust": (0.75, 0.5)}), good_y).passed  # X declines


def test_p7():
    x = model({"intentional_trust": (0.8, 0.8), "info_shared": (0.5, 0.5), "collaboration": (0.3, 0.3)})
    y = model({"intentional_trust": (0.6, 0.5), "info_shared": (0.1, 0.1), "collaboration": (0.1, 0.1)})
    assert pt.p7(x, y).passed
    y_same_collab = model({"intentional_trust": (0.6, 0.5), "info_shared": (0.1, 0.1),
                           "collaboration": (0.3, 0.3)})
    assert not pt.p7(x, y_same_collab).passed


def test_p5():
    x = model({"collaboration": (0.3, 0.3)})
    probe = model({"intentional_trust": (0.18, 0.18), "cognitive_trust": (0.9, 0.9),
                   "collaboration": (0.0, 0.0), "info_shared": (0.0, 0.0)})
    probe[["collaboration", "info_shared"]] = 0.0
    assert pt.p5(probe, x).passed
    leaky = probe.assign(collaboration=0.1)
    assert not pt.p5(leaky, x).passed
    trusting = probe.assign(intentional_trust=0.6)
    assert not pt.p5(trusting, x).passed


def test_p6():
    strong = model({"collaboration": (0.3, 0.3), "intentional_trust": (0.8, 0.8)})
    weak = model({"collaboration": (0.2, 0.2), "intentional_trust": (0.8, 0.8)})
    assert pt.p6({m: (strong, weak) for m in ("communication", "autonomy")}).passed
    assert not pt.p6({"communication": (strong, weak), "autonomy": (weak, weak)}).passed
    # more collaboration only because of more trust is not a moderator effect
    trusting = model({"collaboration": (0.3, 0.3), "intentional_trust": (1.2, 1.2)})
    assert not pt.p6({"communication": (trusting, weak)}).passed


def p2_data(victim_end: float, bystander_end: float, sharing_after: float, harmed_runs: int = REPS):
    pairs, agents = [], []
    for r in range(REPS):
        harmed = 1.0 if r < harmed_runs else 0.0
        for step, a, b in ((103, 0.7, 0.7), (156, victim_end, bystander_end)):
            pairs.append({"replication": r, "step": step, "trustor": "A", "trustee": "H",
                          "intentional": a + rng.normal(0, 0.01), "harmed": harmed if step == 156 else 0})
            pairs.append({"replication": r, "step": step, "trustor": "B", "trustee": "H",
                          "intentional": b + rng.normal(0, 0.01), "harmed": 0.0})
        for step in range(70, 157):
            for org in ("A", "B"):
                share = 0.2 if (step <= 103 or org == "B") else sharing_after
                agents.append({"replication": r, "step": step, "org": org,
                               "sharing": share + rng.normal(0, 0.01)})
    return pd.DataFrame(pairs), pd.DataFrame(agents)


def test_p2():
    assert pt.p2(*p2_data(0.3, 0.65, 0.1), case_holders=["A", "B"]).passed
    assert not pt.p2(*p2_data(0.6, 0.65, 0.1), case_holders=["A", "B"]).passed  # trust barely falls
    assert not pt.p2(*p2_data(0.3, 0.65, 0.19), case_holders=["A", "B"]).passed  # sharing stays
    assert not pt.p2(*p2_data(0.3, 0.3, 0.1), case_holders=["A", "B"]).passed  # bystanders hit too
    assert not pt.p2(*p2_data(0.3, 0.65, 0.1, harmed_runs=3), case_holders=["A", "B"]).passed
    nobody = p2_data(0.7, 0.7, 0.2, harmed_runs=0)
    assert not pt.p2(*nobody, case_holders=["A", "B"]).passed


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
    collab = model({"collaboration": (0.3, 0.3)})
    vf = {"V": 0.9, "W": 0.9, "K": 0.5, "L": 0.3, "M": 0.3}
    assert pt.p3(p3_data(0.3, 0.8, 5.0), collab, "K", vf).passed
    assert not pt.p3(p3_data(0.65, 0.8, 5.0), collab, "K", vf).passed  # competence trust intact
    assert not pt.p3(p3_data(0.3, 0.5, 5.0), collab, "K", vf).passed  # goodwill lost too
    assert not pt.p3(p3_data(0.3, 0.8, 0.0), collab, "K", vf).passed  # nobody routes around
    assert not pt.p3(p3_data(0.3, 0.8, 5.0), model({"collaboration": (0.05, 0.05)}), "K", vf).passed


def p4_data(emp_newest: float, stall_hit: float, stall_intent_hit: float, stalls: bool = True):
    agents, pairs = [], []
    for r in range(REPS):
        for org, tenure, emp in (("A", 156, 0.5), ("B", 156, 0.5), ("N", 52, emp_newest)):
            agents.append({"replication": r, "step": 156, "org": org, "tenure": tenure,
                           "empathic_out": emp + rng.normal(0, 0.01),
                           "common_language": 0.3 if tenure > 100 else 0.1,
                           "fixed_contacts": 3 if tenure > 100 else 1})
        emp, intent, stalled = 0.2, 0.8, 0
        for step in range(0, 157, 2):
            stall_now = stalls and step % 20 == 10
            stalled += stall_now
            emp = emp + 0.01 - (stall_hit if stall_now else 0.0) + rng.normal(0, 0.001)
            intent = intent - (stall_intent_hit if stall_now else 0.0) + rng.normal(0, 0.001)
            pairs.append({"replication": r, "step": step, "trustor": "A", "trustee": "B", "empathic": emp,
                          "intentional": intent, "stalled": stalled, "backup_contact": float(stalled > 2)})
    return pd.DataFrame(agents), pd.DataFrame(pairs)


def test_p4():
    holders = ["A", "B", "N"]
    assert pt.p4(*p4_data(0.2, 0.05, 0.0), holders).passed
    assert not pt.p4(*p4_data(0.5, 0.05, 0.0), holders).passed  # newcomers as close as veterans
    assert not pt.p4(*p4_data(0.2, 0.0, 0.0), holders).passed  # stalls do not hurt empathic trust
    assert not pt.p4(*p4_data(0.2, 0.05, 0.05), holders).passed  # ... they hurt intentional trust
    assert not pt.p4(*p4_data(0.2, 0.05, 0.0, stalls=False), holders).passed  # no stalls at all


@pytest.mark.parametrize("values, expected", [([0.1, 0.2, 0.3], (0.2, 0.2 - 1.96 * 0.1 / 3**0.5)),
                                              ([1.0], (1.0, 1.0))])
def test_mean_ci(values, expected):
    m, lo, hi = pt.mean_ci(values)
    assert m == pytest.approx(expected[0]) and lo == pytest.approx(expected[1])
    assert hi - m == pytest.approx(m - lo)
