"""Simultaneous moves that write one variable: each actor's write kept apart, then combined.

With `combine: {tension: sum}` every actor in the actors' phase writes `tension` on its own
copy of the state as the phase began; once all have moved, the writes of each lane are
combined by the variable's rule (see `docs/scenario-language.md`, "Simultaneous moves"),
so the result does not depend on the order of `actors:` (except with `last-listed`, which
says it does). Lanes where no actor wrote keep the value the phase began with.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.engine.journal import Change
from sim.engine.lanes import State
from sim.language.compiled import Effect

Write = tuple[np.ndarray, np.ndarray]  # (lanes written, (lanes,) bool; values, (lanes,))
Bounds = tuple[float | None, float | None]


class Combiner:
    """The writes of combined variables in one actors' phase, actor by actor."""

    def __init__(
        self, rules: Mapping[str, str], start: State, bounds: Mapping[str, Bounds]
    ) -> None:
        self.rules = rules  # variable -> max, min, sum, any, all or last-listed
        self.start = start  # the state as the phase began
        self.bounds = bounds  # variable -> (low, high), for sums
        self.writes: dict[str, list[Write]] = {key: [] for key in rules}
        self.marks: dict[str, np.ndarray] = {}  # variable -> lanes the moving actor wrote

    def note(self, effects: tuple[Effect, ...], mask: np.ndarray) -> None:
        """The moving actor applied `effects` where `mask` (lanes,) bool holds."""
        for effect in effects:
            if effect.key in self.rules:
                marked = self.marks.get(effect.key)
                self.marks[effect.key] = mask.copy() if marked is None else marked | mask

    def actor_done(self, state: State) -> None:
        """Keep what the actor that just moved wrote, and put the phase's start back for
        the next one."""
        for key, mask in self.marks.items():
            self.writes[key].append((mask, state[key]))
            state[key] = self.start[key]
        self.marks = {}

    def combine(self, state: State) -> list[Change]:
        """Every combined variable set to its actors' writes, combined lane by lane; the
        changes, (key, start of the phase, combined)."""
        changes = []
        for key, writes in self.writes.items():
            if writes:
                start = self.start[key]
                value = _combined(self.rules[key], start, writes, self.bounds.get(key))
                state[key] = value.astype(start.dtype, copy=False)
                changes.append((key, start, state[key]))
        return changes


def _combined(
    rule: str, start: np.ndarray, writes: list[Write], bounds: Bounds | None
) -> np.ndarray:
    """The combined value of one variable, (lanes,): `start` where nobody wrote."""
    if rule == "last-listed":
        value = start
        for mask, written in writes:
            value = np.where(mask, written, value)
        return value
    if rule == "sum":  # the changes add up, within the variable's bounds
        total = start.astype(np.float64 if start.dtype.kind == "f" else np.int64)
        for mask, written in writes:
            total = total + np.where(mask, written - start.astype(total.dtype), 0)
        low, high = bounds or (None, None)
        return np.clip(total, low, high) if low is not None or high is not None else total
    pick = {"max": np.maximum, "min": np.minimum, "any": np.logical_or, "all": np.logical_and}
    join = pick[rule]
    value, anyone = start, np.zeros(start.shape, dtype=bool)
    for mask, written in writes:
        joined = np.where(anyone, join(value, written), written)
        value = np.where(mask, joined, value)
        anyone = anyone | mask
    return value
