"""The four moderators strengthen the trust -> collaboration link (P6), one at a time.

Each test changes one moderator in network X, keeps everything else (and the random
numbers) equal, and checks the direction of collaboration and of the moderator's own
lever.
"""

from dataclasses import replace

import numpy as np

from experiments.ensemble import replication_seeds
from model import TrustNetworkModel, load_scenario

REPS = 10


def ends(overrides, name="x", weeks=104, scenario=None):
    sc = scenario or load_scenario(name).with_overrides({"horizon": weeks, **overrides})
    out = []
    for seed in replication_seeds(31, REPS):
        m = TrustNetworkModel(scenario=sc, rng=seed, collect=False)
        m.run_for(sc.horizon)
        out.append(m)
    return out


def mean(models, key):
    return float(np.mean([m.metrics[key] for m in models]))


def collaboration_over_time(models):
    return float(np.mean([m.state.collaboration[0] for m in models]))


def test_communication_physical_meetings_and_open_atmosphere():
    online = ends({"online": True, "open_atmosphere": 0.3})
    physical = ends({"online": False, "open_atmosphere": 1.0})
    assert mean(physical, "common_language") > mean(online, "common_language") + 0.1
    assert mean(physical, "empathic_trust") > mean(online, "empathic_trust")
    assert mean(physical, "collaboration") > mean(online, "collaboration") + 0.02


def test_autonomy_power_without_voice_weakens_collaboration():
    base = load_scenario("y")
    kept = ends({"power_asymmetry": 0.0}, scenario=base.with_overrides({"power_asymmetry": 0.0}))
    lost = ends({}, scenario=base.with_overrides({"power_asymmetry": 1.0, "voice": 0.0}))
    voiced = ends({}, scenario=base.with_overrides({"power_asymmetry": 1.0, "voice": 1.0}))
    assert mean(kept, "collaboration") > mean(lost, "collaboration") + 0.02
    assert abs(mean(voiced, "collaboration") - mean(kept, "collaboration")) < 1e-12  # voice offsets power


def test_stability_absence_and_turnover_weaken_collaboration():
    stable = ends({"turnover_rate": 0.0})
    unstable = ends({"turnover_rate": 1.0})
    assert mean(stable, "empathic_trust") > mean(unstable, "empathic_trust") + 0.05
    assert mean(stable, "common_language") > mean(unstable, "common_language")
    sc = load_scenario("x")
    absent = sc.with_overrides({"horizon": 104})
    orgs = tuple(replace(o, representative={**o.representative, "availability": 0.5})
                 for o in absent.organisations)
    absent = replace(absent, organisations=orgs)
    away = ends({}, scenario=absent)
    here = ends({"horizon": 104})
    assert mean(here, "info_shared") > mean(away, "info_shared") + 0.05
    assert mean(here, "cases_resolved") > mean(away, "cases_resolved")


def test_coordination_task_clarity_and_evaluations():
    clear = ends({"task_clarity": 1.0})
    unclear = ends({"task_clarity": 0.0})
    assert mean(clear, "cases_resolved") > mean(unclear, "cases_resolved")
    y = load_scenario("y").with_overrides({"evaluation_interval": 0})
    none = ends({}, scenario=y)
    quarterly = ends({}, scenario=y.with_overrides({"evaluation_interval": 13}))
    assert mean(quarterly, "goal_alignment") > mean(none, "goal_alignment") + 0.05
    assert mean(quarterly, "misuse_events") < mean(none, "misuse_events")
