"""The calibration's report in plain words -- saying what cannot be concluded.

A posterior is read as a result only as far as it can carry one: a model's factors are
called constrained, and a model favoured, only where its effective sample size reaches
`ESS_TARGET` (below it, the report says what the numbers point to and that it cannot be
concluded); a pair of models is decided only at a Bayes factor of at least
`evidence.DECIDED` in every seed, and each Bayes factor is qualified by the model choice
check; where the thresholds did not reach 0 the posterior is called what it is, the
particles nearest to reproducing the patterns.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from experiments.studies.calibration.agreement import MEDIAN_TOLERANCE, PROBABILITY_TOLERANCE
from experiments.studies.calibration.design import Calibration
from experiments.studies.calibration.evidence import DECIDED, NEGLIGIBLE, pooled_probabilities
from experiments.studies.calibration.history import ESS_TARGET, IDENTIFIED
from experiments.studies.calibration.predictive import CALIBRATED, EVERY
from experiments.studies.calibration.screen import KEEP_SHARE
from experiments.studies.calibration.summaries import OBSERVABLES

CONFUSED = 0.2  # a pair's pseudo-data misattributed more often than this: the summaries confuse the two
CLEAR = 0.1  # ... at most this often: the summaries tell them apart


def _bf(v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if math.isinf(v):
        return "∞"
    return f"{v:.3g}" if v < 1000 else f"{v:.2e}"


def _pct(v: float) -> str:
    return "—" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.0%}"


def design_lines(info: dict, calib: Calibration) -> list[str]:
    screening = info.get("screening")
    chosen = len(calib.calibrated)
    if calib.truth:
        data = (f"Known-answer check: the data are pseudo-observed summaries simulated at known parameters of "
                f"model {calib.truth.model}; the distance is their mean absolute difference.")
    else:
        data = (f"Distance: the shortfalls of the clauses of {', '.join(calib.patterns)} from their thresholds, "
                "adaptively weighted (0: every calibrated clause holds); held out of the distance: "
                f"{', '.join(calib.hold_out)} and the respondent checks.")
    screen = (f"{chosen} factors calibrated, chosen from {len(calib.factors)} candidates by Morris screening "
              f"({screening['trajectories']} trajectories per model; a factor kept when it moves the margin of a "
              f"calibrated pattern by at least {KEEP_SHARE:.0%} of the strongest factor's effect, mu* averaged "
              "over the models; "
              "`screening.csv`)" if screening else f"{chosen} factors calibrated (no screening)")
    timing = info.get("timing", {})
    total = sum(float(v) for v in timing.values())
    return [f"ABC-SMC (pyabc) over {len(calib.models)} models, {calib.population} particles per model "
            f"({calib.total_population} per generation), {calib.reps} replications per particle with common random "
            f"numbers (every particle of a seed runs the same replication seeds), seeds "
            f"{', '.join(map(str, calib.seeds))}. {screen}; the others stay at their defaults. {data}",
            "", f"Time on this machine: {total / 3600:.2f} hours of wall-clock time ("
            + ", ".join(f"{k} {float(v) / 60:.0f} min" for k, v in timing.items()) + ")."]


def stopping_lines(info: dict) -> tuple[list[str], bool]:
    runs = info["runs"]
    reached = all(r["epsilons"] and r["epsilons"][-1] is not None and r["epsilons"][-1] <= 0 for r in runs.values())
    lines = ["## Where it stopped", "", "| seed | generations | thresholds | evaluations | why it stopped |",
             "|---|---|---|---|---|"]
    for seed, r in runs.items():
        eps = ", ".join("all" if e is None or e > 1e299 else f"{e:.3g}" for e in r["epsilons"])
        lines.append(f"| {seed} | {r['generations']} | {eps} | {r['evaluations']} | {r['stopped']} |")
    lines.append("")
    if reached:
        lines.append("Every seed reached threshold 0: every accepted particle reproduces every calibrated pattern "
                     "(at the calibration's replication seeds).")
    else:
        lines.append("**Threshold 0 was not reached** in every seed: the posterior is the set of particles nearest "
                     "to reproducing the calibrated patterns under the last threshold, not a region where they all "
                     "hold. The joint share below says how often it reproduces them at fresh seeds.")
    return lines + [""], reached


def models_lines(info: dict, calib: Calibration, probabilities: pd.DataFrame, factors: pd.DataFrame) -> list[str]:
    models = list(calib.models)
    pooled = pooled_probabilities(probabilities, models)
    last = probabilities[probabilities.generation == probabilities.groupby("seed").generation.transform("max")]
    wide = last.pivot(index="model", columns="seed", values="probability").reindex(models)
    ess, joint = info["ess"], info.get("joint_share") or {}
    seeds = list(wide.columns)
    lines = ["## Which theory variants the evidence supports", "",
             "| model | probability (pooled) | " + " | ".join(f"seed {s}" for s in seeds)
             + " | Bayes factor vs baseline | effective sample size | joint share |",
             "|---|---|" + "---|" * len(seeds) + "---|---|---|"]
    base = pooled.get("baseline", 0.0)
    for m in pooled.sort_values(ascending=False).index:
        bf = pooled[m] / base if base > 0 else (math.inf if pooled[m] > 0 else math.nan)
        lines.append(f"| {m} | {pooled[m]:.3f} | " + " | ".join(f"{wide.loc[m, s]:.3f}" for s in seeds)
                     + f" | {_bf(bf)} | {ess.get(m, 0):.0f} | {_pct(joint.get(m, math.nan))} |")
    lines += ["", f"Bayes factors are posterior odds under the uniform model prior; a pair is *decided* at a "
              f"Bayes factor of at least {DECIDED:g} in the pooled posterior and in every seed. Effective sample "
              f"sizes (Kish) are of the pooled posterior; the target is {ESS_TARGET}. The joint share is the share of "
              "posterior predictive draws (fresh seeds) reproducing every calibrated pattern at once.", ""]
    ruled_out = [m for m in models if pooled[m] < NEGLIGIBLE]
    if ruled_out:
        lines += [f"No posterior mass left in any seed (no particle, or weights below {NEGLIGIBLE:g}: ruled out by the "
                  f"calibrated patterns): {', '.join(ruled_out)}.", ""]
    lines += verdict_lines(factors, pooled, ess)
    lines += pairs_lines(factors, ess)
    return lines


def verdict_lines(factors: pd.DataFrame, pooled: pd.Series, ess: dict) -> list[str]:
    """In short: which models the patterns rule out or decide against, and whether any is
    favoured over every other -- holding back below the effective-sample-size target."""
    decided = factors[factors.decided.astype(bool)]
    alive = [m for m in pooled.index if pooled[m] >= NEGLIGIBLE]
    against = {m for m in pooled.index if pooled[m] < NEGLIGIBLE}
    lead = pooled.sort_values(ascending=False).index[0]
    beaten = set(decided[decided.model_a == lead].model_b)
    wins_all = beaten >= set(pooled.index) - {lead}
    lines = ["**In short.** "]
    text = []
    if against:
        text.append(f"The calibrated patterns rule out {', '.join(sorted(against))} (no posterior mass left).")
    weak = sorted(beaten - against)
    if weak:
        text.append(f"The most probable model, {lead}, is decided over {', '.join(weak)}"
                    + ("." if ess.get(lead, 0) >= ESS_TARGET else
                       f" -- but with an effective sample size of {ess.get(lead, 0):.0f} (under {ESS_TARGET}) "
                       "this cannot be concluded."))
    if wins_all and ess.get(lead, 0) >= ESS_TARGET:
        text.append(f"The evidence favours **{lead}** over every other model.")
    else:
        open_ = [m for m in alive if m != lead and m not in beaten]
        if open_:
            text.append(f"No model is favoured over all others: {lead} and {', '.join(open_)} stay undecided "
                        "against each other (what would decide them: below, \"What to measure next\").")
    lines[0] += " ".join(text)
    return lines + [""]


def _concluded(row, ess: dict) -> str:
    size = ess.get(row.model_a, 0.0)
    return "yes" if size >= ESS_TARGET else f"no: {row.model_a}'s effective sample size {size:.0f} < {ESS_TARGET}"


def pairs_lines(factors: pd.DataFrame, ess: dict) -> list[str]:
    """The decided pairs (favoured first) and the undecided ones, each Bayes factor with
    its range over the seeds and the model choice check's rates."""
    lines = []
    head = ["| favoured | against | Bayes factor | over the seeds | misattributed A→B, B→A | concluded |",
            "|---|---|---|---|---|---|"]
    decided = factors[factors.decided.astype(bool)]
    if len(decided):
        lines += [f"**Decided pairs** ({len(decided)}; A = the favoured model):", "", *head]
        lines += [f"| {r.model_a} | {r.model_b} | {_bf(r.bayes_factor)} | {_bf(r.bf_low)}–{_bf(r.bf_high)} | "
                  f"{_rates(r)} | {_concluded(r, ess)} |" for r in decided.itertuples()]
        lines += ["", "A pair is concluded only where the favoured model's effective sample size reaches the "
                  f"target; misattribution above {CONFUSED:.0%} means the summaries confuse the two models and the "
                  f"Bayes factor rests on little, at most {CLEAR:.0%} that they tell the two apart.", ""]
    else:
        lines += ["**No pair of models is decided.**", ""]
    undecided = factors[~factors.decided.astype(bool)]
    if len(undecided):
        lines += [f"**Undecided pairs** ({len(undecided)}; Bayes factor under {DECIDED:g} or the seeds disagreeing; "
                  "`observables.csv` gives what separates them):", "",
                  "| more probable | less probable | Bayes factor | over the seeds | misattributed A→B, B→A |",
                  "|---|---|---|---|---|"]
        lines += [f"| {r.model_a} | {r.model_b} | {_bf(r.bayes_factor)} | {_bf(r.bf_low)}–{_bf(r.bf_high)} | "
                  f"{_rates(r)} |" for r in undecided.itertuples()]
        lines.append("")
    return lines


def _rates(row) -> str:
    a_b, b_a = getattr(row, "a_as_b", np.nan), getattr(row, "b_as_a", np.nan)
    if not (math.isfinite(a_b) and math.isfinite(b_a)):
        return "—"
    flag = " (confused)" if max(a_b, b_a) > CONFUSED else ""
    return f"{a_b:.0%}, {b_a:.0%} ({getattr(row, 'check_source', '')}){flag}"


def agreement_lines(agreeing: pd.DataFrame) -> list[str]:
    lines = ["## Do the seeds agree?", ""]
    if agreeing.empty:
        return lines + ["One seed only: no second seed to compare.", ""]
    prob = agreeing[agreeing.quantity == "probability"]
    med = agreeing[agreeing.quantity != "probability"]
    bad_p = prob[~prob.within.astype(bool)]
    lines.append(f"Model probabilities within {PROBABILITY_TOLERANCE:g} across the seeds: "
                 + ("yes, for every model (largest difference "
                    f"{prob.difference.max():.3f})." if bad_p.empty else
                    "no: " + ", ".join(f"{r.model} ({r.low:.3f}–{r.high:.3f})" for r in bad_p.itertuples()) + "."))
    if med.empty:
        lines.append("No model has particles in every seed: the marginal medians cannot be compared.")
    else:
        for model, rows in med.groupby("model", sort=False):
            bad = rows[~rows.within.astype(bool)]
            lines.append(f"- {model}: marginal medians within {MEDIAN_TOLERANCE:.0%} of the prior's width for "
                         f"{len(rows) - len(bad)} of {len(rows)} factors"
                         + ("" if bad.empty else "; not for " + ", ".join(
                             f"{r.quantity.removeprefix('median:')} ({r.difference:.0%})"
                             for r in bad.sort_values("difference", ascending=False).head(6).itertuples())) + ".")
    return lines + ["", "`agreement.csv` has every comparison.", ""]


def predictive_lines(predictive: pd.DataFrame, calib: Calibration, info: dict) -> list[str]:
    lines = ["## Validation: the posterior predictive", ""]
    if predictive.empty:
        return lines + ["No model has posterior mass.", ""]
    if calib.truth:
        lines += ["Posterior predictive p-value of each pseudo-observed statistic (share of fresh simulations at or "
                  "below it; near 0 or 1: the posterior does not reproduce it).", "",
                  "| model | statistic | p |", "|---|---|---|"]
        lines += [f"| {r.model} | {r.check} | {r.share:.2f} |" for r in predictive.itertuples()]
        return lines + [""]
    lines += ["Fresh simulations (new seeds) at weighted posterior draws of each model; shares with Wilson 95% "
              "intervals. The held-out pattern(s) and the respondent checks were never in the distance: their "
              "shares validate the calibration.", ""]
    patterns = predictive[predictive.kind.isin(["pattern", "joint"])]
    wide = patterns.pivot(index="model", columns="check", values="share")
    order = [*(c for c in dict.fromkeys(patterns.check) if c not in (CALIBRATED, EVERY)), CALIBRATED, EVERY]
    heads = [f"{c} (held out)" if c in calib.hold_out else c for c in order]
    lines += ["| model | draws | " + " | ".join(heads) + " |", "|---|---|" + "---|" * len(order)]
    n = predictive.groupby("model").n.max()
    for model in wide.index:
        lines.append(f"| {model} | {n[model]} | " + " | ".join(_pct(wide.loc[model, c]) for c in order) + " |")
    lines.append("")
    resp = predictive[predictive.kind == "respondent"]
    if len(resp):
        lead = max(info.get("probabilities", {}).items(), key=lambda kv: kv[1] or 0)[0]
        mine = resp[resp.model == lead]
        lines += [f"Respondent checks (held out) at the posterior of {lead} (every model: `predictive.csv`):", "",
                  "| check | share |", "|---|---|"]
        lines += [f"| {r.check} | {_pct(r.share)} [{_pct(r.ci_low)}, {_pct(r.ci_high)}] |" for r in mine.itertuples()]
        lines.append("")
    return lines


def screened_lines(screened: pd.DataFrame | None, calib: Calibration) -> list[str]:
    kept = {f.name for f in calib.calibrated}
    others = [f.name for f in calib.factors if f.name not in kept]
    lines = ["## The factors left at their defaults", ""]
    if not others:
        return lines + ["None: every candidate factor was calibrated.", ""]
    lines.append(f"{len(others)} candidates stayed at their defaults: {', '.join(others)}.")
    if screened is None or screened.empty:
        return lines + [""]
    joint = screened[screened.check == CALIBRATED]
    lines += ["", "Each posterior predictive draw simulated again with the same seeds and these factors drawn from "
              "their priors: the share reproducing every calibrated pattern at once (difference: varied minus "
              "defaults, paired 95% interval):", "", "| model | at defaults | varied | difference |",
              "|---|---|---|---|"]
    lines += [f"| {r.model} | {r.share_default:.0%} | {r.share_varied:.0%} | {r.difference:+.0%} "
              f"[{r.ci_low:+.0%}, {r.ci_high:+.0%}] |" for r in joint.itertuples()]
    moved = screened[(screened.ci_low > 0) | (screened.ci_high < 0)]
    lines.append("")
    if moved.empty:
        lines.append("No pattern's share changes beyond its interval: within this precision the posterior predictive "
                     "does not depend on the factors left at their defaults.")
    else:
        lines.append("Shares that do change (interval excluding 0): " + ", ".join(
            f"{r.model} {r.check} {r.difference:+.0%}" for r in moved.itertuples())
            + ". The screening left out factors these patterns respond to near the posterior; read those shares "
              "with that in mind (`screened_out.csv`).")
    return lines + [""]


def constraint_lines(tables: dict[str, pd.DataFrame], ess: dict) -> list[str]:
    lines = ["## What the patterns pin down", ""]
    for model, table in tables.items():
        size = ess.get(model, 0.0)
        if size < ESS_TARGET:
            lines.append(f"**{model}** (effective sample size {size:.0f}, under {ESS_TARGET}): too few effective "
                         "particles to say which factors the patterns constrain; `constraints.csv` lists its "
                         "intervals for inspection only.")
        else:
            pinned = table[table.sd_ratio < IDENTIFIED]
            lines.append(f"**{model}** (effective sample size {size:.0f}): " + (
                f"{len(pinned)} of {len(table)} factors constrained (posterior sd under {IDENTIFIED:.0%} of the "
                "prior's): " + ", ".join(f"{r.factor} {r.median:.3g} [{r.q05:.3g}, {r.q95:.3g}]"
                                         for r in pinned.itertuples())
                if len(pinned) else f"no factor's posterior sd is under {IDENTIFIED:.0%} of its prior's."))
        lines.append("")
    return lines + ["Figures: `marginals.png`, `pairwise.png` (the most probable model), `model_probabilities.png`.",
                    ""]


def choice_lines(check: pd.DataFrame | None) -> list[str]:
    if check is None or check.empty:
        return []
    lines = ["## Is the model choice right when the truth is known?", "",
             "Pseudo-data from each model attributed back by ABC model choice on the calibrated clauses' estimates "
             "(`model_choice_check.csv`; Robert et al. 2011 show that ABC model choice on summaries can be wrong "
             "however long it runs). Share attributed back to the true model:", "",
             "| model | prior pseudo-data | posterior pseudo-data |", "|---|---|---|"]
    diag = check[check.true_model == check.attributed_model]
    wide = diag.pivot(index="true_model", columns="source", values="share")
    for model in wide.index:
        lines.append(f"| {model} | {_pct(wide.loc[model].get('prior', np.nan))} | "
                     f"{_pct(wide.loc[model].get('posterior', np.nan))} |")
    return lines + [""]


def measure_lines(observables: pd.DataFrame, plan: pd.DataFrame | None) -> list[str]:
    lines = ["## What to measure next", ""]
    if observables.empty:
        return lines + ["Every pair of models with posterior mass is decided (or only one model has any): nothing "
                        "left for the observables to separate.", ""]
    if plan is not None and len(plan):
        lines += ["For each undecided pair, the observable that separates their posterior predictives best (AUC), "
                  "grouped into a measurement plan (n: networks or respondents per group for 80% power, two-sided "
                  "5%; respondents ignore the clustering within networks, so theirs is a lower bound):", ""]
        for r in plan.itertuples():
            what = OBSERVABLES[r.observable][1]
            n = f"{r.n_needed:.0f} {r.unit}s per group" if math.isfinite(r.n_needed) else \
                "no finite number: it does not separate them"
            lines.append(f"1. **{r.observable}** ({what}): {n}; would tell apart {r.pairs} pair(s): {r.covered}.")
        lines.append("")
    hopeless = observables[observables.best.astype(bool) & ~np.isfinite(observables.n_needed.astype(float))]
    if len(hopeless):
        lines.append("No observable separates: " + ", ".join(f"{r.model_a} vs {r.model_b}"
                                                              for r in hopeless.itertuples()) + ".")
    return lines + [""]


def coverage_lines(coverage: pd.DataFrame | None, ess: dict, model: str | None) -> list[str]:
    if coverage is None:
        return []
    lines = ["## Known answer: does the posterior cover the truth?", ""]
    if model is not None and ess.get(model, 0) < ESS_TARGET:
        lines.append(f"(Effective sample size {ess.get(model, 0):.0f}, under {ESS_TARGET}: indicative only.)")
    lines += ["| factor | truth | 90% interval | sd ratio | covered |", "|---|---|---|---|---|"]
    lines += [f"| {r.factor} | {r.truth:.3g} | [{r.q05:.3g}, {r.q95:.3g}] | {r.sd_ratio:.2f} | "
              f"{'yes' if r.covered else 'no'} |" for r in coverage.itertuples()]
    identified = coverage[coverage.sd_ratio < IDENTIFIED]
    lines += ["", f"Factors the statistics identify (sd ratio under {IDENTIFIED}): {len(identified)}; their truth "
              f"covered: {int(identified.covered.sum())} of {len(identified)}.", ""]
    return lines


def report(info: dict, calib: Calibration, probabilities: pd.DataFrame, factors: pd.DataFrame,
           tables: dict[str, pd.DataFrame], predictive: pd.DataFrame, screened: pd.DataFrame | None,
           check: pd.DataFrame | None, agreeing: pd.DataFrame, observables: pd.DataFrame,
           plan: pd.DataFrame | None, coverage: pd.DataFrame | None) -> str:
    title = "# Calibration: what the patterns pin down, and which theory variants they support"
    lines = [title, "", *design_lines(info, calib), ""]
    stop, _ = stopping_lines(info)
    lines += stop
    lines += models_lines(info, calib, probabilities, factors)
    lines += agreement_lines(agreeing)
    lines += predictive_lines(predictive, calib, info)
    if not calib.truth:
        lines += screened_lines(screened, calib)
    lines += constraint_lines(tables, info["ess"])
    lines += coverage_lines(coverage, info["ess"], calib.truth.model if calib.truth else None)
    lines += choice_lines(check)
    lines += measure_lines(observables, plan)
    return "\n".join(lines).rstrip() + "\n"
