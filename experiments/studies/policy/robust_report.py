"""The robust analysis's report, in words a policy reader follows: which recommendation
is robust, which depends on what, and at what cost."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.outcomes import END_WINDOW
from experiments.studies.policy.discovery import FAIL_FRACTION, MIN_DRAWS
from experiments.studies.policy.effects import METRICS
from experiments.studies.policy.robust_figures import HEADLINE
from experiments.studies.policy.robustness import BASELINE

ROBUST = 0.9  # improves in at least this share of draws: "robust"
QP_MAX = 0.05  # restrictions reported in words


def _verdict(p: float) -> str:
    if p >= ROBUST:
        return "robust"
    if p >= 0.5:
        return "usually helps"
    if p > 0.1:
        return "depends"
    return "does not help"


def _box_words(rows: pd.DataFrame) -> str:
    parts = []
    for _, r in rows.iterrows():
        if not r.qp <= QP_MAX:
            continue
        low_cut, high_cut = r.low > r.range_low, r.high < r.range_high
        if low_cut and high_cut:
            parts.append(f"{r.factor} between {r.low:.3g} and {r.high:.3g}")
        elif low_cut:
            parts.append(f"{r.factor} above {r.low:.3g}")
        else:
            parts.append(f"{r.factor} below {r.high:.3g}")
    return " and ".join(parts)


def _stretch_words(values: pd.Index, first: int, last: int) -> str:
    """One stretch of the value grid, ``values[first..last]``, in words."""
    low, high = values[first], values[last]
    if first == 0 and last == len(values) - 1:
        return "at every value shown"
    if first == 0:  # the grid's ends stand for the values beyond them
        return f"while a unit is worth up to {high:,.0f} hours a year"
    if last == len(values) - 1:
        return f"from {low:,.0f} hours a year per unit ({low / 100:,.1f} per 0.01) upwards"
    if first == last:
        return f"at {low:,.0f} hours a year per unit only (one value of the grid)"
    return f"between {low:,.0f} and {high:,.0f} hours a year per unit"


def _value_words(curves: pd.DataFrame, name: str) -> str:
    """The values per unit at which ``name`` is the most likely best use of the hours: each
    unbroken stretch of the grid where it leads, in words."""
    wide = curves.pivot(index="value_hours", columns="intervention", values="p_best")
    leads = (wide.idxmax(axis=1) == name).to_numpy()
    if not leads.any():
        return "never the most likely best use of the hours in the range shown"
    where = np.flatnonzero(leads)
    breaks = np.flatnonzero(np.diff(where) > 1)
    starts, ends = np.r_[where[0], where[breaks + 1]], np.r_[where[breaks], where[-1]]
    spans = " and ".join(_stretch_words(wide.index, int(a), int(b)) for a, b in zip(starts, ends, strict=True))
    share = wide.loc[wide.index[leads], name].max()
    return f"the most likely best use of the hours {spans}, best in up to {share:.0%} of the worlds"


def report(table: pd.DataFrame, boxes: pd.DataFrame, scores: pd.DataFrame, curves: pd.DataFrame,
           setup: dict, figures: list[Path]) -> str:
    lines = ["# Robust policy what-ifs", "",
             f"Each recommendation was tested in {setup['draws']} plausible worlds ({setup['source']}), "
             f"with {setup['reps']} paired replications per world and option (root seed {setup['seed']}). "
             "Within a world the baseline and every option share their random numbers, so each effect is the "
             "intervention minus the baseline in the same world. Effects are read at the horizon (trust, sharing, "
             f"collaboration: mean of the last {END_WINDOW} weeks; cases resolved and stalls: cumulative). Costs "
             "are hours a year for the whole network while the interventions act within the run. Which assumed "
             "numbers decide each effect and rank: the assumption ledger (results/assumptions/report.md).", "",
             f"An option is called *robust* when it improves the outcome in at least {ROBUST:.0%} of the worlds. "
             f"It *fails* in a world when it does not improve the outcome or does less than "
             f"{setup.get('fraction', FAIL_FRACTION):.0%} of its average improvement; scenario discovery (PRIM) "
             "then describes the worlds where it fails: *coverage* is the share of all its failures inside that "
             "description, *density* the share of the worlds inside it that are failures.", ""]
    if setup["factors"]:
        lines += ["Uncertain factors: " + ", ".join(setup["factors"]) + ".", ""]
    for scenario, sel in table.groupby("scenario", sort=False):
        head = sel[sel.metric == HEADLINE].set_index("intervention")
        options = [o for o in head.index if o != BASELINE]
        lines += [f"## Network {setup.get('names', {}).get(scenario, scenario)}", "",
                  f"Effect on {HEADLINE}, over the worlds:", "",
                  "| intervention | mean effect [95% CI] | 5-95% of worlds | improves in | best in | mean regret | "
                  "hours/year | effect per 100 h | verdict |", "|---|---|---|---|---|---|---|---|---|"]
        order = head.drop(BASELINE).sort_values(["p_best", "mean_effect"], ascending=False).index
        for name in [*order, BASELINE]:
            r = head.loc[name]
            per100 = f"{100 * r.effect_per_hour:+.4f}" if r.cost_hours > 0 else ""
            verdict = _verdict(r.p_positive) if name != BASELINE else ""
            if name != BASELINE and r.get("acts_share", 1.0) == 0:
                verdict = "nothing to act on in any world"
            lines.append(f"| {name} | {r.mean_effect:+.3f} [{r.ci_low:+.3f}, {r.ci_high:+.3f}] | "
                         f"{r.q05:+.3f} to {r.q95:+.3f} | {r.p_positive:.0%} | {r.p_best:.0%} | "
                         f"{r.mean_regret:.3f} | {r.cost_hours:.0f} | {per100} | {verdict} |")
        robust = [o for o in options if head.loc[o, "p_positive"] >= ROBUST]
        lines += [""]
        singles = head.loc[[o for o in options if o in setup.get("singles", options)]]
        lines.append("Robust on collaboration: " + (", ".join(robust) if robust else "none") + ". "
                     f"The largest effect most often: {head.p_best.idxmax()} ({head.p_best.max():.0%} of the "
                     f"worlds); of the single interventions, the largest mean effect: {singles.mean_effect.idxmax()} "
                     f"({singles.mean_effect.max():+.3f}).")
        lines += ["", "**Where each one fails** (collaboration):", ""]
        mine = boxes[(boxes.scenario == scenario) & (boxes.metric == HEADLINE)]
        for name in options:
            rows = mine[mine.intervention == name]
            share = rows.share_failing.iloc[0] if len(rows) else float("nan")
            restricted = rows[rows.factor != ""]
            if share == 0:
                text = "never fails."
            elif setup["draws"] < MIN_DRAWS:
                text = f"fails in {share:.0%} of the worlds (too few worlds to describe where)."
            elif restricted.empty:
                text = (f"fails in {share:.0%} of the worlds, "
                        + ("everywhere." if share == 1 else "with no clear region of the factors."))
            else:
                words = _box_words(restricted)
                r = restricted.iloc[0]
                box = f"coverage {r.coverage:.0%}, density {r.density:.0%}"
                text = (f"fails in {share:.0%} of the worlds, mostly when {words} ({box})." if words else
                        f"fails in {share:.0%} of the worlds, with no clear pattern in the uncertain factors "
                        f"(PRIM's best box, {box}, has no significant limit).")
            drivers = scores[(scores.scenario == scenario) & (scores.metric == HEADLINE)
                             & (scores.intervention == name)].nlargest(3, "score")
            if len(drivers):
                text += " Its effect depends most on " + ", ".join(
                    f"{f} ({s:.2f})" for f, s in zip(drivers.factor, drivers.score, strict=True)) + "."
            lines.append(f"* **{name}** {text}")
        mine_curves = curves[(curves.scenario == scenario) & (curves.metric == HEADLINE)]
        lines += ["", "**At what cost** (collaboration): if one unit of collaboration (0 to 1) is worth V hours a "
                  "year, the best option in a world is the one with the most V x effect minus its hours "
                  "(doing nothing: 0)."]
        for name in [BASELINE, *options]:
            label = "doing nothing" if name == BASELINE else name
            lines.append(f"* {label}: {_value_words(mine_curves, name)}.")
        lines += ["", "Share of worlds in which each option improves each outcome:", "",
                  "| intervention | " + " | ".join(METRICS) + " |", "|---|" + "---|" * len(METRICS)]
        for name in options:
            cells = [f"{sel[(sel.intervention == name) & (sel.metric == m)].p_positive.iloc[0]:.0%}"
                     for m in METRICS]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    for path in figures:
        lines.append(f"![{path.stem}]({path.name})")
    return "\n".join(lines) + "\n"
