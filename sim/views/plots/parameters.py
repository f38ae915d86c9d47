"""Chart 5: parameter influence, the chance of a bad outcome across each parameter's range."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

from sim.results.folder import Results
from sim.results.intervals import wilson
from sim.text import yaml_value
from sim.views.plots.style import (
    distribution_text,
    new_figure,
    outcome_colours,
    outcome_labels,
    panel_height,
    panels,
    percent_axis,
    plain_ticks,
    probability_points,
    required,
    style,
    title,
)

NAME = "Parameter influence"
THRESHOLD = "limited-clash"
COLUMNS = 3


def default_threshold(results: Results) -> str:
    """`limited-clash` where the scenario has it, else its second-least-severe outcome."""
    outcomes = results.outcome_ids
    if THRESHOLD in outcomes:
        return THRESHOLD
    return outcomes[min(1, len(outcomes) - 1)]


def threshold_phrase(results: Results, threshold: str | None = None) -> str:
    """The outcomes charted, in words: `limited clash or worse` (no "or worse" for the worst)."""
    threshold = threshold or default_threshold(results)
    label = outcome_labels(results)[threshold]
    if not label.split()[0].isupper():  # keep acronyms such as "NATO" as written
        label = label[:1].lower() + label[1:]
    return label if threshold == results.outcome_ids[-1] else f"{label} or worse"


def influence(results: Results, threshold: str | None = None) -> pd.DataFrame:
    """For each sampled parameter and bin: runs, runs at `threshold` or worse, and its interval.

    Columns: parameter, bin (0-based), value (the bin's median value, or the
    value itself for bernoulli and choice parameters), low_edge, high_edge,
    runs, count, probability, ci_low, ci_high.
    """
    threshold = threshold or default_threshold(results)
    outcomes = results.outcome_ids
    if threshold not in outcomes:
        raise KeyError(f"no outcome {threshold!r} (outcomes: {', '.join(outcomes)})")
    worse = outcomes.index(threshold)
    frames = []
    for name, bins in required(results, "outcomes_by_parameter").items():
        counts = np.asarray(bins["counts"], dtype=np.int64).reshape(-1, len(outcomes))
        runs = counts.sum(axis=1)
        count = counts[:, worse:].sum(axis=1)
        low, high = wilson(count, runs)
        if "edges" in bins:
            value, edges = bins["centres"], np.asarray(bins["edges"])
            low_edge, high_edge = edges[:-1], edges[1:]
        else:
            value = bins["values"]
            low_edge = high_edge = np.full(len(value), np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            probability = count / runs
        frames.append(
            pd.DataFrame(
                {
                    "parameter": name,
                    "bin": np.arange(len(runs)),
                    "value": pd.Series(value, dtype=object),
                    "low_edge": low_edge,
                    "high_edge": high_edge,
                    "runs": runs,
                    "count": count,
                    "probability": probability,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
        )
    columns = ["parameter", "bin", "value", "low_edge", "high_edge", "runs", "count"]
    columns += ["probability", "ci_low", "ci_high"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def parameter_influence(
    results: Results, threshold: str | None = None, fig: Figure | SubFigure | None = None
) -> Figure | SubFigure:
    """One panel per sampled parameter: P(`threshold` or worse) by bin, with 95% intervals.

    Continuous parameters are cut into ten bins of equal probability, each
    drawn at its median value; the dashed line is the overall probability.
    """
    threshold = threshold or default_threshold(results)
    table = influence(results, threshold)
    colour = outcome_colours(results.outcome_ids)[threshold]
    what = threshold_phrase(results, threshold)
    summary = results.summary
    outcomes = results.outcome_table()
    overall = outcomes["count"].iloc[results.outcome_ids.index(threshold) :].sum() / summary["runs"]
    names = list(dict.fromkeys(table["parameter"]))
    with style():
        if fig is None:
            fig = new_figure(panel_height(max(len(names), 1), COLUMNS))
        title(fig, results, f"{NAME} on {what}")
        if not names:
            ax = fig.add_subplot()
            ax.text(0.5, 0.5, "this scenario samples no parameters", ha="center")
            ax.set_axis_off()
            return fig
        axes = panels(fig, len(names), COLUMNS, sharex=False, sharey=True)
        for ax, name in zip(axes, names, strict=True):
            rows = table[(table["parameter"] == name) & (table["runs"] > 0)]
            _panel(ax, rows, colour, overall, summary["parameters"].get(name) or {})
            ax.set_title(name, fontsize=11)
        top = max(table["ci_high"][table["runs"] > 0].max(), overall) * 1.1
        axes[0].set_ylim(0, top if top > 0 else 0.01)
        for ax in axes:
            percent_axis(ax.yaxis)
        fig.supylabel(f"probability of {what} (dashed: all runs)", fontsize=11)
    return fig


def _panel(
    ax: Axes, rows: pd.DataFrame, colour: str, overall: float, spec: dict[str, object]
) -> None:
    probability = rows["probability"].to_numpy(float)
    error = np.vstack([probability - rows["ci_low"], rows["ci_high"] - probability])
    discrete = rows["low_edge"].isna().all()
    if discrete:
        x = np.arange(len(rows))
        ax.set_xticks(x, [yaml_value(v) for v in rows["value"]])
        ax.set_xlim(-0.5, len(rows) - 0.5)
    else:
        x = rows["value"].to_numpy(float)
        ax.set_xlabel(distribution_text(spec), fontsize=9.5, color="#444444")
        plain_ticks(ax.xaxis)
    probability_points(ax, x, probability, error, overall, colour, joined=not discrete)
