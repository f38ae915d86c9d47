"""Effects: new per-lane values written where a rule fired, clipped to their bounds."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.engine.journal import Change
from sim.engine.lanes import State, scalar
from sim.language.compiled import Effect
from sim.language.types import Env, Value


def apply_effects(
    state: State,
    effects: tuple[Effect, ...],
    mask: np.ndarray,
    follow: Callable[[State, str], None] | None,
    record: bool,
    seen: Env | None = None,
) -> list[Change]:
    """Apply `effects` in order where `mask` (lanes,) bool holds; with `record`, return each
    (key, before, after), and the world's level where it follows an actor's rung.

    After each write `follow(state, key)` keeps peaks and a derived level in step (None
    defers that, as simultaneous moves do). The values are evaluated on `seen` (with
    simultaneous moves, the world at the start of the actors' phase), or on `state`."""
    changes = []
    source = state if seen is None else seen
    for effect in effects:
        before = state[effect.key]
        value = effect.expression.evaluate(source)
        if effect.expression.type.kind != "enum":  # enum values are valid codes already
            value = clip(value, effect.low, effect.high)
        after = masked(before, mask, value, effect.dtype)
        state[effect.key] = after
        level = state["level"]
        if follow is not None:
            follow(state, effect.key)
        if record:
            changes.append((effect.key, before, after))
            followed = state["level"] is not level and effect.key != "level"
            if followed and not np.array_equal(level, state["level"]):  # it follows the rungs
                changes.append(("level", level, state["level"]))
    return changes


def clip(value: Value, low: float | None, high: float | None) -> Value:
    """`value` (a scalar or a (lanes,) array) kept within [low, high]; None is no bound."""
    if scalar(value):
        if low is not None and value < low:
            return low
        if high is not None and value > high:
            return high
        return value
    if low is not None:
        value = np.maximum(value, low)
    if high is not None:
        value = np.minimum(value, high)
    return value


def masked(before: np.ndarray, mask: np.ndarray, value: Value, dtype: type) -> np.ndarray:
    """A new (lanes,) array of `dtype` (that of `before`): `value` where `mask` holds,
    `before` elsewhere; a value of another type is cast as `astype` would."""
    if dtype is np.bool_ and scalar(value):  # setting or clearing a flag: the cheapest
        flag: np.ndarray = before | mask if value else before & ~mask
        return flag
    after = before.copy()  # then a masked copy: half the cost of np.where
    np.copyto(after, value, where=mask, casting="unsafe")
    return after
