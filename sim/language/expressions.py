"""The expression language: parsed with `ast`, checked against a whitelist, compiled once.

An expression such as `level >= 'incident' and 0.1 + 0.05 * russia.alert > 0.2`
becomes a Python closure over numpy arrays with one entry per lane, so a
rule's condition is evaluated for every run of a block at once. Nothing in a
scenario is ever passed to `eval` or `exec`: only the node types handled
below exist, and everything else is refused with its position.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from sim.errors import did_you_mean

MAX_EXPRESSION_LENGTH = 500
MAX_DEPTH = 40
MAX_POWER = 8
FUNCTIONS = ("abs", "clip", "max", "min", "round")

Env = Mapping[str, np.ndarray]  # variable key -> (lanes,) array
Value = np.ndarray | bool | int | float
Evaluator = Callable[[Env], Value]


@dataclass(frozen=True)
class Type:
    """The type of a value: bool, int, float or an enum (ordered values)."""

    kind: str  # "bool" | "int" | "float" | "enum" | "text" (an enum literal not yet placed)
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


class ExpressionError(Exception):
    """A problem in one expression, with its 0-based offset into the text."""

    def __init__(self, message: str, offset: int = 0, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint


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


class Namespace:
    """The names an expression may use: variables, parameters, `actor.variable`."""

    def __init__(self, symbols: Mapping[str, Symbol], actors: Mapping[str, list[str]]) -> None:
        self.symbols = dict(symbols)
        self.actors = {actor: list(names) for actor, names in actors.items()}
        self.aliases: dict[str, str] = {}

    def with_alias(self, alias: str, actor: str) -> Namespace:
        """A namespace where `alias.x` means `actor.x` (used for `member` in votes)."""
        clone = Namespace(self.symbols, self.actors)
        clone.aliases = {**self.aliases, alias: actor}
        return clone


def compile_expression(source: object, names: Namespace, expected: Type | None = None) -> Compiled:
    """Compile a scenario expression (text, or a YAML bool/number) to a closure over lanes.

    With `expected`, the result is checked (and an enum literal placed) against that type.
    """
    if isinstance(source, bool):
        compiled = _const(source, BOOL)
    elif isinstance(source, int | float):
        compiled = _const(source, INT if isinstance(source, int) else FLOAT)
    elif isinstance(source, str):
        compiled = _compile_text(source, names)
    else:
        raise ExpressionError(f"expected an expression, got {type(source).__name__}")
    if expected is not None:
        compiled = coerce(compiled, expected)
    return compiled


def _compile_text(text: str, names: Namespace) -> Compiled:
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(
            f"expression is longer than {MAX_EXPRESSION_LENGTH} characters",
            hint="split it over several rules or variables",
        )
    flat = " ".join(text.split("\n"))
    if not flat.strip():
        raise ExpressionError("empty expression")
    try:
        tree = ast.parse(flat.strip(), mode="eval")
    except SyntaxError as error:
        offset = max((error.offset or 1) - 1, 0) + (len(flat) - len(flat.lstrip()))
        hint = None
        if flat.count("(") > flat.count(")"):
            hint = "inside { } a comma ends the value: quote the whole expression"
        raise ExpressionError(f"not a valid expression: {error.msg}", offset, hint) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError("not a valid expression") from None
    lead = len(flat) - len(flat.lstrip())
    compiled = _Compiler(names, lead).visit(tree.body, 0)
    return replace(compiled, text=text)


def coerce(compiled: Compiled, expected: Type) -> Compiled:
    """Check that `compiled` fits where `expected` is needed, converting where safe."""
    actual = compiled.type
    if expected.kind == "enum":
        if actual.kind == "text":
            return compiled.place(expected)
        if actual.kind == "enum" and actual.values == expected.values:
            return compiled
        if expected.ladder and actual.kind == "int":
            return compiled
    elif expected.kind == "bool":
        if actual.kind == "bool":
            return compiled
    elif expected.kind == "float":
        if actual.numeric:
            return compiled
    elif expected.kind == "int":
        if actual.kind in ("int", "bool"):
            return compiled
        if actual.kind == "float":
            raise ExpressionError(
                "expected a whole number but this gives a number with a fraction",
                hint="wrap it in round(...)",
            )
    if actual.kind == "text":
        raise ExpressionError(
            f"expected {expected.describe()}, got {_text(compiled)}", hint=_enum_hint(expected)
        )
    raise ExpressionError(f"expected {expected.describe()}, got {actual.describe()}")


def _enum_hint(expected: Type) -> str | None:
    if expected.kind == "bool":
        return "write true or false, or a comparison such as strait == 'closed'"
    return None


def _const(value: object, type_: Type) -> Compiled:
    return Compiled(lambda env, v=value: v, type_, constant=True)


def _text_literal(text: str, offset: int) -> Compiled:
    """A quoted value such as 'incident': its enum is known only where it is used."""

    def place(type_: Type) -> Compiled:
        return _const(_enum_code(text, type_, offset), type_)

    return Compiled(lambda env, v=text: v, TEXT, constant=True, literal=text, place=place)


def _text(compiled: Compiled) -> str:
    """How a text expression is named in a message."""
    if compiled.literal is not None:
        return f"the text {compiled.literal!r}"
    return "a choice between texts"


def _enum_code(text: str, type_: Type, offset: int) -> int:
    if text in type_.values:
        return type_.values.index(text)
    what = "ladder level" if type_.ladder else f"{type_.name} value" if type_.name else "value"
    raise ExpressionError(
        f"unknown {what} {text!r}",
        offset,
        hint=did_you_mean(text, type_.values) or f"valid: {', '.join(type_.values)}",
    )


def _as_number(value: Value) -> Value:
    """Booleans count as 0/1 in arithmetic (numpy would add them as logical or)."""
    if isinstance(value, np.ndarray) and value.dtype == np.bool_:
        return value.astype(np.int64)
    if isinstance(value, bool | np.bool_):
        return int(value)
    return value


def _numeric(compiled: Compiled) -> Evaluator:
    """An evaluator of `compiled` for arithmetic: only a true/false part needs converting."""
    if compiled.type.kind != "bool":
        return compiled.evaluate
    return lambda env, f=compiled.evaluate: _as_number(f(env))


_ARITHMETIC = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_COMPARISON = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_SYMBOLS = {
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
_REFUSED = {
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


class _Compiler:
    """Walks a parsed expression; each visit returns a typed `Compiled`."""

    def __init__(self, names: Namespace, lead: int) -> None:
        self.names = names
        self.lead = lead  # leading whitespace stripped before parsing

    def error(self, node: ast.AST, message: str, hint: str | None = None) -> ExpressionError:
        return ExpressionError(message, self.lead + getattr(node, "col_offset", 0), hint)

    def visit(self, node: ast.AST, depth: int) -> Compiled:
        if depth > MAX_DEPTH:
            raise self.error(node, f"expression is nested more than {MAX_DEPTH} deep")
        handler = getattr(self, f"visit_{type(node).__name__}", None)
        if handler is None:
            what = _REFUSED.get(type(node), type(node).__name__)
            raise self.error(
                node,
                f"{what} is not part of the expression language",
                hint="see docs/scenario-language.md, 'Expressions'",
            )
        return handler(node, depth + 1)

    # --- leaves ---------------------------------------------------------

    def visit_Constant(self, node: ast.Constant, depth: int) -> Compiled:
        value = node.value
        if isinstance(value, bool):
            return _const(value, BOOL)
        if isinstance(value, int):
            return _const(value, INT)
        if isinstance(value, float):
            return _const(value, FLOAT)
        if isinstance(value, str):
            return _text_literal(value, self.lead + node.col_offset)
        raise self.error(node, f"{type(value).__name__} literals are not part of the language")

    def visit_Name(self, node: ast.Name, depth: int) -> Compiled:
        name = node.id
        if name in ("true", "True"):
            return _const(True, BOOL)
        if name in ("false", "False"):
            return _const(False, BOOL)
        if name in self.names.actors or name in self.names.aliases:
            raise self.error(
                node,
                f"{name!r} is an actor; name one of its variables",
                hint=_actor_variables_hint(self.names, name),
            )
        return self._symbol(node, name, list(self.names.symbols))

    def visit_Attribute(self, node: ast.Attribute, depth: int) -> Compiled:
        if not isinstance(node.value, ast.Name):
            raise self.error(node, "only `actor.variable` may contain a dot")
        actor = self.names.aliases.get(node.value.id, node.value.id)
        if actor not in self.names.actors:
            raise self.error(
                node,
                f"unknown actor {node.value.id!r}",
                hint=did_you_mean(node.value.id, [*self.names.actors, *self.names.aliases]),
            )
        variables = self.names.actors[actor]
        if node.attr not in variables:
            shown = f"{node.value.id}.{node.attr}"
            hint = did_you_mean(node.attr, variables)
            if hint is None:
                hint = _actor_variables_hint(self.names, actor)
            raise self.error(node, f"unknown name {shown!r}", hint=hint)
        return self._symbol(node, f"{actor}.{node.attr}", [])

    def _symbol(self, node: ast.AST, key: str, candidates: list[str]) -> Compiled:
        symbol = self.names.symbols.get(key)
        if symbol is None:
            qualified = [f"{a}.{v}" for a, vs in self.names.actors.items() for v in vs]
            raise self.error(
                node,
                f"unknown name {key!r}",
                hint=did_you_mean(key, [*candidates, *qualified]),
            )
        if symbol.key is None:
            return _const(symbol.constant, symbol.type)
        return Compiled(lambda env, k=symbol.key: env[k], symbol.type)

    # --- operators ------------------------------------------------------

    def visit_BoolOp(self, node: ast.BoolOp, depth: int) -> Compiled:
        word = "and" if isinstance(node.op, ast.And) else "or"
        parts = [self._expect_bool(v, depth, f"`{word}`") for v in node.values]
        combine = np.logical_and if word == "and" else np.logical_or

        def evaluate(env: Env, parts=tuple(p.evaluate for p in parts)) -> Value:
            result = parts[0](env)
            for part in parts[1:]:
                result = combine(result, part(env))
            return result

        return self._fold(evaluate, BOOL, parts)

    def visit_UnaryOp(self, node: ast.UnaryOp, depth: int) -> Compiled:
        if isinstance(node.op, ast.Not):
            operand = self._expect_bool(node.operand, depth, "`not`")
            return self._fold(
                lambda env, f=operand.evaluate: np.logical_not(f(env)), BOOL, [operand]
            )
        operand = self._expect_number(node.operand, depth, "a sign")
        if isinstance(node.op, ast.USub):
            type_ = INT if operand.type.kind == "bool" else operand.type
            number = _numeric(operand)
            return self._fold(lambda env, f=number: -f(env), type_, [operand])
        if isinstance(node.op, ast.UAdd):
            return operand
        raise self.error(node, "bitwise operators are not part of the language")

    def visit_BinOp(self, node: ast.BinOp, depth: int) -> Compiled:
        op = type(node.op)
        if op not in _ARITHMETIC:
            raise self.error(node, "bitwise operators are not part of the language")
        symbol = _SYMBOLS[op]
        left = self._expect_number(node.left, depth, f"`{symbol}`")
        right = self._expect_number(node.right, depth, f"`{symbol}`")
        if op is ast.Pow and (not right.constant or abs(right.value()) > MAX_POWER):
            raise self.error(
                node.right, f"the exponent must be a number written out, at most {MAX_POWER}"
            )
        whole = left.type.kind in ("int", "bool") and right.type.kind in ("int", "bool")
        if op is ast.Pow and whole and right.value() < 0:
            whole = False
        type_ = INT if whole and op is not ast.Div else FLOAT
        function = _ARITHMETIC[op]
        if op is ast.Pow and not whole:
            function = np.power  # float power of negative bases gives nan, not an exception

        a, b = _numeric(left), _numeric(right)

        def evaluate(env: Env, a=a, b=b, f=function) -> Value:
            return f(a(env), b(env))

        return self._fold(
            evaluate, type_, [left, right], guard_division=op in (ast.Div, ast.FloorDiv, ast.Mod)
        )

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

        def evaluate(env: Env, parts=tuple(c.evaluate for c in checks)) -> Value:
            result = parts[0](env)
            for part in parts[1:]:
                result = np.logical_and(result, part(env))
            return result

        return self._fold(evaluate, BOOL, checks)

    def _comparison(
        self, left: Compiled, op: ast.cmpop, right: Compiled, node: ast.AST
    ) -> Compiled:
        symbol = _SYMBOLS.get(type(op))
        if symbol is None:
            raise self.error(node, "`is` is not part of the language; use == or !=")
        left, right = self._unify_for_comparison(left, right, node, symbol)
        function = _COMPARISON[type(op)]
        if left.type.kind == "bool" and symbol not in ("==", "!="):
            raise self.error(node, f"true/false values cannot be ordered with {symbol}")

        def evaluate(env: Env, a=left.evaluate, b=right.evaluate, f=function) -> Value:
            return f(a(env), b(env))

        return self._fold(evaluate, BOOL, [left, right])

    def _unify_for_comparison(
        self, left: Compiled, right: Compiled, node: ast.AST, symbol: str
    ) -> tuple[Compiled, Compiled]:
        lt, rt = left.type, right.type
        if lt.kind == "text" and rt.kind == "text":
            raise self.error(node, "comparing two texts; compare a variable with a value")
        if lt.kind == "enum" or rt.kind == "enum":
            enum, other = (left, right) if lt.kind == "enum" else (right, left)
            if other.type.kind == "text":
                placed = self._place(other, enum.type, node)
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
        if lt.kind == "text" or rt.kind == "text":
            text = left if lt.kind == "text" else right
            other = right if lt.kind == "text" else left
            raise self.error(
                node,
                f"cannot compare {other.type.describe()} with {_text(text)}",
            )
        if (lt.kind == "bool") != (rt.kind == "bool"):
            raise self.error(
                node, f"cannot compare {lt.describe()} with {rt.describe()} using {symbol}"
            )
        return left, right

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
        values = []
        for item, item_node in zip(items, right_node.elts, strict=True):
            if not item.constant:
                raise self.error(item_node, "the values after `in` must be written out")
            if left.type.kind == "enum":
                values.append(self._place(item, left.type, item_node).value())
            elif item.type.numeric and left.type.numeric:
                values.append(item.value())
            else:
                raise self.error(
                    item_node,
                    f"{item.type.describe()} cannot be in a list of {left.type.describe()}",
                )
        negate = isinstance(op, ast.NotIn)
        choices = tuple(values)

        def evaluate(env: Env, f=left.evaluate, choices=choices, negate=negate) -> Value:
            # a few comparisons are far cheaper than np.isin on a lane array
            value = f(env)
            found = value == choices[0]
            for choice in choices[1:]:
                found = found | (value == choice)
            return np.logical_not(found) if negate else found

        return self._fold(evaluate, BOOL, [left])

    def _place(self, text: Compiled, type_: Type, node: ast.AST) -> Compiled:
        """Turn a text expression into one of `type_`'s values (an error names the node)."""
        try:
            return text.place(type_)
        except ExpressionError as error:
            if error.offset:
                raise
            raise self.error(node, error.message, error.hint) from None

    def visit_IfExp(self, node: ast.IfExp, depth: int) -> Compiled:
        test = self._expect_bool(node.test, depth, "`if`")
        body = self.visit(node.body, depth)
        orelse = self.visit(node.orelse, depth)
        if body.type.kind == "text" and orelse.type.kind == "text":
            # 'closed' if x else 'open': a choice between values of an enum not known yet
            def place(type_: Type) -> Compiled:
                return self._choose(test, body.place(type_), orelse.place(type_), type_)

            return Compiled(test.evaluate, TEXT, place=place)
        body, orelse, type_ = self._unify_branches(body, orelse, node)
        return self._choose(test, body, orelse, type_)

    def _choose(self, test: Compiled, body: Compiled, orelse: Compiled, type_: Type) -> Compiled:
        def evaluate(env: Env, t=test.evaluate, a=body.evaluate, b=orelse.evaluate) -> Value:
            return np.where(t(env), a(env), b(env))

        return self._fold(evaluate, type_, [test, body, orelse])

    def _unify_branches(
        self, a: Compiled, b: Compiled, node: ast.AST
    ) -> tuple[Compiled, Compiled, Type]:
        if a.type.kind == "text":
            a = self._place(a, b.type, node) if b.type.kind == "enum" else a
        if b.type.kind == "text":
            b = self._place(b, a.type, node) if a.type.kind == "enum" else b
        if a.type == b.type:
            return a, b, a.type
        if a.type.numeric and b.type.numeric:
            kind = "float" if "float" in (a.type.kind, b.type.kind) else "int"
            return a, b, FLOAT if kind == "float" else INT
        raise self.error(
            node, f"the two branches differ: {a.type.describe()} and {b.type.describe()}"
        )

    def visit_Call(self, node: ast.Call, depth: int) -> Compiled:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else "this"
            raise self.error(
                node,
                f"unknown function {name!r}",
                hint=did_you_mean(name, FUNCTIONS) or f"functions: {', '.join(FUNCTIONS)}",
            )
        if node.keywords:
            raise self.error(node, f"{node.func.id}() takes no keyword arguments")
        args = [self.visit(a, depth) for a in node.args]
        return getattr(self, f"_call_{node.func.id}")(node, args)

    def _call_min(self, node: ast.Call, args: list[Compiled]) -> Compiled:
        return self._extremum(node, args, np.minimum)

    def _call_max(self, node: ast.Call, args: list[Compiled]) -> Compiled:
        return self._extremum(node, args, np.maximum)

    def _extremum(self, node: ast.Call, args: list[Compiled], function) -> Compiled:
        name = node.func.id
        if len(args) < 2:
            raise self.error(node, f"{name}() needs at least two values")
        enums = [a.type for a in args if a.type.kind == "enum"]
        if enums:
            type_ = enums[0]
            placed = []
            for arg, arg_node in zip(args, node.args, strict=True):
                if arg.type.kind == "text":
                    arg = self._place(arg, type_, arg_node)
                elif arg.type != type_ and not (type_.ladder and arg.type.kind == "int"):
                    raise self.error(
                        arg_node, f"{name}() mixes {type_.describe()} with {arg.type.describe()}"
                    )
                placed.append(arg)
            args = placed
        else:
            for arg, arg_node in zip(args, node.args, strict=True):
                if not arg.type.numeric:
                    raise self.error(arg_node, f"{name}() takes numbers, got {arg.type.describe()}")
            type_ = FLOAT if any(a.type.kind == "float" for a in args) else INT

        numbers = tuple(_numeric(a) for a in args)

        def evaluate(env: Env, parts=numbers, f=function) -> Value:
            result = parts[0](env)
            for part in parts[1:]:
                result = f(result, part(env))
            return result

        return self._fold(evaluate, type_, args)

    def _call_abs(self, node: ast.Call, args: list[Compiled]) -> Compiled:
        (arg,) = self._numeric_args(node, args, 1)
        type_ = INT if arg.type.kind == "bool" else arg.type
        number = _numeric(arg)
        return self._fold(lambda env, f=number: np.abs(f(env)), type_, [arg])

    def _call_round(self, node: ast.Call, args: list[Compiled]) -> Compiled:
        (arg,) = self._numeric_args(node, args, 1)

        number = _numeric(arg)

        def evaluate(env: Env, f=number) -> Value:
            value = np.rint(f(env))
            return value.astype(np.int64) if isinstance(value, np.ndarray) else int(value)

        return self._fold(evaluate, INT, [arg])

    def _call_clip(self, node: ast.Call, args: list[Compiled]) -> Compiled:
        x, low, high = self._numeric_args(node, args, 3)
        type_ = FLOAT if any(a.type.kind == "float" for a in (x, low, high)) else INT

        number = _numeric(x)

        def evaluate(env: Env, f=number, lo=low.evaluate, hi=high.evaluate) -> Value:
            return np.minimum(np.maximum(f(env), lo(env)), hi(env))

        return self._fold(evaluate, type_, [x, low, high])

    def _numeric_args(self, node: ast.Call, args: list[Compiled], count: int) -> list[Compiled]:
        name = node.func.id
        if len(args) != count:
            raise self.error(
                node, f"{name}() takes {count} value{'s' if count > 1 else ''}, got {len(args)}"
            )
        for arg, arg_node in zip(args, node.args, strict=True):
            if not arg.type.numeric:
                raise self.error(arg_node, f"{name}() takes numbers, got {arg.type.describe()}")
        return args

    # --- helpers --------------------------------------------------------

    def _expect_bool(self, node: ast.AST, depth: int, context: str) -> Compiled:
        compiled = self.visit(node, depth)
        if compiled.type.kind != "bool":
            raise self.error(
                node,
                f"{context} needs true/false values, got {compiled.type.describe()}",
                hint="compare it, e.g. russia.alert > 0",
            )
        return compiled

    def _expect_number(self, node: ast.AST, depth: int, context: str) -> Compiled:
        compiled = self.visit(node, depth)
        if not compiled.type.numeric:
            got = _text(compiled) if compiled.type.kind == "text" else compiled.type.describe()
            raise self.error(node, f"{context} needs numbers, got {got}")
        return compiled

    def _fold(
        self, evaluate: Evaluator, type_: Type, parts: list[Compiled], guard_division: bool = False
    ) -> Compiled:
        """Evaluate now when every part is constant (fixed parameters fold away)."""
        if all(p.constant for p in parts):
            with np.errstate(all="ignore"):
                try:
                    value = evaluate({})
                except ZeroDivisionError:
                    raise ExpressionError("division by zero") from None
            if isinstance(value, np.generic):
                value = value.item()
            return _const(value, type_)
        if guard_division:
            return Compiled(_ignore_float_errors(evaluate), type_)
        return Compiled(evaluate, type_)


def _ignore_float_errors(evaluate: Evaluator) -> Evaluator:
    """Division by zero over lanes yields inf/nan, caught where it is used, not a warning."""

    def guarded(env: Env) -> Value:
        with np.errstate(divide="ignore", invalid="ignore"):
            return evaluate(env)

    return guarded


def _actor_variables_hint(names: Namespace, actor: str) -> str | None:
    actor = names.aliases.get(actor, actor)
    variables = names.actors.get(actor, [])
    if not variables:
        return f"{actor!r} has no state variables"
    return "its variables: " + ", ".join(f"{actor}.{v}" for v in variables)
