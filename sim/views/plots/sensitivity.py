"""The global sensitivity chart of a sweep: which assumptions matter, per outcome.

One panel per outcome (the headline response: the outcome or worse, see
`sim.explore.sensitivity.responses`), a row per varied parameter sorted by its
importance in that panel, largest at the top. Sobol' designs show the total
index (filled) and the first-order index (hollow); Morris designs show mu*
(filled) and sigma (hollow). Every marker carries its 95% interval.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.views.plots.style import BLUE, VERMILLION, new_figure, panels, plain_ticks, style

LABEL_WIDTH = 26  # characters of a parameter's label per line
COLUMNS = 2
SERIES = {
    # method -> ((index, legend text), (index, legend text)): the filled one first
    "sobol": (
        ("total", "total index: alone and through interactions"),
        ("first-order", "first-order index: alone"),
    ),
    "morris": (
        ("mu_star", "mu*: mean absolute effect"),
        ("sigma", "sigma: spread of the effects (interactions, curvature)"),
    ),
}
AXIS = {
    "sobol": "share of the variance of the probability\nacross the design points",
    "morris": "change in the probability\nper whole range of the parameter",
}


def sensitivity_chart(indices: pd.DataFrame, summary: Mapping[str, Any]) -> Figure:
    """The indices of each outcome with their 95% intervals (`indices`: the tidy table of
    `Sensitivity.indices`; `summary`: the exploration's summary, for the title)."""
    method = str(indices["method"].iloc[0])
    headline = indices[indices["headline"]]
    names = list(dict.fromkeys(headline["response"]))
    factors = headline["parameter"].nunique()
    rows = -(-len(names) // COLUMNS)
    with style():
        fig = new_figure(1.6 + rows * (0.5 * factors + 1.1))
        fig.suptitle(_heading(method, summary), fontsize=13)
        axes = panels(fig, len(names), COLUMNS, sharex=method == "sobol")
        for ax, name in zip(axes, names, strict=True):
            _panel(ax, headline[headline["response"] == name], method)
            ax.set_title(name, fontsize=11)
        if method == "sobol":  # shared: indices are shares, compared across outcomes
            low = np.nanmin(headline["low"].to_numpy(float), initial=0.0)
            high = np.nanmax(headline["high"].to_numpy(float), initial=1.0)
            axes[0].set_xlim(min(-0.05, low - 0.02), max(1.05, high + 0.02))
        for ax in axes[-min(COLUMNS, len(axes)) :]:
            ax.set_xlabel(AXIS[method], fontsize=9.5, color="#444444")
        handles = [
            Line2D([], [], color=colour, marker=marker, markerfacecolor=face, linestyle="none")
            for colour, marker, face in ((VERMILLION, "o", VERMILLION), (BLUE, "D", "white"))
        ]
        labels = [text for _, text in SERIES[method]]
        fig.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False)
    return fig


def _heading(method: str, summary: Mapping[str, Any]) -> str:
    what = "Sobol' indices" if method == "sobol" else "Morris screening"
    return (
        f"Which assumptions matter: {what} with 95% intervals — {summary['scenario']}\n"
        f"{summary['design']} design, {summary['points']:,} points x "
        f"{summary['replicates_per_point']:,} runs, seed {summary['seed']}"
    )


def _panel(ax: Axes, rows: pd.DataFrame, method: str) -> None:
    """One outcome: each parameter's two indices, sorted by the first (largest on top)."""
    (main, _), (second, _) = SERIES[method]
    table = rows.set_index(["label", "index"])[["value", "low", "high"]]
    order = rows[rows["index"] == main].sort_values("value", na_position="first")["label"]
    y = np.arange(len(order), dtype=float)
    ax.axvline(0, color="#999999", linewidth=0.8)
    if rows["value"].isna().all():
        ax.text(0.5, 0.5, "the same at every design point", transform=ax.transAxes, ha="center")
    for index, shift, colour, marker, face in (
        (main, 0.16, VERMILLION, "o", VERMILLION),
        (second, -0.16, BLUE, "D", "white"),
    ):
        part = table.xs(index, level="index").reindex(order)
        value = part["value"].to_numpy(float)
        error = np.vstack([value - part["low"], part["high"] - value])
        ax.errorbar(
            value,
            y + shift,
            xerr=error,
            color=colour,
            marker=marker,
            markerfacecolor=face,
            linestyle="none",
            capsize=3,
            markersize=6,
        )
    ax.set_yticks(y, [textwrap.fill(str(label), LABEL_WIDTH) for label in order])
    ax.set_ylim(-0.6, len(order) - 0.4)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    plain_ticks(ax.xaxis)
