"""Response charts of a sweep: the target probability against each varied parameter, and
over the two most influential ones together.

Both read an exploration's `points` table (one row per design point, see
`sim.explore.result`) and its summary. A point's runs are pooled with the runs
of the other points in the same bin of a parameter, so each estimate is the
probability averaged over the other parameters' design values; its interval
is the Wilson interval of the pooled runs.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.results.intervals import wilson
from sim.text import yaml_value
from sim.views.plots.style import (
    VERMILLION,
    chart_percent,
    new_figure,
    panel_height,
    panels,
    percent_axis,
    plain_ticks,
    probability_points,
    style,
)

COLUMNS = 3
LINE_BINS = 10  # bins of a number along its own panel
HEAT_BINS = 6  # bins of a number on an axis of the heat map


@dataclass(frozen=True)
class Sweep:
    """What the response charts need of an exploration: its points and its summary."""

    points: pd.DataFrame
    summary: Mapping[str, Any]  # as `Exploration.summary()` writes it

    @property
    def replicates(self) -> int:
        return int(self.summary["replicates_per_point"])

    @property
    def runs(self) -> np.ndarray:
        """(points,) each point's runs: its own column, which a precision target sets per
        point (older folders: the same replicates everywhere)."""
        if "runs" in self.points:
            runs: np.ndarray = self.points["runs"].to_numpy(np.int64)
            return runs
        return np.full(len(self.points), self.replicates, dtype=np.int64)

    @property
    def hits(self) -> np.ndarray:
        """(points,) each point's runs that ended in the target."""
        hits: np.ndarray = np.rint(self.points["target"].to_numpy(float) * self.runs)
        return hits.astype(np.int64)

    def runs_each(self) -> str:
        """`1,000 runs`, or `500 to 8,000 runs` when a precision chose them per point."""
        least, most = int(self.runs.min()), int(self.runs.max())
        return f"{least:,} runs" if least == most else f"{least:,} to {most:,} runs"

    @property
    def factors(self) -> list[dict[str, str]]:
        return list(self.summary["factors"])

    @property
    def target(self) -> str:
        return str(self.summary["target"])

    @property
    def target_label(self) -> str:
        """The target in the scenario's words (its outcomes' labels)."""
        return str(self.summary.get("target_label") or self.target)

    def most_influential(
        self, count: int = 2, influence: Mapping[str, float] | None = None
    ) -> list[str]:
        """The `count` parameters with the largest influence, largest first; `influence`
        ranks them instead of the summary's correlation ratios (Sobol indices, say)."""
        scores = dict(self.summary["influence"] if influence is None else influence)
        return sorted(scores, key=lambda name: -scores[name])[:count]

    def words(self, name: str) -> str:
        """A parameter's name as words, for a chart's title (`russian risk acceptance`)."""
        return name.replace("_", " ")

    def gist(self, name: str, width: int = 44, lines: int = 2) -> str:
        """The start of a parameter's description, wrapped, without its provenance tag
        (`judgement:`): enough words to say what it stands for under a panel."""
        found = [f.get("description", "") for f in self.factors if f["name"] == name]
        text = re.sub(r"^\s*\w+:\s+", "", found[0] if found else "")
        text = re.split(r" \(|; |\. ", text, maxsplit=1)[0].rstrip(".")
        return "\n".join(textwrap.wrap(text, width, max_lines=lines, placeholder=" …"))

    def heading(self, chart: str) -> str:
        """A chart's title: its name, the scenario, the design, points, runs and seed."""
        s = self.summary
        return (
            f"{chart} — {s['scenario']}\n{s['design']} design, {s['points']:,} points x "
            f"{self.runs_each()}, seed {s['seed']}"
        )


def bins_of(values: pd.Series, most: int) -> tuple[pd.Series, list[str], list[float] | None]:
    """Each point's bin along one parameter, the bins' labels, and their centres for a
    number (None for a list of values, which is drawn as categories in the given order)."""
    if values.dtype.kind in "fi" and values.nunique() > most:
        codes, edges = pd.qcut(values, most, labels=False, retbins=True, duplicates="drop")
        centres = [float(values[codes == b].median()) for b in range(len(edges) - 1)]
        labels = [f"{edges[b]:.3g}–{edges[b + 1]:.3g}" for b in range(len(edges) - 1)]
        return pd.Series(codes, index=values.index), labels, centres
    distinct = list(dict.fromkeys(sorted(values.unique(), key=_order)))
    codes = values.map({v: i for i, v in enumerate(distinct)})
    numeric = values.dtype.kind in "fi"
    return (
        codes,
        [yaml_value(_plain(v)) for v in distinct],
        [float(v) for v in distinct] if numeric else None,
    )


def response(sweep: Sweep, name: str, most: int = LINE_BINS) -> pd.DataFrame:
    """The target probability by bin of parameter `name`, pooled over the other parameters.

    Columns: bin, label, centre (NaN for categories), points, runs, count,
    probability, ci_low, ci_high.
    """
    codes, labels, centres = bins_of(sweep.points[name], most)
    grouped = pd.DataFrame({"bin": codes, "hits": sweep.hits, "runs": sweep.runs}).groupby("bin")
    points = grouped.size().reindex(range(len(labels)), fill_value=0).to_numpy()
    count = grouped["hits"].sum().reindex(range(len(labels)), fill_value=0).to_numpy()
    runs = grouped["runs"].sum().reindex(range(len(labels)), fill_value=0).to_numpy()
    low, high = wilson(count, runs)
    with np.errstate(divide="ignore", invalid="ignore"):
        probability = count / runs
    return pd.DataFrame(
        {
            "bin": range(len(labels)),
            "label": labels,
            "centre": centres if centres is not None else np.nan,
            "points": points,
            "runs": runs,
            "count": count,
            "probability": probability,
            "ci_low": low,
            "ci_high": high,
        }
    )


def target_by_parameter(sweep: Sweep) -> Figure:
    """One panel per varied parameter: the target probability across its range with 95%
    intervals; the dashed line is the average over all points."""
    names = [f["name"] for f in sweep.factors]
    overall = float(sweep.points["target"].mean())
    tables = {name: response(sweep, name) for name in names}
    with style():
        fig = new_figure(panel_height(len(names), COLUMNS, row=3.6))
        fig.suptitle(sweep.heading(f"Probability of {sweep.target_label}"), fontsize=13)
        axes = panels(fig, len(names), COLUMNS, sharex=False, sharey=True)
        for ax, factor in zip(axes, sweep.factors, strict=True):
            _line_panel(ax, tables[factor["name"]], overall)
            ax.set_title(sweep.words(factor["name"]), fontsize=11)
            gist = sweep.gist(factor["name"])
            varied = f"varied over {factor['range']}"
            ax.set_xlabel(f"{gist}\n{varied}" if gist else varied, fontsize=9, color="#444444")
        top = max(max(t["ci_high"].max() for t in tables.values()), overall) * 1.1
        axes[0].set_ylim(0, top if top > 0 else 0.01)
        for ax in axes:
            percent_axis(ax.yaxis)
        fig.supylabel(f"probability of {sweep.target_label}", fontsize=11)
    return fig


def target_heat_map(sweep: Sweep, influence: Mapping[str, float] | None = None) -> Figure:
    """The target probability over the bins of the two most influential parameters, each
    cell pooled over the other parameters; a cell with no design point is left blank.
    `influence` ranks the parameters (default: the summary's correlation ratios)."""
    names = sweep.most_influential(2, influence)
    with style():
        fig = new_figure(6.5, 9.0)
        fig.suptitle(sweep.heading(f"Probability of {sweep.target_label}"), fontsize=13)
        ax = fig.add_subplot()
        if len(names) < 2:
            ax.text(0.5, 0.5, "a heat map needs two varied parameters", ha="center")
            ax.set_axis_off()
            return fig
        grid, x_labels, y_labels = _cells(sweep, names[0], names[1])
        image = ax.imshow(grid, origin="lower", aspect="auto", cmap="Reds", vmin=0)
        ax.set_xticks(range(len(x_labels)), x_labels, rotation=30 if len(x_labels) > 4 else 0)
        ax.set_yticks(range(len(y_labels)), y_labels)
        ax.set_xlabel(f"{sweep.words(names[0])} (most influential)")
        ax.set_ylabel(sweep.words(names[1]))
        top = np.nanmax(grid) if np.isfinite(grid).any() else 0.0
        for (row, column), value in np.ndenumerate(grid):
            if np.isfinite(value):
                ink = "white" if value > 0.6 * top else "#1a1a1a"
                shown = chart_percent(float(value))
                ax.text(column, row, shown, ha="center", va="center", color=ink, fontsize=10)
        bar = fig.colorbar(image, ax=ax, shrink=0.85)
        bar.set_label(f"probability of {sweep.target_label}")
        percent_axis(bar.ax.yaxis)
    return fig


def _cells(sweep: Sweep, across: str, up: str) -> tuple[np.ndarray, list[str], list[str]]:
    """Pooled target probability per (bin of `up`, bin of `across`), NaN where empty."""
    x, x_labels, _ = bins_of(sweep.points[across], HEAT_BINS)
    y, y_labels, _ = bins_of(sweep.points[up], HEAT_BINS)
    count = np.zeros((len(y_labels), len(x_labels)))
    runs = np.zeros_like(count)
    np.add.at(count, (y.to_numpy(int), x.to_numpy(int)), sweep.hits)
    np.add.at(runs, (y.to_numpy(int), x.to_numpy(int)), sweep.runs)
    with np.errstate(divide="ignore", invalid="ignore"):
        grid = np.where(runs > 0, count / runs, np.nan)
    return grid, x_labels, y_labels


def _line_panel(ax: Axes, rows: pd.DataFrame, overall: float) -> None:
    rows = rows[rows["runs"] > 0]
    probability = rows["probability"].to_numpy(float)
    error = np.vstack([probability - rows["ci_low"], rows["ci_high"] - probability])
    discrete = bool(rows["centre"].isna().all()) or len(rows) <= 3
    if discrete:
        x = np.arange(len(rows))
        ax.set_xticks(x, list(rows["label"]))
        ax.set_xlim(-0.5, len(rows) - 0.5)
    else:
        x = rows["centre"].to_numpy(float)
        plain_ticks(ax.xaxis)
    probability_points(ax, x, probability, error, overall, VERMILLION, joined=not discrete)


def _plain(value: object) -> object:
    """A numpy scalar as the Python value it stands for (for `yaml_value`)."""
    return value.item() if isinstance(value, np.generic) else value


def _order(value: object) -> tuple[int, object]:
    """Numbers in order, then anything else by its text; False before True."""
    plain = _plain(value)
    if isinstance(plain, bool | int | float):
        return (0, float(plain))
    return (1, str(plain))
