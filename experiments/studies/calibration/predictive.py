"""Posterior predictive simulations: fresh particles at weighted draws of each model's
posterior, with fresh seeds.

They answer two questions the accepted particles cannot answer without bias (their
simulations were selected for a small distance): how often the posterior reproduces a
held-out pattern (the validation step of pattern-oriented modelling), and what a
field study would observe under each model (`observables`). Draws and seeds come from
``SeedSequence(seed, spawn_key=(0, model, k))``; the ABC-SMC proposals use keys
starting at 1, so the streams never overlap.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from experiments.analysis.outcomes import wilson
from experiments.studies.calibration.design import Calibration
from experiments.studies.calibration.particles import ROOT_HIGH
from experiments.studies.calibration.simulate import simulate_particle
from experiments.studies.calibration.summaries import (
    observables,
    pattern_summaries,
    truth_summaries,
)

MIN_DRAWS = 10  # per model with posterior mass


def draws_per_model(posterior: pd.DataFrame, population: int) -> int:
    alive = posterior.loc[posterior.weight > 0, "model"].nunique()
    return max(MIN_DRAWS, math.ceil(population / max(1, alive)))


def predictive_one(overrides: dict, root: int, reps: int, mode: str) -> tuple[dict, dict]:
    """One posterior draw: its summaries and its observables (run in a worker)."""
    groups = ("main", "probes") if mode == "patterns" else ("main",)
    tables = simulate_particle(overrides, root, reps, groups)
    summary = (pattern_summaries(tables["main"], tables["probes"]) if mode == "patterns"
               else truth_summaries(tables["main"]))
    return summary, observables(tables["main"])


def simulate_predictive(posterior: pd.DataFrame, calib: Calibration, executor) -> list[dict]:
    """Rows of (model, draw, summaries, observables) for every model with posterior mass."""
    mode = "truth" if calib.truth else "patterns"
    k_draws = draws_per_model(posterior, calib.population)
    factors = [f.name for f in calib.factors]
    jobs = []
    for m, (name, switches) in enumerate(calib.models.items()):
        rows = posterior[(posterior.model == name) & (posterior.weight > 0)]
        if rows.empty:
            continue
        w = rows.weight.to_numpy(dtype=float)
        rng = np.random.default_rng(np.random.SeedSequence(calib.seed, spawn_key=(0, m)))
        picks = rng.choice(len(rows), size=k_draws, replace=True, p=w / w.sum())
        for k, i in enumerate(picks):
            root = int(np.random.SeedSequence(calib.seed, spawn_key=(0, m, k)).generate_state(1, np.uint64)[0]
                       % np.uint64(ROOT_HIGH))
            params = {**switches, **rows.iloc[int(i)][factors].to_dict()}
            jobs.append((name, k, executor.submit(predictive_one, params, root, calib.reps, mode)))
    out = []
    for name, k, future in jobs:
        summary, obs = future.result()
        out.append({"model": name, "draw": k, "summary": summary, "observables": obs})
    return out


def pattern_check(sims: list[dict], hold_out: tuple[str, ...]) -> pd.DataFrame:
    """Per model and pattern: share of posterior draws reproducing it, Wilson 95%."""
    rows = []
    for name in dict.fromkeys(s["model"] for s in sims):
        mine = [s["summary"] for s in sims if s["model"] == name]
        ids = [k[7:] for k in mine[0] if k.startswith("passed:")]
        for pattern in ids:
            hits = sum(int(s.get(f"passed:{pattern}", 0.0)) for s in mine)
            lo, hi = wilson(hits, len(mine))
            rows.append({"model": name, "pattern": pattern, "share": hits / len(mine), "ci_low": lo,
                         "ci_high": hi, "held_out": pattern in hold_out})
    return pd.DataFrame(rows, columns=["model", "pattern", "share", "ci_low", "ci_high", "held_out"])


def statistic_check(sims: list[dict], observed: dict) -> pd.DataFrame:
    """Known-answer mode: per model and statistic, the posterior predictive p-value (share
    of draws at or below the pseudo-observed value; near 0 or 1: not covered)."""
    rows = []
    for name in dict.fromkeys(s["model"] for s in sims):
        mine = [s["summary"] for s in sims if s["model"] == name]
        for key, value in observed.items():
            hits = sum(s[key] <= value for s in mine)
            lo, hi = wilson(hits, len(mine))
            rows.append({"model": name, "pattern": key.removeprefix("stat:"), "share": hits / len(mine),
                         "ci_low": lo, "ci_high": hi, "held_out": False})
    return pd.DataFrame(rows, columns=["model", "pattern", "share", "ci_low", "ci_high", "held_out"])
