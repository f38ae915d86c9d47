"""Chart 6: convergence, each outcome's running estimate as runs accumulate."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
from matplotlib.figure import Figure, SubFigure

from sim.results.folder import RUNS, Results
from sim.results.intervals import wilson
from sim.views.plots.style import (
    band_alpha,
    new_figure,
    outcome_colours,
    outcome_labels,
    panel_height,
    panels,
    percent_axis,
    percent_interval,
    style,
    title,
)

NAME = "Convergence"
COLUMNS = 3
CHECKPOINTS = 200  # points along the log axis of runs


def outcome_codes(results: Results) -> np.ndarray:
    """Each run's outcome as an index into `results.outcome_ids`, in run order (runs,).

    From disk only the `outcome` column is read, so this stays small for large batches.
    """
    if results.path is not None:
        column = pd.read_parquet(results.path / RUNS, columns=["outcome"])["outcome"]
    else:
        column = results.runs["outcome"]
    return pd.Categorical(column, categories=results.outcome_ids).codes


def running_estimates(results: Results, checkpoints: int = CHECKPOINTS) -> pd.DataFrame:
    """Runs ended in each outcome (columns) among the first n runs, at log-spaced n (index)."""
    codes = outcome_codes(results)
    outcomes = results.outcome_ids
    total = len(codes)
    n = np.unique(np.geomspace(min(total, 100), total, checkpoints).round().astype(np.int64))
    # outcome counts between consecutive checkpoints, added up: no array beyond the codes
    bounds = np.concatenate([[0], n])
    segments = [
        np.bincount(codes[start:stop], minlength=len(outcomes)) for start, stop in pairwise(bounds)
    ]
    counts = np.cumsum(segments, axis=0)
    return pd.DataFrame(counts, index=pd.Index(n, name="runs"), columns=outcomes)


def convergence(results: Results, fig: Figure | SubFigure | None = None) -> Figure | SubFigure:
    """One panel per outcome: its estimate from the first n runs, n on a log axis.

    The band is the 95% interval at each n and the dashed line the final
    estimate; when the line has settled and the band is narrow enough for the
    question at hand, the batch had enough runs.
    """
    running = running_estimates(results)
    n = running.index.to_numpy()
    colours = outcome_colours(list(running.columns))
    labels = outcome_labels(results)
    with style():
        if fig is None:
            fig = new_figure(panel_height(len(running.columns), COLUMNS))
        title(fig, results, NAME)
        axes = panels(fig, len(running.columns), COLUMNS)
        for ax, outcome in zip(axes, running.columns, strict=True):
            count = running[outcome].to_numpy()
            estimate = count / n
            low, high = wilson(count, n)
            final, (final_low, final_high) = estimate[-1], (low[-1], high[-1])
            colour = colours[outcome]
            ax.fill_between(n, low, high, color=colour, alpha=band_alpha(colour), linewidth=0)
            ax.plot(n, estimate, color=colour, linewidth=1.8)
            ax.axhline(final, color="#555555", linestyle="--", linewidth=1)
            ax.set_xscale("log")
            ax.set_xlim(n[0], n[-1])
            # the early bands are very wide: scale to where the estimate settles
            settled = n >= n[-1] / 100
            top = max(estimate[settled].max(), final_high, 1 / n[-1]) * 1.5
            ax.set_ylim(0, min(1.0, top))
            percent_axis(ax.yaxis)
            ax.set_title(
                "{}: {} ({} to {})".format(
                    labels[outcome], *percent_interval(final, final_low, final_high)
                ),
                fontsize=11,
            )
            ax.set_xlabel("runs")
            ax.grid(color="#e5e5e5", linewidth=0.8, which="major")
        fig.supylabel("estimated probability (band: 95% interval)", fontsize=11)
    return fig
