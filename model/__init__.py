"""trustnet: an agent-based model of trust and collaboration in governance networks.

The simulation, from the bottom up: `parameters` (the registry of every parameter),
`errors`, `files` (one guarded reader for every input file), `schema` (the schemas of
the file kinds), `interventions` (the catalogue of I1-I6), `scenario` and `scenarios/`
(networks X and Y), `structure` (static arrays of a block of runs), `variants` (T1-T8)
and `levers` (the interventions acting in a week), `state` and `draws` (dynamic state
and random numbers), `trust` (the update rules), `dynamics` (the weekly process),
`metrics`; then the two engines that drive it: `network_model` with `agents` (the Mesa
model, one run) and `engines` (`simulate` through the Mesa model, `simulate_batch` for
many runs at once); `app` with `app_ensemble` (the web page and its ensemble view) and
`parameter_table` (the ODD table).

May import: third-party packages only; nothing from `experiments`.
"""

from model.parameters import SPECS, Params
from model.scenario import Scenario, ScenarioError, load_scenario, synthetic_scenario

__version__ = "0.1.0"


def __getattr__(name: str):
    """`TrustNetworkModel` on first use: importing Mesa takes most of a worker process's
    start-up, and the batched engine (what the workers run) does not need it."""
    if name == "TrustNetworkModel":
        from model.network_model import TrustNetworkModel

        return TrustNetworkModel
    raise AttributeError(f"module 'model' has no attribute {name!r}")


__all__ = ["SPECS", "Params", "Scenario", "ScenarioError", "TrustNetworkModel", "load_scenario",
           "synthetic_scenario", "__version__"]
