"""Rungs of their own: actors that hold a position on the ladder, and the world's level.

An actor with `rung:` holds its own position (`<actor>.level`) and its highest so far
(`<actor>.peak`); the world's `level` is then the highest of those rungs, the lowest, or
a separate rung of its own (`world_level:`). `follow` keeps the peaks and the derived
level in step after a write; the engine and the exact analysis both call it, so the two
agree on what a write of a rung means.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass

import numpy as np

from sim.errors import did_you_mean
from sim.language.problems import Problems
from sim.scenario import schema

LEVEL, PEAK = "level", "peak"
OWN_NAMES = (LEVEL, PEAK)  # the names an actor with a rung reads as `<actor>.level`, `.peak`


@dataclass(frozen=True)
class Positions:
    """The actors that hold a rung (in the order of `actors:`), where each starts, and how
    the world's level follows them (`highest`, `lowest` or `separate`)."""

    actors: tuple[str, ...] = ()
    initial: tuple[int, ...] = ()  # each actor's starting rung, a ladder index
    world: schema.WorldLevel = "separate"

    @property
    def derived(self) -> bool:
        """Whether the world's level is computed from the actors' rungs (not set by rules)."""
        return bool(self.actors) and self.world != "separate"

    def initial_level(self, otherwise: int) -> int:
        """The world's starting rung: derived from the actors', or `otherwise`."""
        if not self.derived:
            return otherwise
        return max(self.initial) if self.world == "highest" else min(self.initial)

    def rung_keys(self) -> tuple[str, ...]:
        return tuple(rung_key(actor) for actor in self.actors)

    def follow(self, state: MutableMapping[str, np.ndarray], key: str) -> None:
        """After `key` was written: its actor's peak, and the world's level and peak if they
        follow it. Arrays are replaced, never changed in place."""
        if key == LEVEL:
            state[PEAK] = np.maximum(state[PEAK], state[LEVEL])
            return
        actor, _, name = key.partition(".")
        if name != LEVEL or actor not in self.actors:
            return
        peak = peak_key(actor)
        state[peak] = np.maximum(state[peak], state[key])
        if self.derived:
            self._derive(state)

    def settle(self, state: MutableMapping[str, np.ndarray]) -> None:
        """Every peak and the derived level brought up to date at once (after simultaneous
        moves, whose writes land together)."""
        for actor in self.actors:
            peak = peak_key(actor)
            state[peak] = np.maximum(state[peak], state[rung_key(actor)])
        if self.derived:
            self._derive(state)
        else:
            state[PEAK] = np.maximum(state[PEAK], state[LEVEL])

    def _derive(self, state: MutableMapping[str, np.ndarray]) -> None:
        combine = np.maximum if self.world == "highest" else np.minimum
        rungs = [state[key] for key in self.rung_keys()]
        level = rungs[0]
        for rung in rungs[1:]:
            level = combine(level, rung)
        state[LEVEL] = level.astype(np.int16, copy=True)
        state[PEAK] = np.maximum(state[PEAK], state[LEVEL])


def rung_key(actor: str) -> str:
    """The state key of an actor's rung."""
    return f"{actor}.{LEVEL}"


def peak_key(actor: str) -> str:
    """The state key of an actor's highest rung so far."""
    return f"{actor}.{PEAK}"


def positions(spec: schema.ScenarioSpec, ladder: tuple[str, ...], problems: Problems) -> Positions:
    """The actors with a rung of their own, checked against the ladder and their state."""
    actors, initial = [], []
    for actor_id, actor in spec.actors.items():
        if actor.rung is None:
            continue
        path = ("actors", actor_id)
        if actor.rung not in ladder:
            problems.add(
                path + ("rung",),
                f"unknown ladder level {actor.rung!r}",
                did_you_mean(actor.rung, ladder),
            )
        for name in OWN_NAMES:
            if name in actor.state:
                problems.add(
                    path + ("state", name),
                    f"{actor_id!r} holds a rung, so `{actor_id}.{name}` is its "
                    f"{'rung' if name == LEVEL else 'highest rung so far'}",
                    "give the variable another name",
                )
        actors.append(actor_id)
        initial.append(ladder.index(actor.rung) if actor.rung in ladder else 0)
    if not actors:
        if "world_level" in spec.model_fields_set:
            problems.add(
                ("world_level",),
                "`world_level` applies only when actors hold rungs of their own",
                "give an actor its starting rung, e.g. `rung: " + ladder[0] + "`",
            )
        return Positions()
    found = Positions(tuple(actors), tuple(initial), spec.world_level)
    if found.derived and spec.initial_level is not None:
        problems.add(
            ("initial_level",),
            f"the world's level is the {spec.world_level} of the actors' rungs, "
            "so it starts where they start",
            "drop `initial_level`, or say `world_level: separate`",
        )
    return found
