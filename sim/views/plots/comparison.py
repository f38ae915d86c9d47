"""The chart of `wargame compare`: several batches' outcome distributions side by side."""

from __future__ import annotations

import string

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import Patch

from sim.results.compare import Comparison, compare
from sim.results.folder import Results
from sim.views.plots.style import (
    batch_line,
    new_figure,
    outcome_colours,
    outcome_labels,
    percent_axis,
    style,
)

NAME = "Outcome comparison"
HATCHES = ["", "///", "...", "xxx", "\\\\\\", "ooo", "---", "+++"]


def batch_letters(count: int) -> list[str]:
    """A, B, C... for the batches being compared."""
    return [string.ascii_uppercase[i % 26] * (1 + i // 26) for i in range(count)]


def comparison_chart(
    batches: list[Results],
    names: list[str] | None = None,
    comparison: Comparison | None = None,
    fig: Figure | SubFigure | None = None,
) -> Figure | SubFigure:
    """Left: each batch's outcome probabilities with 95% intervals, grouped by outcome.

    Right: each later batch minus the first, per outcome, with intervals
    adjusted for the number of comparisons; filled markers are significant.
    """
    comparison = comparison or compare([b.summary for b in batches])
    letters = batch_letters(len(batches))
    names = names or [str(b.path or b.scenario) for b in batches]
    labels = outcome_labels(batches[0])
    colours = outcome_colours(comparison.outcomes)
    with style():
        if fig is None:
            fig = new_figure(6.2, width=12.0)
        left, right = fig.subplots(1, 2, width_ratios=[3, 2])
        _bars(left, comparison, letters, colours)
        left.set_xticks(np.arange(len(comparison.outcomes)), _wrapped(comparison, labels))
        _differences(right, comparison, letters, colours, labels)
        handles = [
            Patch(facecolor="#cccccc", edgecolor="#333333", hatch=HATCHES[i % len(HATCHES)])
            for i in range(len(batches))
        ]
        legend = [
            f"{letter}: {name} ({b.scenario}, {batch_line(b)})"
            for letter, name, b in zip(letters, names, batches, strict=True)
        ]
        fig.legend(handles, legend, loc="outside lower center", frameon=False, fontsize=9.5)
        titles = dict.fromkeys(b.summary.get("title") or b.scenario for b in batches)
        fig.suptitle(f"{NAME}: {' / '.join(titles)}", fontsize=13)
    return fig


def _bars(ax: Axes, comparison: Comparison, letters: list[str], colours: dict[str, str]) -> None:
    probability = comparison.probabilities
    low, high = comparison.intervals()
    batches, outcomes = probability.shape
    width = 0.8 / batches
    for i in range(batches):
        x = np.arange(outcomes) - 0.4 + width * (i + 0.5)
        ax.bar(
            x,
            probability[i],
            width=width,
            color=[colours[o] for o in comparison.outcomes],
            edgecolor="white",
            hatch=HATCHES[i % len(HATCHES)],
            yerr=np.vstack([probability[i] - low[i], high[i] - probability[i]]),
            ecolor="#555555",
            capsize=3,
            label=letters[i],
        )
        for xi, top in zip(x, high[i], strict=True):
            ax.text(xi, top, letters[i], ha="center", va="bottom", fontsize=9)
    ax.set_ylim(0, max(high.max() * 1.15, 0.01))
    percent_axis(ax.yaxis)
    ax.set_ylabel("probability (bars: 95% interval)")
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)


def _differences(
    ax: Axes,
    comparison: Comparison,
    letters: list[str],
    colours: dict[str, str],
    labels: dict[str, str],
) -> None:
    outcomes = comparison.outcomes
    later = sorted({d.batch for d in comparison.differences})
    step = 0.7 / max(len(later), 1)
    for row, batch in enumerate(later):
        for d in (d for d in comparison.differences if d.batch == batch):
            y = outcomes.index(d.outcome) - 0.35 + step * (row + 0.5)
            colour = colours[d.outcome]
            ax.plot([d.low * 100, d.high * 100], [y, y], color=colour, linewidth=2)
            ax.plot(
                d.estimate * 100,
                y,
                marker="o",
                markersize=7,
                color=colour,
                markerfacecolor=colour if d.significant else "white",
            )
            ax.annotate(
                f"{letters[batch]}: {_points(d.estimate)}",
                (d.high * 100, y),
                xytext=(5, 0),
                textcoords="offset points",
                va="center",
                fontsize=8.5,
            )
    ax.axvline(0, color="#333333", linewidth=1)
    ax.margins(x=0.18)  # room for the value labels right of the intervals
    ax.set_yticks(np.arange(len(outcomes)), [labels[o] for o in outcomes])
    ax.set_ylim(len(outcomes) - 0.5, -0.5)
    against = ", ".join(f"{letters[b]} - {letters[0]}" for b in later)
    ax.set_xlabel(f"{against} (percentage points)")
    ax.set_title(
        f"difference, {100 * (1 - comparison.alpha):.0f}% intervals adjusted for "
        f"{comparison.comparisons} comparisons\n(filled: significant)",
        fontsize=10,
    )
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)


def _wrapped(comparison: Comparison, labels: dict[str, str]) -> list[str]:
    return [
        labels[o].replace(" ", "\n", 1) if len(labels[o]) > 12 else labels[o]
        for o in comparison.outcomes
    ]


def _points(difference: float) -> str:
    value = difference * 100
    return f"{value:+.1f}" if abs(value) >= 1 else f"{value:+.2g}"
