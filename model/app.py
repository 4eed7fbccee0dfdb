"""Interactive exploration in the browser: a Mesa SolaraViz page.

Run with ``trustnet app`` (prints the address) or ``solara run model/app.py``. The page
has a scenario selector (X, Y or a scenario file), sliders for the moderators and key
parameters, switches for the six interventions and the theory variants, a seed field;
the network (organisations coloured by domain and sized by how much they share, ties
coloured by the trust kind chosen), time series of the three trust kinds, information
shared and collaboration, and an event log (misuse detected, turnover, stalls,
evaluations).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import solara  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from mesa.visualization import SolaraViz, SpaceRenderer, make_plot_component  # noqa: E402
from mesa.visualization.components import AgentPortrayalStyle  # noqa: E402
from mesa.visualization.user_param import Slider  # noqa: E402
from mesa.visualization.utils import update_counter  # noqa: E402

from model.interventions import INTERVENTIONS  # noqa: E402
from model.network_model import TrustNetworkModel  # noqa: E402
from model.scenario import DOMAINS, load_scenario  # noqa: E402
from model.variants import THEORY_PAIRS  # noqa: E402

DOMAIN_COLOURS = dict(zip(DOMAINS, ["tab:green", "tab:blue", "tab:orange", "tab:purple", "tab:brown",
                                    "tab:gray"], strict=True))
TIE_ARRAYS = {"intentional": "intent", "cognitive": "cog", "empathic": "emp"}
SLIDERS = ("open_atmosphere", "informal_rate", "power_asymmetry", "voice", "turnover_rate", "absence_scale",
           "shared_goal", "task_clarity", "sharing_risk", "loss_ratio")


class AppModel(TrustNetworkModel):
    """The trust model with keyword parameters a SolaraViz page can set.

    ``network`` is ``x``, ``y`` or the path in ``scenario_file``; slider values apply
    only when ``use_sliders`` is on (otherwise the scenario's own values hold); each
    intervention is a switch, each theory pair a choice.
    """

    def __init__(self, network: str = "y", scenario_file: str = "", rng=42, ties: str = "intentional",
                 use_sliders: bool = False, update_rule: str = "asymmetric_ceiling", **settings):
        settings.pop("scenario", None)  # SolaraViz passes Mesa's own (empty) scenario object on reset
        spec = load_scenario(scenario_file.strip() or network)
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
        super().__init__(scenario=spec.with_overrides(overrides), rng=int(rng))
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


def agent_portrayal(agent) -> AgentPortrayalStyle:
    """Organisations coloured by domain, sized by the share of information they put on the table."""
    return AgentPortrayalStyle(color=DOMAIN_COLOURS[agent.domain], size=80 + 600 * agent.sharing,
                               edgecolors="black", linewidths=0.8, zorder=3)


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
    model = model or AppModel()
    renderer = SpaceRenderer(model, backend="matplotlib").setup_structure(
        edge_kwargs={"alpha": 0.15, "arrows": False}).setup_agents(agent_portrayal)
    renderer.render()
    trust_plot = make_plot_component({"intentional_trust": "tab:blue", "cognitive_trust": "tab:orange",
                                      "empathic_trust": "tab:green"})
    sharing_plot = make_plot_component({"info_shared": "tab:purple", "collaboration": "tab:red"})
    components = [(Status, 0), (TrustTies, 0), trust_plot, sharing_plot, (EventLog, 0)]
    return SolaraViz(model, renderer, components=components,
                     model_params=model_params(), name="trustnet: trust in care-and-safety networks",
                     play_interval=150)


page = build_page()
