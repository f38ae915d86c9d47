"""Reading scenario files: safe YAML with positions, `extends`, and `--set` overrides.

The result is plain data (what the schema validates) plus a parallel tree of
source positions, so any later error can point at `file:line:column` even
after several files were merged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sim.errors import Problem, ScenarioError, did_you_mean

MAX_FILE_BYTES = 2_000_000
MAX_NODES = 200_000  # after aliases are expanded; guards against "billion laughs"
MAX_EXTENDS_DEPTH = 16

Key = str | int


@dataclass
class Located:
    """Where a value came from, with the same for its children (by key or index)."""

    file: str
    line: int  # 1-based
    column: int  # 1-based
    key_line: int | None = None  # where its key is written, for mapping values
    key_column: int | None = None
    quoted: bool = False  # a quoted scalar: its text starts one column later
    single_line: bool = True  # a scalar written on one line: columns inside it are exact
    children: dict[Key, Located] = field(default_factory=dict)

    def find(self, path: tuple) -> tuple[Located, tuple]:
        """The deepest node along `path`, and the part of the path not found."""
        node = self
        for depth, key in enumerate(path):
            child = node.children.get(key)
            if child is None:
                return node, path[depth:]
            node = child
        return node, ()


@dataclass
class Source:
    """A scenario's merged data and the positions of its parts."""

    data: dict
    located: Located
    file: str
    files: list[str]  # every file read, the scenario itself first


def read_yaml(path: Path) -> tuple[object, Located]:
    """Parse one YAML file safely, keeping the position of every node."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ScenarioError(
            [Problem(f"cannot read the file: {error.strerror}", file=name)]
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(
            [Problem(f"file is larger than {MAX_FILE_BYTES:,} bytes; is it a scenario?", file=name)]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError([Problem(f"not UTF-8 text ({error.reason})", file=name)]) from None

    loader = None
    try:
        loader = yaml.SafeLoader(text)
        loader.name = name
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError([Problem("the file is empty", file=name, line=1)])
        problems = _duplicate_keys(node, name)
        if problems:
            raise ScenarioError(problems)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        raise ScenarioError([_yaml_problem(error, name)]) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise ScenarioError(
            [
                Problem(
                    f"character {error.character:#06x} is not allowed in YAML", file=name, line=line
                )
            ]
        ) from None
    except yaml.YAMLError as error:
        raise ScenarioError([Problem(f"not valid YAML: {error}", file=name)]) from None
    except RecursionError:
        raise ScenarioError([Problem("the YAML is nested too deeply", file=name)]) from None
    finally:
        if loader is not None:
            loader.dispose()
    try:
        located = _locate(node, data, name, [0])
    except RecursionError:
        raise ScenarioError([Problem("the YAML is nested too deeply", file=name)]) from None
    return data, located


def _yaml_problem(error: yaml.MarkedYAMLError, name: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    problem = error.problem or "invalid YAML"
    if isinstance(error, yaml.constructor.ConstructorError) and "tag" in problem:
        tag = problem.split("tag", 1)[1].strip().strip("'")
        return Problem(
            f"YAML tag {tag} is not allowed",
            file=name,
            line=line,
            column=column,
            hint="scenarios are plain data: mappings, lists, text, numbers and true/false",
        )
    context = f" {error.context}" if error.context else ""
    return Problem(
        f"YAML syntax error: {problem}{context}",
        file=name,
        line=line,
        column=column,
        hint=_syntax_hint(context),
    )


def _syntax_hint(context: str) -> str:
    if "flow" in context:
        return (
            "inside { } or [ ], quote an expression that contains a comma or colon, "
            "e.g. level: \"max(level, 'incident')\""
        )
    return "check the indentation and that every `key: value` has a space after the colon"


_BOOLEAN_TAG = "tag:yaml.org,2002:bool"


def _duplicate_keys(root: yaml.Node, name: str) -> list[Problem]:
    """Keys YAML would silently mangle: two equal keys (the last wins) and `yes`/`no`/`on`
    read as booleans."""
    problems = []
    seen_nodes: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, yaml.Node] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.tag == _BOOLEAN_TAG and key.value.lower() not in ("true", "false"):
                        problems.append(
                            Problem(
                                f"the key {key.value!r} is read by YAML as true/false, not as text",
                                file=name,
                                line=key.start_mark.line + 1,
                                column=key.start_mark.column + 1,
                                hint="in a vote the chance of a yes is `support`; "
                                "elsewhere quote the key",
                            )
                        )
                    if key.value in first:
                        earlier = first[key.value].start_mark.line + 1
                        problems.append(
                            Problem(
                                f"key {key.value!r} appears twice in one mapping",
                                file=name,
                                line=key.start_mark.line + 1,
                                column=key.start_mark.column + 1,
                                hint=f"it was first given on line {earlier}; keep one",
                            )
                        )
                    first.setdefault(key.value, key)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return problems


def _locate(node: yaml.Node, data: object, name: str, counter: list[int]) -> Located:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise ScenarioError(
            [
                Problem(
                    f"the scenario expands to more than {MAX_NODES:,} values (YAML aliases?)",
                    file=name,
                )
            ]
        )
    mark = node.start_mark
    here = Located(
        name,
        mark.line + 1,
        mark.column + 1,
        quoted=isinstance(node, yaml.ScalarNode) and node.style in ("'", '"'),
        single_line=node.start_mark.line == node.end_mark.line
        and getattr(node, "style", None) not in ("|", ">"),
    )
    if isinstance(node, yaml.MappingNode) and isinstance(data, dict):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                continue
            key = _constructed_key(key, data)
            if key not in data:
                continue
            child = _locate(value_node, data[key], name, counter)
            child.key_line = key_node.start_mark.line + 1
            child.key_column = key_node.start_mark.column + 1
            here.children[key] = child
    elif isinstance(node, yaml.SequenceNode) and isinstance(data, list):
        for index, (item_node, item) in enumerate(zip(node.value, data, strict=False)):
            here.children[index] = _locate(item_node, item, name, counter)
    return here


def _constructed_key(text: str, data: dict) -> object:
    """The key as YAML constructed it (`1` becomes an int, `true` a bool)."""
    if text in data:
        return text
    for key in data:
        if str(key).lower() == text.lower():
            return key
    return text


# --- extends --------------------------------------------------------------


def load_source(path: Path, resolve: Callable[[str, Path], Path]) -> Source:
    """Read a scenario and everything it `extends`, merged into one.

    `resolve(reference, from_file)` turns an `extends:` value into a path.
    """
    data, located, files = _load_chain(path, resolve, ())
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                Problem(
                    "a scenario is a mapping of keys (id, title, ladder, ...)",
                    file=str(path),
                    line=1,
                )
            ]
        )
    data.pop("extends", None)
    _drop_removed(data)
    return Source(data=data, located=located, file=str(path), files=files)


def _load_chain(
    path: Path, resolve: Callable[[str, Path], Path], chain: tuple[Path, ...]
) -> tuple[object, Located, list[str]]:
    data, located = read_yaml(path)
    if not isinstance(data, dict) or "extends" not in data:
        return data, located, [str(path)]
    reference = data["extends"]
    where = located.children.get("extends", located)
    if not isinstance(reference, str):
        raise ScenarioError(
            [
                Problem(
                    "`extends` takes a file path or a bundled scenario name",
                    file=str(path),
                    line=where.line,
                    column=where.column,
                )
            ]
        )
    parent = resolve(reference, path)
    resolved_chain = (*chain, path.resolve())
    if parent.resolve() in resolved_chain:
        cycle = " -> ".join(p.name for p in (*resolved_chain, parent))
        raise ScenarioError(
            [
                Problem(
                    f"`extends` goes round in a circle: {cycle}",
                    file=str(path),
                    line=where.line,
                    column=where.column,
                )
            ]
        )
    if len(resolved_chain) > MAX_EXTENDS_DEPTH:
        raise ScenarioError(
            [Problem("`extends` chain is too deep", file=str(path), line=where.line)]
        )
    base, base_located, files = _load_chain(parent, resolve, resolved_chain)
    if not isinstance(base, dict):
        raise ScenarioError(
            [Problem("the extended scenario is not a mapping", file=str(parent), line=1)]
        )
    merged, merged_located = merge(base, base_located, data, located)
    return merged, merged_located, [str(path), *files]


def merge(base: object, base_at: Located, over: object, over_at: Located) -> tuple[object, Located]:
    """Overlay `over` on `base`: mappings by key, lists of `id`-items by id, else replace."""
    if isinstance(base, dict) and isinstance(over, dict):
        result = dict(base)
        at = Located(base_at.file, base_at.line, base_at.column, children=dict(base_at.children))
        for key, value in over.items():
            child_at = over_at.children.get(key, over_at)
            if key in base:
                result[key], at.children[key] = merge(
                    base[key], base_at.children.get(key, base_at), value, child_at
                )
            else:
                result[key], at.children[key] = value, child_at
        return result, at
    if _is_id_list(base) and _is_id_list(over):
        result = list(base)
        children = [base_at.children.get(i, base_at) for i in range(len(base))]
        index = {item["id"]: i for i, item in enumerate(base)}
        for j, item in enumerate(over):
            item_at = over_at.children.get(j, over_at)
            if item["id"] in index:
                i = index[item["id"]]
                result[i], children[i] = merge(result[i], children[i], item, item_at)
            else:
                index[item["id"]] = len(result)
                result.append(item)
                children.append(item_at)
        at = Located(over_at.file, over_at.line, over_at.column)
        at.children = dict(enumerate(children))
        return result, at
    return over, over_at


def _is_id_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(i, dict) and "id" in i for i in value)


def _drop_removed(data: object) -> None:
    """Remove `remove: true` items from id-lists once everything is merged."""
    if isinstance(data, dict):
        for value in data.values():
            _drop_removed(value)
    elif isinstance(data, list):
        data[:] = [i for i in data if not (isinstance(i, dict) and i.get("remove") is True)]
        for item in data:
            _drop_removed(item)


# --- --set overrides -------------------------------------------------------


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


def apply_overrides(data: dict, overrides: dict[str, object], file: str) -> dict:
    """Fix parameters to the given values, as `--set name=value` asks."""
    if not overrides:
        return data
    parameters = data.get("parameters")
    parameters = dict(parameters) if isinstance(parameters, dict) else {}
    problems = []
    for name, value in overrides.items():
        if name not in parameters:
            problems.append(
                Problem(
                    f"--set {name}: the scenario has no parameter {name!r}",
                    file=file,
                    hint=did_you_mean(name, parameters) or "see `wargame show` for its parameters",
                )
            )
            continue
        expected = parameter_kind(parameters[name])
        checked = _coerce(value, expected)
        if checked is None:
            problems.append(
                Problem(
                    f"--set {name}={value}: expected {_KIND_WORDS.get(expected, expected)}",
                    file=file,
                    hint=_allowed_values(parameters[name]),
                )
            )
            continue
        original = parameters[name]
        fixed: dict[str, object] = {"value": checked}
        if isinstance(original, dict):
            values = original.get("values")
            if expected == "enum" and isinstance(values, list):
                if checked not in values:
                    problems.append(
                        Problem(
                            f"--set {name}={value}: expected one of its values",
                            file=file,
                            hint=did_you_mean(str(checked), [str(v) for v in values]),
                        )
                    )
                    continue
                fixed["values"] = values
            if original.get("description"):
                fixed["description"] = original["description"]
        parameters[name] = fixed
    if problems:
        raise ScenarioError(problems)
    return {**data, "parameters": parameters}


_KIND_WORDS = {
    "bool": "true or false",
    "float": "a number",
    "int": "a whole number",
    "enum": "one of its values",
}


def parameter_kind(spec: object) -> str:
    """The type of value a parameter takes: bool, int, float or enum."""
    if isinstance(spec, dict):
        distribution = spec.get("distribution")
        if distribution == "bernoulli":
            return "bool"
        if distribution in ("uniform", "beta", "truncnormal"):
            return "float"
        if distribution == "choice":
            values = spec.get("values") or []
            kinds = {_scalar_kind(v) for v in values}
            return (
                kinds.pop()
                if len(kinds) == 1
                else ("float" if kinds <= {"int", "float"} else "enum")
            )
        spec = spec.get("value")
    return _scalar_kind(spec)


def _scalar_kind(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "enum"


def _coerce(value: object, kind: str) -> object | None:
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
