"""Plain-text tables and numbers, for the terminal and for transcripts."""

from __future__ import annotations


def percent(probability: float) -> str:
    """A probability as a percentage, with more digits for rare events (0.05%, not 0.0%)."""
    value = probability * 100
    if value == 0 or value >= 1:
        return f"{value:.1f}%"
    if value >= 0.1:
        return f"{value:.2f}%"
    return f"{value:.3f}%"


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
