"""A scenario and everything it `extends`, merged into one, with `remove: true` applied.

Mappings merge by key and lists of items with an `id` (rules, events, outcomes) by id,
so a variant names only what it changes; each merged value keeps its own position.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

from sim.errors import Problem, ScenarioError
from sim.scenario.yaml_reader import Located, read_yaml

MAX_EXTENDS_DEPTH = 16

Resolve = Callable[[str, Path], Path]  # (an `extends:` value, the file it is in) -> a path


@dataclass
class Source:
    """A scenario's merged data and the positions of its parts."""

    data: dict[str, object]
    located: Located
    file: str


def load_source(path: Path, resolve: Resolve) -> Source:
    """Read a scenario and everything it `extends`, merged into one.

    `resolve(reference, from_file)` turns an `extends:` value into a path.
    """
    data, located = _load_chain(path, resolve, ())
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
    return Source(data=data, located=located, file=str(path))


def _load_chain(path: Path, resolve: Resolve, chain: tuple[Path, ...]) -> tuple[object, Located]:
    data, located = read_yaml(path)
    if not isinstance(data, dict) or "extends" not in data:
        return data, located
    parent = _parent(
        path, data["extends"], located.children.get("extends", located), resolve, chain
    )
    base, base_located = _load_chain(parent, resolve, (*chain, path.resolve()))
    if not isinstance(base, dict):
        raise ScenarioError(
            [Problem("the extended scenario is not a mapping", file=str(parent), line=1)]
        )
    return merge(base, base_located, data, located)


def _parent(
    path: Path, reference: object, where: Located, resolve: Resolve, chain: tuple[Path, ...]
) -> Path:
    """The file `path` extends, refusing a reference that is not text, a cycle, a deep chain."""
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
    return parent


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
        return _merge_by_id(base, base_at, over, over_at)
    return over, over_at


def _merge_by_id(
    base: list[dict[str, object]], base_at: Located, over: list[dict[str, object]], over_at: Located
) -> tuple[object, Located]:
    """Items of `over` replace (merged) the items of `base` with their id, or come after."""
    result: list[object] = list(base)
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


def _is_id_list(value: object) -> TypeGuard[list[dict[str, object]]]:
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
