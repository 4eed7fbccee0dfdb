"""The model produces the study's patterns for networks X and Y (smoke level).

The full pattern scorecard with ablations belongs to the contrast experiment; these
tests only check that default parameters produce each pattern's direction clearly.
"""

import numpy as np
import pytest

from experiments.ensemble import replication_seeds
from model import TrustNetworkModel, load_scenario

REPS = 12


def run(name, reps=REPS, **overrides):
    sc = load_scenario(name)
    if overrides:
        sc = sc.with_overrides(overrides)
    out = []
    for seed in replication_seeds(99, reps):
        m = TrustNetworkModel(scenario=sc, rng=seed, collect=False)
        snapshots = {}
        for week in range(1, sc.horizon + 1):
            m.step()
            if week in (1, 100):
                snapshots[week] = (m.metrics.copy(), m.state.copy())
        snapshots[sc.horizon] = (m.metrics.copy(), m.state)
        out.append(snapshots)
    return out


@pytest.fixture(scope="module")
def xs():
    return run("x")


@pytest.fixture(scope="module")
def ys():
    return run("y")


def metric(runs, week, name):
    return np.array([r[week][0][name] for r in runs])


def test_p1_intentional_trust_high_from_the_start_and_level_or_rising_in_x(xs, ys):
    assert metric(xs, 1, "intentional_trust").min() > 0.6
    assert metric(ys, 1, "intentional_trust").min() > 0.45
    assert np.mean(metric(xs, 156, "intentional_trust") - metric(xs, 1, "intentional_trust")) > -0.02


def test_p2_misuse_in_y_hits_the_affected_members_only(ys):
    housing = 5
    police = 3
    affected_drop, police_change = [], []
    for r in ys:
        before, end = r[100][1], r[156][1]
        victims = np.nonzero(end.harmed[0, :, housing] > 0)[0]
        for i in victims:
            affected_drop.append(before.intent[0, i, housing] - end.intent[0, i, housing])
        police_change.append(end.intent[0, police, housing] - before.intent[0, police, housing])
    assert len(affected_drop) >= REPS  # most runs have victims
    assert np.mean(affected_drop) > 0.25
    assert abs(np.mean(police_change)) < 0.1


def test_p5_no_collaboration_without_intentional_trust():
    runs = run("x", reps=4, shared_goal=0.2, cog_start=0.9)
    assert metric(runs, 156, "intentional_trust").max() < 0.3
    assert metric(runs, 156, "info_shared").max() == 0.0
    assert metric(runs, 156, "collaboration").max() == 0.0


def test_p7_x_ends_with_more_trust_sharing_and_collaboration_than_y(xs, ys):
    for name in ("intentional_trust", "info_shared", "collaboration"):
        diff = metric(xs, 156, name) - metric(ys, 156, name)  # paired by seed
        half = 1.96 * diff.std(ddof=1) / np.sqrt(len(diff))
        assert diff.mean() - half > 0, name
