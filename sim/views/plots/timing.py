"""Chart 3: time to outcome, the cumulative probability of each outcome by turn."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure, SubFigure
from matplotlib.ticker import MaxNLocator

from sim.results.folder import Results
from sim.results.intervals import wilson
from sim.views.plots.style import (
    band_alpha,
    chart_percent,
    new_figure,
    outcome_colours,
    outcome_labels,
    panel_height,
    panels,
    percent_axis,
    required,
    style,
    title,
)

NAME = "Time to outcome"
COLUMNS = 3


def ended_by_turn(results: Results) -> pd.DataFrame:
    """Runs that had ended in each outcome (columns) by the end of each turn (rows)."""
    table = required(results, "outcomes_by_end_turn")
    counts = pd.DataFrame(table["counts"], columns=table["outcomes"]).cumsum()
    counts.index.name = "turn"
    return counts


def time_to_outcome(results: Results, fig: Figure | SubFigure | None = None) -> Figure | SubFigure:
    """One panel per outcome: the probability that a run has ended in it by each turn.

    Each panel has its own vertical scale, so a rare outcome's curve is as
    legible as a common one's; the band is the pointwise 95% interval.
    """
    ended = ended_by_turn(results)
    runs = results.summary["runs"]
    colours = outcome_colours(list(ended.columns))
    labels = outcome_labels(results)
    turn_length = results.summary.get("turn_length", "turn")
    with style():
        if fig is None:
            fig = new_figure(panel_height(len(ended.columns), COLUMNS))
        title(fig, results, NAME)
        turns = ended.index.to_numpy()
        for ax, outcome in zip(
            panels(fig, len(ended.columns), COLUMNS), ended.columns, strict=True
        ):
            count = ended[outcome].to_numpy()
            low, high = wilson(count, runs)
            colour = colours[outcome]
            ax.fill_between(turns, low, high, color=colour, alpha=band_alpha(colour), linewidth=0)
            ax.plot(turns, count / runs, color=colour, linewidth=2)
            final = count[-1] / runs
            ax.set_title(
                f"{labels[outcome]}: {chart_percent(final)} by {turn_length} {turns[-1]}",
                fontsize=11,
            )
            ax.set_ylim(0, max(high.max(), 1 / runs) * 1.08)
            ax.set_xlim(turns[0], turns[-1])
            ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6, steps=[1, 2, 5, 10]))
            percent_axis(ax.yaxis)
            ax.grid(color="#e5e5e5", linewidth=0.8)
            ax.set_xlabel(turn_length)
            if count[-1] == 0:
                ax.text(
                    0.5,
                    0.5,
                    f"not reached in {runs:,} runs",
                    transform=ax.transAxes,
                    ha="center",
                    color="#555555",
                )
        fig.supylabel("probability of having ended in the outcome", fontsize=11)
    return fig
