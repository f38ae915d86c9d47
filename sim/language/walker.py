"""The base of the expression compiler: dispatch on `ast` node types, a whitelist.

Each node type the language has gets a `visit_<Node>` method in a subclass
(`operators`, `functions`, `visitor`); any other node is refused with its position.
Here too: folding constant parts away and the checks every operator shares.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from sim.errors import Suggestion
from sim.language.types import (
    INT,
    Compiled,
    Env,
    Evaluator,
    ExpressionError,
    Namespace,
    Type,
    Value,
    constant,
    describe_text,
)

MAX_DEPTH = 40
# A whole number folded from constants must fit the engine's 64-bit integers (powers are
# checked before they are computed, so `(((10**8)**8)**8)**8` never takes minutes).
MAX_WHOLE_NUMBER = 2**63 - 1

# Node types that are not part of the language, named as a user would name them.
REFUSED = {
    ast.Subscript: "indexing",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.Dict: "mappings",
    ast.Set: "sets",
    ast.JoinedStr: "f-strings",
    ast.NamedExpr: "assignment",
    ast.Await: "await",
    ast.Starred: "star arguments",
    ast.Slice: "slices",
}


def too_large(value: int) -> str:
    """The message for a whole number beyond the engine's 64-bit integers."""
    digits = len(str(abs(value))) if value.bit_length() < 10_000 else "thousands of"
    return f"a whole number of {digits} digits; the largest is {MAX_WHOLE_NUMBER:,}"


Handler = Callable[[ast.AST, int], Compiled]


class Walker:
    """Walks a parsed expression; each visit returns a typed `Compiled`."""

    def __init__(self, names: Namespace, lead: int) -> None:
        self.names = names
        self.lead = lead  # leading whitespace stripped before parsing
        self.variate_calls = 0  # random variates compiled so far: the rank of the next one

    def error(
        self,
        node: ast.AST,
        message: str,
        hint: str | None = None,
        suggestion: Suggestion | None = None,
    ) -> ExpressionError:
        offset = self.lead + getattr(node, "col_offset", 0)
        return ExpressionError(message, offset, hint, suggestion)

    def visit(self, node: ast.AST, depth: int) -> Compiled:
        if depth > MAX_DEPTH:
            raise self.error(node, f"expression is nested more than {MAX_DEPTH} deep")
        handler: Handler | None = getattr(self, f"visit_{type(node).__name__}", None)
        if handler is None:
            what = REFUSED.get(type(node), type(node).__name__)
            raise self.error(
                node,
                f"{what} is not part of the expression language",
                hint="see docs/scenario-language.md, 'Expressions'",
            )
        return handler(node, depth + 1)

    def expect_bool(self, node: ast.AST, depth: int, context: str) -> Compiled:
        compiled = self.visit(node, depth)
        if compiled.type.kind != "bool":
            raise self.error(
                node,
                f"{context} needs true/false values, got {compiled.type.describe()}",
                hint="compare it, e.g. russia.alert > 0",
            )
        return compiled

    def expect_number(self, node: ast.AST, depth: int, context: str) -> Compiled:
        compiled = rung_as_number(self.visit(node, depth))
        if not compiled.type.numeric:
            got = (
                describe_text(compiled)
                if compiled.type.kind == "text"
                else compiled.type.describe()
            )
            raise self.error(node, f"{context} needs numbers, got {got}")
        return compiled

    def place(self, text: Compiled, type_: Type, node: ast.AST) -> Compiled:
        """Turn a text expression into one of `type_`'s values (an error names the node)."""
        try:
            return text.placed(type_)
        except ExpressionError as error:
            if error.offset:
                raise
            raise self.error(node, error.message, error.hint, error.suggestion) from None

    def fold(
        self, evaluate: Evaluator, type_: Type, parts: list[Compiled], guard_division: bool = False
    ) -> Compiled:
        """Evaluate now when every part is constant (fixed parameters fold away)."""
        if all(p.constant for p in parts):
            with np.errstate(all="ignore"):
                try:
                    value = evaluate({})
                except ZeroDivisionError:
                    raise ExpressionError("division by zero") from None
                except (OverflowError, ValueError) as error:
                    raise ExpressionError(f"cannot be computed: {error}") from None
            if isinstance(value, np.generic):
                value = value.item()
            if isinstance(value, int) and abs(value) > MAX_WHOLE_NUMBER:
                raise ExpressionError(too_large(value))
            return constant(value, type_)
        if guard_division:
            return Compiled(_ignore_float_errors(evaluate), type_)
        return Compiled(evaluate, type_)


def as_number(value: Value) -> Value:
    """Booleans count as 0/1 in arithmetic (numpy would add them as logical or)."""
    if isinstance(value, np.ndarray) and value.dtype == np.bool_:
        return value.astype(np.int64)
    if isinstance(value, bool | np.bool_):
        return int(value)
    return value


def rung_as_number(compiled: Compiled) -> Compiled:
    """A ladder value in arithmetic counts as its rung's index (0 for the lowest rung), so
    `alpha.level + 1` is the rung above; other values are returned as they are."""
    return replace(compiled, type=INT) if compiled.type.ladder else compiled


def numeric(compiled: Compiled) -> Evaluator:
    """An evaluator of `compiled` for arithmetic: only a true/false part needs converting."""
    if compiled.type.kind != "bool":
        return compiled.evaluate
    evaluate = compiled.evaluate
    return lambda env: as_number(evaluate(env))


def _ignore_float_errors(evaluate: Evaluator) -> Evaluator:
    """Division by zero over lanes yields inf/nan, caught where it is used, not a warning."""

    def guarded(env: Env) -> Value:
        with np.errstate(divide="ignore", invalid="ignore"):
            return evaluate(env)

    return guarded
