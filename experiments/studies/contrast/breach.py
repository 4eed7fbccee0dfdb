"""Which channel of Y's breach carries the contrast.

Y's last year brings a newcomer with a diverging vision to an organisation with an
interest of its own, and two further replacements. Three channels carry its effect:

* **misuse** -- the newcomer uses shared data for its organisation's interest
  (``opportunism``);
* **goal erosion** -- its diverging vision makes the goal look less clear and shared
  to the others (``goal_erosion``), which lowers their effort and what they expect of
  later arrivals;
* **reset on arrival** -- the part of intentional trust toward and of each arrival that
  restarts from the goal as it stands instead of carrying over (``goodwill_transfer``).

Each channel is switched off on its own in Y (same seeds). Its effect on an outcome --
P7's difference in differences or the end-of-horizon X - Y gap -- is Y's value minus the
value without the channel; the whole is Y's value minus that of Y without its last
year's events (the P7 ablation). A channel's share is its effect over the whole, with the
delta-method interval over paired replications; "together" is what the channels do only
jointly (the whole minus their sum), so the shares add up to 1.
"""

from __future__ import annotations

import pandas as pd

from experiments.analysis import outcomes as oc
from experiments.analysis.patterns import BEFORE, P7_METRICS
from experiments.studies.contrast.decomposition import ratio_share

CHANNELS = {"misuse": {"opportunism": False}, "goal erosion": {"goal_erosion": 0.0},
            "reset on arrival": {"goodwill_transfer": 1.0}}
WITHOUT_BREACH = {"opportunism": False, "scheduled_events": False}  # the P7 ablation


def label(channel: str) -> str:
    return "y-without:" + channel.replace(" ", "-")


def breach_points() -> list[dict]:
    """Y with each channel switched off, and Y without its last year (model series only)."""
    return [{"label": label(c), "scenario": "y", **switch} for c, switch in CHANNELS.items()] + [
        {"label": label("breach"), "scenario": "y", **WITHOUT_BREACH}]


def _outcomes(x: pd.DataFrame, y: pd.DataFrame) -> pd.DataFrame:
    """Per replication: P7's difference in differences and the end-of-horizon X - Y gap."""
    out = {}
    for metric in P7_METRICS:
        end_x, end_y = oc.per_run(x, metric, oc.end_weeks(x)), oc.per_run(y, metric, oc.end_weeks(y))
        out[f"did:{metric}"] = (end_y - oc.per_run(y, metric, BEFORE)) - (end_x - oc.per_run(x, metric, BEFORE))
        out[f"gap:{metric}"] = end_x - end_y
    return pd.DataFrame(out)


def breach_table(main, probes) -> pd.DataFrame:
    """Columns: channel, outcome, effect (mean), share, ci_low, ci_high (the rows of
    ``breach.csv``); outcomes ``did:<metric>`` and ``gap:<metric>``."""
    x = main.get("model", "x")
    y = _outcomes(x, main.get("model", "y"))
    whole = y - _outcomes(x, probes.get("model", label("breach")))
    rows, parts = [], 0.0
    for channel in CHANNELS:
        effect = y - _outcomes(x, probes.get("model", label(channel)))
        parts = parts + effect
        for outcome in y.columns:
            share, low, high = ratio_share(effect[outcome], whole[outcome])
            rows.append({"channel": channel, "outcome": outcome, "effect": effect[outcome].mean(), "share": share,
                         "ci_low": low, "ci_high": high})
    for outcome in y.columns:
        share, low, high = ratio_share(whole[outcome] - parts[outcome], whole[outcome])
        rows.append({"channel": "together", "outcome": outcome, "effect": (whole[outcome] - parts[outcome]).mean(),
                     "share": share, "ci_low": low, "ci_high": high})
    for outcome in y.columns:
        rows.append({"channel": "whole breach", "outcome": outcome, "effect": whole[outcome].mean(), "share": 1.0,
                     "ci_low": 1.0, "ci_high": 1.0})
    return pd.DataFrame(rows, columns=["channel", "outcome", "effect", "share", "ci_low", "ci_high"])
