"""`--set name=value`: fixing parameters to values given on the command line.

A value is read as YAML (`true`, `0.3`, `closed`), checked against the parameter's
kind, and the parameter becomes a fixed one. Applying the same overrides twice gives
the same data, so a saved `scenario.yaml` (already overridden) can be applied again.
"""

from __future__ import annotations

from collections.abc import Mapping

import yaml

from sim.errors import Problem, ScenarioError, did_you_mean
from sim.scenario.kinds import ValueKind, parameter_kind

KIND_WORDS: dict[ValueKind, str] = {
    "bool": "true or false",
    "float": "a number",
    "int": "a whole number",
    "enum": "one of its values",
}


def parse_assignment(text: str) -> tuple[str, object]:
    """Split `name=value` from the command line; the value is read as YAML (`true`, `0.3`)."""
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
    try:
        parsed = yaml.safe_load(value) if value.strip() else ""
    except yaml.YAMLError:
        parsed = value
    if not isinstance(parsed, bool | int | float | str):
        parsed = value
    return name, parsed


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
            hint=did_you_mean(name, parameters) or "see `wargame show` for its parameters",
        )
    original = parameters[name]
    expected = parameter_kind(original)
    checked = _coerce(value, expected)
    if checked is None:
        return Problem(
            f"--set {name}={value}: expected {KIND_WORDS[expected]}",
            file=file,
            hint=_allowed_values(original),
        )
    fixed: dict[str, object] = {"value": checked}
    if isinstance(original, dict):
        values = original.get("values")
        if expected == "enum" and isinstance(values, list):
            if checked not in values:
                return Problem(
                    f"--set {name}={value}: expected one of its values",
                    file=file,
                    hint=did_you_mean(str(checked), [str(v) for v in values]),
                )
            fixed["values"] = values
        if original.get("description"):
            fixed["description"] = original["description"]
    return fixed


def _coerce(value: object, kind: ValueKind) -> object | None:
    """`value` as a value of `kind` (a whole number is also a float), or None if it is not."""
    if kind == "bool":
        return value if isinstance(value, bool) else None
    if kind == "float":
        return (
            float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
        )
    if kind == "int":
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        return int(value) if isinstance(value, float) and value.is_integer() else None
    return str(value) if isinstance(value, str) else None


def _allowed_values(spec: object) -> str | None:
    if isinstance(spec, dict) and spec.get("distribution") == "choice":
        return "values: " + ", ".join(str(v) for v in spec.get("values") or [])
    return None
