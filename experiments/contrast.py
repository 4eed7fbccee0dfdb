"""`trustnet contrast`: reproduce the X-versus-Y contrast, score P1-P7, ablate, decompose.

The experiment has four studies, each run by the ensemble runner into its own folder
under ``DIR/runs/`` (so each is resumable on its own):

* ``main``   -- X and Y (and the ablations that need pairwise data), pairwise state
  every two weeks: trajectories, P1-P4, P7, the P2 dyad view, the networks;
* ``probes`` -- the P5 probe (no shared goal, high cognitive trust) and the P6 moderator
  contrasts, with their ablations, and the P1 and P7 ablations;
* ``sweeps`` -- each group of X-Y differences moved from X's setting to Y's in steps;
* ``decomposition`` -- all 2^7 combinations of the groups, for the Shapley shares.

All studies share the root seed, so replication i uses the same random numbers in every
design point (common random numbers): X-Y differences, ablations and moderator
contrasts are paired.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments import patterns as pt
from experiments.decomposition import coalition_spec, coalitions, decompose
from experiments.design import Study
from experiments.executors import ExecutorSpec
from experiments.hybrid import GROUP_DOC, GROUPS
from experiments.results import load
from experiments.runner import RunSummary, execute
from experiments.store import write_json, write_text
from model.scenario import load_scenario

OUTCOMES = ("intentional_trust", "info_shared", "collaboration")

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


@dataclass
class Sizes:
    reps: int = 30
    sweep_reps: int = 10
    decomposition_reps: int = 10
    sweep_levels: int = 5


def _point(label: str, scenario: str, **overrides) -> dict:
    return {"label": label, "scenario": scenario, **overrides}


def main_points() -> list[dict]:
    return [
        _point("x", "x"), _point("y", "y"),
        _point("P2-ablated:y", "y", **ABLATIONS["P2"][1]),
        _point("P3-ablated:x", "x", **ABLATIONS["P3"][1]),
        _point("P4-ablated:x", "x", **ABLATIONS["P4"][1]),
    ]


def probe_points() -> list[dict]:
    pts = [_point("p5-probe", "x", **P5_PROBE),
           _point("P5-ablated:p5-probe", "x", **P5_PROBE, **ABLATIONS["P5"][1])]
    for name, (strong, weak) in MODERATOR_CONTRASTS.items():
        pts.append(_point(f"p6-{name}-strong", "x", **strong))
        pts.append(_point(f"p6-{name}-weak", "x", **weak))
        pts.append(_point(f"P6-ablated:p6-{name}-strong", "x", **strong, **ABLATIONS["P6"][1]))
        pts.append(_point(f"P6-ablated:p6-{name}-weak", "x", **weak, **ABLATIONS["P6"][1]))
    pts += [_point("P1-ablated:x", "x", **ABLATIONS["P1"][1]),
            _point("P1-ablated:y", "y", **ABLATIONS["P1"][1]),
            _point("P7-ablated:y", "y", **ABLATIONS["P7"][1])]
    return pts


def sweep_points(levels: int) -> list[dict]:
    steps = np.linspace(0.0, 1.0, levels)
    pts = [_point("sweep:x", "hybrid:")]
    for g in GROUPS:
        for t in steps[1:]:
            pts.append(_point(f"sweep:{g}={t:g}", f"hybrid:{g}={t:g}"))
    return pts


def decomposition_points() -> list[dict]:
    return [_point("coalition:" + "+".join(sorted(c)), coalition_spec(c)) for c in coalitions()]


def studies(sizes: Sizes, seed: int) -> dict[str, Study]:
    x = load_scenario("x")
    return {
        "main": Study(scenario=x, points=tuple(main_points()), reps=sizes.reps, seed=seed,
                      pairs_every=2, kind="contrast-main"),
        "probes": Study(scenario=x, points=tuple(probe_points()), reps=sizes.reps, seed=seed,
                        record_agents=False, kind="contrast-probes"),
        "sweeps": Study(scenario=x, points=tuple(sweep_points(sizes.sweep_levels)), reps=sizes.sweep_reps,
                        seed=seed, record_agents=False, kind="contrast-sweeps"),
        "decomposition": Study(scenario=x, points=tuple(decomposition_points()),
                               reps=sizes.decomposition_reps, seed=seed, record_agents=False,
                               kind="contrast-decomposition"),
    }


# ------------------------------------------------------------------------- tables


class Tables:
    """A study's results split by design-point label, with ``replication`` on every row."""

    def __init__(self, directory: Path):
        res = load(directory)
        self.runs = res.runs
        key = res.runs[["run", "replication", "label"]]
        self.model = res.model.merge(key, on="run")
        self.agents = res.agents.merge(key, on="run") if res.agents is not None else None
        self.pairs = res.pairs.merge(key, on="run") if res.pairs is not None else None

    def get(self, table: str, label: str) -> pd.DataFrame:
        frame = getattr(self, table)
        return frame[frame.label == label]


def scenario_facts() -> dict:
    x, y = load_scenario("x"), load_scenario("y")
    return {
        "x_holders": [o.name for o in x.organisations if o.role != "minute-taker"],
        "y_holders": [o.name for o in y.organisations if o.role != "minute-taker"],
        "overloaded": min(x.organisations, key=lambda o: o.representative["capacity"]).name,
        "values_feedback": {o.name: o.representative["values_feedback"] for o in x.organisations},
    }


def score(main: Tables, probes: Tables, ablated: str | None = None) -> list[pt.PatternResult]:
    """The scorecard; with ``ablated`` = "P3" etc., that pattern on its ablated runs."""
    facts = scenario_facts()

    def lab(pattern: str, label: str) -> str:
        return f"{pattern}-ablated:{label}" if ablated == pattern else label

    def m(tables: Tables, pattern: str, label: str, table: str = "model") -> pd.DataFrame:
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


def summary_table(main: Tables) -> pd.DataFrame:
    """End-of-horizon metrics of X and Y (mean of the last weeks) with 95% intervals."""
    rows = []
    x, y = main.get("model", "x"), main.get("model", "y")
    metrics = ("intentional_trust", "cognitive_trust", "empathic_trust", "info_shared", "collaboration",
               "cases_resolved", "stalls", "misuse_events", "turnover_events", "common_language",
               "goal_alignment")
    for metric in metrics:
        vx, vy = pt.per_run(x, metric, pt.end_weeks(x)), pt.per_run(y, metric, pt.end_weeks(y))
        mx, my, md = pt.mean_ci(vx), pt.mean_ci(vy), pt.mean_ci(vx - vy)
        rows.append({"metric": metric, "x_mean": mx[0], "x_ci_low": mx[1], "x_ci_high": mx[2],
                     "y_mean": my[0], "y_ci_low": my[1], "y_ci_high": my[2],
                     "diff": md[0], "diff_ci_low": md[1], "diff_ci_high": md[2]})
    return pd.DataFrame(rows)


def sweep_table(sweeps: Tables) -> pd.DataFrame:
    """Outcome (end-of-horizon mean and CI) per group and level."""
    rows = []
    labels = sweeps.runs.drop_duplicates("label").label.tolist()
    for label in labels:
        frame = sweeps.get("model", label)
        if label == "sweep:x":
            targets = [(g, 0.0) for g in GROUPS]
        else:
            g, _, t = label.removeprefix("sweep:").partition("=")
            targets = [(g, float(t))]
        for outcome in OUTCOMES:
            m = pt.mean_ci(pt.per_run(frame, outcome, pt.end_weeks(frame)))
            for g, t in targets:
                rows.append({"group": g, "level": t, "outcome": outcome, "mean": m[0],
                             "ci_low": m[1], "ci_high": m[2]})
    return pd.DataFrame(rows).sort_values(["group", "outcome", "level"]).reset_index(drop=True)


def decomposition_table(dec: Tables) -> pd.DataFrame:
    rows = []
    for label in dec.runs.drop_duplicates("label").label:
        groups = frozenset(filter(None, label.removeprefix("coalition:").split("+")))
        frame = dec.get("model", label)
        w = pt.end_weeks(frame)
        values = pd.DataFrame({o: pt.per_run(frame, o, w) for o in OUTCOMES})
        values["coalition"] = [groups] * len(values)
        rows.append(values.reset_index())
    table = pd.concat(rows, ignore_index=True)
    out = decompose(table, list(OUTCOMES))
    out["effect_x_minus_y"] = -out["effect"]
    return out


# ------------------------------------------------------------------------- command


def run_contrast(out: Path, sizes: Sizes | None = None, seed: int = 20221,
                 executor: ExecutorSpec | None = None, block_size: int | None = None,
                 quiet: bool = False, engine: str = "batch", figures: bool = True) -> tuple[list, dict]:
    """Run (or resume) the four studies and write the scorecard, tables and figures."""
    sizes = sizes or Sizes()
    out = Path(out)
    summaries: list[RunSummary] = []
    for name, study in studies(sizes, seed).items():
        summaries.append(execute(study, out / "runs" / name, executor, engine=engine,
                                 block_size=block_size, quiet=quiet))
    if any(not s.ok for s in summaries):
        return summaries, {}
    main, probes = Tables(out / "runs" / "main"), Tables(out / "runs" / "probes")
    sweeps, dec = Tables(out / "runs" / "sweeps"), Tables(out / "runs" / "decomposition")

    card = score(main, probes)
    ablations = []
    for result in card:
        without = score(main, probes, ablated=result.id)[0]
        mechanism, switch = ABLATIONS[result.id]
        ablations.append({"pattern": result.id, "mechanism": mechanism,
                          "switch": ", ".join(f"{k}={str(v).lower()}" for k, v in switch.items()),
                          "passed_with": result.passed, "passed_without": without.passed,
                          "measured_without": json.dumps(without.to_dict()["measured"])})
    ablation_table = pd.DataFrame(ablations)
    write_json({"patterns": [r.to_dict() for r in card], "reps": sizes.reps, "root_seed": seed},
               out / "scorecard.json")
    ablation_table.to_csv(out / "ablations.csv", index=False)
    summary = summary_table(main)
    summary.to_csv(out / "summary.csv", index=False)
    sweep = sweep_table(sweeps)
    sweep.to_csv(out / "sweeps.csv", index=False)
    decomposition = decomposition_table(dec)
    decomposition[["outcome", "group", "share", "ci_low", "ci_high", "effect_x_minus_y", "gap"]].to_csv(
        out / "decomposition.csv", index=False)
    paths = {}
    if figures:
        from experiments import contrast_figures

        paths = contrast_figures.draw_all(out, main, sweep, decomposition)
    write_text(report(card, ablation_table, summary, decomposition, sizes, seed, paths), out / "report.md")
    write_text(scorecard_markdown(card, ablation_table), out / "scorecard.md")
    return summaries, {"scorecard": card, "ablations": ablation_table, "summary": summary,
                       "sweeps": sweep, "decomposition": decomposition, "figures": paths}


# ------------------------------------------------------------------------- reports


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return str(value)


def scorecard_markdown(card: list[pt.PatternResult], ablations: pd.DataFrame) -> str:
    lines = ["# Pattern scorecard", "", "| pattern | passed | criterion | measured |", "|---|---|---|---|"]
    for r in card:
        measured = "; ".join(f"{k} = {_fmt(v)}" for k, v in r.measured.items())
        lines.append(f"| {r.id} | {'yes' if r.passed else '**no**'} | {r.criterion} | {measured} |")
    lines += ["", "## Ablations", "", "Each pattern's mechanism switched off (a model option); the pattern "
              "should then fail.", "", "| pattern | mechanism switched off | switch | passed with | "
              "passed without |", "|---|---|---|---|---|"]
    for _, a in ablations.iterrows():
        flag = " (survives its ablation: a finding)" if a.passed_without else ""
        lines.append(f"| {a.pattern} | {a.mechanism} | `{a.switch}` | {'yes' if a.passed_with else 'no'} | "
                     f"{'yes' if a.passed_without else 'no'}{flag} |")
    return "\n".join(lines) + "\n"


def report(card, ablations, summary, decomposition, sizes: Sizes, seed: int, paths: dict) -> str:
    lines = ["# Network X against network Y", "",
             f"{sizes.reps} paired replications per design point (sweeps {sizes.sweep_reps}, "
             f"decomposition {sizes.decomposition_reps}), 156 weeks, root seed {seed}. Criteria: "
             "docs/patterns.md.", ""]
    passed = sum(r.passed for r in card)
    lines.append(f"**{passed} of {len(card)} patterns reproduced.**")
    lines.append("")
    lines.append(scorecard_markdown(card, ablations).split("\n", 2)[2])
    lines += ["## End of the horizon (mean of the last weeks, 95% CI)", "",
              "| metric | X | Y | X - Y |", "|---|---|---|---|"]
    for _, r in summary.iterrows():
        lines.append(f"| {r.metric} | {r.x_mean:.3f} [{r.x_ci_low:.3f}, {r.x_ci_high:.3f}] | "
                     f"{r.y_mean:.3f} [{r.y_ci_low:.3f}, {r.y_ci_high:.3f}] | "
                     f"{r['diff']:.3f} [{r.diff_ci_low:.3f}, {r.diff_ci_high:.3f}] |")
    lines += ["", "## What explains the gap (Shapley shares of the X - Y difference)", "",
              "| group | what it switches | " + " | ".join(OUTCOMES) + " |",
              "|---|---|" + "---|" * len(OUTCOMES)]
    for g in GROUPS:
        cells = []
        for o in OUTCOMES:
            r = decomposition[(decomposition.group == g) & (decomposition.outcome == o)].iloc[0]
            cells.append(f"{r.share:.0%} [{r.ci_low:.0%}, {r.ci_high:.0%}]")
        lines.append(f"| {g} | {GROUP_DOC[g]} | " + " | ".join(cells) + " |")
    gaps = {o: decomposition[decomposition.outcome == o].gap.iloc[0] for o in OUTCOMES}
    lines += ["", "Gap (Y - X) being decomposed: " + ", ".join(f"{o} {g:.3f}" for o, g in gaps.items())
              + ". Shares add up to 100% per outcome; a negative share is a group that narrows the gap.",
              ""]
    for name, path in paths.items():
        lines.append(f"![{name}]({Path(path).name})")
    return "\n".join(lines) + "\n"
