"""trustnet as an EMA Workbench model.

``ema_model(factors, scenario)`` returns an ``ema_workbench.Model`` whose

* uncertainties are the factors of a factor file (``RealParameter``, or
  ``IntegerParameter`` for whole-number parameters);
* levers are the interventions I1-I6: a ``BooleanParameter`` per intervention (its
  registry flag, ``i1`` ... ``i6``) and one parameter per option (``i1_every``,
  ``i2_risk_cut``, ...) over its range in the parameter registry; start and end weeks
  are left at their defaults (acting from the founding of the network);
* outcomes are the model metrics at the horizon (`at_horizon`: the mean of the last 13
  weeks, cumulative counts at the last week), averaged over the replications, plus the
  interventions' cost in hours per year while they act within the weeks run
  (`model.interventions.intervention_cost`). Each outcome's direction (``MAXIMIZE`` or
  ``MINIMIZE``) is set so that many-objective search can use them as they are.

Every experiment runs the same replication seeds (spawned from ``seed``), so two
policies evaluated on the same scenario differ by their levers only: EMA Workbench's
comparisons are paired, as in `trustnet policy`. The runs go through the batched engine
of the ensemble runner, one block of replications per experiment; the function is a
picklable object, so EMA's ``MultiprocessingEvaluator`` works too.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

from experiments.analysis.outcomes import at_horizon
from experiments.ensemble.blocks import batch_engine
from experiments.ensemble.design import replication_seeds
from experiments.ensemble.factors import Factor
from experiments.ensemble.tables import model_frame
from model.interventions import INTERVENTIONS, cost_hours
from model.metrics import MODEL_METRICS
from model.parameters import SPEC_BY_NAME
from model.scenario import load_scenario

with warnings.catch_warnings():  # EMA Workbench warns about optional parallel back ends
    warnings.simplefilter("ignore")
    from ema_workbench import (
        BooleanParameter,
        IntegerParameter,
        Model,
        RealParameter,
        ScalarOutcome,
    )

COST = "cost_hours"
MINIMIZE = frozenset({"cases_open", "stalls", "misuse_events", "turnover_events", COST})
TIMING = ("start", "end")  # intervention options that are not levers


def uncertainties(factors: list[Factor]) -> list:
    return [IntegerParameter(f.name, int(f.low), int(f.high)) if f.integer else RealParameter(f.name, f.low, f.high)
            for f in factors]


def levers() -> list:
    """An on/off lever per intervention and a lever per option, over its registry range."""
    out = []
    for intervention in INTERVENTIONS.values():
        out.append(BooleanParameter(intervention.flag))
        for option, name in intervention.options.items():
            if option in TIMING:
                continue
            spec = SPEC_BY_NAME[name]
            if spec.kind is bool:
                out.append(BooleanParameter(name))
            elif spec.kind is int:
                out.append(IntegerParameter(name, int(spec.low), int(spec.high)))
            else:
                out.append(RealParameter(name, float(spec.low), float(spec.high)))
    return out


@dataclass(frozen=True)
class TrustnetFunction:
    """``f(**parameters) -> {outcome: value}``: ``reps`` replications of ``scenario`` with the
    parameters as overrides, each outcome averaged over them."""

    scenario: str
    reps: int
    seed: int
    steps: int | None = None
    metrics: tuple[str, ...] = MODEL_METRICS

    def __call__(self, **parameters) -> dict[str, float]:
        bools = {k for k in parameters if k in SPEC_BY_NAME and SPEC_BY_NAME[k].kind is bool}
        overrides = {k: (bool(v) if k in bools else v) for k, v in parameters.items()}  # EMA gives numpy bools
        sc = load_scenario(self.scenario).with_overrides(overrides)
        seeds = replication_seeds(self.seed, self.reps)
        results = batch_engine([sc] * self.reps, seeds, self.steps, 0, False)
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            raise failed[0]
        frame = model_frame(results, list(range(self.reps)))
        out = {m: float(at_horizon(frame, m, by="run").mean()) for m in self.metrics}
        out[COST] = cost_hours(sc, self.steps)
        return out


def ema_model(factors: list[Factor], scenario: str = "y", reps: int = 4, seed: int = 20221,
              steps: int | None = None, metrics: tuple[str, ...] = MODEL_METRICS, name: str = "trustnet") -> Model:
    """trustnet as an ``ema_workbench.Model`` (see the module docstring)."""
    load_scenario(scenario)  # a bad name fails here, with one line
    model = Model(name, function=TrustnetFunction(scenario, reps, seed, steps, tuple(metrics)))
    model.uncertainties = uncertainties(factors)
    model.levers = levers()
    model.outcomes = [ScalarOutcome(m, kind=ScalarOutcome.MINIMIZE if m in MINIMIZE else ScalarOutcome.MAXIMIZE)
                      for m in (*metrics, COST)]
    return model
