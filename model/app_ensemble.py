"""The app's ensemble view: what R replications of the current settings do, and what an
intervention changes against the same network without it.

One run on screen is one draw of chance; a policy reader needs the spread behind it and
the effect of the intervention net of chance. `ensemble` runs R replications with the
batched engine (`model.engines.simulate_batch`, a fraction of a second for X or Y) and,
when an intervention is switched on, the baseline -- the same scenario with every
intervention off -- with the *same* seeds, so the effect is a paired difference per
replication, as in the policy study. Seeds are spawned from the app's seed field.
`ensemble_in_steps` yields the ensemble as its replications come in, so the page can
draw the bands (and show its progress) before all of them are done.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from model.engines import simulate_batch
from model.interventions import active_interventions
from model.scenario import Scenario

SHOWN = ("intentional_trust", "cognitive_trust", "empathic_trust", "info_shared", "collaboration")


@dataclass(frozen=True)
class Band:
    mean: np.ndarray  # (T + 1,)
    low: np.ndarray
    high: np.ndarray


@dataclass(frozen=True)
class Ensemble:
    reps: int
    metrics: dict[str, Band]  # spread of the replications: 2.5 and 97.5 percentiles
    effects: dict[str, Band]  # paired effect against the baseline: mean and 95% interval; {} without one
    interventions: tuple[str, ...]


def baseline_of(scenario: Scenario) -> Scenario:
    """The same network with every intervention switched off."""
    flags = {i.flag: False for i in active_interventions(scenario)}
    return replace(scenario, params=replace(scenario.params, **flags)) if flags else scenario


def _summary(runs: dict[str, np.ndarray], reps: int, active: tuple[str, ...]) -> Ensemble:
    """Bands of ``reps`` replications; with interventions, ``runs`` holds the baseline's
    paired runs after them."""
    metrics = {m: Band(v[:reps].mean(axis=0), *np.percentile(v[:reps], [2.5, 97.5], axis=0)) for m, v in runs.items()}
    effects = {}
    if active:
        for m, v in runs.items():
            diff = v[:reps] - v[reps:]
            mean = diff.mean(axis=0)
            half = 1.96 * diff.std(axis=0, ddof=1) / np.sqrt(reps) if reps > 1 else np.zeros_like(mean)
            effects[m] = Band(mean, mean - half, mean + half)
    return Ensemble(reps, metrics, effects, active)


def ensemble_in_steps(scenario: Scenario, reps: int, seed: int, steps: int | None = None,
                      chunk: int = 5) -> Iterator[Ensemble]:
    """The ensemble as its replications come in, ``chunk`` at a time: each yielded
    `Ensemble` holds the replications run so far, the last one all ``reps``. Replication
    i always uses the i-th seed, so the last equals `ensemble` (a run depends only on its
    scenario and seed, not on the block it ran in)."""
    steps = scenario.horizon if steps is None else steps
    seeds = np.random.SeedSequence(seed).spawn(reps)
    active = tuple(i.id for i in active_interventions(scenario))
    base = baseline_of(scenario)
    on: dict[str, list] = {m: [] for m in SHOWN}
    off: dict[str, list] = {m: [] for m in SHOWN}
    for start in range(0, reps, chunk):
        part = seeds[start:start + chunk]
        scenarios = [scenario] * len(part) + ([base] * len(part) if active else [])
        results = simulate_batch(scenarios, part * (2 if active else 1), steps, record_agents=False)
        for m in SHOWN:
            on[m] += [r.model[m] for r in results[:len(part)]]
            off[m] += [r.model[m] for r in results[len(part):]]
        done = len(on[SHOWN[0]])
        runs = {m: np.stack(on[m] + off[m]) for m in SHOWN}  # (runs, T + 1): treated, then the baseline
        yield _summary(runs, done, active)


def ensemble(scenario: Scenario, reps: int, seed: int, steps: int | None = None) -> Ensemble:
    """R replications of ``scenario`` (and of its baseline, with the same seeds, if an
    intervention is on); ``steps`` defaults to the horizon."""
    *_, last = ensemble_in_steps(scenario, reps, seed, steps, chunk=max(reps, 1))
    return last
