"""Scenario discovery: where in the uncertain factors each intervention fails, and which
factors drive its effect (EMA Workbench: PRIM and extra-trees feature scores).

An intervention *fails* in a draw when it does not improve the metric, or improves it by
less than `FAIL_FRACTION` of its mean improvement over the draws (if that is positive):
it then does clearly less than the average promise. PRIM (Friedman & Fisher 1999, as
implemented for scenario discovery in ``ema_workbench.analysis.prim``) peels the box of
factor values that holds the failures. Of the boxes on its peeling trajectory we take
the one with the best balance of *coverage* (share of all failures inside the box) and
*density* (share of the draws inside the box that are failures): their harmonic mean,
so that a box neither misses most failures nor holds many successes. Each restriction
also carries PRIM's quasi-p value (a one-sided binomial test of whether the restriction
matters; Bryant & Lempert 2010).

Feature scores (``ema_workbench.analysis.feature_scoring``, extra trees, seeded) rank the
factors by how much of the variation of the effect over the draws they explain.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.studies.policy.robust_design import for_scenario
from experiments.studies.policy.robustness import BASELINE, benefit

FAIL_FRACTION = 0.5
MIN_DRAWS = 8  # fewer draws: no box and no scores (too few points to peel or fit)
PEEL_ALPHA = 0.05
MASS_MIN = 0.05
TREES = 100  # EMA Workbench's default forest size
COLUMNS = ["scenario", "intervention", "metric", "factor", "low", "high", "coverage", "density",
           "share_failing", "qp", "range_low", "range_high"]


def _ema():
    """Import the analysis modules quietly (EMA Workbench warns about optional parallel
    back ends it does not need here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import feature_scoring, prim
        from ema_workbench.analysis.scenario_discovery_util import RuleInductionType
    return prim, feature_scoring, RuleInductionType


@dataclass
class Box:
    """A box of factor values: restrictions ``{factor: (low, high)}``, with its coverage
    and density, and the quasi-p value of each restriction."""

    limits: dict[str, tuple[float, float]]
    coverage: float
    density: float
    qp: dict[str, float]


def factor_table(draws: list[dict], scenario: str) -> pd.DataFrame:
    """The draws' factor values that apply to ``scenario`` (one row per draw); factors
    that do not vary are dropped (they cannot explain anything)."""
    table = pd.DataFrame([for_scenario(d, scenario) for d in draws])
    table = table.select_dtypes(include="number").astype(float)  # PRIM peels whole-number factors to fractions
    return table.loc[:, table.nunique() > 1]


def failures(gain: pd.Series, fraction: float = FAIL_FRACTION) -> np.ndarray:
    """Draws in which an option fails: no improvement, or less than ``fraction`` of its mean
    improvement."""
    mean = float(gain.mean())
    floor = fraction * mean if mean > 0 else 0.0
    return ((gain <= 0) | (gain < floor)).to_numpy()


def prim_box(x: pd.DataFrame, y: np.ndarray) -> Box | None:
    """The PRIM box of the cases ``y`` (0/1) in ``x``; None without both cases and others."""
    if y.all() or not y.any():
        return None
    prim, _, _ = _ema()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        finder = prim.Prim(x.reset_index(drop=True), y.astype(int), peel_alpha=PEEL_ALPHA, mass_min=MASS_MIN)
        box = finder.find_box()
    trajectory = box.peeling_trajectory
    score = 2 * trajectory.coverage * trajectory.density / (trajectory.coverage + trajectory.density)
    i = int(score.idxmax())
    limits = box.box_lims[i]
    initial = finder.box_init
    restricted = [c for c in limits.columns if not np.allclose(limits[c].to_numpy(), initial[c].to_numpy())]
    qp = {}
    for c in restricted:
        values = [v for v in box.p_values[i].get(c, []) if v is not None and v >= 0]
        qp[c] = float(min(values)) if values else float("nan")
    return Box({c: (float(limits.loc[0, c]), float(limits.loc[1, c])) for c in restricted},
               float(trajectory.coverage[i]), float(trajectory.density[i]), qp)


def discover(per_draw: pd.DataFrame, draws: list[dict], fraction: float = FAIL_FRACTION) -> pd.DataFrame:
    """One row per restricted factor of each option's failure box (the columns in
    `COLUMNS`); an option without a box (it never fails, always fails, or too few draws)
    has one row with an empty factor."""
    frame = per_draw.assign(benefit=benefit(per_draw))
    rows = []
    for (scenario, name, metric), sel in frame.groupby(["scenario", "intervention", "metric"], sort=False):
        x = factor_table(draws, scenario)
        gain = sel.set_index("draw").benefit.sort_index()
        failed = failures(gain, fraction)
        head = {"scenario": scenario, "intervention": name, "metric": metric,
                "share_failing": float(failed.mean())}
        box = prim_box(x.loc[gain.index], failed) if len(gain) >= MIN_DRAWS and x.shape[1] else None
        if box is None or not box.limits:
            whole = failed.all()
            rows.append({**head, "factor": "", "coverage": 1.0 if whole else float("nan"),
                         "density": 1.0 if whole else float("nan")})
            continue
        for factor, (low, high) in box.limits.items():
            rows.append({**head, "factor": factor, "low": low, "high": high, "coverage": box.coverage,
                         "density": box.density, "qp": box.qp[factor], "range_low": float(x[factor].min()),
                         "range_high": float(x[factor].max())})
    return pd.DataFrame(rows, columns=COLUMNS)


def feature_scores(per_draw: pd.DataFrame, draws: list[dict], seed: int) -> pd.DataFrame:
    """Extra-trees feature scores of the effect per draw: columns ``scenario``,
    ``intervention``, ``metric``, ``factor``, ``score`` (scores of an option sum to 1)."""
    _, scoring, kinds = _ema()
    state = int(np.random.SeedSequence([seed, 29]).generate_state(1)[0])
    rows = []
    for (scenario, name, metric), sel in per_draw.groupby(["scenario", "intervention", "metric"], sort=False):
        if name == BASELINE or len(sel) < MIN_DRAWS:
            continue
        x = factor_table(draws, scenario)
        y = sel.set_index("draw").effect.sort_index()
        if not x.shape[1] or y.nunique() < 2:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scores, _ = scoring.get_ex_feature_scores(
                x.loc[y.index].reset_index(drop=True), y.to_numpy(), mode=kinds.REGRESSION, nr_trees=TREES,
                max_features=max(1, round(x.shape[1] / 3)), random_state=state)
        rows += [{"scenario": scenario, "intervention": name, "metric": metric, "factor": f, "score": float(s)}
                 for f, s in scores.iloc[:, 0].items()]
    frame = pd.DataFrame(rows, columns=["scenario", "intervention", "metric", "factor", "score"])
    return frame.astype({"score": float})
