"""Plain text for people: tables, percentages, values as YAML, command lines.

One of each: every stage that prints a probability, a scenario's value or a
command to type uses these, so the terminal, traces, play and the report agree.
"""

from __future__ import annotations

import shlex
import unicodedata

import yaml

# Characters that act on a terminal or reorder text rather than show: controls (escape
# sequences, bells, backspaces), format characters (bidi overrides), line separators.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


def command_line(*words: object) -> str:
    """A command a person can paste into a POSIX shell: every word quoted as needed."""
    return shlex.join(str(word) for word in words)


def printable(text: str) -> str:
    """`text` as it may be shown: each control or format character written as its escape
    (`\\x1b`, `\\u202e`), so a scenario's text cannot move the cursor, recolour the
    terminal or reorder what is printed after it. Newlines and tabs are kept."""
    if text.isprintable():
        return text  # the common case, checked in C
    return "".join(
        _escape(ch) if ch not in "\n\t" and unicodedata.category(ch) in _HIDDEN else ch
        for ch in text
    )


def _escape(ch: str) -> str:
    return ch.encode("unicode_escape").decode("ascii")


def yaml_value(value: object) -> str:
    """A value as it would be written in a scenario: `true`, `0.25`, `closed`, `'on'`."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9)
    return text.removesuffix("\n...\n").rstrip("\n")


def percent(probability: float, digits: int | None = None) -> str:
    """A probability as a percentage: `digits` decimals, or by default more digits for rare
    events (0.05%, not 0.0%)."""
    shown = percent_digits(probability) if digits is None else digits
    return f"{probability * 100:.{shown}f}%"


def percent_digits(probability: float) -> int:
    """Decimals that show a probability: 1, or 2 below 1%, or 3 below 0.1% (1 for zero)."""
    value = probability * 100
    if value == 0 or value >= 1:
        return 1
    return 2 if value >= 0.1 else 3


def interval_digits(probability: float, low: float, high: float) -> int:
    """Decimals for a probability and its interval, in percent, so that the interval's width
    shows: at least `percent_digits` of each, and enough that the width spans three units of
    the last digit (`1.85%  1.79% - 1.93%`, not `1.8%  1.8% - 1.9%`), at most 4."""
    digits = max(percent_digits(x) for x in (probability, low, high) if x > 0) if high > 0 else 1
    width = (high - low) * 100
    while digits < 4 and width * 10**digits < 3:
        digits += 1
    return digits


def table(
    header: list[str], rows: list[list[str]], align: str | None = None, rule: bool = True
) -> str:
    """Columns padded to their widest cell, indented two spaces; `align` is one 'l' or 'r'
    per column; `rule` draws a line of dashes under the header."""
    align = align or "l" * len(header)
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        padded = [
            str(cell).ljust(width) if a == "l" else str(cell).rjust(width)
            for cell, width, a in zip(cells, widths, align, strict=True)
        ]
        return "  " + "   ".join(padded).rstrip()

    dashes = ["  " + "   ".join("-" * w for w in widths)] if rule else []
    return "\n".join([line(header), *dashes, *(line(r) for r in rows)])
