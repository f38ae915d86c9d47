"""What a seat at the table may see: its actor's view of the world, and no more.

A seat sees the public state, its actor's own state, the hidden variables its
actor observes, and its actor's beliefs (labelled as beliefs); it never sees a
hidden truth it does not observe, nor another actor's belief. What happened is
told to it through the same filter: its own acts in full, its own observations,
others' acts in full unless they write a truth hidden from it, and chance
events in full unless they read it; those are told by their visible changes
alone (a rule's name, option or narration can give a hidden truth away). The umpire's
seat (`open`) sees everything. The game of `play` and, later, the web table use
this one definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from sim.language.compiled import CompiledScenario
from sim.story.told import Happening, Turn

UNSEEN_NARRATION = "Something happened whose cause is hidden from you."


class SeatView:
    """The view of the seat that plays `actor` (everything, for the umpire: `open`)."""

    def __init__(self, scenario: CompiledScenario, actor: str, open: bool = False) -> None:
        self.scenario = scenario
        self.actor = actor
        self.open = open
        observes = set(scenario.spec.actors[actor].observes)
        self.visible = {
            slot.key
            for slot in scenario.slots
            if open
            or (slot.believer == actor)
            or (slot.believer is None and (not slot.hidden or slot.owner == actor))
            or slot.key in observes
        }
        self.beliefs = {s.key: str(s.about) for s in scenario.slots if s.believer == actor}
        # others' rules that write a truth the seat may not see, and chance events that
        # read what it may not see: their names, options and narration could give it
        # away, so only their visible changes show. (Another actor's act judged on what
        # only it sees is still an act the seat sees.)
        unseen = {slot.key for slot in scenario.slots} - self.visible
        truths = {slot.key for slot in scenario.slots if slot.believer is None} & unseen
        self.telling = {
            rule.id
            for rule in scenario.all_rules()
            if rule.actor != actor
            and (rule.writes() & truths or (rule.actor is None and rule.reads & unseen))
        }

    def sees(self, key: str) -> bool:
        """Whether the seat may see the state variable `key` (level, peak: always)."""
        return key in self.visible or key in ("level", "peak")

    def state(self, values: Mapping[str, np.ndarray], shown: set[str]) -> list[tuple[str, str]]:
        """Of the keys `shown`, those the seat may see, beliefs labelled as beliefs:
        [(label, key)] in the scenario's order."""
        out = []
        for slot in self.scenario.slots:
            if slot.key in shown and self.sees(slot.key):
                label = f"belief.{self.beliefs[slot.key]}" if slot.key in self.beliefs else slot.key
                out.append((label, slot.key))
        return out

    def happening(self, happening: Happening) -> Happening | None:
        """The happening as the seat may be told it, or None if it may not be told at all."""
        if self.open:
            return happening
        if happening.kind == "observation":
            return happening if happening.actor == self.actor else None
        # whether a belief was false is the truth itself: told at the end
        happening = replace(happening, on_false_belief=False)
        visible = tuple(c for c in happening.changes if self.sees(c.key))
        if happening.actor == self.actor:
            return replace(happening, changes=visible)
        if happening.rule not in self.telling and len(visible) == len(happening.changes):
            return happening
        if not visible:
            return None
        return Happening(
            kind="unseen",
            rule="",
            actor=None,
            actor_name="You see",
            narration=UNSEEN_NARRATION,
            changes=visible,
        )

    def turn(self, turn: Turn) -> Turn:
        """A turn as the seat may be told it: what it may see happen, no one's misbeliefs."""
        if self.open:
            return turn
        told = (self.happening(h) for h in turn.happenings)
        return replace(
            turn,
            happenings=tuple(h for h in told if h is not None),
            misbeliefs=(),
            beliefs_changed=False,
        )
