"""Reading one YAML file safely, remembering where every value was written.

The result is plain data (what the schema validates) plus a parallel tree of
`Located` positions, so any later error can point at `file:line:column` even
after several files were merged. YAML's own traps (duplicate keys, `yes`/`no` keys,
tags, aliases that expand without end) are refused with their position.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sim.errors import Problem, ScenarioError, allow_quoting

MAX_FILE_BYTES = 2_000_000
MAX_NODES = 200_000  # after aliases are expanded; guards against "billion laughs"
SCENARIO_SUFFIXES = (".yaml", ".yml")  # only such files are quoted in errors

Key = Hashable  # a mapping key as YAML constructed it (text, number, true/false) or an index


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

    def find(self, path: tuple[Key, ...]) -> tuple[Located, tuple[Key, ...]]:
        """The deepest node along `path`, and the part of the path not found."""
        node = self
        for depth, key in enumerate(path):
            child = node.children.get(key)
            if child is None:
                return node, path[depth:]
            node = child
        return node, ()


def read_yaml(path: Path) -> tuple[object, Located]:
    """Parse one YAML file safely, keeping the position of every node."""
    name = str(path)
    text = _read_text(path)
    node, data = _parse(text, name)
    try:
        located = _locate(node, data, name, [0])
    except RecursionError:
        raise ScenarioError([Problem("the YAML is nested too deeply", file=name)]) from None
    return data, located


def _read_text(path: Path) -> str:
    """The file's text, refusing what cannot be a scenario (unreadable, huge, not UTF-8).

    The size is checked before reading (and reading stops one byte past the limit, for
    files whose size the system does not know), so a huge file is never read whole."""
    name = str(path)
    too_large = Problem(
        f"file is larger than {MAX_FILE_BYTES:,} bytes; is it a scenario?", file=name
    )
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ScenarioError([too_large])
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ScenarioError([Problem(f"cannot read the file: {reason}", file=name)]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError([too_large])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError([Problem(f"not UTF-8 text ({error.reason})", file=name)]) from None
    if path.suffix.lower() in SCENARIO_SUFFIXES:
        allow_quoting(name)
    return text


def _parse(text: str, name: str) -> tuple[yaml.Node, object]:
    """The document's node tree and the data built from it, with the safe loader."""
    loader = None
    try:
        loader = _ScenarioLoader(text)
        loader.name = name
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError([Problem("the file is empty", file=name, line=1)])
        problems = _duplicate_keys(node, name)
        if problems:
            raise ScenarioError(problems)
        return node, loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        raise ScenarioError([_yaml_problem(error, name)]) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        message = f"character {error.character:#06x} is not allowed in YAML"
        raise ScenarioError([Problem(message, file=name, line=line)]) from None
    except yaml.YAMLError as error:
        raise ScenarioError([Problem(f"not valid YAML: {error}", file=name)]) from None
    except RecursionError:
        raise ScenarioError([Problem("the YAML is nested too deeply", file=name)]) from None
    finally:
        if loader is not None:
            loader.dispose()


class _ScenarioLoader(yaml.SafeLoader):
    """The safe loader, with every value YAML fails to build reported at its node.

    PyYAML checks some scalars only while building them (`!!float ten`, `!!bool maybe`,
    an integer of thousands of digits) and then raises a bare ValueError or KeyError;
    here each becomes a located `ConstructorError`. Tags that build something other
    than plain data (`!!binary`, `!!set`, `!!omap`, `!!pairs`) are refused, and a
    date or time is kept as the text it was written as."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> object:
        try:
            return super().construct_object(node, deep)
        except (ValueError, KeyError, TypeError, OverflowError, IndexError) as error:
            raise yaml.constructor.ConstructorError(
                None, None, _unbuildable(node, error), node.start_mark
            ) from None

    def construct_refused(self, node: yaml.Node) -> object:
        raise yaml.constructor.ConstructorError(
            None, None, f"found unacceptable tag {_short_tag(node.tag)!r}", node.start_mark
        )

    def construct_as_text(self, node: yaml.Node) -> object:
        return self.construct_scalar(node)  # type: ignore[arg-type]


for _tag in ("binary", "set", "omap", "pairs"):
    _ScenarioLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _ScenarioLoader.construct_refused)
_ScenarioLoader.add_constructor("tag:yaml.org,2002:timestamp", _ScenarioLoader.construct_as_text)


def _short_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _unbuildable(node: yaml.Node, error: Exception) -> str:
    """Why a scalar could not be built, as a user would put it."""
    text = str(node.value) if isinstance(node, yaml.ScalarNode) else ""
    shown = text if len(text) <= 30 else f"{text[:20]}... ({len(text):,} characters)"
    tag = _short_tag(node.tag)
    if tag == "!!int" and text.strip("+-").isdigit():
        return f"the whole number {shown} is too long to read"
    if tag == "!!bool":
        return f"{shown!r} is not true or false (tagged {tag})"
    if tag in ("!!int", "!!float"):
        return f"{shown!r} is not a number (tagged {tag})"
    return f"cannot build the value {shown!r} tagged {tag}: {error}"


def _yaml_problem(error: yaml.MarkedYAMLError, name: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    problem = error.problem or "invalid YAML"
    if isinstance(error, yaml.constructor.ConstructorError) and (
        "unacceptable tag" in problem or "constructor for the tag" in problem
    ):
        tag = _short_tag(problem.split("tag", 1)[1].strip().strip("'"))
        return Problem(
            f"YAML tag {tag} is not allowed",
            file=name,
            line=line,
            column=column,
            hint="scenarios are plain data: mappings, lists, text, numbers and true/false",
        )
    if isinstance(error, yaml.constructor.ConstructorError) and error.context is None:
        return Problem(problem, file=name, line=line, column=column)
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
