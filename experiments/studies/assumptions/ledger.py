"""Morris indices of every assumption for every answer, and which assumptions decide.

The indices and the rule for "decisive" are `experiments.analysis.screening`'s (shared with
the calibration's screening stage): mu* (the mean absolute elementary effect of moving one
assumption by two thirds of its range, four levels, in the answer's units), sigma (their
spread), and an assumption *decides* an answer when its mu* is at least `DECISIVE_SHARE`
of the largest mu* for that answer. Here: which assumptions decide the most answers.
"""

from __future__ import annotations

import pandas as pd

from experiments.analysis.screening import DECISIVE_SHARE
from experiments.analysis.screening import morris_indices as indices

__all__ = ["DECISIVE_SHARE", "indices", "measure_first"]


def measure_first(table: pd.DataFrame) -> pd.DataFrame:
    """The assumptions that decide the most answers (and how strongly, summed influence):
    what a field study should measure first. Columns: parameter, answers, influence."""
    decisive = table[table.decisive]
    out = decisive.groupby("parameter").agg(answers=("answer", "count"), influence=("influence", "sum"))
    return out.sort_values(["answers", "influence"], ascending=False).reset_index()
