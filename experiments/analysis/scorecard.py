"""Scoring P1-P7 on a study's tables: the probes the criteria need, and the scorecard.

The criteria (`experiments.analysis.patterns`) read tables of design points with known
labels: ``x`` and ``y`` (pairwise state and organisation series), the P5 probe and the
P6 moderator contrasts on X. This module defines those probe points and each pattern's
ablation (the switch that removes its mechanism), and scores a study's tables. The
contrast study runs them with ablations; the variants study runs them at every point of
a parameter sample.
"""

from __future__ import annotations

import pandas as pd

from experiments.analysis import patterns as pt
from model.scenario import load_scenario

# the P6 moderator contrasts on network X: (strong, weak) overrides
MODERATOR_CONTRASTS = {
    "communication": ({"online": False, "open_atmosphere": 1.0, "informal_rate": 0.15},
                      {"online": True, "open_atmosphere": 0.3, "informal_rate": 0.0}),
    "autonomy": ({"power_asymmetry": 0.0}, {"power_asymmetry": 0.9, "voice": 0.1}),
    "stability": ({"turnover_rate": 0.0}, {"turnover_rate": 0.8, "transfer_share": 0.0}),
    "coordination": ({"task_clarity": 1.0, "evaluation_interval": 13},
                     {"task_clarity": 0.0, "evaluation_interval": 0}),
}
P5_PROBE = {"shared_goal": 0.2, "cog_start": 0.9}

# each pattern's mechanism and the switch that removes it
ABLATIONS = {
    "P1": ("shared-goal prior of intentional trust", {"goal_prior": False}),
    "P2": ("opportunistic misuse of shared data", {"opportunism": False}),
    "P3": ("cognitive trust separate from intentional trust", {"separate_kinds": False}),
    "P4": ("tunnel vision: stalls on an absent fixed contact", {"tunnel_vision": False}),
    "P5": ("intentional trust gates sharing and contact", {"trust_gate": False}),
    "P6": ("the four moderators", {"moderators": False}),
    "P7": ("Y's breach: misuse and the turnover of its last year",
           {"opportunism": False, "scheduled_events": False}),
}


# how the two groups of points are recorded: the main points need organisation series
# and pairwise state (P2-P4); the probes only model series
RECORDING = {"main": {"pairs_every": 2, "record_agents": True},
             "probes": {"pairs_every": 0, "record_agents": False}}


def criteria_points(common: dict | None = None, prefix: str = "") -> dict[str, list[dict]]:
    """The design points `score` reads, as {"main": [...], "probes": [...]}.

    Every point gets the overrides ``common`` (a parameter sample point, a variant) and
    its label gets ``prefix`` (several sample points in one study). Run each group with
    `RECORDING` and common random numbers, then call `score` on the tables.
    """
    common = common or {}

    def point(label: str, scenario: str, **overrides) -> dict:
        return {"label": prefix + label, "scenario": scenario, **common, **overrides}

    probes = [point("p5-probe", "x", **P5_PROBE)]
    for name, (strong, weak) in MODERATOR_CONTRASTS.items():
        probes += [point(f"p6-{name}-strong", "x", **strong), point(f"p6-{name}-weak", "x", **weak)]
    return {"main": [point("x", "x"), point("y", "y")], "probes": probes}


def scenario_facts() -> dict:
    x, y = load_scenario("x"), load_scenario("y")
    return {
        "x_holders": [o.name for o in x.organisations if o.role != "minute-taker"],
        "y_holders": [o.name for o in y.organisations if o.role != "minute-taker"],
        "overloaded": min(x.organisations, key=lambda o: o.representative["capacity"]).name,
        "values_feedback": {o.name: o.representative["values_feedback"] for o in x.organisations},
    }


def score(main, probes, ablated: str | None = None) -> list[pt.PatternResult]:
    """The scorecard of the points of `criteria_points`; with ``ablated`` = "P3" etc.,
    that pattern on its ablated runs (labels ``P3-ablated:x``, as the contrast study
    names them). ``main`` and ``probes`` give a table by label: ``get(table, label)``
    (`experiments.ensemble.Tables`)."""
    facts = scenario_facts()

    def lab(pattern: str, label: str) -> str:
        return f"{pattern}-ablated:{label}" if ablated == pattern else label

    def m(tables, pattern: str, label: str, table: str = "model") -> pd.DataFrame:
        return tables.get(table, lab(pattern, label))

    results = {
        "P1": lambda: pt.p1(m(probes if ablated == "P1" else main, "P1", "x"),
                           m(probes if ablated == "P1" else main, "P1", "y")),
        "P2": lambda: pt.p2(m(main, "P2", "y", "pairs"), m(main, "P2", "y", "agents"), facts["y_holders"]),
        "P3": lambda: pt.p3(m(main, "P3", "x", "pairs"), m(main, "P3", "x"), facts["overloaded"],
                           facts["values_feedback"]),
        "P4": lambda: pt.p4(m(main, "P4", "x", "agents"), m(main, "P4", "x", "pairs"), facts["x_holders"]),
        "P5": lambda: pt.p5(m(probes, "P5", "p5-probe"), main.get("model", "x")),
        "P6": lambda: pt.p6({name: (m(probes, "P6", f"p6-{name}-strong"), m(probes, "P6", f"p6-{name}-weak"))
                            for name in MODERATOR_CONTRASTS}),
        "P7": lambda: pt.p7(main.get("model", "x"), (probes if ablated == "P7" else main).get(
            "model", lab("P7", "y"))),
    }
    keys = [ablated] if ablated else list(results)
    return [results[k]() for k in keys]
