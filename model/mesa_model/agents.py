"""Organisations as Mesa agents: thin views on the model's trust arrays.

The trust state lives in (1, N, N) arrays owned by the model, which the compiled weekly
process (`model.process.dynamics`) advances; an `Organisation` exposes its own row (the
trust it holds in the others) and column (the trust the others hold in it), and its
representative's attributes, as read-only properties.
"""

from __future__ import annotations

import numpy as np
from mesa import Model
from mesa.discrete_space import FixedAgent


class Organisation(FixedAgent):
    """An organisation at the table, represented by one person."""

    def __init__(self, model: Model, index: int, cell) -> None:
        """``model``: the `TrustNetworkModel` whose state arrays this organisation views."""
        super().__init__(model)
        self.index = index
        self.cell = cell
        org = model.spec.organisations[index]
        self.name = org.name
        self.domain = org.domain
        self.role = org.role

    # --- the organisation's rows and columns of the trust arrays -------------------
    def _row(self, array: np.ndarray) -> np.ndarray:
        return array[0, self.index, :]

    def _col(self, array: np.ndarray) -> np.ndarray:
        return array[0, :, self.index]

    @property
    def intentional_out(self) -> np.ndarray:
        """Intentional trust this organisation holds in each other (N,)."""
        return self._row(self.model.state.intent)

    @property
    def intentional_in(self) -> np.ndarray:
        """Intentional trust each other organisation holds in this one (N,)."""
        return self._col(self.model.state.intent)

    @property
    def cognitive_out(self) -> np.ndarray:
        return self._row(self.model.state.cog)

    @property
    def cognitive_in(self) -> np.ndarray:
        return self._col(self.model.state.cog)

    @property
    def empathic_out(self) -> np.ndarray:
        return self._row(self.model.state.emp)

    @property
    def empathic_in(self) -> np.ndarray:
        return self._col(self.model.state.emp)

    # --- the representative ---------------------------------------------------------
    @property
    def tenure(self) -> float:
        return float(self.model.state.tenure[0, self.index])

    @property
    def goal_alignment(self) -> float:
        return float(self.model.state.align[0, self.index])

    @property
    def present(self) -> bool:
        return bool(self.model.state.present[0, self.index])

    @property
    def common_language(self) -> float:
        return float(self.model.state.language[0, self.index])

    @property
    def fixed_contacts(self) -> int:
        """Organisations where this representative has a fixed contact person."""
        return int(self.model.state.fixed[0, self.index].sum())

    @property
    def sharing(self) -> float:
        return float(self.model.state.sharing[0, self.index])

    def __repr__(self) -> str:
        return f"Organisation({self.name!r}, {self.domain}, {self.role})"
