"""The actors at the table: each a Mesa agent that holds its rules and resolves them in order.

The model seats the actors; an actor knows the model only as a `Table` (what it needs of
it), so this module does not import the model.
"""

from __future__ import annotations

from typing import Protocol

import mesa
import numpy as np

from sim.engine.beliefs import Beliefs
from sim.engine.journal import Firing
from sim.engine.lanes import State
from sim.language.compiled import Rule
from sim.language.types import Env


class Table(Protocol):
    """What an actor needs of the model it sits at: the world and the steps of a rule."""

    state: State  # variable key -> (lanes,) array: the world as it is
    active: np.ndarray  # (lanes,) bool: runs still going
    turn: int
    journal: list[Firing] | None
    # with simultaneous moves, the world at the start of the actors' phase; else None
    start_of_moves: State | None

    def resolve(self, rule: Rule, view: Env | None = None) -> None:
        """Decide, in every lane, whether `rule` fires (judged on `view`) and its effects."""


class Actor(mesa.Agent):
    """A state or an alliance. Its state lives in the model's per-lane arrays
    (`russia.alert`), so one agent acts for every lane of the block at once."""

    model: Table

    def __init__(
        self, model: Table, actor_id: str, name: str, rules: tuple[Rule, ...], beliefs: Beliefs
    ) -> None:
        super().__init__(model)
        self.actor_id = actor_id
        self.name = name
        self.rules = rules  # its rules, in the order the scenario lists them
        self.beliefs = beliefs  # its observations, updating its beliefs

    @property
    def view(self) -> Env:
        """What the actor judges its rules on: the world as it is, or, with simultaneous
        moves, as it was when the actors' phase began. Its rules were compiled against its
        view (public state, its own, what it observes, its beliefs `actor.belief.x`), so
        they read nothing else of it."""
        start = self.model.start_of_moves
        return self.model.state if start is None else start

    def observe(self) -> None:
        """The actor's observations of the turn update its beliefs (the truth is read)."""
        model = self.model
        self.beliefs.observe(model.state, model.active, model.turn, model.journal)

    def step(self) -> None:
        """The actor's part of a turn: each of its rules resolved, in order, on its view."""
        for rule in self.rules:
            self.act(rule)

    def act(self, rule: Rule) -> None:
        """Resolve one of its rules on its view (the model steps a turn rule by rule, so that
        a turn in progress can stop and resume between two rules)."""
        self.model.resolve(rule, self.view)
