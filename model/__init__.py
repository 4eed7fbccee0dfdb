"""trustnet: an agent-based model of trust and collaboration in governance networks."""

from model.network_model import TrustNetworkModel
from model.parameters import SPECS, Params
from model.scenario import Scenario, ScenarioError, load_scenario, synthetic_scenario

__version__ = "0.1.0"

__all__ = ["SPECS", "Params", "Scenario", "ScenarioError", "TrustNetworkModel", "load_scenario",
           "synthetic_scenario", "__version__"]
