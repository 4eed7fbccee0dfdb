"""Reading the history: each seed's last generation as a weighted posterior, the pooled
posterior of the seeds, the models' probabilities per generation, their effective sample
sizes, and how much each factor is constrained.

Weights in a posterior frame are over the whole last population (they sum to 1 over all
models; a model's share of the weight is its posterior probability); the pooled posterior
gives every seed the same total weight (1 / number of seeds), like pooling the chains of
an MCMC once they agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyabc

from experiments.studies.calibration.design import Calibration

IDENTIFIED = 0.6  # a factor is "pinned down" when its posterior sd is below this share of the prior's
ESS_TARGET = 200  # below this effective sample size a model's posterior is not read as a result


def effective_size(posterior: pd.DataFrame, model: str) -> float:
    """Kish's effective sample size of a model's particles."""
    w = posterior.loc[posterior.model == model, "weight"].to_numpy(dtype=float)
    return float(w.sum() ** 2 / (w ** 2).sum()) if len(w) and w.sum() > 0 else 0.0


def posterior_frame(history: pyabc.History, calib: Calibration) -> pd.DataFrame:
    """The last generation of one seed's run: ``model``, one column per calibrated factor,
    ``weight``."""
    names = list(calib.models)
    columns = ["model", *(f.name for f in calib.calibrated), "weight"]
    probs = history.get_model_probabilities()
    frames = []
    for m in history.alive_models(history.max_t):
        params, w = history.get_distribution(m=m, t=history.max_t)
        frame = params.reset_index(drop=True)
        frame.insert(0, "model", names[m])
        frame["weight"] = np.asarray(w, dtype=float) * float(probs.loc[history.max_t, m])
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def pooled(posteriors: dict[int, pd.DataFrame]) -> pd.DataFrame:
    """The seeds' posteriors as one, each seed weighing 1 / number of seeds."""
    frames = [p.assign(weight=p.weight / len(posteriors)) for p in posteriors.values() if len(p)]
    if not frames:
        return next(iter(posteriors.values())).iloc[0:0]
    return pd.concat(frames, ignore_index=True)


def model_probabilities(history: pyabc.History, calib: Calibration, seed: int) -> pd.DataFrame:
    """``seed``, ``generation``, ``model``, ``probability``, ``bayes_factor`` for every
    generation and model (probability 0 for a model without particles; each generation
    sums to 1). ``bayes_factor`` is the model's against the baseline (the posterior odds
    under the uniform model prior; infinite where the baseline has no particles left, NaN
    where neither has)."""
    names = list(calib.models)
    wide = history.get_model_probabilities().reindex(columns=range(len(names)), fill_value=0.0).fillna(0.0)
    rows = []
    for t in wide.index:
        if t < 0:
            continue
        base = float(wide.loc[t, 0])
        for m in range(len(names)):
            p = float(wide.loc[t, m])
            rows.append({"seed": seed, "generation": int(t), "model": names[m], "probability": p,
                         "bayes_factor": odds(p, base)})
    return pd.DataFrame(rows, columns=["seed", "generation", "model", "probability", "bayes_factor"])


def odds(a: float, b: float) -> float:
    """a / b, infinite for b = 0 < a, NaN for 0 / 0."""
    if b > 0:
        return a / b
    return float("inf") if a > 0 else float("nan")


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cum = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(q, cum, v))


def constraint(posterior: pd.DataFrame, calib: Calibration, model: str) -> pd.DataFrame:
    """Per calibrated factor, for one model: posterior mean, median, 90% interval and the
    ratio of its sd to the prior's (uniform: width / sqrt 12); sorted, most constrained first."""
    rows = posterior[posterior.model == model]
    w = rows.weight.to_numpy(dtype=float)
    out = []
    for f in calib.calibrated:
        v = rows[f.name].to_numpy(dtype=float)
        if len(v) == 0 or w.sum() <= 0:
            continue
        mean = float(np.average(v, weights=w))
        sd = float(np.sqrt(np.average((v - mean) ** 2, weights=w)))
        out.append({"model": model, "factor": f.name, "prior_low": f.low, "prior_high": f.high, "mean": mean,
                    "median": weighted_quantile(v, w, 0.5), "q05": weighted_quantile(v, w, 0.05),
                    "q95": weighted_quantile(v, w, 0.95), "sd_ratio": sd / ((f.high - f.low) / np.sqrt(12.0))})
    frame = pd.DataFrame(out, columns=["model", "factor", "prior_low", "prior_high", "mean", "median", "q05", "q95",
                                       "sd_ratio"])
    return frame.sort_values("sd_ratio", kind="stable").reset_index(drop=True)
