"""Collecting every problem of a scenario while compiling it, each at its file and line."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from sim.errors import Problem
from sim.language.expressions import compile_expression
from sim.language.types import Compiled, ExpressionError, Namespace, Type
from sim.scenario import schema
from sim.scenario.yaml_reader import Located

Path = tuple[Hashable, ...]  # keys and indices into the scenario data, e.g. ("rules", 3, "when")


class Problems:
    """The problems found so far, located through the YAML positions when there are any."""

    def __init__(
        self, spec: schema.ScenarioSpec, located: Located | None, source: str | None
    ) -> None:
        self.spec = spec
        self.located = located
        self.source = source
        self.found: list[Problem] = []

    def add(
        self, path: Path, message: str, hint: str | None = None, offset: int | None = None
    ) -> None:
        """Record a problem at `path` (`offset`: characters into the expression written there)."""
        file, line, column = self.source, None, None
        if self.located is not None:
            node, _ = self.located.find(path)
            file, line, column = node.file, node.line, node.column
            if offset is not None and node.single_line:
                column += offset + (1 if node.quoted else 0)
        self.found.append(
            Problem(
                message, file=file, line=line, column=column, path=self._path_text(path), hint=hint
            )
        )

    def _path_text(self, path: Path) -> str:
        """`rules[escalate].when`: items of id-lists (options too) are named by their id.

        Also the name of a random variate's site in the expression found there."""
        text = ""
        lists: dict[str, list[Any]] = {
            "rules": self.spec.rules,
            "events": self.spec.events,
            "outcomes": self.spec.outcomes,
            "checks": self.spec.checks,
            "measures": self.spec.measures,
        }
        container: str | None = None
        for key in path:
            if isinstance(key, int):
                items = lists.get(container) if container else None
                if items is not None and key < len(items):
                    text += f"[{items[key].id}]"
                    lists["options"] = getattr(items[key], "options", None) or []
                else:
                    text += f"[{key}]"
            else:
                text += f".{key}" if text else str(key)
            container = key if isinstance(key, str) else None
        return text

    def expression(
        self, path: Path, source: object, names: Namespace, expected: Type | None
    ) -> Compiled | None:
        """The expression compiled, or None with its problem recorded."""
        try:
            return compile_expression(source, names.with_site(self._path_text(path)), expected)
        except ExpressionError as error:
            self.add(path, f"{error.message} in `{_short(source)}`", error.hint, error.offset)
            return None


def _short(source: object) -> str:
    text = " ".join(str(source).split())
    return text if len(text) <= 60 else text[:57] + "..."
