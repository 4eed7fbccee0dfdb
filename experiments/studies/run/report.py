"""``report.md`` and ``trajectories.png`` of `trustnet run`, written next to its tables.

The report answers "what does the model say about my network" without a script: the
outcomes at the horizon with their spread over the runs, what happened (misuse,
turnover, members joining, interventions acting and their hours), each organisation's
standing, and optionally the same outcomes for other networks (``--against``) run with
the same seeds. Networks are named by their scenario's ``name``, never by a path.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.outcomes import END_WINDOW, end_weeks
from experiments.analysis.units import LABELS, LEVELS, SHARES, headline
from experiments.ensemble import Study, load
from experiments.ensemble.store import write_text
from experiments.studies.run.figures import event_marks, trajectories
from experiments.studies.run.summary import describe, paired, run_alongside
from model.interventions import active_interventions, active_weeks, intervention_cost
from model.parameters import SPEC_BY_NAME
from model.scenario import Scenario, load_scenario, network_names
from model.variants import THEORY_PAIRS

MODEL_CHOICES = (*THEORY_PAIRS, "update_rule")  # the theory a comparison network is run under too


def theory_of(scenario: Scenario) -> dict[str, str]:
    """The theory variants (and update rule) set away from their defaults."""
    return {k: getattr(scenario.params, k) for k in MODEL_CHOICES
            if getattr(scenario.params, k) != SPEC_BY_NAME[k].default}


def _fmt(outcome: str, value: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    if outcome in SHARES:
        return f"{100 * value:.1f}%"
    return f"{value:.3f}" if outcome in LEVELS else f"{value:.1f}"


def _diff(outcome: str, value: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    if outcome in SHARES:
        return f"{100 * value:+.1f} pp"
    return f"{value:+.3f}" if outcome in LEVELS else f"{value:+.1f}"


def outcome_lines(summary: pd.DataFrame) -> list[str]:
    lines = ["| outcome | mean [95% CI] | 95% of runs between |", "|---|---|---|"]
    for outcome, r in summary.iterrows():
        lines.append(f"| {LABELS[outcome]} | {_fmt(outcome, r['mean'])} [{_fmt(outcome, r.ci_low)}, "
                     f"{_fmt(outcome, r.ci_high)}] | {_fmt(outcome, r.low)} and {_fmt(outcome, r.high)} |")
    return lines


def against_lines(name: str, mine: pd.DataFrame, others: dict[str, pd.DataFrame]) -> list[str]:
    head = f"| outcome | {name} | " + " | ".join(f"{o} | {name} − {o} [95% CI]" for o in others) + " |"
    lines = [head, "|---|---|" + "---|---|" * len(others)]
    compared = {o: paired(mine, table) for o, table in others.items()}
    for outcome in mine.columns:
        cells = [_fmt(outcome, float(np.nanmean(mine[outcome])))]
        for frame in compared.values():
            r = frame.loc[outcome]
            clear = "*" if (r.ci_low > 0 or r.ci_high < 0) else ""
            ci = f"[{_diff(outcome, r.ci_low)}, {_diff(outcome, r.ci_high)}]"
            cells += [_fmt(outcome, r.other), f"{_diff(outcome, r.difference)} {ci}{clear}"]
        lines.append(f"| {LABELS[outcome]} | " + " | ".join(cells) + " |")
    return lines


def organisation_lines(agents: pd.DataFrame, scenario: Scenario) -> list[str]:
    """Each organisation at the horizon, averaged over the last weeks and the runs."""
    last = int(agents.step.max())
    window = agents[agents.step > last - END_WINDOW]
    means = window.groupby("org")[["intentional_in", "intentional_out", "cognitive_in", "sharing", "present"]].mean()
    lines = ["| organisation | domain | role | joins in week | intentional trust of the others in it | "
             "its intentional trust in the others | cognitive trust of the others in it | shares at meetings | "
             "present |", "|---|---|---|---|---|---|---|---|---|"]
    for o in scenario.organisations:
        if o.name not in means.index:
            continue
        m = means.loc[o.name]
        lines.append(f"| {o.name} | {o.domain} | {o.role} | {o.joins if o.joins else 'founding'} | "
                     f"{m.intentional_in:.2f} | {m.intentional_out:.2f} | {m.cognitive_in:.2f} | "
                     f"{m.sharing:.0%} | {m.present:.0%} |")
    return lines


def event_lines(model: pd.DataFrame, scenario: Scenario, last: int) -> list[str]:
    runs = model.run.nunique()
    lines = []
    hit = model[model.misuse_events > 0].groupby("run").step.min()
    if len(hit):
        lines.append(f"* Shared data were misused in {len(hit)} of {runs} runs; the first misuse came in week "
                     f"{int(hit.median())} (median; weeks {int(hit.min())}–{int(hit.max())}).")
    else:
        lines.append(f"* Shared data were misused in none of the {runs} runs.")
    if scenario.params.scheduled_events:
        for e in scenario.events:
            if e.week <= last:
                lines.append(f"* Week {e.week}: the representative of {e.org} is replaced (scheduled).")
        if scenario.breach is not None and scenario.breach.week + scenario.params.breach_shift <= last:
            lines.append(f"* Week {scenario.breach.week + scenario.params.breach_shift}: a newcomer with a diverging "
                         f"vision replaces the representative of {scenario.breach.org} (the breach: goal alignment "
                         f"{scenario.params.breach_alignment:g}, opportunism threshold "
                         f"{scenario.params.breach_threshold:g}, its organisation's conflict of interest "
                         f"{scenario.params.breach_conflict:g}).")
    for o in scenario.organisations:
        if 0 < o.joins <= last:
            lines.append(f"* Week {o.joins}: {o.name} joins the network.")
    for i in active_interventions(scenario):
        weeks = active_weeks(scenario, i, last)
        if weeks is None:
            lines.append(f"* {i.id} {i.name}: switched on but never acts within the {last} weeks run.")
            continue
        one = intervention_cost(scenario.with_overrides({f"i{k}": False for k in range(1, 7)
                                                         if f"i{k}" != i.flag}), last)
        lines.append(f"* {i.id} {i.name} acts in weeks {weeks[0]}–{weeks[1]}: {one.per_year:.0f} hours a year "
                     f"for the network, {one.total:.0f} hours within the run (docs/ODD.md, section 7.5).")
    return lines


def write_run_report(out: Path, study: Study, against: list[str] | tuple[str, ...] = ()) -> Path:
    """Read the run study in ``out`` back and write ``report.md`` and ``trajectories.png``
    (with ``against``: also each of those networks, run here with the same seeds and the
    same theory variants, and ``against.csv``)."""
    out = Path(out)
    res = load(out)
    model, scenario = res.model, study.scenario
    last = int(model.step.max())
    name = scenario.name
    runs = headline(model)
    summary = describe(runs)
    others, tables = {}, {}
    if against:
        seeds = model.groupby("run").seed.first()
        theory = theory_of(scenario)
        names = network_names(list(against))
        for spec in against:
            other = load_scenario(spec)
            other = other.with_overrides(theory) if theory else other
            table = run_alongside(other, [int(s) for s in seeds], list(seeds.index), last)
            tables[names[spec]], others[names[spec]] = table, headline(table)
        rows = []
        for other, frame in others.items():
            compared = paired(runs, frame).reset_index()
            compared.insert(0, "against", other)
            rows.append(compared)
        pd.concat(rows).to_csv(out / "against.csv", index=False)
    summary.to_csv(out / "summary.csv")
    figure = trajectories(model, name, out / "trajectories.png", tables, event_marks(scenario, last))
    a, b = end_weeks(model)
    points = study.points if study.points != ({},) else ()
    lines = [f"# Network {name}: what the model says", ""]
    if scenario.description:
        lines += [scenario.description[:600], ""]
    setup = (f"{len(runs)} runs of {last} weeks of {scenario.n} organisations, root seed {study.seed} "
             "(each run's seed is in runs.parquet).")
    if points:
        setup += (" Each run draws its own parameters from a calibration's posterior (the draw is the run's "
                  "design point).")
    theory = theory_of(scenario)
    if theory:
        setup += " Theory: " + ", ".join(f"{k} = {v}" for k, v in theory.items()) + "."
    on = active_interventions(scenario)
    if on:
        setup += " Interventions switched on: " + ", ".join(f"{i.id} {i.name}" for i in on) + "."
    lines += [setup, "",
              "## Outcomes", "",
              f"Trust, information shared and collaboration (each 0 to 1) at the horizon: the mean of weeks "
              f"{a}–{b}. Cases resolved and stalls per year, the share of open cases on which at least two "
              "organisations have acted, misuse and replacements: over the whole run. The interval is that of "
              "the mean; the last column is the range that holds 95% of the single runs.", "",
              *outcome_lines(summary), ""]
    if others:
        lines += [f"## Against {', '.join(others)}", "",
                  f"Each network run with the same {len(runs)} seeds and the same theory, so the differences "
                  "are paired run by run (\\* the 95% interval excludes 0). The comparison networks are run as "
                  "they are, without this run's `--set` or interventions.", "",
                  *against_lines(name, runs, others), ""]
    lines += ["## What happened", "", *event_lines(model, scenario, last), ""]
    if not res.agents.empty:
        lines += ["## Organisations", "",
                  f"At the horizon (weeks {a}–{b}, mean over the runs): the trust each organisation receives and "
                  "gives, the share of its case information it puts on the table, and how often it is present.",
                  "", *organisation_lines(res.agents, scenario), ""]
    lines += [f"![trajectories]({figure.name})", "",
              "Settings of a scenario that change nothing are listed by `trustnet check` on the scenario file. "
              "The weekly tables are in this directory (`experiments.load`; README, Running the model)."]
    write_text("\n".join(lines) + "\n", out / "report.md")
    return out / "report.md"
