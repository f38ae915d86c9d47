"""`--set name=value`: fixing parameters to values given on the command line, or redrawing them.

A value is read as the parameter's kind (a bool as true/false, yes/no, on/off or
1/0 in any case; a finite number; an enum's value), checked against what the
parameter can take (a share or probability's [0, 1], a fixed value's `min`/`max`,
a choice's values: see `sim.scenario.support`), and the parameter becomes a fixed
one. A distribution instead of a value (`--set misperception=beta(2,5)`) gives the
parameter that distribution, drawn per run (`sim.scenario.written_distributions`).
Applying the same overrides twice gives the same data, so a saved `scenario.yaml`
(already overridden) can be applied again.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from sim.errors import Problem, ScenarioError, did_you_mean
from sim.scenario.kinds import ValueKind, coerce, parameter_kind
from sim.scenario.support import describe_support, support
from sim.scenario.written_distributions import (
    DistributionError,
    distribution_spec,
    is_written_distribution,
    written,
)

KIND_WORDS: dict[ValueKind, str] = {
    "bool": "true or false",
    "float": "a number",
    "int": "a whole number",
    "enum": "one of its values",
}


def parse_assignment(text: str) -> tuple[str, object]:
    """Split `name=value` from the command line; the value stays text, read later as the
    parameter's kind (`sim.scenario.kinds.coerce`): `on` is true for a bool, text for an enum."""
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


MAX_LISTED_PARAMETERS = 20


def fixed_values(data: Mapping[str, object], overrides: Mapping[str, object]) -> dict[str, object]:
    """The values `overrides` fixed in `data` (as applied: `yes` became true), by name."""
    parameters = data.get("parameters")
    if not isinstance(parameters, Mapping):
        return dict(overrides)
    fixed: dict[str, object] = {}
    for name, given in overrides.items():
        spec = parameters.get(name)
        if isinstance(spec, Mapping) and "distribution" in spec and is_written_distribution(given):
            fixed[name] = written(spec)
        else:
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
    if is_written_distribution(value):
        try:
            return distribution_spec(value, original)
        except DistributionError as error:
            return Problem(f"--set {name}={_shown(value)}: {error}", file=file, hint=error.hint)
    expected = parameter_kind(original)
    checked = coerce(value, expected)
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


def _allowed_values(spec: object) -> str | None:
    if isinstance(spec, dict) and spec.get("distribution") == "choice":
        return "values: " + ", ".join(str(v) for v in spec.get("values") or [])
    return None
