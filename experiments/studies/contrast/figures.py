"""Figures of the contrast experiment (PNG, readable without the code)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from experiments.analysis.figures import band, plot_band, save_figure  # noqa: E402
from experiments.analysis.patterns import exposed_after_breach  # noqa: E402
from experiments.analysis.scorecard import scenario_facts  # noqa: E402
from experiments.studies.contrast.hybrid import GROUPS  # noqa: E402
from model.scenario import DOMAINS, load_scenario  # noqa: E402

COLOURS = {"x": "tab:blue", "y": "tab:red"}
DOMAIN_COLOURS = dict(zip(DOMAINS, ["tab:green", "tab:blue", "tab:orange", "tab:purple", "tab:brown",
                                    "tab:gray"], strict=True))
TRAJECTORY_METRICS = ("intentional_trust", "cognitive_trust", "empathic_trust", "info_shared",
                      "collaboration")


def trajectories(main, path: Path) -> Path:
    fig, axes = plt.subplots(1, 5, figsize=(20, 3.8), sharex=True)
    for ax, metric in zip(axes, TRAJECTORY_METRICS, strict=True):
        for name in ("x", "y"):
            plot_band(ax, band(main.get("model", name), metric), COLOURS[name], f"network {name.upper()}")
        ax.axvline(104, color="grey", lw=0.8, ls=":")
        ax.set_title(metric.replace("_", " "))
        ax.set_xlabel("week since the network was founded")
        ax.set_ylim(0, 1)
    axes[0].set_ylabel("mean over replications (95% band)")
    axes[0].legend(loc="lower left")
    fig.suptitle("Trust, information shared and collaboration in X and Y (dotted: Y's newcomer, week 104)")
    save_figure(fig, path)
    return path


def p2_dyads(main, path: Path) -> Path:
    """What P2's criterion compares: members exposed to the interested party after week 104
    (red) and those not exposed (grey), each in Y (solid) and in their own counterfactual
    without misuse, the same seeds (dashed)."""
    misuser = scenario_facts()["interested"]
    holders = [o.name for o in load_scenario("y").organisations if o.role != "minute-taker"]
    exposed = exposed_after_breach(main.get("pairs", "y"), misuser)
    victims = set(exposed.index[exposed.to_numpy()])
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(13, 4.2))
    for label, dash in (("y", "-"), ("y-no-misuse", "--")):
        pairs, agents = main.get("pairs", label), main.get("agents", label)
        toward = pairs[(pairs.trustee == misuser) & pairs.trustor.isin(holders)].copy()
        toward["group"] = ["exposed" if (r, t) in victims else "not exposed"
                           for r, t in zip(toward.replication, toward.trustor, strict=True)]
        ag = agents[agents.org.isin(holders) & (agents.org != misuser)].copy()
        ag["group"] = ["exposed" if (r, t) in victims else "not exposed"
                       for r, t in zip(ag.replication, ag.org, strict=True)]
        world = "in Y" if label == "y" else "without misuse (same seeds)"
        for group, colour in (("exposed", "tab:red"), ("not exposed", "tab:gray")):
            per = toward[toward.group == group].groupby(["replication", "step"])["intentional"].mean()
            plot_band(a1, band(per.reset_index(), "intentional"), colour, f"{group}, {world}", ls=dash)
            sh = ag[ag.group == group].groupby(["replication", "step"])["sharing"].mean().reset_index()
            sh["week4"] = (sh.step // 4) * 4
            sh = sh.groupby(["replication", "week4"])["sharing"].max().reset_index()
            plot_band(a2, band(sh, "sharing", by="week4"), colour, f"{group}, {world}", ls=dash)
    for ax, title in ((a1, f"intentional trust in the {misuser}"), (a2, "share of own case information shared")):
        ax.axvline(104, color="black", lw=0.8, ls=":")
        ax.set_xlim(60, 156)
        ax.set_ylim(0, 1)
        ax.set_xlabel("week (dotted: the newcomer with a diverging vision joins)")
        ax.set_title(title)
        ax.legend(loc="lower left", fontsize=7)
    fig.suptitle("P2 in network Y: members whose data lay before the housing corporation after week 104 "
                 "(exposed), against their own counterfactual without misuse")
    save_figure(fig, path)
    return path


def networks(main, path: Path) -> Path:
    fig, axes = plt.subplots(2, 2, figsize=(14, 13))
    cmap = plt.get_cmap("RdYlGn")
    for row, name in enumerate(("x", "y")):
        sc = load_scenario(name)
        pairs = main.get("pairs", name)
        g = nx.complete_graph([o.name for o in sc.organisations], create_using=nx.DiGraph)
        pos = nx.circular_layout(g)
        for col, week in enumerate((0, int(pairs.step.max()))):
            ax = axes[row, col]
            mean = pairs[pairs.step == week].groupby(["trustor", "trustee"])["intentional"].mean()
            edges = list(mean.index)
            colours = [cmap(v) for v in mean.values]
            nx.draw_networkx_nodes(g, pos, ax=ax, node_size=900,
                                   node_color=[DOMAIN_COLOURS[o.domain] for o in sc.organisations])
            nx.draw_networkx_edges(g, pos, edgelist=edges, edge_color=colours, ax=ax, width=1.6,
                                   arrowsize=9, connectionstyle="arc3,rad=0.08", node_size=900)
            for label, (px, py) in pos.items():
                ha = "left" if px > 0.2 else "right" if px < -0.2 else "center"
                ax.text(1.15 * px, 1.17 * py, label, ha=ha, va="center", fontsize=8)
            ax.set_title(f"network {name.upper()}, week {week}")
            ax.set_xlim(-2.0, 2.0)
            ax.set_ylim(-1.35, 1.35)
            ax.set_axis_off()
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(0, 1))
    fig.colorbar(sm, ax=axes, shrink=0.5, label="intentional trust of the trustor (arrow tail)")
    handles = [plt.Line2D([], [], marker="o", ls="", color=c, label=d) for d, c in DOMAIN_COLOURS.items()
               if d in {o.domain for n in "xy" for o in load_scenario(n).organisations}]
    fig.legend(handles=handles, loc="upper left", title="domain")
    fig.suptitle("Intentional trust between the organisations (mean over replications; edge colour = "
                 "trust of the organisation at the arrow's tail)")
    save_figure(fig, path, dpi=90, tight=False)
    return path


def sweeps(sweep: pd.DataFrame, path: Path) -> Path:
    fig, axes = plt.subplots(1, len(GROUPS), figsize=(3.2 * len(GROUPS), 3.6), sharey=True)
    colours = {"intentional_trust": "tab:blue", "info_shared": "tab:orange", "collaboration": "tab:green"}
    for ax, group in zip(axes, GROUPS, strict=True):
        for outcome, colour in colours.items():
            sel = sweep[(sweep.group == group) & (sweep.outcome == outcome)]
            ax.plot(sel.level, sel["mean"], marker="o", color=colour, label=outcome.replace("_", " "))
            ax.fill_between(sel.level, sel.ci_low, sel.ci_high, color=colour, alpha=0.2)
        ax.set_title(group.replace("_", " "))
        ax.set_xlabel("0 = X's setting ... 1 = Y's")
        ax.set_ylim(0, 1)
    axes[0].set_ylabel("end of horizon (95% CI)")
    axes[0].legend(loc="lower left", fontsize=8)
    fig.suptitle("One group of X-Y differences at a time, everything else at X")
    save_figure(fig, path)
    return path


def decomposition(table: pd.DataFrame, path: Path) -> Path:
    outcomes = list(dict.fromkeys(table.outcome))
    fig, ax = plt.subplots(figsize=(10, 5))
    width = 0.8 / len(outcomes)
    y = np.arange(len(GROUPS))
    for k, outcome in enumerate(outcomes):
        sel = table[table.outcome == outcome].set_index("group").loc[list(GROUPS)]
        err = np.vstack([sel.share - sel.ci_low, sel.ci_high - sel.share])
        ax.barh(y + k * width, sel.share, height=width, xerr=err, label=outcome.replace("_", " "),
                capsize=2)
    ax.set_yticks(y + width * (len(outcomes) - 1) / 2, [g.replace("_", " ") for g in GROUPS])
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("share of the X-Y gap explained (Shapley, 95% CI)")
    ax.invert_yaxis()
    ax.legend()
    ax.set_title("Why is Y different from X?")
    save_figure(fig, path)
    return path


def draw_all(out: Path, main, sweep: pd.DataFrame, dec: pd.DataFrame) -> dict[str, Path]:
    out = Path(out)
    return {
        "trajectories": trajectories(main, out / "trajectories.png"),
        "p2_dyads": p2_dyads(main, out / "p2_dyads.png"),
        "networks": networks(main, out / "networks.png"),
        "sweeps": sweeps(sweep, out / "sweeps.png"),
        "decomposition": decomposition(dec, out / "decomposition.png"),
    }
