"""Chart 2: escalation over time: where runs are on the ladder, and how far they have gone.

Two panels share the turn axis. On the left, the share of runs on each rung
after each turn (stacked: every run is on one rung). On the right, the share
of runs that have reached each rung or higher by that turn (their peak), which
answers "how often does it escalate to X, and by when". Rungs that no run
reaches are left out of both and of the legend. Folders written before the
summary kept peaks by turn get the left panel alone. When actors hold rungs of
their own, a panel below follows each actor's rung by turn (`actor_rungs`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.ticker import MaxNLocator

from sim.results.folder import Results
from sim.views.plots.actor_rungs import actor_paths, has_actor_rungs
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


def reached_shares(results: Results) -> pd.DataFrame | None:
    """Share of runs that have reached each level or a higher one (columns, lowest first) by
    the end of each turn (rows); None for a folder without `peaks_by_turn`."""
    table = results.summary_model.peaks_by_turn
    if table is None:
        return None
    counts = np.asarray(table.counts, dtype=float)
    at_or_above = counts[:, ::-1].cumsum(axis=1)[:, ::-1]  # peak >= level
    shares = pd.DataFrame(at_or_above / results.summary["runs"], columns=table.levels)
    shares.index.name = "turn"
    return shares


def escalation_over_time(results: Results, ax: Axes | None = None) -> Figure | SubFigure:
    """The share of runs on each rung by turn (stacked) and, beside it, the share that have
    reached each rung by turn; the legend gives both at the last turn, top rung first.

    Given `ax`, only the stacked panel is drawn on it.
    """
    shares = level_shares(results)
    reached = reached_shares(results) if ax is None else None
    names = {lv["id"]: lv.get("name") or lv["id"] for lv in results.summary["ladder"]}
    colours = dict(zip(shares.columns, level_colours(len(shares.columns)), strict=True))
    ever = shares.max() > 0  # on the rung at the end of some turn, or its peak then
    peaks = results.summary_model.peaks_by_turn
    if peaks is not None:
        ever |= pd.Series(np.asarray(peaks.counts).max(axis=0) > 0, index=peaks.levels)
    shown = [level for level in shares.columns if ever[level]]
    with style():
        paths = None
        if ax is None:
            actors = has_actor_rungs(results)
            whole = new_figure(5.4 + 4.4 * actors, 13.0 if reached is not None else 10.0)
            top: Figure | SubFigure = whole
            if actors:
                halves = whole.subfigures(2, 1, height_ratios=[5.4, 4.4])
                top, bottom = np.asarray(halves).ravel().tolist()
                paths = bottom.subplots(1, 1)
            axes = top.subplots(1, 2 if reached is not None else 1, sharex=True, squeeze=False)
            ax = axes[0, 0]
            title(whole, results, NAME)
        turns = shares.index.to_numpy()
        bands = ax.stackplot(
            turns,
            shares[shown].to_numpy().T,
            colors=[colours[level] for level in shown],
            edgecolor="white",
            linewidth=0.4,
        )
        _turn_axis(ax, results, turns)
        ax.set_ylim(0, 1)
        ax.set_ylabel("share of runs on each rung now")
        ax.set_title("On each rung", loc="left", fontsize=11)
        labels = [_label(names[level], shares, reached, level) for level in shown]
        handles = list(bands)
        if reached is not None:
            handles = _reached_panel(ax.figure.axes[1], reached, shown, colours, results)
        ax.figure.legend(
            list(reversed(handles)),
            list(reversed(labels)),
            title=f"Rung (at turn {turns[-1]}: now"
            + (", reached)" if reached is not None else ")"),
            loc="outside right upper",
            frameon=False,
            alignment="left",
        )
        if paths is not None:
            actor_paths(paths, results)
            _turn_axis(paths, results, turns, percent=False)
            return whole
    return ax.figure


def _reached_panel(
    ax: Axes, reached: pd.DataFrame, shown: list[str], colours: dict, results: Results
) -> list:
    """Lines of the share of runs at or above each rung by turn; returns legend handles."""
    from matplotlib.patches import Patch

    turns = reached.index.to_numpy()
    handles = []
    for level in shown:
        (line,) = ax.plot(turns, reached[level], color=colours[level], linewidth=2)
        if reached[level].min() >= 1:  # every run starts here: a line along 100% says little
            line.set_alpha(0.35)
        handles.append(Patch(facecolor=colours[level], edgecolor="white"))
    _turn_axis(ax, results, turns)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("share of runs that have reached the rung or higher")
    ax.set_title("Reached (peak so far)", loc="left", fontsize=11)
    ax.grid(True, axis="y", alpha=0.3)
    return handles


def _turn_axis(ax: Axes, results: Results, turns: np.ndarray, percent: bool = True) -> None:
    ax.set_xlim(turns[0], turns[-1])
    if percent:
        percent_axis(ax.yaxis, decimals=0)
    ax.set_xlabel(f"{results.summary.get('turn_length', 'turn')} (turn)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))


def _label(name: str, shares: pd.DataFrame, reached: pd.DataFrame | None, level: str) -> str:
    now = chart_percent(shares[level].iloc[-1])
    if reached is None:
        return f"{name}: {now}"
    return f"{name}: {now}, {chart_percent(reached[level].iloc[-1])}"
