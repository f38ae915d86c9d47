"""Chart 1: how likely each outcome is, with its 95% interval."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

from sim.results.folder import Results
from sim.views.plots.style import (
    new_figure,
    outcome_colours,
    outcome_labels,
    percent_axis,
    percent_interval,
    style,
    title,
)

NAME = "Outcome distribution"


def outcome_distribution(results: Results, ax: Axes | None = None) -> Figure | SubFigure:
    """Bars of each outcome's probability (least severe first) with 95% Wilson intervals.

    Every bar is labelled with its value and interval, so a rare outcome whose
    bar is too short to see can still be read.
    """
    table = results.outcome_table()
    colours = outcome_colours(list(table.index))
    labels = outcome_labels(results)
    with style():
        if ax is None:
            whole = new_figure(5.6)
            ax = whole.add_subplot()
            title(whole, results, NAME)
        x = np.arange(len(table))
        probability = table["probability"].to_numpy()
        error = np.vstack([probability - table["ci_low"], table["ci_high"] - probability])
        ax.bar(
            x,
            probability,
            color=[colours[o] for o in table.index],
            edgecolor="white",
            yerr=error,
            ecolor="#555555",
            capsize=5,
            width=0.7,
        )
        for position, (_, row) in zip(x, table.iterrows(), strict=True):
            ax.annotate(
                "{}\n({} to {})".format(
                    *percent_interval(row["probability"], row["ci_low"], row["ci_high"])
                ),
                (position, row["ci_high"]),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=10,
            )
        ax.set_xticks(x, [f"{labels[str(o)]}\n{n:,} runs" for o, n in table["count"].items()])
        ax.set_ylim(0, max(table["ci_high"].max() * 1.25, 0.01))
        ax.set_xlim(-0.6, len(table) - 0.4)
        percent_axis(ax.yaxis)
        ax.set_ylabel("probability (bars: 95% interval)")
        ax.grid(axis="y", color="#dddddd", linewidth=0.8)
        ax.set_axisbelow(True)
    return ax.figure
