"""Chances and weights, evaluated and held to their range: a value outside it stops the
batch with the rule, the run and the turn, never a silently clipped number."""

from __future__ import annotations

import numpy as np

from sim.engine.lanes import scalar
from sim.engine.streams import BLOCK_SIZE
from sim.errors import SimulationError
from sim.language.compiled import Rule
from sim.language.types import Compiled, Env, Value


class Chances:
    """Evaluates chances (in [0, 1]) and weights (0 or more) for one block's lanes."""

    def __init__(self, block: int, lanes: np.ndarray | None, size: int) -> None:
        self.block = block
        self.lanes = lanes  # (lanes,) int64 indices within the block; None: all of them
        self.size = size
        # expression -> the last array found in range; arrays are never changed in
        # place (effects replace them), so the same array needs no second check
        self._in_range: dict[int, np.ndarray] = {}

    def evaluate(
        self, expression: Compiled, env: Env, where: np.ndarray, upper: float | None = 1.0
    ) -> Value:
        """The value of `expression`, a scalar or (lanes,) float64, if it lies in [0, upper]
        (no upper bound for None: any finite number) where `where` (lanes,) bool holds;
        else `OutOfRange`, which `error` turns into the message a user reads. NaN and
        infinity (an overflowing expression) are outside every range."""
        value = expression.evaluate(env)  # a scalar, or (lanes,) float64
        if scalar(value):
            if value >= 0 and _below(float(value), upper):
                return value
        elif value is self._in_range.get(id(expression)):
            return value  # the very array checked last time (a parameter, say)
        elif np.minimum.reduce(value) >= 0 and _below(np.maximum.reduce(value), upper):
            self._in_range[id(expression)] = value  # type: ignore[assignment]
            return value  # the common case, checked with two reductions
        values = np.broadcast_to(value, (self.size,))
        valid = (values >= 0) & np.isfinite(values)  # (lanes,) bool
        if upper is not None:
            valid &= values <= upper
        bad = where & ~valid
        if bad.any():
            lane = int(np.flatnonzero(bad)[0])
            source = expression.text or repr(value)
            raise OutOfRange(lane, float(values[lane]), upper, source)
        return values

    def error(self, problem: OutOfRange, rule: Rule, what: str, turn: int) -> SimulationError:
        """The error a user reads for `problem`: the rule, the value, the run and the turn."""
        lane = problem.lane if self.lanes is None else int(self.lanes[problem.lane])
        run = self.block * BLOCK_SIZE + lane
        bounds = "between 0 and 1" if problem.upper is not None else "a finite number, 0 or more"
        return SimulationError(
            f"rule {rule.id!r}: the {what} `{problem.source}` evaluated to {problem.value:g} "
            f"in run {run} on turn {turn}; it must be {bounds}"
        )


def _below(value: float, upper: float | None) -> bool:
    """`value` is at most `upper`, or finite when there is no upper bound (False for NaN)."""
    return bool(value <= upper) if upper is not None else bool(value < np.inf)


class OutOfRange(Exception):
    """A chance or weight outside its range in lane `lane` (an index among those simulated)."""

    def __init__(self, lane: int, value: float, upper: float | None, source: str) -> None:
        super().__init__(lane, value, upper, source)
        self.lane, self.value, self.upper, self.source = lane, value, upper, source
