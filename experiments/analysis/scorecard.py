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
from dataclasses import dataclass

import pandas as pd

from experiments.analysis import patterns as pt
from experiments.analysis.outcomes import per_run
from experiments.analysis.thresholds import MIDPOINT, NONE, NOTICE, RELATIVE_NOTICE
from experiments.ensemble.grid import Grid
from model.inputs.scenario import DOMAINS, Scenario, ScenarioError, load_scenario

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
# the P6 trust sweep: `intent_shift` moves every level of intentional trust (at the start
# and on arrival) and leaves goal clarity and alignment, which also set effort, alone;
# from just above the gate below which trust counts as absent to the network's own level
P6_TRUST_SHIFTS = (-0.3, -0.2, -0.1, 0.0)
# the P5 probe: every party tempted, misuse always detected; caution and the burn
# penalty held still so that misuse reaches sharing only through intentional trust. Two
# arms of cognitive trust at the start (whatever the cognitive trust) and the high arm's
# counterfactual without misuse (same seeds); cognitive trust then moves as feedback comes
P5_PROBE = {"scenario": "probe:p5", "opportunity_rate": 1.0, "detect_prob": 1.0, "misuse_reach": 1.0,
            "caution_detect": 0.0, "caution_hear": 0.0, "burn_penalty": 0.0}
P5_ARMS = {"p5-probe": {"cog_start": 0.9}, "p5-probe-low": {"cog_start": 0.3},
           "p5-probe-no-misuse": {"cog_start": 0.9, "opportunism": False}}
COUNTERFACTUAL = {"opportunism": False}  # Y without misuse, same seeds (P2)

# how the two groups of points are recorded: the main points need organisation series
# and pairwise state every two weeks (P1-P4; P4 is defined on two-week intervals); the
# probes only model series
RECORDING = {"main": {"pairs_every": pt.P4_INTERVAL, "record_agents": True},
             "probes": {"pairs_every": 0, "record_agents": False}}


def sweep_label(moderator: str, arm: str, k: int) -> str:
    return f"p6-{moderator}-{arm}-{k}"


@dataclass(frozen=True)
class Ablation:
    """One pattern's mechanism, the switch that removes it, the labels it reads, and its
    kind: ``direct`` where the mechanism is the only pathway to the pattern (the ablation
    confirms the wiring), ``emergent`` where the pattern comes from several mechanisms
    together (the ablation shows that this one is necessary)."""

    mechanism: str
    switch: dict
    labels: tuple[str, ...]
    kind: str


_SWEEPS = {m: tuple(sweep_label(m, arm, k) for arm in ("strong", "weak") for k in range(len(P6_TRUST_SHIFTS)))
           for m in MODERATOR_CONTRASTS}
# No ablation stops the model, removes the evidence its criterion reads, gives an effect
# that is zero by construction, or is the code path of a clause of its own criterion.
ABLATIONS: dict[str, Ablation] = {
    # trust starts present but not high (between the gate, 0.3, and the midpoint) instead of
    # from the shared goal: meetings, contacts and their building go on
    "P1": Ablation("shared-goal prior of intentional trust", {"goal_prior": False, "intent_start_low": 0.4},
                   ("x", "y"), "emergent"),
    "P2": Ablation("a detected misuse breaks intentional trust", {"misuse_trust": False}, ("y",), "emergent"),
    "P3": Ablation("missing feedback erodes cognitive trust", {"feedback_loss": False}, ("x",), "emergent"),
    "P4": Ablation("stalls on an absent fixed contact damage empathic trust", {"stall_damage": 0.0}, ("x",),
                   "direct"),
    "P5": Ablation("intentional trust gates sharing and contact", {"trust_gate": False}, tuple(P5_ARMS), "direct"),
    **{f"P6:{m}": Ablation(f"the {m} moderator acts on the trust-collaboration link (not only on its level)",
                           {"moderation": "additive"}, _SWEEPS[m], "direct") for m in MODERATOR_CONTRASTS},
    "P7": Ablation("Y's breach: misuse and the turnover of its last year",
                   {"opportunism": False, "scheduled_events": False}, ("y",), "emergent"),
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

    probes = [point(label, **P5_PROBE, **arm) for label, arm in P5_ARMS.items()]
    for name, (strong, weak) in MODERATOR_CONTRASTS.items():
        for arm, setting in (("strong", strong), ("weak", weak)):
            probes += [point(sweep_label(name, arm, k), "x", **setting, intent_shift=shift)
                       for k, shift in enumerate(P6_TRUST_SHIFTS)]
    main = [point("x", "x"), point("y", "y"), point("y-no-misuse", "y", **COUNTERFACTUAL)]
    return {"main": main, "probes": probes}


def ablation_points(points: dict[str, list[dict]], prefix: str = "") -> dict[str, list[dict]]:
    """For each ablation, the points its pattern reads with the switch applied, in the
    same group, labelled ``P3-ablated:x`` (``prefix`` as in `criteria_points`)."""
    out: dict[str, list[dict]] = {group: [] for group in points}
    for pattern, ablation in ABLATIONS.items():
        for group, pts in points.items():
            for p in pts:
                label = p["label"].removeprefix(prefix)
                if label in ablation.labels:
                    out[group].append({**p, **ablation.switch, "label": f"{prefix}{pattern}-ablated:{label}"})
    return out


def scenario_facts() -> dict:
    x, y = load_scenario("x"), load_scenario("y")
    return {
        "x_holders": [o.name for o in x.organisations if o.role != "minute-taker"],
        "y_holders": [o.name for o in y.organisations if o.role != "minute-taker"],
        "overloaded": min(x.organisations, key=lambda o: o.representative["capacity"]).name,
        "values_feedback": {o.name: o.representative["values_feedback"] for o in x.organisations},
        "interested": y.breach.org,
        "respondents": {o.respondent: (o.name, n) for n, sc in (("x", x), ("y", y))
                        for o in sc.organisations if o.respondent},
    }


def probes_read(patterns) -> set[str]:
    """The labels of the probe points (`criteria_points`' "probes") that ``patterns`` read:
    a study scoring only some patterns (the calibration's distance) runs only these."""
    labels = {"P5": set(P5_ARMS), "P6": {label for sweeps in _SWEEPS.values() for label in sweeps}}
    return set().union(*(labels.get(p, set()) for p in patterns))


def grid(tables, table: str, label: str) -> Grid:
    """A design point's table as a grid: ``tables.grid(table, label)`` where the tables
    give one (`experiments.ensemble.Tables`), else the grid of ``tables.get(table, label)``."""
    if hasattr(tables, "grid"):
        return tables.grid(table, label)
    return Grid.of(tables.get(table, label))


def score(main, probes, ablated: str | None = None, patterns=None) -> list[pt.PatternResult]:
    """The scorecard of the points of `criteria_points`; with ``ablated`` = "P3" (or
    "P6:communication"), that pattern on its ablated runs (labels ``P3-ablated:x``);
    with ``patterns`` (ids), only those patterns, in the scorecard's order.
    ``main`` and ``probes`` give a table by label: ``get(table, label)`` returning a
    DataFrame, or ``grid(table, label)`` (`experiments.ensemble.Tables`)."""
    facts = scenario_facts()

    def m(tables, pattern: str, label: str, table: str = "model") -> Grid:
        if ablated == pattern:
            label = f"{pattern}-ablated:{label}"
        elif (ablated or "").startswith(pattern + ":") and label in ABLATIONS[ablated].labels:
            label = f"{ablated}-ablated:{label}"
        return grid(tables, table, label)

    def sweeps(names) -> dict:
        return {n: tuple([m(probes, "P6", sweep_label(n, arm, k)) for k in range(len(P6_TRUST_SHIFTS))]
                         for arm in ("strong", "weak")) for n in names}

    results = {
        "P1": lambda: pt.p1(m(main, "P1", "x"), m(main, "P1", "y"), m(main, "P1", "x", "pairs")),
        "P2": lambda: pt.p2(m(main, "P2", "y"), m(main, "P2", "y", "pairs"), m(main, "P2", "y", "agents"),
                           grid(main, "pairs", "y-no-misuse"), grid(main, "agents", "y-no-misuse"),
                           facts["y_holders"], facts["interested"]),
        "P3": lambda: pt.p3(m(main, "P3", "x", "pairs"), m(main, "P3", "x"), facts["overloaded"],
                           facts["values_feedback"]),
        "P4": lambda: pt.p4(m(main, "P4", "x", "agents"), m(main, "P4", "x", "pairs"), facts["x_holders"]),
        "P5": lambda: pt.p5(*(m(probes, "P5", label) for label in P5_ARMS)),
        "P6": lambda: pt.p6(sweeps([ablated.split(":", 1)[1]] if (ablated or "").startswith("P6:")
                                   else list(MODERATOR_CONTRASTS))),
        "P7": lambda: pt.p7(grid(main, "model", "x"), m(main, "P7", "y")),
    }
    if ablated:
        return [results[ablated.split(":", 1)[0]]()]
    return [results[k]() for k in results if patterns is None or k in patterns]


# ---------------------------------------------------------------------- respondents


# points only the respondent checks read (the contrast study runs them with the main
# points): X without unscreened outsiders, to see who holds back when they attend
RESPONDENT_POINTS = [{"label": "x-no-outsiders", "scenario": "x", "outsider_rate": 0.0}]


def respondent_checks(main) -> pd.DataFrame:
    """Statements of the study about respondents R1-R11 that the model can express, each
    checked on the simulated organisation that carries the respondent id (X and Y runs of
    ``main``, and `RESPONDENT_POINTS`), on a mean over replications with a threshold by the
    rules of `experiments.analysis.thresholds`. Columns: respondent, organisation, network,
    claim, section, measured, passed. A check whose quantity is set directly by a scenario
    input says so in its claim."""
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
    interested = facts["interested"]

    def agent(frame, r, metric, weeks):
        return per_run(frame[frame.org == org[r]], metric, weeks)

    def relative_fall(before: pd.Series, after: pd.Series) -> float:
        return float(((before - after) / before.where(before > 0)).mean())

    def trust_in(pairs, r, weeks, trustee=interested):
        t = pairs[(pairs.trustor == org[r]) & (pairs.trustee == trustee)]
        return per_run(t.rename(columns={"intentional": "v"}), "v", weeks)

    # --- X ----------------------------------------------------------------------------
    share = agent(xa, "R1", "sharing", end_x).mean()
    add("R1", f"puts much case information on the table in X (sharing at the end >= {MIDPOINT}, the upper half)",
        "§4.2.2.2", share, share >= MIDPOINT)
    closed = main.get("agents", "x-no-outsiders")
    for r in ("R3", "R5"):
        change = relative_fall(agent(closed, r, "sharing", end_x), agent(xa, r, "sharing", end_x))
        add(r, f"trusts that visitors handle the data properly: shares as much when unscreened outsiders attend "
            f"(relative change within {NONE / MIDPOINT:.0%}; input: outsider_reticence 0)", "§4.2.2.6",
            change, abs(change) <= NONE / MIDPOINT)
    fall = relative_fall(agent(closed, "R4", "sharing", end_x), agent(xa, "R4", "sharing", end_x))
    add("R4", f"holds back when unknown faces attend (sharing >= {RELATIVE_NOTICE:.0%} below X without outsiders; "
        "input: outsider_reticence 0.7)", "§4.2.2.6", fall, fall >= RELATIVE_NOTICE)
    emp = xa[xa.step == xa.step.max()].groupby("org").empathic_out.mean()
    holders = [o for o in facts["x_holders"] if o != org["R4"]]
    add("R4", "at the table about a year: holds less empathic trust than members at the table for longer",
        "§4.1.2.3, §4.5.1.1", emp[org["R4"]] - emp[holders].mean(), emp[org["R4"]] < emp[holders].mean())
    routed = xp[xp.step == xp.step.max()].groupby("trustor").routed.mean()
    add("R6", "routes more work around partners than R4 and R5, who ask for feedback themselves "
        "(input: values_feedback 0.9 vs 0.3)", "§4.1.2.1",
        routed[org["R6"]] - max(routed[org["R4"]], routed[org["R5"]]),
        routed[org["R6"]] > max(routed[org["R4"]], routed[org["R5"]]))

    # --- Y ----------------------------------------------------------------------------
    last = yp[yp.step == yp.step.max()]
    r8 = last[last.trustor == org["R8"]].groupby("replication").intentional.mean().mean()
    add("R8", f"experiences trust: intentional trust in the others at the end >= {MIDPOINT} (the upper half)",
        "§4.1.3.2", r8, r8 >= MIDPOINT)
    exposure = last[(last.trustor == org["R8"]) & (last.trustee == interested)].exposure.mean()
    add("R8", "feels the tension: the district team's data lie before the housing corporation (exposure > 0)",
        "§4.1.3.2, §4.2.2.4", exposure, exposure > 0)
    tenure = ya[ya.step == ya.step.max()].groupby("org").tenure.mean()
    newest = max(tenure[org["R8"]], tenure[org["R10"]]) < min(tenure[org["R9"]], tenure[org["R11"]])
    add("R8", "R8 and R10 are the newest members (input: scheduled turnover)", "§4.5.1.1",
        max(tenure[org["R8"]], tenure[org["R10"]]), newest)
    fall = relative_fall(agent(ya, "R9", "sharing", pt.BEFORE), agent(ya, "R9", "sharing", end_y))
    add("R9", f"shares less after the housing corporation's newcomer (weeks 91-103 vs the end; relative fall "
        f">= {RELATIVE_NOTICE:.0%})", "§4.2.2.4", fall, fall >= RELATIVE_NOTICE)
    rise = (agent(ya, "R9", "caution", end_y) - agent(ya, "R9", "caution", pt.BEFORE)).mean()
    add("R9", f"more careful with data after the breach (caution rises by >= {NOTICE})", "§4.2.3", rise,
        rise >= NOTICE)
    shaky = (trust_in(yp, "R10", end_y) - trust_in(yp, "R9", end_y)).mean()
    add("R9", f"trust is shaky: R9 trusts the housing corporation >= {NOTICE} less than R10 does at the end",
        "§4.1.3.2", shaky, shaky >= NOTICE)
    pres = ya.groupby("org").present.mean()
    add("R9", "present less often than the other members (input: availability 0.75)", "§4.1.3.3",
        pres[org["R9"]] - pres.drop(org["R9"]).mean(), pres[org["R9"]] < pres.drop(org["R9"]).mean())
    level = trust_in(yp, "R10", end_y).mean()
    add("R10", f"trusts that shared information is used properly: intentional trust in the housing corporation at "
        f"the end >= {MIDPOINT}", "§4.1.3.2", level, level >= MIDPOINT)
    keep = (trust_in(yp, "R10", end_y) - trust_in(yp, "R10", (130, 143))).mean()
    add("R10", f"does not feel the tension: trust in the housing corporation keeps its level after arriving "
        f"(change within +-{NONE})", "§4.1.3.2", keep, abs(keep) <= NONE)
    rate = {}
    for r in ("R9", "R11"):
        attended = agent(ya, r, "present", (1, int(ya.step.max())))  # share of weeks present ...
        weeks = ya[ya.org == org[r]].groupby("replication").step.max()
        meetings = attended * weeks / load_scenario("y").params.meeting_interval  # ... times the meetings
        got = last[(last.trustor == org[r]) & (last.trustee == interested)].set_index("replication").exposure
        rate[r] = float((got / meetings.where(meetings > 0)).mean())
    add("R11", "brings cases in anonymously first: her data identify persons before the housing corporation at a "
        "smaller share of the meetings she attends than R9's (input: anonymous_first)", "§4.2.2.2",
        rate["R11"] - rate["R9"], rate["R11"] < rate["R9"])
    return pd.DataFrame(rows, columns=["respondent", "organisation", "network", "claim", "section", "measured",
                                       "passed"])
