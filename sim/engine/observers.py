"""Checks and measures followed through a block of runs, every lane at once.

Per-turn items (checks `checked: every-turn`, measures `ever`, `turns`, `max`,
`first`) are read at the end of every turn, in the lanes that played it (the
turn a run ends on included); end-of-run items once every run has ended, on the
state each run ended with, with `turn` its end turn and `outcome` its outcome.
"""

from __future__ import annotations

import numpy as np

from sim.engine.lanes import State
from sim.language.compiled import CompiledScenario, Measure
from sim.language.observations import OUTCOME_KEY
from sim.language.types import Compiled, Env

NEVER = 0  # a `first` measure's turn where it never held (turns count from 1)


class Observers:
    """The per-lane record of a block's checks and measures."""

    def __init__(self, scenario: CompiledScenario, lanes: int) -> None:
        self.scenario = scenario
        self.lanes = lanes
        self.violated = {c.id: np.zeros(lanes, dtype=bool) for c in scenario.checks}
        self.values: dict[str, np.ndarray] = {}  # measure id -> (lanes,) running value
        for measure in scenario.measures:
            if measure.kind == "ever":
                self.values[measure.id] = np.zeros(lanes, dtype=bool)
            elif measure.kind in ("turns", "first"):
                self.values[measure.id] = np.zeros(lanes, dtype=np.int32)
            elif measure.kind == "max":
                self.values[measure.id] = np.full(lanes, -np.inf)
        self.turn_checks = tuple(c for c in scenario.checks if c.every_turn)
        self.turn_measures = tuple(m for m in scenario.measures if m.per_turn)
        self.per_turn = bool(self.turn_checks or self.turn_measures)

    def on_turn(self, state: State, played: np.ndarray, turn: int) -> None:
        """Read the per-turn items in the lanes that `played` (lanes,) bool this turn."""
        for check in self.turn_checks:
            self.violated[check.id] |= played & ~self._read(check.holds, state)
        for measure in self.turn_measures:
            value = self._read(measure.expression, state)
            running = self.values[measure.id]
            if measure.kind == "ever":
                running |= played & value
            elif measure.kind == "turns":
                running += played & value
            elif measure.kind == "first":
                running[(running == NEVER) & played & value] = turn
            else:
                np.maximum(running, np.where(played, value, -np.inf), out=running)

    def at_end(self, state: State, outcome: np.ndarray, end_turn: np.ndarray) -> None:
        """Read the end-of-run items on each run's last state (every run has ended)."""
        if not (self.scenario.checks or self.scenario.measures):
            return
        env: dict[str, np.ndarray] = dict(state)
        env[OUTCOME_KEY] = outcome
        env["turn"] = end_turn.astype(np.int32)
        for check in self.scenario.checks:
            if not check.every_turn:
                self.violated[check.id] |= ~self._read(check.holds, env)
        for measure in self.scenario.measures:
            if measure.kind == "value":
                self.values[measure.id] = self._read(measure.expression, env)

    def measure_columns(self) -> dict[str, np.ndarray]:
        """Each measure's per-run values, as its column holds them (see `column_values`)."""
        return {m.id: column_values(m, self.values[m.id]) for m in self.scenario.measures}

    def _read(self, expression: Compiled, env: Env) -> np.ndarray:
        """An expression in every lane: (lanes,) (a scalar is broadcast)."""
        value = np.asarray(expression.evaluate(env))
        if value.shape != (self.lanes,):
            value = np.broadcast_to(value, (self.lanes,))
        return value


def column_values(measure: Measure, values: np.ndarray) -> np.ndarray:
    """A measure's values as stored: bool for conditions, int32 for `turns`, float64 for
    numbers, and for `first` float64 with NaN (missing) in the runs where it never held."""
    if measure.boolean:
        return values.astype(bool)
    if measure.kind == "turns":
        return values.astype(np.int32)
    if measure.kind == "first":
        return np.where(values == NEVER, np.nan, values.astype(np.float64))
    return values.astype(np.float64)
