"""What kind of value a parameter takes (bool, int, float or enum), decided in one place.

The schema checks that a choice's values share a kind, `--set` coerces a value to its
parameter's kind, and the compiler gives the parameter its type: all ask here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Literal

from pydantic import BaseModel

ValueKind = Literal["bool", "int", "float", "enum"]

CONTINUOUS = ("uniform", "beta", "truncnormal")  # distributions of a number with a fraction
TRUE_WORDS = ("true", "yes", "on", "1")  # how a bool may be written (any case)
FALSE_WORDS = ("false", "no", "off", "0")


def value_kind(value: object) -> ValueKind:
    """The kind of one literal value: text is an enum value."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "enum"


def values_kind(values: Iterable[object]) -> ValueKind | None:
    """The kind shared by a list of values (whole numbers and fractions make float); None
    when they mix kinds."""
    kinds = {value_kind(v) for v in values}
    if len(kinds) == 1:
        return kinds.pop()
    if kinds <= {"int", "float"}:
        return "float"
    return None


def parameter_kind(spec: object) -> ValueKind:
    """The kind of a parameter, given as plain data (`{distribution: beta, ...}`, a bare
    value) or as its schema model."""
    distribution = _field(spec, "distribution")
    if distribution == "bernoulli":
        return "bool"
    if distribution in CONTINUOUS:
        return "float"
    if distribution == "choice":
        values = _field(spec, "values") or []
        return values_kind(values if isinstance(values, list) else []) or "enum"
    if isinstance(spec, Mapping | BaseModel):
        return value_kind(_field(spec, "value"))
    return value_kind(spec)


def _field(spec: object, name: str) -> object:
    """A field of a parameter as data (a mapping) or as a model; None when absent."""
    if isinstance(spec, Mapping):
        return spec.get(name)
    return getattr(spec, name, None) if isinstance(spec, BaseModel) else None


def coerce(value: object, kind: ValueKind) -> object | None:
    """`value` as a value of `kind` (text as the command line gives it, or a value of
    Python), or None if it is not one: a finite number, a bool spelled as `--set` allows."""
    if isinstance(value, str):
        return _from_text(value.strip(), kind)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        return bool(value) if isinstance(value, int) and value in (0, 1) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if kind == "float":
        return float(value) if math.isfinite(value) else None
    if kind == "int":
        if isinstance(value, int):
            return value
        return int(value) if math.isfinite(value) and value.is_integer() else None
    return None


def _from_text(text: str, kind: ValueKind) -> object | None:
    """Text from the command line as a value of `kind`, or None."""
    if kind == "bool":
        word = text.lower()
        return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None
    if kind == "enum":
        return text or None
    try:
        number = int(text) if kind == "int" and text.lstrip("+-").isdigit() else float(text)
    except ValueError:
        return None
    return coerce(number, kind)
