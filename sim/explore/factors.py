"""Varied parameters: `NAME=RANGE` read against the scenario, and unit numbers mapped to values.

A range is an interval of numbers (`0.2:0.8`), a list of values (`true,false`,
`open,closed`), or a distribution (`beta(2,5)`, `uniform(0.1,0.4)`). A design
gives each factor a number u in [0, 1); `Factor.values` turns those into the
parameter's values (an interval by scaling, a list by equal shares, a
distribution by its inverse CDF).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

from sim.errors import Problem, ScenarioError, did_you_mean
from sim.language.compiled import CompiledScenario
from sim.scenario.kinds import FALSE_WORDS, TRUE_WORDS, ValueKind, parameter_kind
from sim.scenario.support import describe_support, support

RangeKind = Literal["interval", "list", "beta", "uniform"]
_DISTRIBUTION = re.compile(r"^\s*(beta|uniform)\s*\(\s*([^,()]+)\s*,\s*([^,()]+)\s*\)\s*$")


@dataclass(frozen=True)
class Factor:
    """One varied parameter: its name, kind, and the range its design values come from."""

    name: str
    kind: ValueKind
    range: RangeKind
    low: float = 0.0  # interval bounds, or a distribution's two arguments
    high: float = 1.0
    choices: tuple[object, ...] = ()  # a list's values, in the order given

    def values(self, unit: np.ndarray) -> np.ndarray:
        """The parameter's values at design numbers `unit` (points,) in [0, 1)."""
        if self.range == "list":
            index = np.minimum((unit * len(self.choices)).astype(np.int64), len(self.choices) - 1)
            return np.asarray(self.choices, dtype=object)[index]
        if self.range == "beta":
            drawn: np.ndarray = stats.beta.ppf(unit, self.low, self.high)
            return drawn
        values = self.low + unit * (self.high - self.low)
        return np.round(values).astype(np.int64) if self.kind == "int" else values

    def levels(self, count: int) -> np.ndarray:
        """`count` evenly spread design numbers for a grid (a list: one per value)."""
        if self.range == "list":
            return (np.arange(len(self.choices)) + 0.5) / len(self.choices)
        if self.range == "interval" and count > 1:
            return np.linspace(0.0, 1.0, count)
        return (np.arange(count) + 0.5) / count

    def describe(self) -> str:
        """The range as the user wrote it."""
        if self.range == "list":
            return ",".join(_shown(v) for v in self.choices)
        if self.range == "interval":
            return f"{_number(self.low)}:{_number(self.high)}"
        return f"{self.range}({_number(self.low)},{_number(self.high)})"

    def sampled_spec(self, original: object) -> dict[str, object]:
        """A sampled spec of the parameter's kind, so it becomes a per-lane array whose
        values the sweep then gives (its distribution is never drawn)."""
        if self.kind == "bool":
            return {"distribution": "bernoulli", "p": 0.5}
        if self.kind == "enum":
            listed = original.get("values") if isinstance(original, Mapping) else None
            return {"distribution": "choice", "values": list(listed or self.choices)}
        if self.kind == "int":
            return {"distribution": "choice", "values": list(self.choices)}
        if self.range == "beta":
            return {"distribution": "beta", "a": self.low, "b": self.high}
        return {"distribution": "uniform", "low": self.low, "high": self.high}


def parse_vary(text: str) -> tuple[str, str]:
    """`NAME=RANGE` split; the range stays text until the scenario says what it means."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise ScenarioError(
            [Problem(f"--vary {text!r}: expected NAME=RANGE", hint="for example --vary x=0.2:0.8")]
        )
    return name.strip(), value.strip()


def read_factors(scenario: CompiledScenario, vary: Mapping[str, object]) -> list[Factor]:
    """The factors `vary` asks for, checked against the scenario's parameters; one
    ScenarioError listing every range that does not fit."""
    parameters = scenario.data.get("parameters")
    specs: Mapping[str, object] = parameters if isinstance(parameters, Mapping) else {}
    factors: list[Factor] = []
    problems: list[Problem] = []
    for name, given in vary.items():
        if name not in specs:
            hint = did_you_mean(name, list(specs)) if specs else "the scenario has no parameters"
            problems.append(
                Problem(f"--vary {name}: the scenario has no parameter {name!r}", hint=hint)
            )
            continue
        kind = parameter_kind(specs[name])
        try:
            factors.append(_factor(name, kind, given, specs[name]))
        except ValueError as error:
            problems.append(
                Problem(f"--vary {name}={_shown(given)}: {error}", file=scenario.source)
            )
    if problems:
        raise ScenarioError(problems)
    if not factors:
        raise ScenarioError([Problem("nothing to vary", hint="give --vary NAME=RANGE")])
    return factors


def _factor(name: str, kind: ValueKind, given: object, spec: object) -> Factor:
    """One factor from a range given as text, a (low, high) pair or a list."""
    if isinstance(given, tuple) and len(given) == 2 and kind in ("int", "float"):
        return _interval(name, kind, float(given[0]), float(given[1]), spec)
    if isinstance(given, list | tuple):
        return _listed(name, kind, list(given), spec)
    text = str(given)
    match = _DISTRIBUTION.match(text)
    if match:
        if kind != "float":
            raise ValueError(f"a distribution varies a number, and {name} is {kind}")
        low, high = _float(match[2]), _float(match[3])
        if match[1] == "beta" and not (low > 0 and high > 0):
            raise ValueError("beta(a,b) needs a > 0 and b > 0")
        return Factor(name, kind, match[1], low, high)  # type: ignore[arg-type]
    if ":" in text and kind in ("int", "float"):
        low_text, _, high_text = text.partition(":")
        return _interval(name, kind, _float(low_text), _float(high_text), spec)
    return _listed(name, kind, [v.strip() for v in text.split(",")], spec)


def _interval(name: str, kind: ValueKind, low: float, high: float, spec: object) -> Factor:
    if not low < high:
        raise ValueError("an interval needs low < high, as in 0.2:0.8")
    least, most, why = support(spec)
    if low < least or high > most:
        raise ValueError(f"the interval must lie {describe_support(least, most)} ({why})")
    if kind == "int":
        if low != int(low) or high != int(high):
            raise ValueError(f"{name} is a whole number: give whole bounds, as in 1:5")
        return Factor(name, kind, "list", choices=tuple(range(int(low), int(high) + 1)))
    return Factor(name, kind, "interval", low, high)


def _listed(name: str, kind: ValueKind, items: Sequence[object], spec: object) -> Factor:
    values = [_coerce(item, kind) for item in items]
    if len(set(map(repr, values))) != len(values) or not values:
        raise ValueError("list each value once")
    allowed = spec.get("values") if isinstance(spec, Mapping) else None
    if kind == "enum" and isinstance(allowed, list):
        wrong = [v for v in values if v not in allowed]
        if wrong:
            raise ValueError(f"{wrong[0]!r} is not one of {', '.join(map(str, allowed))}")
    return Factor(name, kind, "list", choices=tuple(values))


def _coerce(item: object, kind: ValueKind) -> object:
    text = str(item).strip()
    if kind == "bool":
        if isinstance(item, bool):
            return item
        if text.lower() in TRUE_WORDS or text.lower() in FALSE_WORDS:
            return text.lower() in TRUE_WORDS
        raise ValueError(f"expected true or false, not {text!r}")
    if kind == "int":
        number = _float(text)
        if number != int(number):
            raise ValueError(f"expected a whole number, not {text!r}")
        return int(number)
    if kind == "float":
        return _float(text)
    return text


def _float(text: object) -> float:
    try:
        value = float(str(text))
    except ValueError:
        raise ValueError(f"expected a number, not {str(text).strip()!r}") from None
    if not math.isfinite(value):
        raise ValueError("numbers must be finite")
    return value


def _number(value: float) -> str:
    return f"{value:g}"


def _shown(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
