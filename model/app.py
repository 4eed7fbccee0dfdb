"""Interactive exploration in the browser: a Mesa SolaraViz page.

Run with ``trustnet app`` (prints the address) or ``solara run model/app.py``. The page
has a scenario selector (X, Y or a scenario file), sliders for the moderators and key
parameters, switches for the six interventions and the theory variants, a seed field;
the network (organisations coloured by domain and sized by how much they share, ties
coloured by the trust kind chosen), time series of the three trust kinds, information
shared and collaboration drawn over the mean and 95% band of R replications of the same
settings (`model.app_ensemble`, computed in the background), the paired effect of the
interventions switched on against the baseline, and an event log (misuse detected,
turnover, stalls, evaluations).

The scenario-file box reads only ``.toml`` files under the server's working directory
(or the built-in names): whoever can open the page must not be able to read the
server's other files, so a refused or invalid file is reported without its content.
"""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")
from pathlib import Path  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import solara  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from mesa.visualization import SolaraViz  # noqa: E402
from mesa.visualization.user_param import Slider  # noqa: E402
from mesa.visualization.utils import update_counter  # noqa: E402

from model.app_ensemble import Ensemble, ensemble  # noqa: E402
from model.errors import ScenarioError  # noqa: E402
from model.interventions import INTERVENTIONS  # noqa: E402
from model.network_model import TrustNetworkModel  # noqa: E402
from model.scenario import DOMAINS, builtin_scenarios, load_scenario, load_scenario_file  # noqa: E402
from model.variants import THEORY_PAIRS  # noqa: E402

DOMAIN_COLOURS = dict(zip(DOMAINS, ["tab:green", "tab:blue", "tab:orange", "tab:purple", "tab:brown",
                                    "tab:gray"], strict=True))
TIE_ARRAYS = {"intentional": "intent", "cognitive": "cog", "empathic": "emp"}
SLIDERS = ("open_atmosphere", "informal_rate", "power_asymmetry", "voice", "turnover_rate", "absence_scale",
           "shared_goal", "task_clarity", "sharing_risk", "loss_ratio")


def app_scenario(network: str, scenario_file: str = "") -> tuple:
    """(scenario, notice): the file typed into the box if it is allowed and valid, else
    the selected network with a notice saying why -- never the file's content."""
    text = str(scenario_file).strip()
    if not text:
        return load_scenario(network if network in builtin_scenarios() else "y"), ""
    if text.lower() in builtin_scenarios():
        return load_scenario(text.lower()), ""
    fallback = load_scenario(network if network in builtin_scenarios() else "y")
    root = Path.cwd().resolve()
    try:
        path = (root / text).resolve()
    except (OSError, ValueError, RuntimeError):
        path = None
    if path is None or path.suffix != ".toml" or not path.is_relative_to(root):
        return fallback, (f"scenario file refused: only .toml files under the app's working directory "
                          f"or {', '.join(builtin_scenarios())}; showing {fallback.name}")
    try:
        return load_scenario_file(path), ""
    except ScenarioError:
        return fallback, (f"{path.relative_to(root)} is not a valid scenario (check it with "
                          f"`trustnet run {path.relative_to(root)} --steps 1 --reps 1 --out CHECK`); "
                          f"showing {fallback.name}")


class AppModel(TrustNetworkModel):
    """The trust model with keyword parameters a SolaraViz page can set.

    ``network`` is ``x``, ``y`` or the path in ``scenario_file``; slider values apply
    only when ``use_sliders`` is on (otherwise the scenario's own values hold); each
    intervention is a switch, each theory pair a choice.
    """

    def __init__(self, network: str = "y", scenario_file: str = "", rng=42, ties: str = "intentional",
                 use_sliders: bool = False, update_rule: str = "asymmetric_ceiling", ensemble_reps: int = 30,
                 **settings):
        settings.pop("scenario", None)  # SolaraViz passes Mesa's own (empty) scenario object on reset
        spec, self.notice = app_scenario(network, scenario_file)
        self.ensemble_reps = max(0, min(200, int(ensemble_reps)))
        overrides = {"update_rule": update_rule}
        for name in SLIDERS:
            if use_sliders and name in settings:
                overrides[name] = float(settings[name])
        for name in THEORY_PAIRS:
            if name in settings:
                overrides[name] = settings[name]
        for name, intervention in INTERVENTIONS.items():
            if settings.get(name):
                overrides[intervention.flag] = True
        try:
            self.seed_root = int(str(rng).strip())
            if self.seed_root < 0:
                raise ValueError
        except ValueError:
            self.seed_root, self.notice = 42, f"seed must be a whole number >= 0; using 42. {self.notice}".strip()
        super().__init__(scenario=spec.with_overrides(overrides), rng=self.seed_root)
        self.ties = ties if ties in TIE_ARRAYS else "intentional"
        self.events: list[str] = []
        self._harmed = 0.0

    def step(self) -> None:
        super().step()
        s, week = self.state, self.state.week
        harmed = float(s.harmed.sum())
        if harmed > self._harmed:
            self.events.append(f"week {week}: misuse of shared data detected ({int(harmed - self._harmed)} victim(s))")
        self._harmed = harmed
        if s.last_turnover[0] > 0:
            self.events.append(f"week {week}: {int(s.last_turnover[0])} representative(s) replaced")
        if s.last_stalls[0] > 0:
            self.events.append(f"week {week}: work stalled {int(s.last_stalls[0])} time(s) (fixed contact absent)")
        if s.last_evaluation[0] > 0:
            self.events.append(f"week {week}: evaluation led by the chair")


def draw_ties(model: AppModel) -> Figure:
    """Directed ties coloured by the trust kind chosen (arrow from trustor to trustee)."""
    n = model.structure.n
    graph = nx.complete_graph(n, create_using=nx.DiGraph)
    pos = nx.circular_layout(graph)
    values = getattr(model.state, TIE_ARRAYS[model.ties])[0]
    fig = Figure(figsize=(6, 6))
    ax = fig.subplots()
    cmap = plt.get_cmap("RdYlGn")
    edges = [(i, j) for i in range(n) for j in range(n) if i != j]
    nx.draw_networkx_edges(graph, pos, edgelist=edges, edge_color=[cmap(values[i, j]) for i, j in edges],
                           ax=ax, width=1.5, arrowsize=8, connectionstyle="arc3,rad=0.08", node_size=600)
    orgs = model.organisations()
    nx.draw_networkx_nodes(graph, pos, ax=ax, node_color=[DOMAIN_COLOURS[o.domain] for o in orgs],
                           node_size=[150 + 900 * o.sharing for o in orgs], edgecolors="black")
    for o in orgs:
        x, y = pos[o.index]
        ax.text(1.18 * x, 1.15 * y, o.name, ha="center", va="center", fontsize=7)
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.4, 1.4)
    ax.set_axis_off()
    ax.set_title(f"{model.ties} trust (red 0 - green 1), week {model.week}")
    fig.colorbar(plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(0, 1)), ax=ax, shrink=0.6)
    return fig


@solara.component
def TrustTies(model):
    update_counter.get()  # re-render after every step
    solara.FigureMatplotlib(draw_ties(model), dependencies=[model.week, model.ties])


@solara.component
def Status(model):
    update_counter.get()
    solara.Markdown(f"**Week {model.week}** of network **{model.spec.name}** "
                    f"({model.structure.n} organisations)")
    if model.notice:
        solara.Warning(model.notice)


PANELS = ((("intentional_trust", "tab:blue"), ("cognitive_trust", "tab:orange"), ("empathic_trust", "tab:green")),
          (("info_shared", "tab:purple"), ("collaboration", "tab:red")))


def draw_series(model: AppModel, ens: Ensemble | None) -> Figure:
    """The single run (solid) over the ensemble's mean (dashed) and 95% band of replications;
    below, when interventions are on, their paired effect against the baseline up to this week."""
    rows = 3 if ens is not None and ens.effects else 2
    fig = Figure(figsize=(7, 2.6 * rows))
    axes = fig.subplots(rows, 1, sharex=True)
    run = model.datacollector.get_model_vars_dataframe()
    weeks = np.arange(len(run))
    for ax, panel in zip(axes, PANELS, strict=False):
        for metric, colour in panel:
            if ens is not None:
                band = ens.metrics[metric]
                t = np.arange(len(band.mean))
                ax.fill_between(t, band.low, band.high, color=colour, alpha=0.15, lw=0)
                ax.plot(t, band.mean, color=colour, ls="--", lw=1)
            ax.plot(weeks, run[metric], color=colour, lw=1.8, label=metric.replace("_", " "))
        ax.set_ylim(0, 1)
        ax.legend(fontsize=7, loc="lower left")
    what = (f"this run (solid) over {ens.reps} replications: mean (dashed), 95% of runs (band)"
            if ens is not None else "this run")
    axes[0].set_title(what, fontsize=9)
    if rows == 3:
        ax, week = axes[2], model.week
        for metric, colour in (("intentional_trust", "tab:blue"), ("collaboration", "tab:red")):
            band = ens.effects[metric]
            t = np.arange(week + 1)
            ax.fill_between(t, band.low[: week + 1], band.high[: week + 1], color=colour, alpha=0.2, lw=0)
            ax.plot(t, band.mean[: week + 1], color=colour, label=metric.replace("_", " "))
        ax.axhline(0, color="black", lw=0.8)
        ax.set_title(f"effect of {', '.join(ens.interventions)} against the baseline (same seeds): "
                     "mean and 95% interval", fontsize=9)
        ax.legend(fontsize=7, loc="upper left")
    axes[-1].set_xlabel("week")
    fig.tight_layout()
    return fig


@solara.component
def Series(model):
    """Time series with the ensemble behind them; the ensemble runs in a background thread
    and is recomputed only when the settings (scenario, seed, replications) change."""
    update_counter.get()
    key = (json.dumps(model.spec.to_dict(), sort_keys=True, default=str), model.seed_root, model.ensemble_reps)

    def compute():
        return ensemble(model.spec, model.ensemble_reps, model.seed_root) if model.ensemble_reps > 1 else None

    result = solara.use_thread(compute, dependencies=[key])
    ens = result.value if result.state == solara.ResultState.FINISHED else None
    if model.ensemble_reps > 1 and result.state != solara.ResultState.FINISHED:
        solara.Info(f"running {model.ensemble_reps} replications in the background ...")
    solara.FigureMatplotlib(draw_series(model, ens), dependencies=[model.week, key, result.state])


@solara.component
def EventLog(model):
    update_counter.get()
    lines = model.events[-12:][::-1] or ["no events yet"]
    solara.Markdown("**Event log** (latest first)\n\n" + "\n".join(f"- {line}" for line in lines))


def model_params() -> dict:
    y = load_scenario("y").params
    params = {
        "network": {"type": "Select", "value": "y", "values": ["x", "y"], "label": "Network"},
        "scenario_file": {"type": "InputText", "value": "", "label": "or a scenario file (path)"},
        "rng": {"type": "InputText", "value": 42, "label": "Random seed"},
        "ties": {"type": "Select", "value": "intentional", "values": list(TIE_ARRAYS), "label": "Ties show"},
        "use_sliders": {"type": "Checkbox", "value": False, "label": "Use the sliders (else the network's values)"},
        "ensemble_reps": {"type": "SliderInt", "value": 30, "label": "Replications behind the run (0: none)",
                          "min": 0, "max": 200, "step": 10},
    }
    ranges = {"informal_rate": (0, 1), "turnover_rate": (0, 1), "absence_scale": (0, 3), "loss_ratio": (1, 6)}
    for name in SLIDERS:
        low, high = ranges.get(name, (0, 1))
        params[name] = Slider(name.replace("_", " "), float(getattr(y, name)), low, high, 0.05)
    for name, intervention in INTERVENTIONS.items():
        params[name] = {"type": "Checkbox", "value": False, "label": f"{intervention.id} {name.replace('_', ' ')}"}
    for name in THEORY_PAIRS:
        params[name] = {"type": "Select", "value": "study", "values": ["study", "literature"],
                        "label": f"{name} theory variant"}
    params["update_rule"] = {"type": "Select", "value": "asymmetric_ceiling",
                             "values": ["asymmetric_ceiling", "asymmetric", "symmetric", "value_performance"],
                             "label": "trust update rule"}
    return params


def build_page(model: AppModel | None = None):
    """The page: one network drawing (the labelled ties; Mesa's own space drawing would
    repeat it without names), the series with their ensemble, the event log."""
    model = model or AppModel()
    components = [(Status, 0), (TrustTies, 0), (Series, 0), (EventLog, 0)]
    return SolaraViz(model, None, components=components,
                     model_params=model_params(), name="trustnet: trust in care-and-safety networks",
                     play_interval=150)


page = build_page()
