"""The expression compiler: names and literals, on top of operators and functions.

`ExpressionCompiler(names, lead).visit(tree, 0)` turns a parsed expression into a
typed `Compiled`, resolving every name against the `Namespace` once.
"""

from __future__ import annotations

import ast

from sim.errors import Suggestion, suggest
from sim.language.functions import Functions
from sim.language.types import (
    BOOL,
    FLOAT,
    INT,
    TEXT,
    Compiled,
    ExpressionError,
    Namespace,
    Type,
    constant,
)
from sim.language.walker import MAX_WHOLE_NUMBER, too_large


class ExpressionCompiler(Functions):
    """Every node type of the language; `visit` refuses the rest."""

    def visit_Constant(self, node: ast.Constant, depth: int) -> Compiled:
        value = node.value
        if isinstance(value, bool):
            return constant(value, BOOL)
        if isinstance(value, int):
            if abs(value) > MAX_WHOLE_NUMBER:
                raise self.error(node, too_large(value))
            return constant(value, INT)
        if isinstance(value, float):
            return constant(value, FLOAT)
        if isinstance(value, str):
            return text_literal(value, self.lead + node.col_offset)
        raise self.error(node, f"{type(value).__name__} literals are not part of the language")

    def visit_Name(self, node: ast.Name, depth: int) -> Compiled:
        name = node.id
        if name in ("true", "True"):
            return constant(True, BOOL)
        if name in ("false", "False"):
            return constant(False, BOOL)
        if name in self.names.actors or name in self.names.aliases:
            raise self.error(
                node,
                f"{name!r} is an actor; name one of its variables",
                hint=_actor_variables_hint(self.names, name),
            )
        return self._symbol(node, name, list(self.names.symbols))

    def visit_Attribute(self, node: ast.Attribute, depth: int) -> Compiled:
        parts = _dotted(node)
        if parts is None:
            raise self.error(node, "only `actor.variable` may contain a dot")
        if "belief" in parts[:2]:
            return self._belief(node, parts)
        if len(parts) != 2:
            raise self.error(node, "only `actor.variable` may contain a dot")
        actor = self._actor(node, parts[0])
        variables = self.names.actors[actor]
        if parts[1] not in variables:
            shown = f"{parts[0]}.{parts[1]}"
            close = suggest(parts[1], variables)
            hint = _text(close) or _actor_variables_hint(self.names, actor)
            raise self.error(node, f"unknown name {shown!r}", hint, suggestion=close)
        return self._symbol(node, f"{actor}.{parts[1]}", [])

    def _actor(self, node: ast.AST, name: str) -> str:
        """The actor a name stands for (`member` in a vote is the voting member)."""
        actor = self.names.aliases.get(name, name)
        if actor not in self.names.actors:
            actors = suggest(name, [*self.names.actors, *self.names.aliases])
            raise self.error(node, f"unknown actor {name!r}", _text(actors), suggestion=actors)
        return actor

    def _belief(self, node: ast.AST, parts: list[str]) -> Compiled:
        """`belief.x` (the viewer's own), or `actor.belief.x` (a named actor's)."""
        names = self.names
        if parts[0] == "belief":
            about = ".".join(parts[1:])
            if names.viewer is None:
                holders = [
                    k.split(".belief.", 1)[0] for k, v in names.beliefs.items() if v == about
                ]
                hint = f"write `{holders[0]}.belief.{about}`" if holders else None
                raise self.error(
                    node, f"`belief.{about}` names no actor: here, say whose belief it is", hint
                )
            actor = names.viewer
        else:
            actor = self._actor(node, parts[0])
            about = ".".join(parts[2:])
        if not about:
            raise self.error(node, "a belief is about a variable: `belief.deliberate`")
        key = f"{actor}.belief.{about}"
        if key not in names.symbols:
            held = [v for k, v in names.beliefs.items() if k.startswith(f"{actor}.belief.")]
            close = suggest(about, held)
            hint = _text(close) or f"declare it under `actors.{actor}.beliefs`"
            raise self.error(
                node, f"{actor} holds no belief about `{about}`", hint, suggestion=close
            )
        return self._symbol(node, key, [])

    def _symbol(self, node: ast.AST, key: str, candidates: list[str]) -> Compiled:
        symbol = self.names.symbols.get(key)
        if symbol is None and key in self.names.unavailable:
            raise self.error(node, f"{key!r} cannot be used here", self.names.unavailable[key])
        if symbol is None:
            qualified = [f"{a}.{v}" for a, vs in self.names.actors.items() for v in vs]
            close = suggest(key, [*candidates, *qualified])
            raise self.error(node, f"unknown name {key!r}", _text(close), suggestion=close)
        if key in self.names.unseen:
            message, hint = self.names.unseen[key]
            raise self.error(node, message, hint)
        if symbol.key is None:
            return constant(symbol.constant, symbol.type)
        if self.names.reads is not None:
            self.names.reads.add(symbol.key)
        state_key = symbol.key
        return Compiled(lambda env: env[state_key], symbol.type)


def _dotted(node: ast.AST) -> list[str] | None:
    """`a.b.c` as ["a", "b", "c"]; None if the chain does not start with a name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def text_literal(text: str, offset: int) -> Compiled:
    """A quoted value such as 'incident': its enum is known only where it is used."""

    def place(type_: Type) -> Compiled:
        return constant(enum_code(text, type_, offset), type_)

    literal = constant(text, TEXT)
    return Compiled(literal.evaluate, TEXT, constant=True, literal=text, place=place)


def enum_code(text: str, type_: Type, offset: int) -> int:
    """The code of the value `text` in the enum `type_`."""
    if text in type_.values:
        return type_.values.index(text)
    what = "ladder level" if type_.ladder else f"{type_.name} value" if type_.name else "value"
    close = suggest(text, type_.values)
    hint = _text(close) or f"valid: {', '.join(type_.values)}"
    raise ExpressionError(f"unknown {what} {text!r}", offset, hint, close)


def _text(suggestion: Suggestion | None) -> str | None:
    """A suggestion as the text of a hint."""
    return None if suggestion is None else str(suggestion)


def _actor_variables_hint(names: Namespace, actor: str) -> str | None:
    actor = names.aliases.get(actor, actor)
    variables = names.actors.get(actor, [])
    if not variables:
        return f"{actor!r} has no state variables"
    return "its variables: " + ", ".join(f"{actor}.{v}" for v in variables)
