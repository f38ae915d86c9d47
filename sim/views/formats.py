"""The file formats a chart is saved in, declared once for the views and the CLI.

Kept apart from the charts so that naming a format does not import matplotlib.
"""

from __future__ import annotations

from typing import Literal, TypeGuard, get_args

ChartFormat = Literal["png", "svg", "pdf"]
CHART_FORMATS: tuple[ChartFormat, ...] = get_args(ChartFormat)


def is_chart_format(name: str) -> TypeGuard[ChartFormat]:
    """Whether `name` (an extension without its dot) is a format charts are saved in."""
    return name in CHART_FORMATS


def chart_suffixes() -> str:
    """The formats as a person reads them: ".png, .svg or .pdf"."""
    suffixes = [f".{name}" for name in CHART_FORMATS]
    return ", ".join(suffixes[:-1]) + " or " + suffixes[-1]
