"""Logic, arithmetic and `if`/`else` in expressions, each over whole lanes at once."""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable

import numpy as np

from sim.language.types import BOOL, FLOAT, INT, TEXT, Compiled, Env, Type, Value
from sim.language.walker import MAX_WHOLE_NUMBER, Walker, numeric

MAX_POWER = 8

BinaryFunction = Callable[[Value, Value], Value]

ARITHMETIC: dict[type[ast.operator], BinaryFunction] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
SYMBOLS: dict[type[ast.AST], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}


def all_of(parts: tuple[Callable[[Env], Value], ...]) -> Callable[[Env], Value]:
    """The lane-wise `and` of several true/false evaluators."""

    def evaluate(env: Env) -> Value:
        result = parts[0](env)
        for part in parts[1:]:
            result = np.logical_and(result, part(env))
        return result

    return evaluate


class Operators(Walker):
    """`and`/`or`/`not`, signs, arithmetic and conditional expressions."""

    def visit_BoolOp(self, node: ast.BoolOp, depth: int) -> Compiled:
        word = "and" if isinstance(node.op, ast.And) else "or"
        parts = [self.expect_bool(v, depth, f"`{word}`") for v in node.values]
        evaluators = tuple(p.evaluate for p in parts)
        if word == "and":
            return self.fold(all_of(evaluators), BOOL, parts)

        def any_of(env: Env) -> Value:
            result = evaluators[0](env)
            for part in evaluators[1:]:
                result = np.logical_or(result, part(env))
            return result

        return self.fold(any_of, BOOL, parts)

    def visit_UnaryOp(self, node: ast.UnaryOp, depth: int) -> Compiled:
        if isinstance(node.op, ast.Not):
            operand = self.expect_bool(node.operand, depth, "`not`")
            inner = operand.evaluate
            return self.fold(lambda env: np.logical_not(inner(env)), BOOL, [operand])
        operand = self.expect_number(node.operand, depth, "a sign")
        if isinstance(node.op, ast.USub):
            type_ = INT if operand.type.kind == "bool" else operand.type
            number = numeric(operand)
            return self.fold(lambda env: -number(env), type_, [operand])
        if isinstance(node.op, ast.UAdd):
            return operand
        raise self.error(node, "bitwise operators are not part of the language")

    def visit_BinOp(self, node: ast.BinOp, depth: int) -> Compiled:
        op = type(node.op)
        if op not in ARITHMETIC:
            raise self.error(node, "bitwise operators are not part of the language")
        symbol = SYMBOLS[op]
        left = self.expect_number(node.left, depth, f"`{symbol}`")
        right = self.expect_number(node.right, depth, f"`{symbol}`")
        whole = left.type.kind in ("int", "bool") and right.type.kind in ("int", "bool")
        if op is ast.Pow:
            exponent = self._exponent(node.right, right)
            whole = whole and exponent >= 0
            if whole and left.constant:
                self._check_power_size(node, left.value(), exponent)
        type_ = INT if whole and op is not ast.Div else FLOAT
        function = ARITHMETIC[op]
        if op is ast.Pow and not whole:
            # in floats throughout: 2**-1 is 0.5, a negative base gives nan, not an exception
            function = np.float_power
        guard = op in (ast.Div, ast.FloorDiv, ast.Mod)
        if guard:
            if right.constant and right.value() == 0:
                raise self.error(node.right, f"division by zero: `{symbol}` by a constant 0")
            function = _lane_division(function)
        a, b = numeric(left), numeric(right)

        def evaluate(env: Env) -> Value:
            return function(a(env), b(env))

        return self.fold(evaluate, type_, [left, right], guard_division=guard)

    def _check_power_size(self, node: ast.BinOp, base: object, exponent: int | float) -> None:
        """Refuse a whole-number power whose result would not fit in 64 bits, before
        computing it."""
        if not isinstance(base, int | np.integer) or abs(int(base)) < 2:
            return
        if math.log2(abs(int(base))) * exponent >= math.log2(MAX_WHOLE_NUMBER):
            raise self.error(
                node,
                f"this power is larger than the largest whole number, {MAX_WHOLE_NUMBER:,}",
                hint="write the number with a fraction (e.g. 10.0**8) if it is meant to be large",
            )

    def _exponent(self, node: ast.AST, right: Compiled) -> int | float:
        """A power's exponent: a number written out (or a fixed parameter), kept small."""
        value = right.value() if right.constant else None
        if not isinstance(value, int | float) or abs(value) > MAX_POWER:
            raise self.error(
                node, f"the exponent must be a number written out, at most {MAX_POWER}"
            )
        return value

    def visit_IfExp(self, node: ast.IfExp, depth: int) -> Compiled:
        test = self.expect_bool(node.test, depth, "`if`")
        body = self.visit(node.body, depth)
        orelse = self.visit(node.orelse, depth)
        if body.type.kind == "text" and orelse.type.kind == "text":
            # 'closed' if x else 'open': a choice between values of an enum not known yet
            def place(type_: Type) -> Compiled:
                return self.choose(test, body.placed(type_), orelse.placed(type_), type_)

            return Compiled(test.evaluate, TEXT, place=place)
        body, orelse, type_ = self._unify_branches(body, orelse, node)
        return self.choose(test, body, orelse, type_)

    def choose(self, test: Compiled, body: Compiled, orelse: Compiled, type_: Type) -> Compiled:
        """`body if test else orelse`, lane by lane."""
        t, a, b = test.evaluate, body.evaluate, orelse.evaluate

        def evaluate(env: Env) -> Value:
            return np.where(t(env), a(env), b(env))

        return self.fold(evaluate, type_, [test, body, orelse])

    def _unify_branches(
        self, a: Compiled, b: Compiled, node: ast.AST
    ) -> tuple[Compiled, Compiled, Type]:
        if a.type.kind == "text":
            a = self.place(a, b.type, node) if b.type.kind == "enum" else a
        if b.type.kind == "text":
            b = self.place(b, a.type, node) if a.type.kind == "enum" else b
        if a.type == b.type:
            return a, b, a.type
        if a.type.numeric and b.type.numeric:
            kind = "float" if "float" in (a.type.kind, b.type.kind) else "int"
            return a, b, FLOAT if kind == "float" else INT
        raise self.error(
            node, f"the two branches differ: {a.type.describe()} and {b.type.describe()}"
        )


def _lane_division(function: BinaryFunction) -> BinaryFunction:
    """`/`, `//` or `%` that follows numpy's rules when the divisor is 0 (inf, nan or 0
    over lanes) even when both operands happen to be plain numbers, such as the turn."""

    def divide(a: Value, b: Value) -> Value:
        try:
            return function(a, b)
        except ZeroDivisionError:
            return function(np.asarray(a)[()], np.asarray(b)[()])

    return divide
