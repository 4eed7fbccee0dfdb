"""Is the model selection right when the truth is known? Pseudo-data attributed back.

ABC model choice on summary statistics can be wrong however long it runs when the
summaries are not sufficient across models (Robert, Cornuet, Marin & Pillai 2011, PNAS
108:15112). So the choice is checked empirically, as ``abc::cv4postpr`` does (Csilléry,
François & Blum 2012): pseudo-data simulated from each competing model are attributed
by ABC model choice on the same summaries -- the calibrated clauses' estimates -- and the
confusion matrix says how often each model's pseudo-data come back to it.

* Reference table: generation 0 of every seed (prior draws, every model equally likely),
  each particle's clause estimates.
* Pseudo-data: ``prior`` -- each reference particle in turn, attributed with itself left
  out (the prior error of the choice); ``posterior`` -- the fresh posterior predictive
  simulations of each model with posterior mass (the error where the data are).
* Attribution: the `NEIGHBOURS` share of the reference table nearest to a pseudo-datum
  (Euclidean distance of the estimates standardised by the table's median absolute
  deviation; a missing estimate sits at the table's median) vote; a model's vote is its
  count over its number of reference particles (the prior draws per model are equal in
  expectation, not exactly); the attributed model is the one with the most.

A Bayes factor between A and B means little when A's pseudo-data are often attributed to
B or B's to A: the report qualifies each by these rates (`pair_rates`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

NEIGHBOURS = 0.05  # share of the reference table that votes
MIN_NEIGHBOURS = 10
CHUNK = 256  # pseudo-data per block of distances
COLUMNS = ["source", "true_model", "attributed_model", "share", "n"]


def estimate_keys(summaries: list[dict], held_out: tuple[str, ...]) -> list[str]:
    """The calibrated clauses' estimate keys (``est:<pattern>:<clause>``)."""
    keys = set()
    for s in summaries:
        keys |= {k for k in s if k.startswith("est:") and k.split(":")[1] not in held_out}
    return sorted(keys)


def matrix(summaries: list[dict], keys: list[str]) -> np.ndarray:
    return np.array([[float(s.get(k, np.nan)) for k in keys] for s in summaries], dtype=float).reshape(
        len(summaries), len(keys))


def standardise(reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centre (median) and scale (MAD, else sd, else 1) of each column of the table."""
    with np.errstate(all="ignore"):
        centre = np.nanmedian(reference, axis=0)
        mad = np.nanmedian(np.abs(reference - centre), axis=0) * 1.4826
        sd = np.nanstd(reference, axis=0)
    centre = np.nan_to_num(centre)
    scale = np.where(np.nan_to_num(mad) > 0, mad, np.where(np.nan_to_num(sd) > 0, sd, 1.0))
    return centre, scale


def attribute(pseudo: np.ndarray, reference: np.ndarray, ref_models: np.ndarray, models: list[str],
              leave_out: np.ndarray | None = None) -> np.ndarray:
    """The attributed model index of each row of ``pseudo`` (``leave_out[i]``: the index of
    row i in the reference table, excluded from its own vote)."""
    centre, scale = standardise(reference)
    ref = np.nan_to_num((reference - centre) / scale)
    obs = np.nan_to_num((pseudo - centre) / scale)
    k = max(MIN_NEIGHBOURS, math.ceil(NEIGHBOURS * len(ref)))
    k = min(k, len(ref) - (1 if leave_out is not None else 0))
    counts = np.array([max(1, int((ref_models == m).sum())) for m in range(len(models))], dtype=float)
    out = np.empty(len(obs), dtype=int)
    for start in range(0, len(obs), CHUNK):
        block = obs[start:start + CHUNK]
        d = ((block[:, None, :] - ref[None, :, :]) ** 2).sum(axis=2)
        if leave_out is not None:
            d[np.arange(len(block)), leave_out[start:start + CHUNK]] = np.inf
        nearest = np.argpartition(d, k - 1, axis=1)[:, :k]
        votes = np.stack([(ref_models[nearest] == m).sum(axis=1) for m in range(len(models))], axis=1) / counts
        out[start:start + len(block)] = votes.argmax(axis=1)
    return out


def confusion(reference: list[tuple[str, dict]], posterior: list[tuple[str, dict]], models: list[str],
              held_out: tuple[str, ...]) -> pd.DataFrame:
    """`COLUMNS`: for each source (``prior``, ``posterior``), true model and attributed
    model, the share of the true model's pseudo-data attributed to it, and how many
    pseudo-data the true model had. ``reference`` and ``posterior`` are (model, summaries)."""
    keys = estimate_keys([s for _, s in reference], held_out)
    if not keys or not reference:
        return pd.DataFrame(columns=COLUMNS)
    index = {m: k for k, m in enumerate(models)}
    table = matrix([s for _, s in reference], keys)
    ref_models = np.array([index[m] for m, _ in reference])
    rows = []
    sources = {"prior": (table, ref_models, np.arange(len(table)))}
    if posterior:
        sources["posterior"] = (matrix([s for _, s in posterior], keys), np.array([index[m] for m, _ in posterior]),
                                None)
    for source, (pseudo, truth, leave_out) in sources.items():
        attributed = attribute(pseudo, table, ref_models, models, leave_out)
        for m in sorted(set(truth.tolist())):
            mine = attributed[truth == m]
            for a in range(len(models)):
                rows.append({"source": source, "true_model": models[m], "attributed_model": models[a],
                             "share": float((mine == a).mean()), "n": len(mine)})
    return pd.DataFrame(rows, columns=COLUMNS)


def pair_rates(check: pd.DataFrame, a: str, b: str) -> tuple[float, float, str]:
    """(share of A's pseudo-data attributed to B, share of B's attributed to A, source):
    from the posterior pseudo-data where both have them, else from the prior's."""
    for source in ("posterior", "prior"):
        rows = check[check.source == source].set_index(["true_model", "attributed_model"]).share
        if (a, b) in rows.index and (b, a) in rows.index:
            return float(rows[(a, b)]), float(rows[(b, a)]), source
    return float("nan"), float("nan"), ""
