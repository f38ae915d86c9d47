"""Validating scenario data against the schema, with every problem mapped to its line.

pydantic reports each bad field by its path in the data; this walks that path through
the YAML node tree so each problem can name its file, line and column.
"""

from __future__ import annotations

from collections.abc import Iterator

import pydantic
from pydantic_core import ErrorDetails

from sim.errors import MAX_SHOWN_PROBLEMS, Problem, ScenarioError, did_you_mean
from sim.scenario import schema
from sim.scenario.history import history_problems
from sim.scenario.yaml_reader import Located

_MODELS = [
    m
    for m in vars(schema).values()
    if isinstance(m, type) and issubclass(m, schema.Strict) and m is not schema.Strict
]


def validate(data: object, located: Located | None) -> schema.ScenarioSpec:
    """Check the data against the schema; raise one error listing every problem."""
    binary = [_binary_problem(path, data, located) for path in _binary_values(data, ())]
    if binary:
        raise ScenarioError(binary)
    try:
        spec = schema.ScenarioSpec.model_validate(data)
    except pydantic.ValidationError as error:
        raise ScenarioError(_problems(error, data, located)) from None
    if spec.history is not None:
        outcomes = [o.id for o in spec.outcomes]
        measures = {m.id: m.kind for m in spec.measures}
        locate = lambda path: _position(located, path, key=len(path) > 2)  # noqa: E731
        problems = history_problems(spec.history, outcomes, measures, locate)
        if problems:
            raise ScenarioError(problems)
    return spec


def _binary_values(data: object, path: tuple) -> Iterator[tuple]:
    """Paths of bytes in the data (given through the API: YAML refuses `!!binary`), which
    pydantic would otherwise read as text and carry on to the results."""
    if isinstance(data, bytes | bytearray | memoryview):
        yield path
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _binary_values(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _binary_values(value, (*path, index))


def _binary_problem(path: tuple, data: object, located: Located | None) -> Problem:
    file, line, column = _position(located, path)
    return Problem(
        "binary data is not a scenario value",
        file=file,
        line=line,
        column=column,
        path=_path_text(path, data),
        hint="scenarios are plain data: mappings, lists, text, numbers and true/false",
    )


def _problems(
    error: pydantic.ValidationError, data: object, located: Located | None
) -> list[Problem]:
    grouped: dict[tuple, list[ErrorDetails]] = {}
    missing: dict[tuple, list[str]] = {}  # parent path -> missing keys, reported together
    for item in error.errors(include_url=False):
        path = _data_path(item["loc"], data)
        if item["type"] == "missing" and path:
            missing.setdefault(path[:-1], []).append(str(path[-1]))
            continue
        grouped.setdefault(path, []).append(item)
    problems = [_missing(parent, keys, data, located) for parent, keys in missing.items()]
    for path, items in grouped.items():
        # a suggestion costs a search of every field name: only the shown problems get one,
        # so twenty thousand unknown keys take as long to report as twelve
        shown = len(problems) < MAX_SHOWN_PROBLEMS
        problems.append(_problem(path, items, data, located, shown))
    return problems


def _missing(parent: tuple, keys: list[str], data: object, located: Located | None) -> Problem:
    file, line, column = _position(located, parent)
    noun = "key" if len(keys) == 1 else "keys"
    return Problem(
        f"missing required {noun} {', '.join(repr(k) for k in keys)}",
        file=file,
        line=line,
        column=column,
        path=_path_text(parent, data),
    )


def _data_path(loc: tuple, data: object) -> tuple:
    """Drop the union tags pydantic inserts, keeping the keys that exist in the data."""
    path = []
    node = data
    for key in loc:
        if (isinstance(node, dict) and key in node) or (
            isinstance(node, list) and isinstance(key, int) and key < len(node)
        ):
            node = node[key]
            path.append(key)
        elif isinstance(node, dict) and not isinstance(key, int):
            # a missing or unknown key: keep it as the last element if it is the error's subject
            if key == loc[-1]:
                path.append(key)
            continue
    return tuple(path)


def _problem(
    path: tuple, items: list[ErrorDetails], data: object, located: Located | None, hinted: bool
) -> Problem:
    """The problem at `path`; `hinted`: with a suggestion of what would be right."""
    first = items[0]
    kind = first["type"]
    parent_path, last = (path[:-1], path[-1]) if path else ((), None)
    hint = None
    if kind == "extra_forbidden":
        siblings = _value_at(data, parent_path)
        message = f"unknown key {last!r}"
        hint = did_you_mean(str(last), _fields_for(siblings, str(last))) if hinted else None
        where = _position(located, path, key=True)
    elif kind == "union_tag_invalid" and isinstance(first["input"], dict):
        tag = first["input"].get("distribution")
        message = f"unknown distribution {tag!r}"
        hint = did_you_mean(str(tag), schema.DISTRIBUTIONS) if hinted else None
        hint = hint or "distributions: " + ", ".join(schema.DISTRIBUTIONS)
        where = _position(located, path + ("distribution",))
    elif kind == "union_tag_invalid":
        message = f"expected a mapping, a list or a value here, got {_show(first['input'])}"
        where = _position(located, path)
    elif kind == "value_error":
        message = first["msg"].removeprefix("Value error, ")
        where = _position(located, path)
    elif len(items) > 1:
        expected = sorted({i["msg"].split("should be ", 1)[-1] for i in items})
        message = f"expected {' or '.join(expected)}; got {_show(first['input'])}"
        where = _position(located, path)
    elif kind in _EXPECTED:
        message = f"expected {_EXPECTED[kind]}; got {_show(first['input'])}"
        where = _position(located, path)
    else:
        message = (
            f"{first['msg'].replace('Input should be', 'expected')}; got {_show(first['input'])}"
        )
        where = _position(located, path)
    file, line, column = where
    shown = _path_text(path, data)
    return Problem(message, file=file, line=line, column=column, path=shown, hint=hint)


_EXPECTED = {
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "dict_type": "a mapping of keys",
    "list_type": "a list",
    "model_type": "a mapping of keys",
}


def _value_at(data: object, path: tuple) -> object:
    """The value at `path`, which `_data_path` checked exists."""
    for key in path:
        data = _child(data, key)
    return data


def _fields_for(mapping: object, unknown: str) -> list[str]:
    """Field names of the schema models that fit the other keys beside the unknown one."""
    others = set(mapping) - {unknown} if isinstance(mapping, dict) else set()
    fitting = [m for m in _MODELS if others <= set(m.model_fields)]
    return sorted({f for m in (fitting or _MODELS) for f in m.model_fields} - {unknown})


def _position(located: Located | None, path: tuple, key: bool = False) -> tuple:
    if located is None:
        return (None, None, None)
    node, rest = located.find(path)
    if key and not rest and node.key_line is not None:
        return (node.file, node.key_line, node.key_column)
    return (node.file, node.line, node.column)


def _path_text(path: tuple, data: object) -> str:
    """`rules[red-crosses].when`: list items are shown by their id where they have one."""
    text = ""
    for key in path:
        child = _child(data, key)
        if isinstance(key, int):
            label = child.get("id") if isinstance(child, dict) else None
            text += f"[{label}]" if isinstance(label, str) else f"[{key}]"
        else:
            text += f".{key}" if text else str(key)
        data = child
    return text


def _child(data: object, key: object) -> object:
    if isinstance(data, dict):
        return data.get(key)
    if isinstance(data, list) and isinstance(key, int) and key < len(data):
        return data[key]
    return None


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
