"""Fog of war in a story: beliefs that differ from the truth, and what actors observed.

A one-lane model with a journal keeps each turn's beliefs beside the truths they
are about (`EscalationModel.belief_log`); here they become `Misbelief`s in the
scenario's words (the variable's description, enum values by name), and an
observation's reading reaching a belief becomes a `Happening` of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.language.compiled import CompiledScenario, Slot


@dataclass(frozen=True)
class Misbelief:
    """An actor's belief that differs from the truth, in words."""

    actor: str  # id
    actor_name: str
    about: str  # the key of the variable the belief is about
    what: str  # that variable in words: its description, or its key
    believed: str
    truth: str


def what(scenario: CompiledScenario, key: str) -> str:
    """A variable in words: its description, else its key."""
    slot = next((s for s in scenario.slots if s.key == key), None)
    description = " ".join(slot.description.split()) if slot is not None else ""
    return description or key


def belief_slots(scenario: CompiledScenario) -> tuple[Slot, ...]:
    return tuple(slot for slot in scenario.slots if slot.believer is not None)


def misbeliefs(
    scenario: CompiledScenario,
    values: Mapping[str, np.ndarray],
    say: Callable[[str, Any], str],
) -> tuple[Misbelief, ...]:
    """The beliefs of lane 0 that differ from the truth, actor by actor, in `values`
    ({key: (lanes,) array}); `say(key, value)` says a value in words."""
    out = []
    for slot in belief_slots(scenario):
        about = str(slot.about)
        believed, truth = values[slot.key][0], values[about][0]
        if believed != truth:
            out.append(
                Misbelief(
                    actor=str(slot.believer),
                    actor_name=scenario.actor_name(str(slot.believer)),
                    about=about,
                    what=what(scenario, about),
                    believed=say(slot.key, believed),
                    truth=say(about, truth),
                )
            )
    return tuple(out)
