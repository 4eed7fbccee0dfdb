"""The check's report: printed by `trustnet check`, and written as ``report.md`` (with
``screen.csv``) when ``--out`` is given. Networks are named by their ``name``."""

from __future__ import annotations

import numpy as np

from experiments.analysis.units import LABELS, LEVELS, SHARES
from experiments.studies.check.screen import EFFECT, NO_EFFECT, UNCLEAR, UNSCREENED, Screen

SHOWN = ("collaboration", "intentional_trust", "info_shared", "resolved_per_year", "stalls_per_year",
         "misuse_events")


def _num(outcome: str, v: float, sign: bool = True) -> str:
    if not np.isfinite(v):
        return "n/a"
    v = 0.0 if abs(v) < 1e-12 else v  # rounding noise of a difference of equal counts
    if outcome in SHARES:
        return f"{100 * v:+.1f} pp" if sign else f"{100 * v:.1f}%"
    digits = 3 if outcome in LEVELS else 1
    if sign and v and abs(v) < 0.5 * 10 ** -digits:  # a real change too small for the digits
        return f"{v:+.1g}"
    return f"{v:+.{digits}f}" if sign else f"{v:.{digits}f}"


def _effect(row, outcome: str) -> str:
    lo, hi = row[f"{outcome}_low"], row[f"{outcome}_high"]
    mark = "*" if (lo > 0 or hi < 0) else ""
    return f"{_num(outcome, row[outcome])} [{_num(outcome, lo)}, {_num(outcome, hi)}]{mark}"


def _largest(row, outcomes, sd) -> str:
    """The outcome that moved most, in standard deviations of the full scenario's runs."""
    def score(o):
        clear = row[f"{o}_low"] > 0 or row[f"{o}_high"] < 0
        return clear, (abs(row[o]) / sd[o] if sd[o] > 0 else (np.inf if row[o] else 0.0))
    best = max(outcomes, key=score)
    return f"{LABELS[best]} {_effect(row, best)}"


def check_report(result: Screen) -> str:
    sc, table = result.scenario, result.table
    groups = {v: table[table.verdict == v] for v in (NO_EFFECT, UNCLEAR, EFFECT, UNSCREENED)}
    outcomes = [o for o in LABELS if o in table.columns]
    sd = result.baseline["sd"]
    lines = [f"# Check of network {sc.name}", "",
             f"The scenario is valid: {sc.n} organisations, a horizon of {sc.horizon} weeks, {len(sc.events)} "
             f"scheduled event(s), {len(sc.timeline)} timeline change(s). It makes {len(table)} settings of its "
             "own (registry defaults it does not mention are not screened).", "",
             f"Each setting was taken back to what applies without it (the registry's default, the "
             f"[representative] value, no event, ...) and the network run {result.reps} times for {result.steps} "
             f"weeks with the seeds of the full scenario (root seed {result.seed}), so every difference is paired "
             "and a setting that changes nothing gives the same runs bit for bit. Effects are the setting's: with "
             "it minus without it, mean [95% CI], \\* where the interval excludes 0.", "",
             f"**{len(groups[NO_EFFECT])} without effect, {len(groups[UNCLEAR])} not distinguishable from chance "
             f"at {result.reps} runs, {len(groups[EFFECT])} with an effect"
             + (f", {len(groups[UNSCREENED])} not screened" if len(groups[UNSCREENED]) else "") + ".**", ""]
    lines += [f"## Settings without effect ({len(groups[NO_EFFECT])})", ""]
    if len(groups[NO_EFFECT]):
        lines += ["The runs with and without each of these are identical.", "",
                  "| setting | why |", "|---|---|"]
        for _, r in groups[NO_EFFECT].iterrows():
            lines.append(f"| {r.setting} | {r.reason or 'no rule of `trustnet check` explains it'} |")
    else:
        lines.append("None: every setting changes the runs." if len(table)
                     else "The file makes no settings of its own.")
    lines += ["", f"## Settings whose effect is not distinguishable from chance at {result.reps} runs "
              f"({len(groups[UNCLEAR])})", ""]
    if len(groups[UNCLEAR]):
        lines += ["They change the runs, but no headline outcome by more than chance explains at this number of "
                  "runs (more runs: `--reps`).", "", "| setting | largest change | note |", "|---|---|---|"]
        for _, r in groups[UNCLEAR].iterrows():
            lines.append(f"| {r.setting} | {_largest(r, outcomes, sd)} | {r.reason} |")
    else:
        lines.append("None.")
    lines += ["", f"## Settings with an effect ({len(groups[EFFECT])})", ""]
    if len(groups[EFFECT]):
        lines += ["The largest change: of the outcomes it moves beyond chance, the one that moves most in standard "
                  "deviations of the full scenario's runs.", "",
                  "| setting | largest change | " + " | ".join(LABELS[o] for o in SHOWN) + " |",
                  "|---|---|" + "---|" * len(SHOWN)]
        for _, r in groups[EFFECT].iterrows():
            lines.append(f"| {r.setting} | {_largest(r, outcomes, sd)} | " + " | ".join(_effect(r, o) for o in SHOWN)
                         + " |")
    else:
        lines.append("None.")
    if len(groups[UNSCREENED]):
        lines += ["", f"## Not screened ({len(groups[UNSCREENED])})", "", "| setting | why |", "|---|---|"]
        lines += [f"| {r.setting} | {r.reason} |" for _, r in groups[UNSCREENED].iterrows()]
    base = result.baseline["mean"]
    lines += ["", "The full scenario, mean of the runs: " + "; ".join(
        f"{LABELS[o]} {_num(o, base[o], sign=False)}" for o in SHOWN) + ".",
              "", "Reasons follow the model description (docs/ODD.md); `trustnet run` reports the network itself."]
    return "\n".join(lines) + "\n"
