"""Where a parameter's values may lie: the support of its distribution, or a fixed value's bounds.

`--set` refuses a value outside it (a probability of 1.5) before anything runs, and
a resumed batch refuses a saved block whose sampled values fall outside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from pydantic import BaseModel


def numeric_support(spec: object) -> tuple[float, float]:
    """The closed interval a numeric parameter's values lie in (infinite ends when open).

    `spec` is the parameter as plain data or as its schema model: a uniform or
    truncated normal lies in [low, high], a beta in [0, 1], a fixed value in its
    optional [min, max].
    """
    distribution = _field(spec, "distribution")
    if distribution == "beta":
        return 0.0, 1.0
    if distribution in ("uniform", "truncnormal"):
        return _number(_field(spec, "low"), -math.inf), _number(_field(spec, "high"), math.inf)
    if distribution is None:
        return _number(_field(spec, "min"), -math.inf), _number(_field(spec, "max"), math.inf)
    return -math.inf, math.inf


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
