"""The screen: each setting of a scenario file taken back, one at a time, with the seeds
of the full scenario.

Replication i of every variant uses the i-th seed of the full scenario's runs (common
random numbers), so a setting that does not change the dynamics gives the same numbers
bit for bit: "no effect" is exact, not a test at some level. A setting that does change
them is "an effect" when the paired difference of a headline outcome has a 95% interval
that excludes 0, else "not distinguishable from chance" at the replications used.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from experiments.analysis.outcomes import mean_ci
from experiments.analysis.units import headline
from experiments.ensemble import replication_seeds
from experiments.ensemble.blocks import batch_engine
from experiments.ensemble.tables import model_frame
from experiments.studies.check.reasons import reason
from experiments.studies.check.settings import own_settings, scenario_data, variant_of
from model.scenario import Scenario, load_scenario

NO_EFFECT, UNCLEAR, EFFECT, UNSCREENED = "no effect", "not distinguishable", "effect", "not screened"


@dataclass
class Screen:
    """A scenario's check: its settings with verdict, reason and effects."""

    scenario: Scenario
    reps: int
    steps: int
    seed: int
    table: pd.DataFrame  # one row per setting: label, verdict, reason, then per outcome effect, ci_low, ci_high
    baseline: pd.DataFrame  # per outcome: the full scenario's mean and standard deviation over the runs


def _runs(scenario: Scenario, seeds: list[int], steps: int) -> pd.DataFrame:
    results = batch_engine([scenario] * len(seeds), seeds, steps, 0, False)
    failed = [r for r in results if isinstance(r, BaseException)]
    if failed:
        raise failed[0]
    return headline(model_frame(results, list(range(len(seeds)))))


def screen(spec: str, reps: int = 8, steps: int | None = None, seed: int = 20221) -> Screen:
    """Validate the scenario ``spec`` (x, y or a file) and screen each of its settings."""
    scenario = load_scenario(spec)  # validates: one line on bad input
    data, source = scenario_data(spec)
    last = scenario.horizon if steps is None else steps
    seeds = replication_seeds(seed, reps)
    full = _runs(scenario, seeds, last)
    rows = []
    for setting in own_settings(data):
        row = {"setting": setting.label}
        variant = variant_of(data, source, setting)
        if isinstance(variant, str):
            rows.append({**row, "verdict": UNSCREENED, "reason": variant})
            continue
        without = _runs(variant, seeds, last)
        same = without.equals(full)  # bit for bit, NaN where NaN (no open case in a window)
        effects = {}
        for outcome in full.columns:
            m, lo, hi = mean_ci(full[outcome] - without[outcome])  # with the setting minus without it
            effects.update({outcome: m, f"{outcome}_low": lo, f"{outcome}_high": hi})
        clear = any((effects[f"{o}_low"] > 0) or (effects[f"{o}_high"] < 0) for o in full.columns)
        verdict = NO_EFFECT if same else (EFFECT if clear else UNCLEAR)
        why = reason(scenario, data, setting, last) if verdict != EFFECT else None
        rows.append({**row, "verdict": verdict, "reason": why or "", **effects})
    table = pd.DataFrame(rows, columns=["setting", "verdict", "reason", *[
        f"{o}{s}" for o in full.columns for s in ("", "_low", "_high")]])
    return Screen(scenario, reps, last, seed, table, pd.DataFrame({"mean": full.mean(), "sd": full.std(ddof=1)}))
