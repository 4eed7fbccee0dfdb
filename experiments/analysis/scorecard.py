"""Scoring P1-P7 on a study's tables: the points the criteria need, ablations, checks.

The criteria (`experiments.analysis.patterns`) read tables of design points with known
labels. This module defines those points (`criteria_points`: X, Y, Y without misuse as
the counterfactual, the P5 probe and the P6 trust sweeps), each pattern's ablation (one
mechanism per switch, applied to exactly the points that pattern reads, so the ablated
runs still contain the events the criterion inspects), the respondent checks
(statements of the study about R1-R11 the model can express), and scores a study's
tables. The contrast study runs everything with ablations; the variants and calibration
studies run `criteria_points` at every parameter point.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from experiments.analysis import patterns as pt
from experiments.analysis.outcomes import mean_ci, per_run
from model.scenario import DOMAINS, Scenario, ScenarioError, load_scenario

# the P6 moderator contrasts on network X: (strong, weak) overrides
MODERATOR_CONTRASTS = {
    "communication": ({"online": False, "open_atmosphere": 1.0, "informal_rate": 0.15},
                      {"online": True, "open_atmosphere": 0.3, "informal_rate": 0.0}),
    "autonomy": ({"power_asymmetry": 0.9, "voice": 1.0}, {"power_asymmetry": 0.9, "voice": 0.1}),
    "stability": ({"turnover_rate": 0.0, "absence_scale": 0.0}, {"turnover_rate": 0.8, "transfer_share": 0.0,
                                                              "absence_scale": 2.0}),
    "coordination": ({"task_clarity": 1.0, "evaluation_interval": 13},
                     {"task_clarity": 0.0, "evaluation_interval": 0}),
}
P6_TRUST_LEVELS = (0.4, 0.6, 0.8, 1.0)  # shared_goal: sets the level of intentional trust
# the P5 probe: every party tempted, misuse always detected, cognitive trust high; caution
# and the burn penalty held still so that misuse reaches sharing only through intentional trust
P5_PROBE = {"scenario": "probe:p5", "cog_start": 0.9, "opportunity_rate": 1.0, "detect_prob": 1.0,
            "misuse_reach": 1.0, "caution_detect": 0.0, "caution_hear": 0.0, "burn_penalty": 0.0}
COUNTERFACTUAL = {"opportunism": False}  # Y without misuse, same seeds (P2)

# how the two groups of points are recorded: the main points need organisation series
# and pairwise state (P1-P4); the probes only model series
RECORDING = {"main": {"pairs_every": 2, "record_agents": True},
             "probes": {"pairs_every": 0, "record_agents": False}}


def sweep_label(moderator: str, arm: str, k: int) -> str:
    return f"p6-{moderator}-{arm}-{k}"


# each pattern's mechanism, the one switch that removes it, and the labels it reads
ABLATIONS: dict[str, tuple[str, dict, tuple[str, ...]]] = {
    "P1": ("shared-goal prior of intentional trust", {"goal_prior": False}, ("x", "y")),
    "P2": ("opportunistic misuse of shared data", {"opportunism": False}, ("y",)),
    "P3": ("cognitive trust kept apart from intentional trust", {"separate_kinds": False}, ("x",)),
    "P4": ("stalls on an absent fixed contact damage empathic trust", {"stall_damage": 0.0}, ("x",)),
    "P5": ("intentional trust gates sharing and contact", {"trust_gate": False}, ("p5-probe",)),
    **{f"P6:{m}": (f"the {m} moderator", {f"{m}_moderator": False},
                   tuple(sweep_label(m, arm, k) for arm in ("strong", "weak") for k in range(len(P6_TRUST_LEVELS))))
       for m in MODERATOR_CONTRASTS},
    "P7": ("Y's breach: misuse and the turnover of its last year",
           {"opportunism": False, "scheduled_events": False}, ("y",)),
}


def resolve(name: str) -> Scenario:
    """A design point's scenario: ``probe:p5`` (below) or any name `load_scenario` knows.

    The P5 probe is X where every party has an interest of its own that shared data
    serve (every domain) and a low threshold of opportunism: misuse, once shared data
    lie on the table, destroys intentional trust by history, not by an input.
    """
    if name == "probe:p5":
        x = load_scenario("x")
        orgs = tuple(dataclasses.replace(o, conflict_of_interest=1.0, conflicts_with=DOMAINS,
                                         representative={**o.representative, "opportunism_threshold": 0.05})
                     for o in x.organisations)
        return dataclasses.replace(x, name="p5-probe", organisations=orgs, source="probe:p5")
    if str(name).startswith("probe:"):
        raise ScenarioError(f"{name}: unknown probe (probe:p5)")
    return load_scenario(name)


def criteria_points(common: dict | None = None, prefix: str = "") -> dict[str, list[dict]]:
    """The design points `score` reads, as {"main": [...], "probes": [...]}.

    Every point gets the overrides ``common`` (a parameter sample point, a variant); keys
    ``x.NAME`` / ``y.NAME`` apply only to points built on that scenario (parameters the
    two networks set differently are sampled for each). Labels get ``prefix`` (several
    sample points in one study). Run each group with `RECORDING`, `resolve` and common
    random numbers, then call `score` on the tables.
    """
    common = common or {}

    def point(label: str, scenario: str, **overrides) -> dict:
        base = "x" if scenario.startswith("probe:") else scenario
        shared = {k: v for k, v in common.items() if "." not in k}
        own = {k.split(".", 1)[1]: v for k, v in common.items() if k.startswith(f"{base}.")}
        return {"label": prefix + label, "scenario": scenario, **shared, **own, **overrides}

    probes = [point("p5-probe", **P5_PROBE)]
    for name, (strong, weak) in MODERATOR_CONTRASTS.items():
        for arm, setting in (("strong", strong), ("weak", weak)):
            probes += [point(sweep_label(name, arm, k), "x", **setting, shared_goal=level)
                       for k, level in enumerate(P6_TRUST_LEVELS)]
    main = [point("x", "x"), point("y", "y"), point("y-no-misuse", "y", **COUNTERFACTUAL)]
    return {"main": main, "probes": probes}


def ablation_points(points: dict[str, list[dict]], prefix: str = "") -> dict[str, list[dict]]:
    """For each ablation, the points its pattern reads with the switch applied, in the
    same group, labelled ``P3-ablated:x`` (``prefix`` as in `criteria_points`)."""
    out: dict[str, list[dict]] = {group: [] for group in points}
    for pattern, (_, switch, labels) in ABLATIONS.items():
        for group, pts in points.items():
            for p in pts:
                label = p["label"].removeprefix(prefix)
                if label in labels:
                    out[group].append({**p, **switch, "label": f"{prefix}{pattern}-ablated:{label}"})
    return out


def scenario_facts() -> dict:
    x, y = load_scenario("x"), load_scenario("y")
    return {
        "x_holders": [o.name for o in x.organisations if o.role != "minute-taker"],
        "y_holders": [o.name for o in y.organisations if o.role != "minute-taker"],
        "overloaded": min(x.organisations, key=lambda o: o.representative["capacity"]).name,
        "values_feedback": {o.name: o.representative["values_feedback"] for o in x.organisations},
        "interested": next(o.name for o in y.organisations if o.conflict_of_interest > 0),
        "respondents": {o.respondent: (o.name, n) for n, sc in (("x", x), ("y", y))
                        for o in sc.organisations if o.respondent},
    }


def score(main, probes, ablated: str | None = None) -> list[pt.PatternResult]:
    """The scorecard of the points of `criteria_points`; with ``ablated`` = "P3" (or
    "P6:communication"), that pattern on its ablated runs (labels ``P3-ablated:x``).
    ``main`` and ``probes`` give a table by label: ``get(table, label)``
    (`experiments.ensemble.Tables`)."""
    facts = scenario_facts()

    def m(tables, pattern: str, label: str, table: str = "model") -> pd.DataFrame:
        if ablated == pattern:
            label = f"{pattern}-ablated:{label}"
        elif (ablated or "").startswith(pattern + ":") and label in ABLATIONS[ablated][2]:
            label = f"{ablated}-ablated:{label}"
        return tables.get(table, label)

    def sweeps(names) -> dict:
        return {n: tuple([m(probes, "P6", sweep_label(n, arm, k)) for k in range(len(P6_TRUST_LEVELS))]
                         for arm in ("strong", "weak")) for n in names}

    results = {
        "P1": lambda: pt.p1(m(main, "P1", "x"), m(main, "P1", "y"), m(main, "P1", "x", "pairs")),
        "P2": lambda: pt.p2(m(main, "P2", "y"), m(main, "P2", "y", "pairs"), m(main, "P2", "y", "agents"),
                           main.get("pairs", "y-no-misuse"), main.get("agents", "y-no-misuse"),
                           facts["y_holders"], facts["interested"]),
        "P3": lambda: pt.p3(m(main, "P3", "x", "pairs"), m(main, "P3", "x"), facts["overloaded"],
                           facts["values_feedback"]),
        "P4": lambda: pt.p4(m(main, "P4", "x", "agents"), m(main, "P4", "x", "pairs"), facts["x_holders"]),
        "P5": lambda: pt.p5(m(probes, "P5", "p5-probe")),
        "P6": lambda: pt.p6(sweeps([ablated.split(":", 1)[1]] if (ablated or "").startswith("P6:")
                                   else list(MODERATOR_CONTRASTS))),
        "P7": lambda: pt.p7(main.get("model", "x"), m(main, "P7", "y")),
    }
    if ablated:
        return [results[ablated.split(":", 1)[0]]()]
    return [results[k]() for k in results]


# ---------------------------------------------------------------------- respondents


def respondent_checks(main) -> pd.DataFrame:
    """Statements of the study about respondents R1-R11 that the model can express, each
    checked on the simulated organisation that carries the respondent id (X and Y runs of
    ``main``). Columns: respondent, organisation, network, claim, section, measured, passed.
    A check whose quantity is set directly by a scenario input says so in its claim."""
    facts = scenario_facts()
    org = {r: name for r, (name, _) in facts["respondents"].items()}
    rows = []

    def add(r: str, claim: str, section: str, value: float, passed: bool) -> None:
        rows.append({"respondent": r, "organisation": org.get(r, ""), "network": facts["respondents"][r][1],
                     "claim": claim, "section": section, "measured": round(float(value), 4),
                     "passed": bool(passed)})

    xa, ya, xp, yp = (main.get("agents", "x"), main.get("agents", "y"), main.get("pairs", "x"),
                      main.get("pairs", "y"))
    end_x, end_y = pt.end_weeks(xa), pt.end_weeks(ya)

    def agent(frame, r, metric, weeks):
        return per_run(frame[frame.org == org[r]], metric, weeks)

    # R9 is more reticent since the other party's representative changed (1605-1610)
    fall = mean_ci(agent(ya, "R9", "sharing", pt.BEFORE) - agent(ya, "R9", "sharing", end_y))
    add("R9", "shares less after the housing corporation's newcomer (weeks 91-103 vs the end; lower bound > 0)",
        "§4.2.2.4 (1605-1610)", fall[1], fall[1] > 0)
    rise = mean_ci(agent(ya, "R9", "caution", end_y) - agent(ya, "R9", "caution", pt.BEFORE))
    add("R9", "more careful with data after the breach (caution rises; lower bound > 0)", "§4.2.3 (1803-1808)",
        rise[1], rise[1] > 0)
    # R9 often not reachable through workload (1363-1366): set by the scenario's availability
    pres = ya.groupby("org").present.mean()
    add("R9", "present less often than the other members (input: availability 0.75)", "§4.1.3.3 (1363-1366)",
        pres[org["R9"]] - pres.drop(org["R9"]).mean(), pres[org["R9"]] < pres.drop(org["R9"]).mean())
    # R10 does not feel the tension and keeps trusting (1331-1333)
    interested = facts["interested"]

    def trust_in(pairs, r, weeks):
        t = pairs[(pairs.trustor == org[r]) & (pairs.trustee == interested)]
        return per_run(t.rename(columns={"intentional": "v"}), "v", weeks)

    keep = mean_ci(trust_in(yp, "R10", end_y) - trust_in(yp, "R10", (130, 143)))
    add("R10", "keeps trusting the housing corporation after arriving (change within +-0.05)",
        "§4.1.3.2 (1331-1333)", keep[0], abs(keep[0]) <= 0.05)
    # R8 and R10 joined in the last year, the newest members (2199-2201)
    last = ya[ya.step == ya.step.max()].groupby("org").tenure.mean()
    newest = max(last[org["R8"]], last[org["R10"]]) < min(last[org["R9"]], last[org["R11"]])
    add("R8", "R8 and R10 are the newest members (input: scheduled turnover)", "§4.5.1.1 (2199-2201)",
        max(last[org["R8"]], last[org["R10"]]), newest)
    # R8 also feels the tension (1610): the district team is exposed to the interested party
    exposure = yp[(yp.step == yp.step.max()) & (yp.trustor == org["R8"]) & (yp.trustee == interested)]
    add("R8", "the district team's data lie before the housing corporation (exposure > 0)",
        "§4.2.2.4 (1610)", exposure.exposure.mean(), exposure.exposure.mean() > 0)
    # R1: much personal data on the table in X (1545-1548)
    share = mean_ci(agent(xa, "R1", "sharing", end_x))
    add("R1", "puts much case information on the table in X (sharing at the end >= 0.4)", "§4.2.2.2 (1545-1548)",
        share[0], share[0] >= 0.4)
    # R6 misses feedback, R4 and R5 ask for it themselves (1226-1239): R6 routes more work around
    routed = xp[xp.step == xp.step.max()].groupby("trustor").routed.mean()
    add("R6", "routes more work around partners than R4 and R5, who ask for feedback themselves "
        "(input: values_feedback 0.9 vs 0.3)", "§4.1.2.1 (1226-1239)",
        routed[org["R6"]] - max(routed[org["R4"]], routed[org["R5"]]),
        routed[org["R6"]] > max(routed[org["R4"]], routed[org["R5"]]))
    # R4 at the table about a year (2199): less empathic trust held than the others
    emp = xa[xa.step == xa.step.max()].groupby("org").empathic_out.mean()
    holders = [o for o in facts["x_holders"] if o != org["R4"]]
    add("R4", "holds less empathic trust than members at the table for longer", "§4.1.2.3, §4.5.1.1 (2199)",
        emp[org["R4"]] - emp[holders].mean(), emp[org["R4"]] < emp[holders].mean())
    return pd.DataFrame(rows, columns=["respondent", "organisation", "network", "claim", "section", "measured",
                                       "passed"])


def robustness(scores: pd.DataFrame) -> pd.DataFrame:
    """Per pattern and for all together: the share of sample points at which it holds,
    with Wilson intervals. ``scores`` has one row per sample point, a column per pattern."""
    from experiments.analysis.outcomes import wilson

    patterns = [c for c in scores.columns if c.startswith("P")]
    rows = []
    for pattern in (*patterns, "all"):
        hit = scores[patterns].all(axis=1) if pattern == "all" else scores[pattern]
        lo, hi = wilson(int(hit.sum()), len(hit))
        rows.append({"pattern": pattern, "share": float(hit.mean()) if len(hit) else np.nan,
                     "ci_low": lo, "ci_high": hi, "points": len(hit)})
    return pd.DataFrame(rows)
