"""A scenario and everything it `extends`, merged into one, with `remove: true` applied.

Each file of the chain is found by `locations` (which refuses files outside the trusted
folders) and overlaid on the one it extends by `merge`; each merged value keeps its
own position, so an error points into the file that wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.errors import Problem, ScenarioError
from sim.scenario.locations import ScenarioPlaces
from sim.scenario.merge import merge, refuse_controls
from sim.scenario.yaml_reader import Located, read_yaml

MAX_EXTENDS_DEPTH = 16


@dataclass
class Source:
    """A scenario's merged data and the positions of its parts."""

    data: dict[str, object]
    located: Located
    file: str


def load_source(path: Path, places: ScenarioPlaces | None = None) -> Source:
    """Read the scenario at `path` and everything it `extends`, merged into one.

    `places` holds the folders the user named, where `extends` may also read.
    """
    data, located = _load_chain(path, _Chain(path, places or ScenarioPlaces()), ())
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


@dataclass(frozen=True)
class _Chain:
    top: Path  # the scenario the user named: its folder tree is trusted
    places: ScenarioPlaces


def _load_chain(path: Path, chain: _Chain, seen: tuple[Path, ...]) -> tuple[object, Located]:
    data, located = read_yaml(path)
    if not isinstance(data, dict) or "extends" not in data:
        refuse_controls(data, located)
        return data, located
    parent = _parent(path, data["extends"], located.children.get("extends", located), chain, seen)
    base, base_located = _load_chain(parent, chain, (*seen, path.resolve()))
    if not isinstance(base, dict):
        raise ScenarioError(
            [Problem("the extended scenario is not a mapping", file=str(parent), line=1)]
        )
    return merge(base, base_located, data, located)


def _parent(
    path: Path, reference: object, where: Located, chain: _Chain, seen: tuple[Path, ...]
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
    parent = chain.places.extended(reference, path, chain.top, where)
    resolved_chain = (*seen, path.resolve())
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


def _drop_removed(data: object) -> None:
    """Remove `remove: true` items from id-lists once everything is merged."""
    if isinstance(data, dict):
        for value in data.values():
            _drop_removed(value)
    elif isinstance(data, list):
        data[:] = [i for i in data if not (isinstance(i, dict) and i.get("remove") is True)]
        for item in data:
            _drop_removed(item)
