"""Chart 4: rules associated with each outcome, a heat map of rule firings by outcome.

For each rule, chance event and decision option, and each outcome: how much
more (or less) often it fired in the runs that ended in that outcome than in
all runs, in percentage points. A rule that fired in 10% of all runs but in
70% of the runs that ended in war shows +60 in the war column. This is an
association, not a cause: a rule can fire more often in war because war
makes it possible.

Rows are named in words: the rule's id with its hyphens as spaces and each
actor's id as the actor's name ("NATO invokes article5"), and grouped under
the actors' names, from the scenario.yaml of the results folder.

Rows that the outcome decides are left out: a rule that fired in every run
ending in some outcomes and in no run ending in the others (such as the rule
whose effect is the outcome, "Russia uses nuclear weapon" for nuclear use)
says nothing beyond the outcome itself; the chart's footnote counts them.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import Rectangle
from matplotlib.transforms import blended_transform_factory

from sim.results.folder import SCENARIO, Results
from sim.views.plots.style import (
    new_figure,
    outcome_colours,
    outcome_labels,
    stale,
    style,
    title,
)

NAME = "Rules associated with each outcome"
MAX_ROWS = 40  # beyond this a heat map stops being readable on a slide
CMAP = "RdBu_r"  # diverging, red and blue stay apart under common colour blindness
EVENTS = "chance events"


@dataclass(frozen=True)
class Row:
    column: str  # the fire-count column in runs.parquet
    rule: str  # the rule's id (an option's row belongs to its rule)
    label: str  # rule id, or "rule: option"
    group: str  # the actor, or EVENTS


def fire_differences(results: Results) -> pd.DataFrame:
    """P(fired | outcome) - P(fired) for each fire-count column (rows) and outcome (columns).

    Outcomes that no run reached get NaN.
    """
    rules = results.summary["rules"]
    if rules and "runs_fired_by_outcome" not in rules[0]:
        raise stale(results, "runs_fired_by_outcome")
    runs = results.summary["runs"]
    ended = results.outcome_table()["count"]
    fired = pd.DataFrame(
        [rule["runs_fired_by_outcome"] for rule in rules],
        index=[rule["column"] for rule in rules],
        columns=ended.index,
        dtype=float,
    )
    overall = pd.Series([rule["runs_fired"] / runs for rule in rules], index=fired.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        given = fired / ended.replace(0, np.nan)
    return given.sub(overall, axis=0)


def decided_by_outcome(results: Results) -> list[str]:
    """Fire-count columns whose firing the outcome decides: in every outcome reached, the
    rule fired in all of its runs or in none (and it fired in some runs, not all)."""
    ended = results.outcome_table()["count"]
    runs = results.summary["runs"]
    decided = []
    for rule in results.summary["rules"]:
        by_outcome = rule["runs_fired_by_outcome"]
        if not 0 < rule["runs_fired"] < runs:
            continue
        if all(by_outcome[o] in (0, n) for o, n in ended.items() if n > 0):
            decided.append(rule["column"])
    return decided


def actor_names(results: Results) -> dict[str, str]:
    """Actor id -> the scenario's name for it, from the folder's scenario.yaml (if any)."""
    import yaml

    if results.path is None:
        return {}
    try:
        data = yaml.safe_load((results.path / SCENARIO).read_text(encoding="utf-8"))
        actors = data["actors"]
        return {str(a): str(spec.get("name") or a) for a, spec in actors.items()}
    except (OSError, yaml.YAMLError, UnicodeDecodeError, KeyError, TypeError, AttributeError):
        return {}


def words(identifier: str, actors: dict[str, str]) -> str:
    """An id in words: hyphens and underscores as spaces, actors' ids as their names, the
    first letter capitalised (`nato-invokes-article5` -> `NATO invokes article5`)."""
    parts = [actors.get(part, part) for part in identifier.replace("_", "-").split("-") if part]
    text = " ".join(parts)
    return text[:1].upper() + text[1:]


def rows(results: Results) -> list[Row]:
    """Every fire-count column, grouped: chance events first, then each actor's rules."""
    found = []
    actors = actor_names(results)
    for rule in results.summary["rules"]:
        label = words(rule["id"], actors)
        if rule.get("option"):
            label += ": " + words(rule["option"], actors).lower()
        actor = rule.get("actor")
        group = actors.get(actor, words(actor, {})) if actor else EVENTS
        found.append(Row(rule["column"], rule["id"], label, group))
    groups = list(dict.fromkeys(row.group for row in found))
    if EVENTS in groups:
        groups = [EVENTS] + [g for g in groups if g != EVENTS]
    # options follow their rule, rules keep the order they are listed in
    position = {row.column: i for i, row in enumerate(found)}
    first: dict[str, int] = {}
    for row in found:
        first.setdefault(row.rule, position[row.column])

    def key(row: Row) -> tuple:
        return (groups.index(row.group), first[row.rule], position[row.column])

    return sorted(found, key=key)


def shown_rows(
    results: Results, differences: pd.DataFrame, limit: int = MAX_ROWS
) -> tuple[list[Row], int]:
    """The rows worth showing, and how many were informative before the limit.

    A rule that never fired, or fired in every run, tells nothing about
    outcomes; of the others, at most `limit` that differ most are kept.
    """
    runs = results.summary["runs"]
    fired = {rule["column"]: rule["runs_fired"] for rule in results.summary["rules"]}
    decided = set(decided_by_outcome(results))
    informative = [
        row for row in rows(results) if 0 < fired[row.column] < runs and row.column not in decided
    ]
    if len(informative) <= limit:
        return informative, len(informative)
    spread = differences.abs().max(axis=1)
    keep = set(spread[[r.column for r in informative]].nlargest(limit).index)
    return [row for row in informative if row.column in keep], len(informative)


def what_drives_outcomes(
    results: Results, ax: Axes | None = None, limit: int = MAX_ROWS
) -> Figure | SubFigure:
    """Heat map: how much more or less often each rule fired, by outcome, than overall.

    Red: fired more often in runs ending in that outcome; blue: less often;
    white: no difference. Cells carry the difference in percentage points.
    """
    differences = fire_differences(results)
    table = results.outcome_table()
    reached = [o for o in table.index if table.loc[o, "count"] > 0]
    shown, informative = shown_rows(results, differences, limit)
    values = differences.loc[[r.column for r in shown], reached].to_numpy() * 100
    labels = outcome_labels(results)
    with style():
        if ax is None:
            whole = new_figure(max(4.5, 2.6 + 0.3 * len(shown)))
            ax = whole.add_subplot()
            title(whole, results, NAME)
        fig = ax.figure
        if not shown:
            ax.text(0.5, 0.5, "no rule fired in some runs and not in others", ha="center")
            ax.set_axis_off()
            return fig
        largest = max(float(np.nanmax(np.abs(values))), 1.0)
        image = ax.imshow(
            values,
            cmap=CMAP,
            norm=TwoSlopeNorm(0, -largest, largest),
            aspect="auto",
            interpolation="nearest",
        )
        _annotate(ax, values, largest)
        columns = [
            f"{textwrap.fill(labels[o], 14)}\n{table.loc[o, 'count']:,} runs" for o in reached
        ]
        ax.set_xticks(np.arange(len(reached)), columns)
        ax.xaxis.tick_top()
        ax.tick_params(axis="x", length=0, pad=14)
        _outcome_strip(ax, [outcome_colours(list(table.index))[o] for o in reached])
        ax.set_yticks(np.arange(len(shown)), [r.label for r in shown], fontsize=9.5)
        ax.tick_params(axis="y", length=0)
        _group_marks(ax, shown)
        for side in ax.spines.values():
            side.set_visible(False)
        colourbar = fig.colorbar(image, ax=ax, location="bottom", shrink=0.5, aspect=40, pad=0.02)
        colourbar.set_label(
            "fired in runs ending in this outcome minus fired in all runs (percentage points):"
            "\nan association, not a cause"
        )
        notes = _footnotes(results, len(shown), informative, reached)
        if notes:
            ax.set_xlabel(textwrap.fill("; ".join(notes), 110), fontsize=9.5, color="#444444")
    return fig


def _footnotes(results: Results, shown: int, informative: int, reached: list[str]) -> list[str]:
    """What the heat map leaves out: rules beyond the limit, rules the outcome decides,
    outcomes no run reached."""
    notes = []
    if informative > shown:
        notes.append(f"the {shown} of {informative} rules that differ most")
    decided = len(decided_by_outcome(results))
    if decided:
        notes.append(
            f"{decided} rule{'s' if decided > 1 else ''} left out that fired in all runs "
            "of some outcomes and none of the others (true by the outcome's definition)"
        )
    labels = outcome_labels(results)
    missing = [labels[o] for o in results.outcome_ids if o not in reached]
    if missing:
        notes.append("not reached: " + ", ".join(missing))
    return notes


def _annotate(ax: Axes, values: np.ndarray, largest: float) -> None:
    for (i, j), value in np.ndenumerate(values):
        if np.isnan(value):
            continue
        text = "0" if abs(value) < 0.5 else f"{value:+.0f}"
        colour = "white" if abs(value) > 0.6 * largest else "#222222"
        ax.text(j, i, text, ha="center", va="center", fontsize=9, color=colour)


def _outcome_strip(ax: Axes, colours: list[str]) -> None:
    """A band of each outcome's colour above its column, as in every other chart."""
    transform = blended_transform_factory(ax.transData, ax.transAxes)
    for j, colour in enumerate(colours):
        band = Rectangle((j - 0.45, 1.005), 0.9, 0.012, color=colour, transform=transform)
        band.set(clip_on=False, in_layout=False)
        ax.add_patch(band)


def _group_marks(ax: Axes, shown: list[Row]) -> None:
    """Lines between actors' groups of rules, and the actor's name beside each group."""
    transform = blended_transform_factory(ax.transAxes, ax.transData)
    start = 0
    for i in range(1, len(shown) + 1):
        if i < len(shown) and shown[i].group == shown[start].group:
            continue
        if i < len(shown):
            ax.axhline(i - 0.5, color="#333333", linewidth=1.2)
        ax.text(
            1.01,
            (start + i - 1) / 2,
            shown[start].group,
            transform=transform,
            va="center",
            ha="left",
            fontsize=10,
            fontweight="bold",
        )
        start = i
