"""The one exception of the model package: a scenario, parameter or option is invalid.

It lives apart so that every module that validates input (scenarios, interventions,
parameters) can raise it without importing the others.
"""

from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario file or override is invalid; the message is one readable line."""
