"""The charts of a batch, drawn with matplotlib from its results.

Each chart is a function that takes `Results` (and optionally where to draw)
and returns the figure; nothing here shows a window, and only `write_plots`
saves files. The engine knows nothing of this package.

    from sim.views import plots
    fig = plots.outcome_distribution(results)
    fig.savefig("outcomes.png")
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure, SubFigure

from sim.results.folder import PLOTS, Results, read_results
from sim.views.formats import CHART_FORMATS, ChartFormat
from sim.views.plots.convergence import convergence
from sim.views.plots.distribution import outcome_distribution
from sim.views.plots.drivers import what_drives_outcomes
from sim.views.plots.escalation import escalation_over_time
from sim.views.plots.parameters import parameter_influence
from sim.views.plots.style import outcome_colours, stable_ids
from sim.views.plots.timing import time_to_outcome


@dataclass(frozen=True)
class Chart:
    """One chart of a batch: its file name, title, how to draw it and how to read it."""

    name: str
    title: str
    draw: Callable[[Results], Figure | SubFigure]
    reading: str  # one or two sentences for the report; {threshold} names chart 5's outcome
    applies: Callable[[Results], bool] = lambda results: True
    targeted: bool = False  # draws the probability of a target outcome or worse

    def figure(self, results: Results, target: str | None = None) -> Figure:
        """The chart drawn on a figure of its own, ready to save; `target` is the outcome a
        targeted chart follows (None: its default)."""
        if self.targeted:
            return self.draw(results, target).get_figure(root=True)  # type: ignore[call-arg]
        return self.draw(results).get_figure(root=True)


CHARTS = (
    Chart(
        "outcomes",
        "Outcome distribution",
        outcome_distribution,
        "Each bar is the share of runs that ended in that outcome, least severe on the left; "
        "the whisker and the figures above it give the 95% interval, so a rare outcome can be "
        "read even when its bar is too short to see.",
    ),
    Chart(
        "escalation",
        "Escalation over time",
        escalation_over_time,
        "Left: for each turn, the height of each band is the share of runs on that rung of "
        "the escalation ladder now (a run that has ended stays on its last rung). Right: the "
        "share of runs that have reached that rung or a higher one by then, which is how "
        "often the crisis escalates that far. The legend gives both at the last turn; rungs "
        "no run reaches are left out.",
    ),
    Chart(
        "time-to-outcome",
        "Time to outcome",
        time_to_outcome,
        "Each panel is the probability that a run has ended in that outcome by a given turn, "
        "with its 95% band; steep rises show when an outcome is decided. Panels have their own "
        "vertical scales, so compare shapes rather than heights.",
    ),
    Chart(
        "drivers",
        "Rules associated with each outcome",
        what_drives_outcomes,
        "Each cell is how much more (red) or less (blue) often a rule fired in the runs that "
        "ended in that outcome than in all runs, in percentage points: a deep red cell in a "
        "war column marks a rule associated with the path to war (an association, not "
        "necessarily a cause). Rules that fired in every run or in none, and rules that fired "
        "in all runs of some outcomes and in none of the others (true by the outcome's "
        "definition), are left out. Columns with few runs are noisy.",
    ),
    Chart(
        "parameters",
        "Parameter influence",
        parameter_influence,
        "For each parameter drawn at random per run, the probability of {threshold} among the "
        "runs whose value fell in each bin (ten bins of equal probability), with 95% "
        "intervals; a flat line means the outcome does not depend on it, and the dashed line "
        "is the probability over all runs.",
        applies=lambda results: bool(results.summary.get("sampled_parameters")),
        targeted=True,
    ),
    Chart(
        "convergence",
        "Convergence",
        convergence,
        "Each panel follows an outcome's estimate as runs accumulate (log scale), with its 95% "
        "band; once the line is flat and the band narrow enough for the question, the batch "
        "had enough runs.",
    ),
)


def charts_for(results: Results) -> list[Chart]:
    """The charts that apply to these results, in the order the report shows them."""
    return [chart for chart in CHARTS if chart.applies(results)]


def write_plots(
    folder: str | Path, formats: tuple[ChartFormat, ...] = ("png",), target: str | None = None
) -> list[Path]:
    """Draw every chart of the results in `folder` into `folder/plots/`; return the files.

    `target` is the outcome the parameter chart follows (that outcome or worse).
    """
    unknown = [f for f in formats if f not in CHART_FORMATS]
    if unknown:
        choices = ", ".join(CHART_FORMATS)
        raise ValueError(f"unknown plot format {unknown[0]!r}; choose from {choices}")
    results = read_results(folder)
    plots = Path(folder) / PLOTS
    plots.mkdir(exist_ok=True)
    written = []
    for chart in charts_for(results):
        figure = chart.figure(results, target)
        for extension in formats:
            written.append(save(figure, plots / f"{chart.name}.{extension}"))
    return written


def save(figure: Figure, path: Path) -> Path:
    """Save a figure atomically: a reader never sees half a file."""
    temporary = path.with_name(f".{path.name}.tmp")
    with stable_ids():
        figure.savefig(temporary, format=path.suffix.lstrip("."), metadata=_metadata(path))
    os.replace(temporary, path)
    return path


def _metadata(path: Path) -> dict[str, str | None]:
    # No creation date or software version: redrawing the same results gives the same files.
    if path.suffix == ".svg":
        return {"Date": None, "Creator": None}
    if path.suffix == ".pdf":
        return {"CreationDate": None, "Creator": None, "Producer": None}
    return {"Software": None}


__all__ = [
    "CHARTS",
    "Chart",
    "charts_for",
    "convergence",
    "escalation_over_time",
    "outcome_colours",
    "outcome_distribution",
    "parameter_influence",
    "save",
    "time_to_outcome",
    "what_drives_outcomes",
    "write_plots",
]
