"""The contrast study's reports: the scorecard in Markdown and the full report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.analysis import patterns as pt
from experiments.analysis.criterion import joint_p_holds
from experiments.studies.contrast.hybrid import GROUP_DOC, GROUPS
from experiments.studies.contrast.summaries import DECOMPOSED


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return str(value)


def scorecard_markdown(card: list[pt.PatternResult], ablations: pd.DataFrame) -> str:
    lines = ["# Pattern scorecard", "",
             "A pattern holds when every clause's estimate (a mean over replications, paired where a "
             "counterfactual exists) meets its threshold (docs/patterns.md). Beside it: each estimate's Monte "
             "Carlo standard error and the probability that the pattern holds (bootstrap over replications).",
             "", "| pattern | holds | P(holds) | criterion | clauses: estimate (SE) vs threshold |",
             "|---|---|---|---|---|"]
    for r in card:
        clauses = "; ".join(
            f"{c.name}{' (check)' if c.role == 'check' else ''} = {_fmt(r.estimates[c.name])} "
            f"({_fmt(r.se[c.name])}) {c.op} {c.threshold:g}{'' if r.clause_passed[c.name] else ' **fails**'}"
            for c in r.clauses)
        lines.append(f"| {r.id} | {'yes' if r.passed else '**no**'} | {r.p_holds:.2f} | {r.criterion} | "
                     f"{clauses} |")
    lines += ["", "## Ablations", "",
              "Each pattern's mechanism switched off (a model option) on exactly the points the pattern reads; the "
              "ablated runs keep the evidence the criterion inspects. *Direct*: the mechanism is the only pathway "
              "to the pattern, so the ablation confirms the wiring. *Emergent*: the pattern comes from several "
              "mechanisms together, and the ablation shows that this one is necessary.", "",
              "| pattern | kind | mechanism switched off | switch | holds with | holds without | "
              "P(holds) without |", "|---|---|---|---|---|---|---|"]
    for _, a in ablations.iterrows():
        if not a.passed_with and not a.passed_without:
            flag = " (fails with it too: the ablation cannot tell)"
        elif a.passed_without:
            flag = " (survives its ablation: a finding)"
        else:
            flag = ""
        lines.append(f"| {a.pattern} | {a.kind} | {a.mechanism} | `{a.switch}` | "
                     f"{'yes' if a.passed_with else 'no'} | {'yes' if a.passed_without else 'no'}{flag} | "
                     f"{a.p_holds_without:.2f} |")
    return "\n".join(lines) + "\n"


def breach_markdown(breach: pd.DataFrame) -> list[str]:
    """The channels of Y's breach, as a table of shares per outcome."""
    outcomes = list(dict.fromkeys(breach.outcome))
    lines = ["## Which channel of Y's breach carries the contrast", "",
             "Each channel switched off on its own in Y (same seeds); its share of what Y's last year does to an "
             "outcome (P7's difference in differences, `did:`, and the end-of-horizon X - Y gap, `gap:`), with "
             "the delta-method 95% interval over paired replications; *together* is what the channels do only "
             "jointly. The numbers of the breach are a hypothesis (`breach_*`, sampled in robustness, "
             "calibration, sensitivity analysis and the policy worlds; which of them decide the answers: the "
             "assumption ledger, `trustnet assumptions`, results/assumptions/report.md). `breach.csv` has every "
             "row.", "", "| channel | " + " | ".join(outcomes) + " |", "|---|" + "---|" * len(outcomes)]
    for channel, f in breach.groupby("channel", sort=False):
        f = f.set_index("outcome")
        if channel == "whole breach":
            cells = [f"{f.loc[o, 'effect']:+.3f} (the whole)" for o in outcomes]
        else:
            cells = [f"{f.loc[o, 'share']:.0%} [{f.loc[o, 'ci_low']:.0%}, {f.loc[o, 'ci_high']:.0%}]"
                     for o in outcomes]
        lines.append(f"| {channel} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def stalls_markdown(summary: pd.DataFrame, decomposition: pd.DataFrame) -> list[str]:
    """Why X accumulates more stalls than Y, from the decomposition's stall column."""
    row = summary.set_index("metric").loc["stalls"]
    shares = decomposition[decomposition.outcome == "stalls"].set_index("group")
    big = shares[shares.share.abs() >= 0.1].sort_values("share", ascending=False)
    parts = ", ".join(f"{g} {r.share:.0%} [{r.ci_low:.0%}, {r.ci_high:.0%}]" for g, r in big.iterrows())
    return ["**Why X has more stalls than Y.** A stall happens outside the meetings, when a member contacts a "
            "partner on a shared case, its one fixed contact there is away and no back-up is known (7.2.12 of "
            f"the ODD). X accumulates {row.x_mean:.1f} stalls in three years, Y {row.y_mean:.1f}. The "
            "decomposition above says where the difference comes from (groups with a tenth of it or more): "
            f"{parts or 'no single group'}." + "".join(
                f" {STALL_REASONS[g]}" for g, r in big.iterrows() if r.share > 0 and g in STALL_REASONS),
            ""]


# what a group's share of the stall gap means in the model's terms (shown for the groups that carry it)
STALL_REASONS = {
    "composition": "Composition: X has nine organisations to Y's six, so many more pairs share cases and can stall "
                   "on each other.",
    "communication": "Communication: X meets every seven weeks and Y every four, so more of X's work runs "
                     "through contacts between meetings, where stalls happen.",
    "stability": "Stability: turnover changes who has a fixed contact and a back-up where.",
    "coordination": "Coordination: work referred on between the two overlapping organisations holds cases open "
                    "longer, so there is more contact about them.",
    "interest": "Interest: misuse makes members share and contact less, so fewer contacts can stall.",
    "vision": "Vision: goal erosion lowers effort and trust, so fewer contacts are made that could stall.",
    "autonomy": "Autonomy: lost willingness lowers effort and contact.",
}


def report(card, ablations, respondents, robust, summary, decomposition, sizes, seed: int, paths: dict,
           joint: pd.DataFrame | None = None, driving: pd.DataFrame | None = None,
           breach: pd.DataFrame | None = None) -> str:
    lines = ["# Network X against network Y", "",
             f"{sizes.reps} paired replications per design point (sweeps {sizes.sweep_reps}, "
             f"decomposition {sizes.decomposition_reps}; robustness {sizes.robust_points} Latin-hypercube points "
             f"x {sizes.robust_reps} replications), 156 weeks, root seed {seed}. Criteria: docs/patterns.md.", ""]
    passed = sum(r.passed for r in card)
    lines.append(f"**{passed} of {len(card)} patterns reproduced at the default parameters** (probability that "
                 f"all hold together, over the replications: {joint_p_holds(card):.2f}).")
    lines.append("")
    lines.append(scorecard_markdown(card, ablations).split("\n", 2)[2])
    survivors = ablations[ablations.passed_without & ablations.passed_with]
    if len(survivors):
        lines += ["**Findings: patterns that survive the removal of their mechanism:** "
                  + ", ".join(survivors.pattern) + ". The pattern then has another cause in the model.", ""]
    if len(robust):
        lines += ["## Robustness over the assumptions", "",
                  "Share of a Latin-hypercube sample of the assumption-labelled parameters (registry ranges) at "
                  "which each criterion holds, with Wilson 95% intervals, and the mean probability of holding "
                  "(bootstrap over each point's replications). Every point's parameter values, margins and clause "
                  "estimates are in `robustness_points.parquet`.", "",
                  "| pattern | share | 95% CI | mean P(holds) | points |", "|---|---|---|---|---|"]
        for _, r in robust.iterrows():
            lines.append(f"| {r.pattern} | {r.share:.0%} | [{r.ci_low:.0%}, {r.ci_high:.0%}] | "
                         f"{r.mean_p_holds:.2f} | {r.points} |")
        lines.append("")
    if joint is not None and len(joint):
        lines += ["**Which patterns go together and which trade off** (`robustness_joint.csv`): the share of "
                  "points at which both hold, against what independence would give, and the phi correlation of "
                  "the two verdicts over the points (negative: where one holds the other tends not to).", "",
                  "| patterns | both | if independent | phi |", "|---|---|---|---|"]
        for _, r in joint.sort_values("phi", na_position="last").iterrows():
            phi = "n/a" if pd.isna(r.phi) else f"{r.phi:+.2f}"
            lines.append(f"| {r['first']} & {r['second']} | {r.both:.0%} | {r.independent:.0%} | {phi} |")
        lines.append("")
    if driving is not None and len(driving):
        lines += ["**What each margin depends on** (`robustness_drivers.csv`): the parameters whose values a "
                  "pattern's margin follows most over the points (Spearman rank correlation; positive: a higher "
                  "value moves the pattern away from holding).", "", "| pattern | parameters (rho) |", "|---|---|"]
        for pattern, f in driving.groupby("pattern", sort=False):
            lines.append(f"| {pattern} | " + ", ".join(f"`{r.parameter}` ({r.rho:+.2f})" for r in f.itertuples())
                         + " |")
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
    lines.append("")
    if breach is not None and len(breach):
        lines += breach_markdown(breach)
    lines += ["## What explains the gap (Shapley shares of the X - Y difference)", "",
              "| group | what it switches | " + " | ".join(DECOMPOSED) + " |",
              "|---|---|" + "---|" * len(DECOMPOSED)]
    for g in GROUPS:
        cells = []
        for o in DECOMPOSED:
            r = decomposition[(decomposition.group == g) & (decomposition.outcome == o)].iloc[0]
            cells.append(f"{r.share:.0%} [{r.ci_low:.0%}, {r.ci_high:.0%}]")
        lines.append(f"| {g} | {GROUP_DOC[g]} | " + " | ".join(cells) + " |")
    gaps = {o: decomposition[decomposition.outcome == o].gap.iloc[0] for o in DECOMPOSED}
    lines += ["", "Gap (Y - X) being decomposed: " + ", ".join(f"{o} {g:.3f}" for o, g in gaps.items())
              + ". Shares add up to 100% per outcome; a negative share is a group that narrows the gap.",
              "", *stalls_markdown(summary, decomposition)]
    for name, path in paths.items():
        lines.append(f"![{name}]({Path(path).name})")
    return "\n".join(lines) + "\n"
