"""Per-lane values: the world's state, and the tests the engine asks of them at every step,
each as cheap as numpy allows."""

from __future__ import annotations

import numpy as np

from sim.language.types import Compiled, Value

State = dict[str, np.ndarray]  # variable key -> (lanes,) array (and "turn", a plain int)


def some(lanes: np.ndarray) -> bool:
    """Whether a (lanes,) mask holds anywhere (count_nonzero: the fastest test in numpy)."""
    return bool(np.count_nonzero(lanes) > 0)


def scalar(value: Value) -> bool:
    """Whether an expression gave one value for every lane rather than a (lanes,) array."""
    return not isinstance(value, np.ndarray) or value.ndim == 0


def always(expression: Compiled) -> bool:
    """Whether a condition is the constant true (a rule or option without `when`)."""
    return expression.constant and expression.evaluate({}) is True
