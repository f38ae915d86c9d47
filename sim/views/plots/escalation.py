"""Chart 2: escalation over time, the share of runs at each ladder level turn by turn."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.ticker import MaxNLocator

from sim.results.folder import Results
from sim.views.plots.style import (
    chart_percent,
    level_colours,
    new_figure,
    percent_axis,
    style,
    title,
)

NAME = "Escalation over time"


def level_shares(results: Results) -> pd.DataFrame:
    """Share of runs at each ladder level (columns, lowest first) after each turn (rows).

    A run that has ended stays at the level it ended on, so each row sums to 1.
    """
    counts = results.levels_by_turn()
    shares: pd.DataFrame = counts / results.summary["runs"]
    return shares


def escalation_over_time(results: Results, ax: Axes | None = None) -> Figure | SubFigure:
    """Stacked areas of the share of runs at each ladder level, by turn.

    The legend lists the levels top of the ladder first, as they are stacked,
    each with its share at the last turn, so that thin bands can still be read.
    """
    shares = level_shares(results)
    summary = results.summary
    names = {lv["id"]: lv.get("name") or lv["id"] for lv in summary["ladder"]}
    colours = level_colours(len(shares.columns))
    last = shares.iloc[-1]
    with style():
        if ax is None:
            whole = new_figure(6.0)
            ax = whole.add_subplot()
            title(whole, results, NAME)
        turns = shares.index.to_numpy()
        labels = [f"{names[level]}: {chart_percent(last[level])}" for level in shares.columns]
        bands = ax.stackplot(
            turns,
            shares.to_numpy().T,
            colors=colours,
            labels=labels,
            edgecolor="white",
            linewidth=0.4,
        )
        ax.set_xlim(turns[0], turns[-1])
        ax.set_ylim(0, 1)
        percent_axis(ax.yaxis, decimals=0)
        ax.set_xlabel(f"{summary.get('turn_length', 'turn')} (turn)")
        ax.set_ylabel("share of runs at each level")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
        ax.legend(
            list(reversed(bands)),
            list(reversed(labels)),
            title=f"Level (share at turn {turns[-1]})",
            loc="upper left",
            bbox_to_anchor=(1.01, 1),
            frameon=False,
            alignment="left",
        )
    return ax.figure
