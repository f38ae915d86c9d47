"""Comparisons in expressions: chains such as `1 < x <= 3`, enum values, and `in [...]`."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable

import numpy as np

from sim.language.operators import SYMBOLS, Operators, all_of
from sim.language.types import BOOL, Compiled, Env, Type, Value, describe_text

COMPARISON: dict[type[ast.cmpop], Callable[[Value, Value], Value]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


class Comparisons(Operators):
    """Comparisons, where an enum literal such as 'closed' takes the type it is compared with."""

    def visit_Compare(self, node: ast.Compare, depth: int) -> Compiled:
        operands = [node.left, *node.comparators]
        checks = []
        compiled = [self.visit(operands[0], depth)]
        for op, right_node in zip(node.ops, operands[1:], strict=True):
            left = compiled[-1]
            if isinstance(op, ast.In | ast.NotIn):
                checks.append(self._membership(left, op, right_node, depth))
                compiled.append(left)  # membership ends a chain in practice
                continue
            right = self.visit(right_node, depth)
            compiled.append(right)
            checks.append(self._comparison(left, op, right, right_node))
        if len(checks) == 1:
            return checks[0]
        return self.fold(all_of(tuple(c.evaluate for c in checks)), BOOL, checks)

    def _comparison(
        self, left: Compiled, op: ast.cmpop, right: Compiled, node: ast.AST
    ) -> Compiled:
        symbol = SYMBOLS.get(type(op))
        if symbol is None:
            raise self.error(node, "`is` is not part of the language; use == or !=")
        left, right = self._unify_for_comparison(left, right, node, symbol)
        function = COMPARISON[type(op)]
        if left.type.kind == "bool" and symbol not in ("==", "!="):
            raise self.error(node, f"true/false values cannot be ordered with {symbol}")
        a, b = left.evaluate, right.evaluate

        def evaluate(env: Env) -> Value:
            return function(a(env), b(env))

        return self.fold(evaluate, BOOL, [left, right])

    def _unify_for_comparison(
        self, left: Compiled, right: Compiled, node: ast.AST, symbol: str
    ) -> tuple[Compiled, Compiled]:
        lt, rt = left.type, right.type
        if lt.kind == "text" and rt.kind == "text":
            raise self.error(node, "comparing two texts; compare a variable with a value")
        if lt.kind == "enum" or rt.kind == "enum":
            return self._unify_with_enum(left, right, node)
        if lt.kind == "text" or rt.kind == "text":
            text = left if lt.kind == "text" else right
            other = right if lt.kind == "text" else left
            raise self.error(
                node,
                f"cannot compare {other.type.describe()} with {describe_text(text)}",
            )
        if (lt.kind == "bool") != (rt.kind == "bool"):
            raise self.error(
                node, f"cannot compare {lt.describe()} with {rt.describe()} using {symbol}"
            )
        return left, right

    def _unify_with_enum(
        self, left: Compiled, right: Compiled, node: ast.AST
    ) -> tuple[Compiled, Compiled]:
        enum, other = (left, right) if left.type.kind == "enum" else (right, left)
        if other.type.kind == "text":
            placed = self.place(other, enum.type, node)
            return (enum, placed) if enum is left else (placed, enum)
        if other.type.kind == "enum" and other.type.values == enum.type.values:
            return left, right
        if enum.type.ladder and other.type.kind == "int":
            return left, right
        raise self.error(
            node,
            f"cannot compare {enum.type.describe()} with {other.type.describe()}",
            hint=f"compare with one of: {', '.join(repr(v) for v in enum.type.values)}",
        )

    def _membership(
        self, left: Compiled, op: ast.cmpop, right_node: ast.AST, depth: int
    ) -> Compiled:
        if not isinstance(right_node, ast.List | ast.Tuple):
            raise self.error(
                right_node, "`in` takes a list written out, e.g. strait in ['open', 'contested']"
            )
        items = [self.visit(item, depth) for item in right_node.elts]
        if not items:
            raise self.error(right_node, "`in` needs at least one value")
        choices = tuple(
            self._member_value(left.type, item, item_node)
            for item, item_node in zip(items, right_node.elts, strict=True)
        )
        negate = isinstance(op, ast.NotIn)
        value_of = left.evaluate

        def evaluate(env: Env) -> Value:
            # a few comparisons are far cheaper than np.isin on a lane array
            value = value_of(env)
            found = value == choices[0]
            for choice in choices[1:]:
                found = found | (value == choice)
            return np.logical_not(found) if negate else found

        return self.fold(evaluate, BOOL, [left])

    def _member_value(self, type_: Type, item: Compiled, item_node: ast.AST) -> Value:
        """One value of an `in [...]` list, as a value of `type_`."""
        if not item.constant:
            raise self.error(item_node, "the values after `in` must be written out")
        if type_.kind == "enum":
            if item.type.kind == "text":
                return self.place(item, type_, item_node).value()
            if item.type == type_ or (type_.ladder and item.type.kind == "int"):
                return item.value()
        elif item.type.numeric and type_.numeric:
            return item.value()
        raise self.error(
            item_node,
            f"{item.type.describe()} cannot be in a list of {type_.describe()}",
        )
