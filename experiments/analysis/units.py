"""Outcomes in units a reader knows: cases resolved per year, the share of open cases
with joint action, stalls per year -- over a window of weeks.

"Collaboration 0.28" means little to a policy reader; "about 40 cases resolved a year,
seven in ten open cases worked on by two organisations or more" can be weighed against
hours. The policy study reads these as paired effects, the run report as levels, the
scenario check as the effect of each setting; all count them here, from the weekly model
table (columns ``step``, the metrics, and a replication or run column). `headline` puts
them beside trust, sharing and collaboration at the horizon.
"""

from __future__ import annotations

import pandas as pd

from experiments.analysis.outcomes import at_horizon

# measure -> (what a reader reads, the metric it is counted from)
MEASURES = {
    "resolved_per_year": ("cases resolved per year", "cases_resolved"),
    "joint_action_share": ("share of open cases with joint action", "cases_joint"),
    "stalls_per_year": ("stalls per year", "stalls"),
}
LEVELS = {"intentional_trust": "intentional trust", "cognitive_trust": "cognitive trust",
          "empathic_trust": "empathic trust", "info_shared": "information shared", "collaboration": "collaboration"}
COUNTS = {"misuse_events": "misuse events (in the whole run)", "turnover_events": "replacements (in the whole run)"}
LABELS = {**LEVELS, **{m: label for m, (label, _) in MEASURES.items()}, **COUNTS}
SHARES = ("joint_action_share",)  # a share of the open cases, averaged over the window's weeks
FEWER_IS_BETTER = ("stalls_per_year",)


def windowed(model: pd.DataFrame, measure: str, first: int, last: int, by: str = "replication") -> pd.Series:
    """A measure per ``by`` over weeks ``first``..``last``: a cumulative count's increase
    (at week ``last`` minus at week ``first`` - 1) per 52 weeks, or, for joint action, the
    share of the open cases on which at least two organisations have acted, averaged over
    the weeks of the window that have open cases."""
    metric = MEASURES[measure][1]
    if measure in SHARES:
        weeks = model[(model.step >= first) & (model.step <= last) & (model.cases_open > 0)]
        share = weeks[metric] / weeks.cases_open
        return share.groupby(weeks[by]).mean()
    end = model[model.step == last].set_index(by)[metric]
    before = model[model.step == first - 1].set_index(by)[metric]
    return (end - before) * 52.0 / (last - first + 1)


def headline(model: pd.DataFrame, by: str = "run") -> pd.DataFrame:
    """The headline outcomes, one row per ``by`` and one column per outcome in `LABELS`:
    trust, sharing and collaboration at the horizon (`at_horizon`), cases resolved and
    stalls per year and the joint-action share over the whole run, and the misuse and
    replacements that happened."""
    last = int(model.step.max())
    out = {m: at_horizon(model, m, by=by) for m in LEVELS}
    out.update({m: windowed(model, m, 1, last, by=by) for m in MEASURES})
    out.update({m: model[model.step == last].set_index(by)[m] for m in COUNTS})
    return pd.DataFrame(out)
