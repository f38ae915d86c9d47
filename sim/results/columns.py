"""The per-run table's columns, declared once.

Every run has a row: its number, then the `PER_RUN` columns (outcome, end turn,
peak level), then for each actor that holds a rung of its own its highest and
its last rung (`peak_level.<actor>`, `end_level.<actor>`), one column per sampled
parameter (`param.<name>`), one fire count per rule and option
(`fired.<rule>[.<option>]`, from the scenario), one bool per check
(`violated.<check>`: true where the run broke it) and one column per measure
(`measure.<id>`: bool, int32 or float64, see `docs/results-format.md`).
A scenario with fog of war (an actor holds a belief) also has `false_belief_firings`
after the peak level (and the actors' rungs): how many firings of actors' rules the run
took on a false belief.
The same names are used in `runs.parquet`, in the blocks a folder keeps for
`--resume`, and as the fields of a block's result; the coded columns say here
how their codes become text when written and ordered categories when read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from sim.language.compiled import CompiledScenario
    from sim.results.summary_format import Summary

RUN = "run"  # the run's number in the batch, from 0
PARAMETER_PREFIX = "param."
VIOLATED_PREFIX = "violated."
MEASURE_PREFIX = "measure."
ACTOR_PEAK_PREFIX = "peak_level."
ACTOR_END_PREFIX = "end_level."


@dataclass(frozen=True)
class Column:
    """One per-run column of int16 codes; `labels` and `order` when the codes stand for text."""

    name: str
    # the text of each code, in code order, as written to runs.parquet
    labels: Callable[[CompiledScenario], list[str]] | None = None
    # the categories when read back, in order (least severe or lowest first)
    order: Callable[[Summary], list[str]] | None = None


OUTCOME = Column(
    "outcome",
    labels=lambda scenario: [o.id for o in scenario.outcomes],  # check order
    order=lambda summary: [o.id for o in summary.outcomes],  # least severe first
)
END_TURN = Column("end_turn")
PEAK_LEVEL = Column(
    "peak_level",
    labels=lambda scenario: list(scenario.ladder),
    order=lambda summary: [level.id for level in summary.ladder],
)
PER_RUN: tuple[Column, ...] = (OUTCOME, END_TURN, PEAK_LEVEL)
# Firings of actors' rules whose condition, chance, weights or ballots read a belief that
# differed from the truth at that moment (int32); only in scenarios where actors hold beliefs.
FALSE_BELIEF_FIRINGS = "false_belief_firings"


def fog_columns(scenario: CompiledScenario) -> list[str]:
    """The fog-of-war columns of a scenario's per-run table (none without beliefs)."""
    return [FALSE_BELIEF_FIRINGS] if scenario.has_beliefs else []


def parameter_column(name: str) -> str:
    """The column of a sampled parameter's values."""
    return PARAMETER_PREFIX + name


def violated_column(check: str) -> str:
    """The column saying which runs broke a check."""
    return VIOLATED_PREFIX + check


def measure_column(measure: str) -> str:
    """The column of a measure's per-run values."""
    return MEASURE_PREFIX + measure


def actor_peak_column(actor: str) -> str:
    """The column of the highest rung an actor reached in each run."""
    return ACTOR_PEAK_PREFIX + actor


def actor_end_column(actor: str) -> str:
    """The column of the rung an actor stood on when each run ended."""
    return ACTOR_END_PREFIX + actor


def rung_columns(actors: tuple[str, ...]) -> list[str]:
    """The per-actor rung columns, actor by actor: peak, then end."""
    return [name for a in actors for name in (actor_peak_column(a), actor_end_column(a))]


def categorise(runs: pd.DataFrame, summary: Summary) -> pd.DataFrame:
    """The coded text columns as ordered categoricals (least severe / lowest first)."""
    runs = runs.copy()
    for column in PER_RUN:
        if column.order is not None:
            runs[column.name] = pd.Categorical(
                runs[column.name], categories=column.order(summary), ordered=True
            )
    rungs = [level.id for level in summary.ladder]
    for name in runs.columns:
        if name.startswith((ACTOR_PEAK_PREFIX, ACTOR_END_PREFIX)):
            runs[name] = pd.Categorical(runs[name], categories=rungs, ordered=True)
    return runs
