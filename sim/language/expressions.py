"""The expression language: parsed with `ast`, checked against a whitelist, compiled once.

An expression such as `level >= 'incident' and 0.1 + 0.05 * russia.alert > 0.2`
becomes a Python closure over numpy arrays with one entry per lane, so a
rule's condition is evaluated for every run of a block at once. Nothing in a
scenario is ever passed to `eval` or `exec`: only the node types the compiler
(`visitor`, `operators`, `comparisons`, `functions`) handles exist, and everything
else is refused with its position.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import replace

from sim.language.types import (
    BOOL,
    FLOAT,
    INT,
    Compiled,
    ExpressionError,
    Namespace,
    Type,
    constant,
    describe_text,
)
from sim.language.visitor import ExpressionCompiler
from sim.language.walker import MAX_WHOLE_NUMBER, rung_as_number, too_large

MAX_EXPRESSION_LENGTH = 500


def compile_expression(source: object, names: Namespace, expected: Type | None = None) -> Compiled:
    """Compile a scenario expression (text, or a YAML bool/number) to a closure over lanes.

    With `expected`, the result is checked (and an enum literal placed) against that type.
    """
    if isinstance(source, bool):
        compiled = constant(source, BOOL)
    elif isinstance(source, int) and abs(source) > MAX_WHOLE_NUMBER:
        raise ExpressionError(too_large(source))
    elif isinstance(source, int | float):
        compiled = constant(source, INT if isinstance(source, int) else FLOAT)
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
    lead = len(flat) - len(flat.lstrip())  # leading whitespace stripped before parsing
    try:
        with warnings.catch_warnings():  # Python's own warnings (`1if x`) are not for users
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(flat.strip(), mode="eval")
    except SyntaxError as error:
        offset = max((error.offset or 1) - 1, 0) + lead
        hint = None
        if flat.count("(") > flat.count(")"):
            hint = "inside { } a comma ends the value: quote the whole expression"
        raise ExpressionError(f"not a valid expression: {error.msg}", offset, hint) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError("not a valid expression") from None
    compiled = ExpressionCompiler(names, lead).visit(tree.body, 0)
    return replace(compiled, text=text)


def coerce(compiled: Compiled, expected: Type) -> Compiled:
    """Check that `compiled` fits where `expected` is needed, converting where safe."""
    actual = compiled.type
    if actual.ladder and expected.kind in ("int", "float"):
        return rung_as_number(compiled)  # a rung read as a number: its index
    if expected.kind == "enum":
        if actual.kind == "text":
            return compiled.placed(expected)
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
            f"expected {expected.describe()}, got {describe_text(compiled)}",
            hint=_enum_hint(expected),
        )
    raise ExpressionError(f"expected {expected.describe()}, got {actual.describe()}")


def _enum_hint(expected: Type) -> str | None:
    if expected.kind == "bool":
        return "write true or false, or a comparison such as strait == 'closed'"
    return None
