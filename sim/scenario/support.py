"""Where a parameter's values may lie: a share or probability's [0, 1], a fixed value's bounds.

`--set` refuses a value outside it (a probability of 1.5) before anything runs, and
a resumed batch refuses a saved block whose sampled values fall outside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from pydantic import BaseModel


def numeric_support(spec: object) -> tuple[float, float]:
    """The closed interval a numeric parameter's values lie in (infinite ends when open).

    `spec` is the parameter as plain data or as its schema model.
    """
    low, high, _ = support(spec)
    return low, high


def support(spec: object) -> tuple[float, float, str]:
    """`numeric_support`, and why: a beta is a share or probability, [0, 1]; so is a
    uniform or truncated normal drawn within [0, 1] (a value fixed outside it is a
    mistake, whereas elsewhere its low and high are a judged range, not a limit); a
    fixed value lies within its optional `min` and `max`."""
    distribution = _field(spec, "distribution")
    if distribution == "beta":
        return 0.0, 1.0, "a beta parameter is a share or probability"
    if distribution in ("uniform", "truncnormal"):
        low = _number(_field(spec, "low"), -math.inf)
        high = _number(_field(spec, "high"), math.inf)
        if low >= 0 and high <= 1:
            why = f"drawn from {_shown(low)} to {_shown(high)}, it is a share or probability"
            return 0.0, 1.0, why
    if distribution is None:
        low = _number(_field(spec, "min"), -math.inf)
        high = _number(_field(spec, "max"), math.inf)
        return low, high, "the scenario's min and max"
    return -math.inf, math.inf, ""


def describe_support(low: float, high: float) -> str:
    """An interval as a user reads it: `between 0 and 1`, `at least 0`, `at most 5`."""
    if math.isinf(low):
        return f"at most {_shown(high)}"
    if math.isinf(high):
        return f"at least {_shown(low)}"
    return f"between {_shown(low)} and {_shown(high)}"


def _shown(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _number(value: object, default: float) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return default


def _field(spec: object, name: str) -> object:
    if isinstance(spec, Mapping):
        return spec.get(name)
    if isinstance(spec, BaseModel):
        return getattr(spec, name, None)
    return None
