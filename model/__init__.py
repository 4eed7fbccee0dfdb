"""trustnet: an agent-based model of trust and collaboration in governance networks.

Three rooms:

* `model.inputs` -- what a run is given: the parameter registry, scenarios (X, Y,
  synthetic networks), the interventions' catalogue, the theory variants, and the one
  guarded reader and the schemas of every input file;
* `model.process` -- the weekly process and its equations, compiled: state, structure,
  random numbers, trust rules, levers, the weekly process, metrics, the compiled driver
  and the two engines (`simulate` through the Mesa model, `simulate_batch` for blocks);
* `model.mesa_model` -- the Mesa face: `TrustNetworkModel`, its agents, the app.

May import: third-party packages only; nothing from `experiments`.
"""

from model.inputs.parameters import SPECS, Params
from model.inputs.scenario import Scenario, ScenarioError, load_scenario, synthetic_scenario

__version__ = "0.1.0"


def __getattr__(name: str):
    """`TrustNetworkModel` on first use: importing Mesa takes most of a worker process's
    start-up, and the batched engine (what the workers run) does not need it."""
    if name == "TrustNetworkModel":
        from model.mesa_model.network_model import TrustNetworkModel

        return TrustNetworkModel
    raise AttributeError(f"module 'model' has no attribute {name!r}")


__all__ = ["SPECS", "Params", "Scenario", "ScenarioError", "TrustNetworkModel", "load_scenario",
           "synthetic_scenario", "__version__"]
