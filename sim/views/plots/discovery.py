"""The scenario-discovery chart: PRIM's peeling trajectory, coverage against density.

Read from an exploration folder's `boxes.csv` and `discovery.json` (written
by `sim.explore.discovery.save_discovery`). Each dot is a box peeled on the
way from the whole space (bottom right: every target run, at the overall
rate) to small dense boxes (top left); its colour counts the parameters it
restricts. The chosen box, after pasting, is the star, with its conditions.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure

from sim.views.plots.response import Sweep
from sim.views.plots.style import VERMILLION, chart_percent, new_figure, percent_axis, style

BOXES = "boxes.csv"
FACTS = "discovery.json"
WRAP = 120  # characters per line of the chosen box's description


@dataclass(frozen=True)
class Boxes:
    """An exploration's PRIM trajectory (`boxes.csv`) and chosen box (`discovery.json`)."""

    trajectory: pd.DataFrame
    facts: Mapping[str, Any]

    @property
    def peeled(self) -> pd.DataFrame:
        return self.trajectory[self.trajectory["stage"] == "peeled"]

    @property
    def chosen(self) -> pd.Series:
        return self.trajectory[self.trajectory["stage"] == "chosen"].iloc[-1]


def read_boxes(folder: str | Path) -> Boxes | None:
    """The PRIM boxes saved in `folder`, or None for a folder written without them."""
    folder = Path(folder)
    if not (folder / BOXES).is_file() or not (folder / FACTS).is_file():
        return None
    facts = json.loads((folder / FACTS).read_text(encoding="utf-8"))
    return Boxes(pd.read_csv(folder / BOXES, keep_default_na=False), facts)


def peeling_trajectory(sweep: Sweep, boxes: Boxes) -> Figure:
    """Coverage against density of every peeled box, the chosen box starred and described."""
    if not int(boxes.chosen["hits"]):
        return _nothing_to_find(sweep)
    peeled = boxes.peeled
    restricted = peeled["restricted"].to_numpy(int)
    most = max(1, int(restricted.max()))
    colours = mpl.colormaps["viridis"].resampled(most + 1)
    with style():
        fig = new_figure(7.0)
        fig.suptitle(sweep.heading(f"Where {sweep.target_label} is most likely"), fontsize=13)
        ax = fig.add_subplot()
        ax.plot(peeled["coverage"], peeled["density"], color="#bbbbbb", linewidth=1, zorder=1)
        dots = ax.scatter(
            peeled["coverage"],
            peeled["density"],
            c=restricted,
            cmap=colours,
            vmin=-0.5,
            vmax=most + 0.5,
            s=28,
            zorder=2,
        )
        bar = fig.colorbar(dots, ax=ax, ticks=range(most + 1), shrink=0.8)
        bar.set_label("parameters the box restricts")
        _mark_chosen(ax, sweep, boxes)
        overall = float(boxes.facts["overall"])
        ax.axhline(overall, color="#777777", linestyle="--", linewidth=1)
        ax.annotate(
            f"all runs: {chart_percent(overall)}",
            (0.02, overall),
            xycoords=("axes fraction", "data"),
            xytext=(0, 4),
            textcoords="offset points",
            fontsize=9.5,
            color="#555555",
        )
        least = float(boxes.facts["min_coverage"])
        if least > 0:
            ax.axvline(least, color="#777777", linestyle=":", linewidth=1)
            ax.annotate(
                f"coverage at least {chart_percent(least)}",
                (least, 0.01),
                xycoords=("data", "axes fraction"),
                xytext=(4, 0),
                textcoords="offset points",
                fontsize=9.5,
                color="#555555",
            )
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, max(float(peeled["density"].max()), overall) * 1.15 or 0.01)
        ax.set_xlabel(f"coverage: the box's share of all runs with {sweep.target_label}")
        ax.set_ylabel(f"density: share of the box's runs with {sweep.target_label}")
        percent_axis(ax.xaxis)
        percent_axis(ax.yaxis)
        ax.grid(color="#eeeeee", linewidth=0.8)
    return fig


def _nothing_to_find(sweep: Sweep) -> Figure:
    """The chart of a target no run met: a sentence where the trajectory would be."""
    with style():
        fig = new_figure(4.0)
        fig.suptitle(sweep.heading(f"Where {sweep.target_label} is most likely"), fontsize=13)
        ax = fig.add_subplot()
        ax.text(0.5, 0.5, f"no run with {sweep.target_label}: no box to find", ha="center")
        ax.set_axis_off()
    return fig


def _mark_chosen(ax: Any, sweep: Sweep, boxes: Boxes) -> None:
    """The chosen box as a star, and its figures and conditions above the plot, where no
    box can be hidden by them; the parameters named in words, as on the other charts."""
    chosen = boxes.chosen
    x, y = float(chosen["coverage"]), float(chosen["density"])
    ax.scatter([x], [y], marker="*", s=260, color=VERMILLION, edgecolor="black", zorder=3)
    conditions = " and ".join(
        _in_words(sweep, str(c["parameter"]), str(c["condition"]))
        for c in boxes.facts.get("conditions", [])
    )
    note = (
        f"Chosen box (star): {chart_percent(y)} of its runs, {chart_percent(x)} of all such "
        f"runs; {conditions or 'no restriction'}"
    )
    ax.set_title("\n".join(textwrap.wrap(note, WRAP)), loc="left", fontsize=10.5)


def _in_words(sweep: Sweep, parameter: str, condition: str) -> str:
    """A condition with its parameter's name as words (`russian risk acceptance > 0.39`)."""
    return re.sub(rf"(?<![\w.]){re.escape(parameter)}(?![\w.])", sweep.words(parameter), condition)
