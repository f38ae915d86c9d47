"""The built-in functions of expressions: abs, clip, max, min, round, over whole lanes."""

from __future__ import annotations

import ast
from collections.abc import Callable

import numpy as np

from sim.errors import did_you_mean
from sim.language.comparisons import Comparisons
from sim.language.types import FLOAT, INT, Compiled, Env, Type, Value
from sim.language.variates import VARIATES, Variates
from sim.language.walker import numeric, rung_as_number

FUNCTIONS = ("abs", "clip", "max", "min", "round")
WHOLE_LIMIT = float(2**63 - 1024)  # the largest float64 below 2**63: round() saturates here


class Functions(Comparisons, Variates):
    """Calls of the built-in functions, each checking its arguments' number and types."""

    def visit_Call(self, node: ast.Call, depth: int) -> Compiled:
        if isinstance(node.func, ast.Name) and node.func.id in VARIATES:
            return self.variate(node, node.func.id, depth)
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else "this"
            known = FUNCTIONS + VARIATES
            raise self.error(
                node,
                f"unknown function {name!r}",
                hint=did_you_mean(name, known) or f"functions: {', '.join(known)}",
            )
        if node.keywords:
            raise self.error(node, f"{node.func.id}() takes no keyword arguments")
        args = [self.visit(a, depth) for a in node.args]
        call: Callable[[ast.Call, str, list[Compiled]], Compiled] = getattr(
            self, f"_call_{node.func.id}"
        )
        return call(node, node.func.id, args)

    def _call_min(self, node: ast.Call, name: str, args: list[Compiled]) -> Compiled:
        return self._extremum(node, name, args, np.minimum)

    def _call_max(self, node: ast.Call, name: str, args: list[Compiled]) -> Compiled:
        return self._extremum(node, name, args, np.maximum)

    def _extremum(
        self, node: ast.Call, name: str, args: list[Compiled], function: np.ufunc
    ) -> Compiled:
        if len(args) < 2:
            raise self.error(node, f"{name}() needs at least two values")
        enums = [a.type for a in args if a.type.kind == "enum"]
        if enums:
            type_ = enums[0]
            args = [
                self._enum_argument(name, type_, arg, arg_node)
                for arg, arg_node in zip(args, node.args, strict=True)
            ]
        else:
            self._check_numbers(node, name, args)
            type_ = FLOAT if any(a.type.kind == "float" for a in args) else INT
        numbers = tuple(numeric(a) for a in args)

        def evaluate(env: Env) -> Value:
            result = numbers[0](env)
            for part in numbers[1:]:
                result = function(result, part(env))
            return result

        return self.fold(evaluate, type_, args)

    def _enum_argument(self, name: str, type_: Type, arg: Compiled, node: ast.AST) -> Compiled:
        """An argument of min/max over enum values: a literal is placed, another enum refused."""
        if arg.type.kind == "text":
            return self.place(arg, type_, node)
        if arg.type != type_ and not (type_.ladder and arg.type.kind == "int"):
            raise self.error(node, f"{name}() mixes {type_.describe()} with {arg.type.describe()}")
        return arg

    def _call_abs(self, node: ast.Call, name: str, args: list[Compiled]) -> Compiled:
        (arg,) = self._numeric_args(node, name, args, 1)
        type_ = INT if arg.type.kind == "bool" else arg.type
        number = numeric(arg)
        return self.fold(lambda env: np.abs(number(env)), type_, [arg])

    def _call_round(self, node: ast.Call, name: str, args: list[Compiled]) -> Compiled:
        (arg,) = self._numeric_args(node, name, args, 1)
        number = numeric(arg)

        def evaluate(env: Env) -> Value:
            value = number(env)
            if isinstance(value, np.ndarray):
                # over lanes: beyond the 64-bit range saturates, an undefined value is 0
                rounded = np.nan_to_num(np.rint(value), nan=0.0)
                bounded: np.ndarray = np.clip(rounded, -WHOLE_LIMIT, WHOLE_LIMIT)
                return bounded.astype(np.int64)
            single = float(np.rint(value))
            if not np.isfinite(single) or abs(single) > WHOLE_LIMIT:
                raise ValueError(f"round() of {single:g} does not fit a whole number")
            return int(single)

        return self.fold(evaluate, INT, [arg])

    def _call_clip(self, node: ast.Call, name: str, args: list[Compiled]) -> Compiled:
        x, low, high = self._numeric_args(node, name, args, 3)
        type_ = FLOAT if any(a.type.kind == "float" for a in (x, low, high)) else INT
        number, lo, hi = numeric(x), low.evaluate, high.evaluate

        def evaluate(env: Env) -> Value:
            return np.minimum(np.maximum(number(env), lo(env)), hi(env))

        return self.fold(evaluate, type_, [x, low, high])

    def _numeric_args(
        self, node: ast.Call, name: str, args: list[Compiled], count: int
    ) -> list[Compiled]:
        if len(args) != count:
            raise self.error(
                node, f"{name}() takes {count} value{'s' if count > 1 else ''}, got {len(args)}"
            )
        args = [rung_as_number(arg) for arg in args]
        self._check_numbers(node, name, args)
        return args

    def _check_numbers(self, node: ast.Call, name: str, args: list[Compiled]) -> None:
        for arg, arg_node in zip(args, node.args, strict=True):
            if not arg.type.numeric:
                raise self.error(arg_node, f"{name}() takes numbers, got {arg.type.describe()}")
