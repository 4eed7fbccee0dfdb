"""Figure helpers the studies share: saving a figure, and a mean with its 95% band."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def save_figure(fig, path: Path, dpi: int = 100, tight: bool = True) -> Path:
    """Write a matplotlib figure to ``path`` and release it."""
    if tight:
        fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return Path(path)


def band(frame: pd.DataFrame, value: str, by: str = "step") -> pd.DataFrame:
    """Mean and 95% band over replications at each ``by`` value."""
    g = frame.groupby(by)[value]
    n = g.count().clip(lower=1)
    mean, sd = g.mean(), g.std(ddof=1).fillna(0.0)
    half = 1.96 * sd / np.sqrt(n)
    return pd.DataFrame({"mean": mean, "low": mean - half, "high": mean + half})


def plot_band(ax, b: pd.DataFrame, colour: str, label: str, ls: str = "-") -> None:
    """A mean line with its 95% band (from `band`)."""
    ax.plot(b.index, b["mean"], color=colour, label=label, ls=ls)
    ax.fill_between(b.index, b["low"], b["high"], color=colour, alpha=0.25 if ls == "-" else 0.12)
