"""The contrast study's reports: the scorecard in Markdown and the full report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.analysis import patterns as pt
from experiments.studies.contrast.hybrid import GROUP_DOC, GROUPS
from experiments.studies.contrast.summaries import OUTCOMES


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


def report(card, ablations, respondents, robust, summary, decomposition, sizes, seed: int, paths: dict) -> str:
    lines = ["# Network X against network Y", "",
             f"{sizes.reps} paired replications per design point (sweeps {sizes.sweep_reps}, "
             f"decomposition {sizes.decomposition_reps}; robustness {sizes.robust_points} Latin-hypercube points "
             f"x {sizes.robust_reps} replications), 156 weeks, root seed {seed}. Criteria: docs/patterns.md.", ""]
    passed = sum(r.passed for r in card)
    lines.append(f"**{passed} of {len(card)} patterns reproduced at the default parameters.**")
    lines.append("")
    lines.append(scorecard_markdown(card, ablations).split("\n", 2)[2])
    survivors = ablations[ablations.passed_without]
    if len(survivors):
        lines += ["**Findings: patterns that survive the removal of their mechanism:** "
                  + ", ".join(survivors.pattern) + ". The pattern then has another cause in the model.", ""]
    if len(robust):
        lines += ["## Robustness over the assumptions", "",
                  "Share of a Latin-hypercube sample of the assumption-labelled parameters (registry ranges) at "
                  "which each criterion holds, with Wilson 95% intervals: the number calibration works on.", "",
                  "| pattern | share | 95% CI | points |", "|---|---|---|---|"]
        for _, r in robust.iterrows():
            lines.append(f"| {r.pattern} | {r.share:.0%} | [{r.ci_low:.0%}, {r.ci_high:.0%}] | {r.points} |")
        lines.append("")
    lines += ["## Respondent checks", "", "Statements of the study about its respondents, checked on the "
              "organisation that carries the respondent id (respondents.csv).", "",
              "| respondent | network | claim | section | measured | holds |", "|---|---|---|---|---|---|"]
    for _, r in respondents.iterrows():
        lines.append(f"| {r.respondent} | {r.network.upper()} | {r.claim} | {r.section} | {r.measured:.3f} | "
                     f"{'yes' if r.passed else '**no**'} |")
    lines.append("")
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
