"""The look shared by every chart: colours, sizes and titles.

Outcome colours come from the Okabe-Ito palette, which stays distinguishable
under the common forms of colour blindness. The five outcomes of the bundled
scenarios have fixed colours, so a chart of one scenario reads like a chart of
another; other outcomes are coloured by severity rank. Ladder levels use a
sequential colour map, light for calm and dark for the top of the ladder.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure, FigureBase
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.typing import ColorType, RcKeyType

from sim.results.folder import Results, ResultsError
from sim.text import percent, percent_digits, yaml_value

# Okabe & Ito (2008), "Color universal design".
GREEN = "#009E73"
SKY_BLUE = "#56B4E9"
BLUE = "#0072B2"
YELLOW = "#F0E442"
ORANGE = "#E69F00"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
BLACK = "#000000"

STANDARD_OUTCOMES = {
    "de-escalation": GREEN,
    "contained-incident": SKY_BLUE,
    "limited-clash": ORANGE,
    "article5-war": VERMILLION,
    "nuclear-use": BLACK,
}
# Least to most severe: the rank colours of scenarios with their own outcomes.
SEVERITY_SCALE = [GREEN, SKY_BLUE, ORANGE, VERMILLION, BLACK]
WIDE_SEVERITY_SCALE = [GREEN, SKY_BLUE, BLUE, YELLOW, ORANGE, VERMILLION, PURPLE, BLACK]
SPARE = [BLUE, PURPLE, YELLOW, "#999999", "#666666"]

WIDTH = 11.0  # inches; at DPI this is 1320 pixels
DPI = 120
RC: dict[RcKeyType, Any] = {
    # a scenario's labels are text: `$x^$` is shown as written, never parsed as mathtext
    "text.parse_math": False,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "figure.titlesize": 14,
    "legend.fontsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "savefig.dpi": DPI,
    "figure.dpi": DPI,
}
SVG_SALT = "escalation-wargame"


def outcome_colours(outcomes: list[str]) -> dict[str, str]:
    """A colour for each outcome id (`outcomes` ordered least severe first)."""
    if any(o in STANDARD_OUTCOMES for o in outcomes):
        spare = iter(SPARE * (len(outcomes) // len(SPARE) + 1))
        return {o: STANDARD_OUTCOMES.get(o) or next(spare) for o in outcomes}
    scale = SEVERITY_SCALE if len(outcomes) <= len(SEVERITY_SCALE) else WIDE_SEVERITY_SCALE
    if len(outcomes) > len(scale):
        return {o: scale[i % len(scale)] for i, o in enumerate(outcomes)}
    if len(outcomes) == 1:
        return {outcomes[0]: scale[0]}
    # spread over the scale, so the least severe is always green and the worst black
    picks = np.round(np.linspace(0, len(scale) - 1, len(outcomes))).astype(int)
    return {o: scale[i] for o, i in zip(outcomes, picks, strict=True)}


def level_colours(levels: int) -> list[ColorType]:
    """Colours for ladder levels, lowest first: pale to dark along a perceptually even map."""
    cmap = mpl.colormaps["magma_r"]
    return [cmap(x) for x in np.linspace(0.06, 0.92, levels)]


def band_alpha(colour: str) -> float:
    """Opacity of an interval band: lighter for black, which would otherwise hide the grid."""
    return 0.15 if colour == BLACK else 0.25


def outcome_labels(results: Results) -> dict[str, str]:
    """Outcome id -> readable label (the id when the scenario gives none)."""
    return {o["id"]: o.get("label") or o["id"] for o in results.summary["outcomes"]}


@contextmanager
def style() -> Iterator[None]:
    """The shared look, for the duration of drawing one chart."""
    with mpl.rc_context(RC):
        yield


@contextmanager
def stable_ids() -> Iterator[None]:
    """While a figure is saved: SVG ids from a fixed salt, so the same results give the
    same file (matplotlib reads the salt as it writes, not as it draws)."""
    with mpl.rc_context({"svg.hashsalt": SVG_SALT, "text.parse_math": False}):
        yield


def new_figure(height: float, width: float = WIDTH) -> Figure:
    """A figure outside pyplot: nothing global to close, nothing shown."""
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def batch_line(results: Results) -> str:
    """Runs, seed and settings of a batch, for a chart's title."""
    summary = results.summary
    line = f"{summary['runs']:,} runs, seed {summary['seed']}"
    if summary.get("overrides"):
        line += ", " + ", ".join(f"{k}={yaml_value(v)}" for k, v in summary["overrides"].items())
    return line


def title(fig: FigureBase, results: Results, chart: str) -> None:
    """Title a chart with its name, the scenario's title, the runs and the seed."""
    scenario = results.summary.get("title") or results.scenario
    fig.suptitle(f"{chart} — {scenario}\n{batch_line(results)}", fontsize=13)


def distribution_text(spec: object) -> str:
    """What a sampled parameter is drawn from, as `beta(a=2, b=6)`; "" for a fixed one."""
    if not isinstance(spec, dict) or "distribution" not in spec:
        return ""
    arguments = ", ".join(
        f"{k}={yaml_value(v)}" for k, v in spec.items() if k not in ("distribution", "description")
    )
    return f"{spec['distribution']}({arguments})"


def chart_percent(probability: float, digits: int | None = None) -> str:
    """`sim.text.percent` as charts and the report show it: an exact zero is "0%" (nothing
    to round), and `digits` fixes the decimals."""
    if digits is None:
        digits = _digits(probability)
    return percent(probability, digits)


def percent_interval(value: float, low: float, high: float) -> tuple[str, str, str]:
    """An estimate and its interval as percentages, with digits enough to tell them apart.

    With a million runs, 1.9% (1.9% to 1.9%) says less than 1.89% (1.86% to 1.92%).
    """
    if value == 0:
        return chart_percent(value), chart_percent(low), chart_percent(high)
    digits = _digits(value)
    while digits < 4 and (
        (low < value and chart_percent(low, digits) == chart_percent(value, digits))
        or (high > value and chart_percent(high, digits) == chart_percent(value, digits))
    ):
        digits += 1
    shown, shown_low, shown_high = (
        chart_percent(x, max(digits, _digits(x))) for x in (value, low, high)
    )
    return shown, shown_low, shown_high


def _digits(probability: float) -> int:
    return 0 if probability == 0 else percent_digits(probability)


def percent_axis(axis: Axis, decimals: int | None = None) -> None:
    """Tick labels of a probability axis as percentages."""

    def shown(value: float, _position: int) -> str:
        if decimals is not None:
            return f"{value * 100:.{decimals}f}%"
        return f"{value * 100:.3g}%"

    axis.set_major_formatter(FuncFormatter(shown))


def required(results: Results, key: str) -> Any:
    """A summary field the charts need, with a clear error for folders that lack it."""
    if key not in results.summary:
        raise stale(results, key)
    return results.summary[key]


def stale(results: Results, key: str) -> ResultsError:
    """The error for a summary written before the charts' field `key` existed."""
    where = f"{results.path}: " if results.path else ""
    return ResultsError(
        f"{where}summary.json has no {key!r}; it was written by an earlier version. "
        "Run the batch again to chart it"
    )


def panels(
    fig: FigureBase, count: int, columns: int = 3, sharex: bool = True, sharey: bool = False
) -> list[Axes]:
    """`count` axes in rows of `columns`; no empty panels are left."""
    columns = max(1, min(columns, count))
    rows = -(-count // columns)
    grid = fig.subplots(rows, columns, sharex=sharex, sharey=sharey, squeeze=False).ravel()
    for extra in grid[count:]:
        fig.delaxes(extra)
    for ax in grid[:count]:
        ax.xaxis.set_tick_params(labelbottom=True)  # keep labels under every panel
    return list(grid[:count])


def panel_height(count: int, columns: int = 3, row: float = 3.0) -> float:
    """Figure height for `count` panels in rows of `columns`, with room for the title."""
    rows = -(-count // max(1, min(columns, count)))
    return 1.2 + row * rows


def plain_ticks(axis: Axis) -> None:
    """A few short, plain tick labels (`0.25`, not `2.5e-01`): a third of a slide is narrow."""
    axis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))


def probability_points(
    ax: Axes,
    x: np.ndarray,
    probability: np.ndarray,
    error: np.ndarray,
    overall: float,
    colour: ColorType,
    joined: bool,
) -> None:
    """Probabilities with their 95% error bars (`error`: (2, points), below and above)
    against a parameter's values, over the overall probability as a dashed line."""
    ax.axhline(overall, color="#777777", linestyle="--", linewidth=1)
    ax.errorbar(
        x,
        probability,
        yerr=error,
        color=colour,
        ecolor=colour,
        marker="o",
        markersize=5,
        linestyle="-" if joined else "none",
        linewidth=1.5,
        capsize=3,
    )
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.8)
