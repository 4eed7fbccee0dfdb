"""Posterior predictive simulations: fresh particles at weighted draws of each model's
posterior, with fresh seeds, scored on every pattern and the respondent checks.

They answer questions the accepted particles cannot answer without bias (their
simulations were selected for a small distance, at the calibration's own replication
seeds): how often the posterior reproduces each pattern, the held-out ones and the
respondent checks above all (the validation step of pattern-oriented modelling), and
every calibrated pattern at once (the joint share); whether the factors the screening
left at their defaults matter after all (`screened_out_check`: each draw simulated again,
same seeds, with those factors drawn from their priors); and what a field study would
observe under each model (`observables`). Draws and seeds come from
``SeedSequence(seed, spawn_key=(0, model, k))`` (the other factors' draws from
``(0, model, k, 1)``); the ABC-SMC proposals use keys starting at 1, so the streams never
overlap.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from experiments.analysis.outcomes import wilson
from experiments.studies.calibration.design import PATTERN_IDS, Calibration
from experiments.studies.calibration.evidence import NEGLIGIBLE
from experiments.studies.calibration.particles import predictive_one, root_of

MIN_DRAWS = 10  # per model with posterior mass
MAX_DRAWS = 100
CALIBRATED = "calibrated"  # the joint check: every calibrated pattern at once
EVERY = "every pattern"  # every pattern at once, held-out ones included
COLUMNS = ["model", "check", "kind", "share", "ci_low", "ci_high", "n", "held_out"]


def draws_per_model(calib: Calibration) -> int:
    return max(MIN_DRAWS, min(calib.population, MAX_DRAWS))


def screened_out(calib: Calibration) -> list:
    """The candidate factors the screening left at their defaults."""
    kept = {f.name for f in calib.calibrated}
    return [f for f in calib.factors if f.name not in kept]


def simulate_predictive(posterior: pd.DataFrame, calib: Calibration, executor) -> list[dict]:
    """Rows of (model, draw, summary, observables, claims, varied) for every model with
    posterior mass (at least `evidence.NEGLIGIBLE`); ``claims``: the respondent checks'
    claims by key; ``varied``: the draw's summary with the screened-out factors drawn from
    their priors (None when the screening left none out, or in the known-answer mode)."""
    mode = "truth" if calib.truth else "patterns"
    factors = [f.name for f in calib.calibrated]
    others = screened_out(calib) if mode == "patterns" else []
    jobs = []
    for m, (name, switches) in enumerate(calib.models.items()):
        rows = posterior[(posterior.model == name) & (posterior.weight > 0)]
        if rows.empty or rows.weight.sum() < NEGLIGIBLE:
            continue
        w = rows.weight.to_numpy(dtype=float)
        rng = np.random.default_rng(np.random.SeedSequence(calib.seed, spawn_key=(0, m)))
        picks = rng.choice(len(rows), size=draws_per_model(calib), replace=True, p=w / w.sum())
        for k, i in enumerate(picks):
            root = root_of(calib.seed, 0, m, k)
            params = {**switches, **rows.iloc[int(i)][factors].to_dict()}
            plain = executor.submit(predictive_one, params, root, calib.reps, mode)
            varied = None
            if others:
                other_rng = np.random.default_rng(np.random.SeedSequence(calib.seed, spawn_key=(0, m, k, 1)))
                drawn = {f.name: (int(round(v)) if f.integer else float(v))
                         for f in others for v in [other_rng.uniform(f.low, f.high)]}
                varied = executor.submit(predictive_one, {**drawn, **params}, root, calib.reps, mode)
            jobs.append((name, k, plain, varied))
    out = []
    for name, k, plain, varied in jobs:
        summary, obs, claims = plain.result()
        out.append({"model": name, "draw": k, "summary": summary, "observables": obs, "claims": claims,
                    "varied": varied.result()[0] if varied is not None else None})
    return out


def _share_row(model: str, check: str, kind: str, hits: int, n: int, held_out: bool) -> dict:
    lo, hi = wilson(hits, n)
    return {"model": model, "check": check, "kind": kind, "share": hits / n if n else float("nan"),
            "ci_low": lo, "ci_high": hi, "n": n, "held_out": held_out}


def passes_all(summary: dict, patterns) -> bool:
    return all(summary.get(f"passed:{p}", 0.0) > 0 for p in patterns)


def pattern_check(sims: list[dict], calib: Calibration, claims: dict[str, str]) -> pd.DataFrame:
    """Per model: the share of draws reproducing each pattern, each respondent check (held
    out: never in the distance), every calibrated pattern at once and every pattern at
    once, with Wilson 95% intervals. ``claims`` names each respondent check."""
    rows = []
    for name in dict.fromkeys(s["model"] for s in sims):
        mine = [s["summary"] for s in sims if s["model"] == name]
        n = len(mine)
        for p in PATTERN_IDS:
            rows.append(_share_row(name, p, "pattern", sum(s.get(f"passed:{p}", 0.0) > 0 for s in mine), n,
                                   p in calib.hold_out))
        rows.append(_share_row(name, CALIBRATED, "joint", sum(passes_all(s, calib.patterns) for s in mine), n, False))
        rows.append(_share_row(name, EVERY, "joint", sum(passes_all(s, PATTERN_IDS) for s in mine), n, False))
        for key, claim in claims.items():
            rows.append(_share_row(name, claim, "respondent", sum(s.get(key, 0.0) > 0 for s in mine), n, True))
    return pd.DataFrame(rows, columns=COLUMNS)


def joint_shares(predictive: pd.DataFrame) -> dict[str, float]:
    """Per model: the share of posterior predictive draws reproducing every calibrated
    pattern at once."""
    rows = predictive[predictive.check == CALIBRATED]
    return {r.model: float(r.share) for r in rows.itertuples()}


def screened_out_check(sims: list[dict], calib: Calibration) -> pd.DataFrame:
    """Per model and pattern (and every calibrated pattern at once): the share of draws
    reproducing it with the screened-out factors at their defaults and drawn from their
    priors (same draws, same seeds), the difference and its 95% interval (paired: from
    the discordant draws, normal approximation)."""
    columns = ["model", "check", "share_default", "share_varied", "difference", "ci_low", "ci_high", "n"]
    rows = []
    for name in dict.fromkeys(s["model"] for s in sims if s["varied"] is not None):
        pairs = [(s["summary"], s["varied"]) for s in sims if s["model"] == name and s["varied"] is not None]
        checks = {p: (lambda s, p=p: s.get(f"passed:{p}", 0.0) > 0) for p in PATTERN_IDS}
        checks[CALIBRATED] = lambda s: passes_all(s, calib.patterns)
        for check, holds in checks.items():
            a = np.array([holds(d) for d, _ in pairs], dtype=float)
            b = np.array([holds(v) for _, v in pairs], dtype=float)
            n = len(a)
            diff = float(b.mean() - a.mean())
            gain, loss = float(((b == 1) & (a == 0)).sum()), float(((b == 0) & (a == 1)).sum())
            var = max((gain + loss - (gain - loss) ** 2 / n) / n ** 2, 0.0)
            half = 1.96 * math.sqrt(var)
            rows.append({"model": name, "check": check, "share_default": float(a.mean()),
                         "share_varied": float(b.mean()), "difference": diff, "ci_low": diff - half,
                         "ci_high": diff + half, "n": n})
    return pd.DataFrame(rows, columns=columns)


def statistic_check(sims: list[dict], observed: dict) -> pd.DataFrame:
    """Known-answer mode: per model and statistic, the posterior predictive p-value (share
    of draws at or below the pseudo-observed value; near 0 or 1: not covered)."""
    rows = []
    for name in dict.fromkeys(s["model"] for s in sims):
        mine = [s["summary"] for s in sims if s["model"] == name]
        for key, value in observed.items():
            rows.append(_share_row(name, key.removeprefix("stat:"), "statistic",
                                   sum(s[key] <= value for s in mine), len(mine), False))
    return pd.DataFrame(rows, columns=COLUMNS)
