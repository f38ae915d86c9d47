"""`--set name=value`: fixing parameters to values given on the command line.

A value is read as the parameter's kind (a bool as true/false, yes/no, on/off or
1/0 in any case; a finite number; an enum's value), checked against what the
parameter can take (a share or probability's [0, 1], a fixed value's `min`/`max`,
a choice's values: see `sim.scenario.support`), and the parameter becomes a fixed
one. Applying the same overrides twice gives the same data, so a saved
`scenario.yaml` (already overridden) can be applied again.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping

from sim.errors import Problem, ScenarioError, did_you_mean
from sim.scenario.kinds import ValueKind, parameter_kind
from sim.scenario.support import describe_support, support

KIND_WORDS: dict[ValueKind, str] = {
    "bool": "true or false",
    "float": "a number",
    "int": "a whole number",
    "enum": "one of its values",
}


def parse_assignment(text: str) -> tuple[str, object]:
    """Split `name=value` from the command line; the value stays text, read later as the
    parameter's kind (see `_coerce`), so `on` is true for a bool and text for an enum."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ScenarioError(
            [
                Problem(
                    f"--set {text!r}: expected name=value",
                    hint="for example --set carrier_present=false",
                )
            ]
        )
    return name, _unquoted(value.strip())


def _unquoted(value: str) -> str:
    """`'closed'` or `"closed"` as `closed` (the value read as YAML text)."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


TRUE_WORDS = ("true", "yes", "on", "1")
FALSE_WORDS = ("false", "no", "off", "0")
MAX_LISTED_PARAMETERS = 20


def fixed_values(data: Mapping[str, object], overrides: Mapping[str, object]) -> dict[str, object]:
    """The values `overrides` fixed in `data` (as applied: `yes` became true), by name."""
    parameters = data.get("parameters")
    if not isinstance(parameters, Mapping):
        return dict(overrides)
    fixed = {}
    for name, given in overrides.items():
        spec = parameters.get(name)
        fixed[name] = spec.get("value", given) if isinstance(spec, Mapping) else given
    return fixed


def apply_overrides(
    data: dict[str, object], overrides: Mapping[str, object], file: str | None
) -> dict[str, object]:
    """Fix parameters to the given values, as `--set name=value` asks; `data` is not changed.

    Raises one ScenarioError listing every override that names no parameter or a value
    the parameter cannot take.
    """
    if not overrides:
        return data
    parameters = data.get("parameters")
    parameters = dict(parameters) if isinstance(parameters, dict) else {}
    problems = []
    for name, value in overrides.items():
        fixed = _fixed(parameters, name, value, file)
        if isinstance(fixed, Problem):
            problems.append(fixed)
        else:
            parameters[name] = fixed
    if problems:
        raise ScenarioError(problems)
    return {**data, "parameters": parameters}


def _fixed(
    parameters: Mapping[str, object], name: str, value: object, file: str | None
) -> dict[str, object] | Problem:
    """The parameter `name` fixed to `value`, or the problem with doing so."""
    if name not in parameters:
        return Problem(
            f"--set {name}: the scenario has no parameter {name!r}",
            file=file,
            hint=_unknown_hint(name, parameters),
        )
    original = parameters[name]
    expected = parameter_kind(original)
    checked = _coerce(value, expected)
    if checked is None:
        return Problem(
            f"--set {name}={_shown(value)}: expected {KIND_WORDS[expected]}",
            file=file,
            hint=_allowed_values(original) or _bool_hint(expected),
        )
    outside = _outside(original, checked)
    if outside:
        return Problem(f"--set {name}={_shown(value)}: {outside}", file=file)
    fixed: dict[str, object] = {"value": checked}
    if isinstance(original, dict):
        values = original.get("values")
        if expected == "enum" and isinstance(values, list):
            fixed["values"] = values
        for key in ("min", "max", "description"):
            if original.get(key) is not None and original.get(key) != "":
                fixed[key] = original[key]
    return fixed


def _outside(spec: object, value: object) -> str | None:
    """Why `value` lies outside what the parameter `spec` can take, or None."""
    if not isinstance(spec, dict):
        return None
    listed = spec.get("values")
    if isinstance(listed, list) and value not in listed:
        hint = did_you_mean(str(value), [str(v) for v in listed])
        return (
            "expected one of its values: "
            + ", ".join(str(v) for v in listed)
            + (f" ({hint})" if hint and "did you mean" in hint else "")
        )
    if isinstance(value, int | float) and not isinstance(value, bool):
        low, high, why = support(spec)
        if not low <= value <= high:
            return f"must be {describe_support(low, high)} ({why})"
    return None


def _unknown_hint(name: str, parameters: Mapping[str, object]) -> str:
    """The closest parameter name, and the valid ones."""
    if not parameters:
        return "the scenario has no parameters"
    names = sorted(parameters)
    shown = ", ".join(names[:MAX_LISTED_PARAMETERS])
    if len(names) > MAX_LISTED_PARAMETERS:
        shown += f" ... ({len(names)} in all; see `wargame show`)"
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return (f"did you mean {close[0]!r}? " if close else "") + f"parameters: {shown}"


def _bool_hint(kind: ValueKind) -> str | None:
    if kind == "bool":
        return "true/false, yes/no, on/off or 1/0 (any case)"
    return None


def _shown(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _coerce(value: object, kind: ValueKind) -> object | None:
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
    return _coerce(number, kind)


def _allowed_values(spec: object) -> str | None:
    if isinstance(spec, dict) and spec.get("distribution") == "choice":
        return "values: " + ", ".join(str(v) for v in spec.get("values") or [])
    return None
