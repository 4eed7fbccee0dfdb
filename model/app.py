"""Interactive exploration in the browser: a Solara page around Mesa's model controller.

Run with ``trustnet app`` (prints the address) or ``solara run model/app.py``. The sidebar
holds Mesa's `ModelController` (Reset, play/pause, Step) and the settings: the network
(X, Y or a scenario file), the seed, sliders for the moderators and key parameters (each
showing its value, starting at the network's own), switches for the interventions I1-I6,
the theory variants and the update rule. **A change of setting takes effect at once**:
the run starts again at week 0 with it, as the page says; what the ties show and the
number of replications behind the run change only the view. The main column shows the
week and who is at the table, the network (organisations coloured by domain and sized by
how much they share, ties coloured by the trust kind chosen; an organisation appears in
the week it joins), the time series of the three trust kinds, information shared and
collaboration over the mean and 95% band of R replications of the same settings
(`model.app_ensemble`, computed in the background and drawn as the replications come
in), the paired effect of the interventions switched on against the baseline, and an
event log (misuse detected, turnover, stalls, evaluations, members joining).

Why not Mesa's `SolaraViz` as a whole: its inputs act only on Reset (without saying so),
its sliders show no values, it puts the components under a tab ("Page 0"), and its
Markdown text loads KaTeX from a CDN. This page keeps Mesa's model, controller and step
loop, and lays out the rest with components that need no asset beyond the local
solara-assets package, so it loads with no internet.

The scenario-file box reads only ``.toml`` files under the server's working directory
(or the built-in names): whoever can open the page must not be able to read the
server's other files, so a refused or invalid file is reported without its content.
"""

from __future__ import annotations

import json
import textwrap

import matplotlib

matplotlib.use("Agg")
from pathlib import Path  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import solara  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from mesa.visualization.solara_viz import ModelController  # noqa: E402
from mesa.visualization.utils import force_update, update_counter  # noqa: E402

from model.app_ensemble import Ensemble, ensemble_in_steps  # noqa: E402
from model.errors import ScenarioError  # noqa: E402
from model.interventions import INTERVENTIONS  # noqa: E402
from model.network_model import TrustNetworkModel  # noqa: E402
from model.parameters import SPEC_BY_NAME  # noqa: E402
from model.scenario import DOMAINS, builtin_scenarios, load_scenario, load_scenario_file  # noqa: E402
from model.variants import THEORY_PAIRS  # noqa: E402

DOMAIN_COLOURS = dict(zip(DOMAINS, ["tab:green", "tab:blue", "tab:orange", "tab:purple", "tab:brown",
                                    "tab:gray"], strict=True))
TIE_ARRAYS = {"intentional": "intent", "cognitive": "cog", "empathic": "emp"}
SLIDERS = ("open_atmosphere", "informal_rate", "power_asymmetry", "voice", "turnover_rate", "absence_scale",
           "shared_goal", "task_clarity", "sharing_risk", "loss_ratio")
VIEW_ONLY = ("ties", "ensemble_reps")  # settings that change what is shown, not the run
UPDATE_RULES = SPEC_BY_NAME["update_rule"].choices


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
                          f"`trustnet check {path.relative_to(root)}`); showing {fallback.name}")


class AppModel(TrustNetworkModel):
    """The trust model with keyword parameters a Solara page can set.

    ``network`` is ``x``, ``y`` or the path in ``scenario_file``; a slider name given as a
    keyword overrides the network's own value; each intervention is a switch, each
    theory pair a choice.
    """

    def __init__(self, network: str = "y", scenario_file: str = "", rng=42, ties: str = "intentional",
                 update_rule: str = "asymmetric_ceiling", ensemble_reps: int = 30, **settings):
        settings.pop("scenario", None)  # Mesa's controller passes its own (empty) scenario object on reset
        spec, self.notice = app_scenario(network, scenario_file)
        self.ensemble_reps = max(0, min(200, int(ensemble_reps)))
        overrides = {"update_rule": update_rule if update_rule in UPDATE_RULES else "asymmetric_ceiling"}
        for name in SLIDERS:
            if settings.get(name) is not None:
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
        try:
            spec = spec.with_overrides(overrides)
        except ScenarioError as exc:  # a slider beyond a parameter's range
            self.notice = f"{exc}; using the network's own values. {self.notice}".strip()
            spec = spec.with_overrides({"update_rule": overrides["update_rule"]})
        super().__init__(scenario=spec, rng=self.seed_root)
        self.ties = ties if ties in TIE_ARRAYS else "intentional"
        self.events: list[str] = []
        self._harmed = 0.0

    def members(self) -> np.ndarray:
        """(N,) bool: the organisations that have joined by this week."""
        return self.structure.join_week <= self.week

    def step(self) -> None:
        super().step()
        s, week = self.state, self.state.week
        for o in self.spec.organisations:
            if o.joins == week and week > 0:
                self.events.append(f"week {week}: {o.name} joins the network")
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


def label_place(x: float, y: float) -> dict:
    """Text alignment for a label outside a circle at (x, y): away from the centre."""
    ha = "left" if x > 0.3 else ("right" if x < -0.3 else "center")
    va = "bottom" if y > 0.3 else ("top" if y < -0.3 else "center")
    return {"ha": ha, "va": va}


def draw_ties(model: AppModel) -> Figure:
    """Directed ties coloured by the trust kind chosen (arrow from trustor to trustee),
    between the organisations that have joined by this week; each organisation keeps its
    place on the circle, so one that joins appears in its own slot."""
    n = model.structure.n
    here = model.members()
    graph = nx.complete_graph(n, create_using=nx.DiGraph)
    pos = nx.circular_layout(graph)
    values = getattr(model.state, TIE_ARRAYS[model.ties])[0]
    fig = Figure(figsize=(7, 6))
    ax = fig.subplots()
    cmap = plt.get_cmap("RdYlGn")
    nodes = [i for i in range(n) if here[i]]
    edges = [(i, j) for i in nodes for j in nodes if i != j]
    nx.draw_networkx_edges(graph, pos, edgelist=edges, edge_color=[cmap(values[i, j]) for i, j in edges],
                           ax=ax, width=1.5, arrowsize=8, connectionstyle="arc3,rad=0.08", node_size=600)
    orgs = model.organisations()
    nx.draw_networkx_nodes(graph, pos, nodelist=nodes, ax=ax, node_color=[DOMAIN_COLOURS[orgs[i].domain]
                                                                          for i in nodes],
                           node_size=[150 + 900 * orgs[i].sharing for i in nodes], edgecolors="black")
    for i in nodes:
        x, y = pos[i]
        ax.text(1.14 * x, 1.14 * y, textwrap.fill(orgs[i].name, 18), fontsize=8, linespacing=1.0,
                **label_place(x, y))
    ax.set_xlim(-2.1, 2.1)
    ax.set_ylim(-1.5, 1.5)
    ax.set_axis_off()
    ax.set_title(f"{model.ties} trust (red 0 - green 1), week {model.week}")
    fig.colorbar(plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(0, 1)), ax=ax, shrink=0.6)
    return fig


PANELS = ((("intentional_trust", "tab:blue"), ("cognitive_trust", "tab:orange"), ("empathic_trust", "tab:green")),
          (("info_shared", "tab:purple"), ("collaboration", "tab:red")))


def draw_series(model: AppModel, ens: Ensemble | None, total: int = 0) -> Figure:
    """The single run (solid) over the ensemble's mean (dashed) and 95% band of replications;
    below, when interventions are on, their paired effect against the baseline over the
    whole horizon, the current week marked. ``total`` is the number of replications asked
    for (the ensemble may hold fewer while they come in)."""
    rows = 3 if ens is not None and ens.interventions else 2
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
    of = f" of {total}" if total and ens is not None and ens.reps < total else ""
    what = (f"this run (solid) over {ens.reps}{of} replications: mean (dashed), 95% of runs (band)"
            if ens is not None else "this run")
    axes[0].set_title(what, fontsize=9)
    if rows == 3:
        ax = axes[2]
        for metric, colour in (("intentional_trust", "tab:blue"), ("collaboration", "tab:red")):
            band = ens.effects[metric]
            t = np.arange(len(band.mean))
            ax.fill_between(t, band.low, band.high, color=colour, alpha=0.2, lw=0)
            ax.plot(t, band.mean, color=colour, label=metric.replace("_", " "))
        ax.axhline(0, color="black", lw=0.8)
        ax.axvline(model.week, color="gray", ls=":", lw=0.8)
        ax.set_title(f"effect of {', '.join(ens.interventions)} against the baseline (same seeds, {ens.reps}{of} "
                     "pairs): mean and 95% interval", fontsize=9)
        ax.legend(fontsize=7, loc="upper left")
    axes[-1].set_xlabel("week")
    fig.tight_layout()
    return fig


@solara.component
def Status(model):
    update_counter.get()
    here = model.members()
    later = [o for o, joined in zip(model.spec.organisations, here, strict=True) if not joined]
    text = f"Week {model.week} of network {model.spec.name} ({model.structure.n} organisations"
    if later:
        text += f"; {int(here.sum())} at the table, " + ", ".join(f"{o.name} joins in week {o.joins}" for o in later)
    solara.Text(text + ")", style={"font-weight": "bold"})
    if model.notice:
        solara.Warning(model.notice)


@solara.component
def TrustTies(model):
    update_counter.get()  # re-render after every step
    solara.FigureMatplotlib(draw_ties(model), dependencies=[model.week, model.ties, id(model)])


@solara.component
def Series(model):
    """Time series with the ensemble behind them; the ensemble runs in a background thread,
    a few replications at a time (the bands fill as they come in, with a progress bar), and
    is recomputed only when the settings (scenario, seed, replications) change."""
    update_counter.get()
    key = json.dumps([model.spec.to_dict(), model.seed_root, model.ensemble_reps], sort_keys=True, default=str)
    latest = solara.use_reactive(("", None))  # (key, ensemble so far)

    def compute(cancel):
        if model.ensemble_reps < 2:
            return
        for ens in ensemble_in_steps(model.spec, model.ensemble_reps, model.seed_root, chunk=10):
            if cancel.is_set():
                return
            latest.set((key, ens))

    # the thread checks for cancellation between steps itself: solara's intrusive cancel traces every
    # line of Python in the thread and makes the engine about ten times slower
    solara.use_thread(compute, dependencies=[key], intrusive_cancel=False)
    ens = latest.value[1] if latest.value[0] == key else None
    total = model.ensemble_reps
    done = ens.reps if ens is not None else 0
    if total > 1 and done < total:
        solara.Text(f"running {total} replications in the background: {done} of {total} done")
        solara.ProgressLinear(value=100 * done / total)
    solara.FigureMatplotlib(draw_series(model, ens, total), dependencies=[model.week, key, done, id(model)])
    if ens is not None and ens.interventions:
        solara.Text(effect_summary(ens, total))


def effect_summary(ens: Ensemble, total: int) -> str:
    """The paired effect at the horizon, in words (the panel's numbers, readable as text)."""
    cells = []
    for metric in ("collaboration", "intentional_trust", "info_shared"):
        band = ens.effects[metric]
        cells.append(f"{metric.replace('_', ' ')} {band.mean[-1]:+.3f} [{band.low[-1]:+.3f}, {band.high[-1]:+.3f}]")
    weeks = len(ens.effects["collaboration"].mean) - 1
    return (f"Effect of {', '.join(ens.interventions)} at week {weeks}, {ens.reps} of {total} pairs: "
            + "; ".join(cells) + " (mean and 95% interval).")


@solara.component
def EventLog(model):
    update_counter.get()
    lines = model.events[-12:][::-1] or ["no events yet"]
    solara.Text("Event log (latest first)", style={"font-weight": "bold"})
    for line in lines:
        solara.Text(line)


def initial_settings() -> dict:
    """The page's settings at start: every keyword of `AppModel`, sliders not moved."""
    return {"network": "y", "scenario_file": "", "rng": 42, "ties": "intentional", "ensemble_reps": 30,
            "update_rule": "asymmetric_ceiling", **{name: False for name in INTERVENTIONS},
            **{name: "study" for name in THEORY_PAIRS}}


SLIDER_STEP = 0.01
SLIDER_RANGES = {"informal_rate": (0.0, 1.0), "turnover_rate": (0.0, 1.0), "absence_scale": (0.0, 3.0),
                 "loss_ratio": (1.0, 6.0)}


def changed(settings: dict, name: str, value) -> dict:
    """The settings after one change: a new network (or file) drops the moved sliders, so
    that they show the new network's own values."""
    new = {**settings, name: value}
    if name in ("network", "scenario_file"):
        for slider in SLIDERS:
            new.pop(slider, None)
    return new


@solara.component
def Settings(model: solara.Reactive, settings: solara.Reactive):
    """The inputs. A change that alters the run rebuilds the model at once (week 0);
    view settings change the current model in place."""

    def set_(name):
        def on_value(value):
            if name in SLIDERS and abs(float(value) - float(getattr(model.value.spec.params, name))) < SLIDER_STEP / 2:
                return  # the slider rounding a value between its steps, not a move by the user
            settings.value = changed(settings.value, name, value)
            if name in VIEW_ONLY:
                if name == "ties":
                    model.value.ties = value if value in TIE_ARRAYS else "intentional"
                else:
                    model.value.ensemble_reps = max(0, min(200, int(value)))
                force_update()
            else:
                model.value = AppModel(**settings.value)
        return on_value

    s = settings.value
    solara.Text("A change below takes effect at once: the run starts again at week 0 with it. "
                "'Ties show' and the replications behind the run change the view only.",
                style={"font-size": "0.85em"})
    solara.Select("Network", values=list(builtin_scenarios()), value=s["network"], on_value=set_("network"))
    solara.InputText("or a scenario file (path)", value=s["scenario_file"], on_value=set_("scenario_file"))
    solara.InputText("Random seed", value=str(s["rng"]), on_value=set_("rng"))
    solara.Select("Ties show", values=list(TIE_ARRAYS), value=s["ties"], on_value=set_("ties"))
    solara.SliderInt(f"Replications behind the run: {s['ensemble_reps']} (0: none)", value=s["ensemble_reps"],
                     min=0, max=200, step=10, on_value=set_("ensemble_reps"), thumb_label=True)
    params = model.value.spec.params
    for name in SLIDERS:
        low, high = SLIDER_RANGES.get(name, (0.0, 1.0))
        value = float(getattr(params, name))
        own = "" if name in s else " (network's own)"
        solara.SliderFloat(f"{name.replace('_', ' ')}: {value:.2f}{own}", value=value, min=low, max=high,
                           step=SLIDER_STEP, on_value=set_(name), thumb_label=True)
    for name, intervention in INTERVENTIONS.items():
        solara.Checkbox(label=f"{intervention.id} {name.replace('_', ' ')}", value=s[name], on_value=set_(name))
    for name in THEORY_PAIRS:
        solara.Select(f"{name} theory variant", values=["study", "literature"], value=s[name], on_value=set_(name))
    solara.Select("Trust update rule", values=list(UPDATE_RULES), value=s["update_rule"],
                  on_value=set_("update_rule"))


@solara.component
def Page():
    """The app: Mesa's controller and the settings in the sidebar, the views in one column."""
    settings = solara.use_reactive(initial_settings())
    first = solara.use_memo(lambda: AppModel(**initial_settings()), [])
    model = solara.use_reactive(first)
    play_interval = solara.use_reactive(150)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)
    solara.Title("trustnet")
    with solara.AppBar():
        solara.AppBarTitle("trustnet: trust in care-and-safety networks")
    with solara.Sidebar(), solara.Column():
        with solara.Card("Run"):
            ModelController(model, model_parameters=settings, play_interval=play_interval,
                            render_interval=render_interval, use_threads=use_threads)
            solara.SliderInt(f"Play interval: {play_interval.value} ms", value=play_interval, min=10, max=500,
                             step=10, thumb_label=True)
        with solara.Card("Settings"):
            Settings(model, settings)
    with solara.Column():
        Status(model.value)
        TrustTies(model.value)
        Series(model.value)
        EventLog(model.value)

