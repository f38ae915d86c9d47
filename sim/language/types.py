"""The values of the expression language: types, names, and a compiled expression.

A `Compiled` expression is a closure over the state (one numpy array per variable,
one entry per lane) with the `Type` of what it gives; a `Namespace` says which names
an expression may read and what each is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np

from sim.errors import Suggestion

Env = Mapping[str, np.ndarray]  # variable key -> (lanes,) array
Value = np.ndarray | bool | int | float  # (lanes,) array, or a scalar when constant
Evaluator = Callable[[Env], Value]

# "text" is an enum literal such as 'incident' whose enum is not known yet
Kind = Literal["bool", "int", "float", "enum", "text"]


@dataclass(frozen=True)
class Type:
    """The type of a value: bool, int, float or an enum (ordered values)."""

    kind: Kind
    values: tuple[str, ...] = ()
    name: str = ""  # the enum's name for messages, e.g. "strait" or "ladder"
    ladder: bool = False  # the ladder also compares with rung indices

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "float", "bool")

    def describe(self) -> str:
        if self.kind == "enum":
            return f"a {self.name} value" if self.name else "an enum value"
        return {"bool": "true/false", "int": "a whole number", "float": "a number", "text": "text"}[
            self.kind
        ]


BOOL = Type("bool")
INT = Type("int")
FLOAT = Type("float")
TEXT = Type("text")


@dataclass(frozen=True)
class Symbol:
    """A name usable in expressions: its type and its key in the state, or a constant."""

    type: Type
    key: str | None = None
    constant: object = None


class Namespace:
    """The names an expression may use: variables, parameters, `actor.variable`."""

    def __init__(self, symbols: Mapping[str, Symbol], actors: Mapping[str, list[str]]) -> None:
        self.symbols = dict(symbols)
        self.actors = {actor: list(names) for actor, names in actors.items()}
        self.aliases: dict[str, str] = {}
        self.site = "expression"  # the name of the expression compiled: random variates' sites
        # every random variate compiled with this namespace or its clones: site -> function
        self.variates: dict[str, str] = {}
        # names known to the language but not here, with why (`outcome` outside the end of a run)
        self.unavailable: dict[str, str] = {}
        # fog of war: the actor whose view this is (None: the truth, as nature reads it),
        # the keys it may not read with (message, hint), and each belief key's truth key
        self.viewer: str | None = None
        self.unseen: dict[str, tuple[str, str]] = {}
        self.beliefs: dict[str, str] = {}
        # where the state keys an expression reads are recorded (a rule's, while compiling it)
        self.reads: set[str] | None = None

    def with_alias(self, alias: str, actor: str) -> Namespace:
        """A namespace where `alias.x` means `actor.x` (used for `member` in votes)."""
        clone = self._clone()
        clone.aliases = {**self.aliases, alias: actor}
        return clone

    def with_symbol(self, name: str, symbol: Symbol) -> Namespace:
        """A namespace where `name` is also readable (e.g. `outcome` at the end of a run)."""
        clone = self._clone()
        clone.symbols[name] = symbol
        clone.unavailable.pop(name, None)
        return clone

    def with_site(self, site: str) -> Namespace:
        """A namespace for compiling the expression named `site` (the variates' streams)."""
        clone = self._clone()
        clone.site = site
        return clone

    def seen_by(self, viewer: str, unseen: dict[str, tuple[str, str]]) -> Namespace:
        """The view of the actor `viewer`: `belief.x` is its own belief, and reading a key
        of `unseen` is an error with its (message, hint)."""
        clone = self._clone()
        clone.viewer = viewer
        clone.unseen = unseen
        return clone

    def recording(self, reads: set[str] | None) -> Namespace:
        """A namespace recording into `reads` the state keys its expressions read."""
        clone = self._clone()
        clone.reads = reads
        return clone

    def _clone(self) -> Namespace:
        clone = Namespace(self.symbols, self.actors)
        clone.site = self.site
        clone.variates = self.variates  # shared: one record for the whole scenario
        clone.aliases = dict(self.aliases)
        clone.unavailable = dict(self.unavailable)
        clone.viewer = self.viewer
        clone.unseen = self.unseen
        clone.beliefs = self.beliefs
        clone.reads = self.reads
        return clone


class ExpressionError(Exception):
    """A problem in one expression, with its 0-based offset into the text.

    For an unknown name, `suggestion` holds what would be right as data (the closest
    valid name, or the valid ones); `hint` is the text shown.
    """

    def __init__(
        self,
        message: str,
        offset: int = 0,
        hint: str | None = None,
        suggestion: Suggestion | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint
        self.suggestion = suggestion


@dataclass(frozen=True)
class Compiled:
    """A compiled expression: call it with the state to get a value per lane (or a scalar)."""

    evaluate: Evaluator
    type: Type
    constant: bool = False
    text: str = ""
    literal: str | None = None  # an unplaced enum literal such as 'incident'
    # For text: builds the expression once the enum it belongs to is known (a literal
    # becomes that enum's code; `'closed' if x else 'open'` a choice between codes).
    place: Callable[[Type], Compiled] | None = None

    def __call__(self, env: Env) -> Value:
        return self.evaluate(env)

    def value(self) -> Value:
        """The value of a constant expression."""
        return self.evaluate({})

    def placed(self, type_: Type) -> Compiled:
        """This text expression as a value of the enum `type_`."""
        if self.place is None:
            raise TypeError(f"{self.type.describe()} cannot be placed in an enum")
        return self.place(type_)


def constant(value: object, type_: Type) -> Compiled:
    """An expression that always gives `value` (a scalar, or text for an unplaced literal)."""
    fixed = cast(Value, value)

    def evaluate(env: Env) -> Value:
        return fixed

    return Compiled(evaluate, type_, constant=True)


def describe_text(compiled: Compiled) -> str:
    """How a text expression is named in a message."""
    if compiled.literal is not None:
        return f"the text {compiled.literal!r}"
    return "a choice between texts"
