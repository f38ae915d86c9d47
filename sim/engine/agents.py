"""The actors at the table: each a Mesa agent that resolves its own rules in order."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.language.compiled import Rule

if TYPE_CHECKING:
    from sim.engine.model import EscalationModel


class Actor(mesa.Agent):
    """A state or an alliance. Its state lives in the model's per-lane arrays
    (`russia.alert`), so one agent acts for every lane of the block at once."""

    def __init__(
        self, model: EscalationModel, actor_id: str, name: str, rules: tuple[Rule, ...]
    ) -> None:
        super().__init__(model)
        self.actor_id = actor_id
        self.name = name
        self.rules = rules

    def step(self) -> None:
        """The actor's part of a turn: its rules in the order the scenario lists them."""
        for rule in self.rules:
            self.model.resolve(rule)
