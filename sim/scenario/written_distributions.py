"""A distribution written as text, `beta(2,5)`: how `--set NAME=DIST(...)` redraws a parameter.

The distributions are the schema's own, with their arguments in the schema's order:
`uniform(low,high)`, `beta(a,b)`, `truncnormal(mean,sd,low,high)`, `bernoulli(p)` and
`choice(v1,v2,...)` (equal chances). A written distribution is checked against the
parameter it replaces: its kind (a number takes uniform, beta, truncnormal or a choice
of numbers; a bool bernoulli or a choice of true/false; an enum or whole number a
choice of its values) and where its values may lie (`sim.scenario.support`), then
against the schema's rules for that distribution. `written(spec)` gives the text back
in one canonical spelling, which is what a batch records and what applies again.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from pydantic import BaseModel, ValidationError

from sim.errors import did_you_mean
from sim.scenario.kinds import ValueKind, coerce, parameter_kind
from sim.scenario.quantities import (
    DISTRIBUTIONS,
    BernoulliSpec,
    BetaSpec,
    ChoiceSpec,
    TruncNormalSpec,
    UniformSpec,
)
from sim.scenario.support import describe_support, support

# each distribution's arguments, in the order written; a choice takes its values instead
ARGUMENTS: dict[str, tuple[str, ...]] = {
    "uniform": ("low", "high"),
    "beta": ("a", "b"),
    "truncnormal": ("mean", "sd", "low", "high"),
    "bernoulli": ("p",),
}
MODELS: dict[str, type[BaseModel]] = {
    "uniform": UniformSpec,
    "beta": BetaSpec,
    "truncnormal": TruncNormalSpec,
    "bernoulli": BernoulliSpec,
    "choice": ChoiceSpec,
}
FOR_KIND: dict[ValueKind, tuple[str, ...]] = {
    "float": ("uniform", "beta", "truncnormal", "choice"),
    "bool": ("bernoulli", "choice"),
    "int": ("choice",),
    "enum": ("choice",),
}
# names people write for a distribution the schema has under another name
OTHER_NAMES = {"normal": "truncnormal", "gaussian": "truncnormal", "bool": "bernoulli"}
_CALL = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*\((.*)\)\s*$", re.DOTALL)


class DistributionError(ValueError):
    """A written distribution that does not fit: what is wrong, and what would be right."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def is_written_distribution(value: object) -> bool:
    """Whether `value` is a distribution as text (`beta(2,5)`) or data (`{distribution: ...}`)."""
    if isinstance(value, Mapping):
        return "distribution" in value
    return isinstance(value, str) and _CALL.match(value) is not None


def distribution_spec(value: object, original: object) -> dict[str, object]:
    """The parameter spec that `value` (text or data) gives the parameter `original`, keeping
    its description; a DistributionError says why it cannot."""
    spec = _as_data(value)
    name = str(spec.get("distribution"))
    kind = parameter_kind(original)
    if name not in FOR_KIND[kind]:
        allowed = " or ".join(_usage(n) for n in FOR_KIND[kind])
        raise DistributionError(f"{name} does not give {_KIND_WORDS[kind]}", f"use {allowed}")
    if name == "choice":
        spec = _choice(spec, kind, original)
    _check_support(spec, original)
    model = MODELS[name]
    try:
        model.model_validate(spec)
    except ValidationError as error:
        raise DistributionError(_schema_message(error), "write " + _usage(name)) from None
    description = original.get("description") if isinstance(original, Mapping) else None
    return {**spec, **({"description": description} if description else {})}


def written(spec: Mapping[str, object]) -> str:
    """A distribution spec in its canonical written form, `beta(2,5)`: it reads back the same."""
    name = str(spec["distribution"])
    if name == "choice":
        listed = spec.get("values")
        values = list(listed) if isinstance(listed, list) else []
        weights = spec.get("weights")
        if isinstance(weights, list):  # an enum choice keeps its unused values at weight 0
            values = [v for v, w in zip(values, weights, strict=True) if w]
        return f"choice({','.join(_text(v) for v in values)})"
    return f"{name}({','.join(_text(spec[a]) for a in ARGUMENTS[name])})"


_KIND_WORDS = {
    "float": "numbers",
    "bool": "true or false",
    "int": "whole numbers",
    "enum": "the parameter's values",
}


def _as_data(value: object) -> dict[str, object]:
    """A written distribution as spec data: `beta(2,5)` -> {distribution: beta, a: 2.0, b: 5.0}."""
    if isinstance(value, Mapping):
        return dict(value)
    match = _CALL.match(str(value))
    if match is None:
        raise DistributionError(f"{value!r} is not a distribution", "for example beta(2,5)")
    name, inside = match[1].lower(), match[2]
    items = [item.strip() for item in inside.split(",")] if inside.strip() else []
    if name not in MODELS:
        other = OTHER_NAMES.get(name)
        hint = f"did you mean {_usage(other)}?" if other else did_you_mean(name, DISTRIBUTIONS)
        raise DistributionError(
            f"unknown distribution {name!r}", hint or "distributions: " + ", ".join(DISTRIBUTIONS)
        )
    if name == "choice":
        if not items or any(not item for item in items):
            raise DistributionError(
                "choice(...) needs its values, each once", "write " + _usage(name)
            )
        return {"distribution": name, "values": items}
    wanted = ARGUMENTS[name]
    if len(items) != len(wanted):
        raise DistributionError(
            f"{name} takes {len(wanted)} number{'s' if len(wanted) > 1 else ''}, got {len(items)}",
            "write " + _usage(name),
        )
    numbers = {a: _number(a, item) for a, item in zip(wanted, items, strict=True)}
    return {"distribution": name, **numbers}


def _choice(spec: dict[str, object], kind: ValueKind, original: object) -> dict[str, object]:
    """A choice's values read as the parameter's kind; an enum keeps all its values (those not
    chosen at weight 0), so the scenario's comparisons with them still compile."""
    given = spec.get("values")
    items: list[object] = given if isinstance(given, list) else []
    values = [coerce(v, kind) for v in items]
    bad = [str(v) for v, read in zip(items, values, strict=True) if read is None]
    if bad:
        raise DistributionError(f"choice value {bad[0]!r} is not {_KIND_WORDS[kind]}")
    if len(set(map(repr, values))) != len(values):
        raise DistributionError("choice(...) lists a value twice")
    listed = original.get("values") if isinstance(original, Mapping) else None
    if kind == "enum" and isinstance(listed, list) and listed:
        wrong = [v for v in values if v not in listed]
        if wrong:
            raise DistributionError(
                f"{wrong[0]!r} is not one of its values: {', '.join(map(str, listed))}",
                did_you_mean(str(wrong[0]), [str(v) for v in listed]),
            )
        return {
            "distribution": "choice",
            "values": list(listed),
            "weights": [1.0 if v in values else 0.0 for v in listed],
        }
    return {"distribution": "choice", "values": values}


def _check_support(spec: Mapping[str, object], original: object) -> None:
    """Refuse a distribution whose values may fall where the parameter's cannot (a share's
    [0, 1], a fixed value's min and max)."""
    least, most, why = support(original)
    if math.isinf(least) and math.isinf(most):
        return
    name = spec["distribution"]
    if name == "beta":
        low, high = 0.0, 1.0
    elif name in ("uniform", "truncnormal"):
        low, high = float(spec["low"]), float(spec["high"])  # type: ignore[arg-type]
    elif name == "choice":
        numbers = [v for v in spec["values"] if isinstance(v, int | float)]  # type: ignore[attr-defined]
        if not numbers or any(isinstance(v, bool) for v in numbers):
            return
        low, high = min(numbers), max(numbers)
    else:
        return
    if low < least or high > most:
        raise DistributionError(
            f"its values must lie {describe_support(least, most)} ({why})",
            f"this one ranges from {_text(low)} to {_text(high)}",
        )


def _schema_message(error: ValidationError) -> str:
    """The schema's first complaint in the words of the written form: `a must be at least 0.001`."""
    detail = error.errors()[0]
    message = str(detail["msg"]).removeprefix("Value error, ")
    where = str(detail["loc"][-1]) if detail["loc"] else "the value"
    message = message.replace("Input should be", f"{where} must be")
    return message.replace("greater than or equal to", "at least").replace(
        "less than or equal to", "at most"
    )


def _usage(name: str) -> str:
    if name == "choice":
        return "choice(v1,v2,...)"
    return f"{name}({','.join(ARGUMENTS[name])})"


def _number(argument: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise DistributionError(f"{argument} must be a number, not {text!r}") from None
    if not math.isfinite(value):
        raise DistributionError(f"{argument} must be a finite number, not {text!r}")
    return value


def _text(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)
