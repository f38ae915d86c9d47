"""What really happened in a historical incident: the `history:` block of a scenario.

A scenario written as a real incident stood before its end was known records
here how it ended (an outcome id), the value each declared measure took, the
date and the public sources. `wargame calibrate` scores the model against it;
`history_problems` checks that it names only the scenario's own outcomes and
measures, once the whole scenario is known.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping

from pydantic import Field

from sim.errors import Problem, did_you_mean
from sim.scenario.fields import Id, Strict

# A recorded measure: true/false, a number, or null for a `first` that never held.
RecordedValue = bool | int | float | None


class HistorySpec(Strict):
    """How a real incident ended, as public sources report it."""

    date: datetime.date = Field(description="the day the incident began (YYYY-MM-DD)")
    outcome: Id = Field(description="the id of the outcome that happened")
    measures: dict[Id, RecordedValue] = Field(
        {},
        description="the value each recorded measure took (true/false, a number, "
        "or null for a `first` measure that never held); measures left out are not scored",
    )
    sources: list[str] = Field(
        min_length=1, description="public sources: outlet or body, title or subject, date"
    )
    note: str = Field("", description="what happened, in a sentence or two")


Locate = Callable[[tuple], tuple]


def history_problems(
    history: HistorySpec, outcomes: list[str], measures: Mapping[str, str], locate: Locate
) -> list[Problem]:
    """Problems of a history block naming an outcome or a measure the scenario lacks, or
    recording a value a measure cannot take.

    `measures` maps each declared measure to its kind (`ever`, `turns`, ...);
    `locate(path)` gives the (file, line, column) of a path in the scenario's data.
    """
    problems = []
    if history.outcome not in outcomes:
        problems.append(
            _problem(
                f"history names outcome {history.outcome!r}, which the scenario does not have",
                ("history", "outcome"),
                did_you_mean(history.outcome, outcomes) or f"outcomes: {', '.join(outcomes)}",
                locate,
            )
        )
    for name, value in history.measures.items():
        if name not in measures:
            declared = ", ".join(measures) if measures else "none"
            problems.append(
                _problem(
                    f"history records measure {name!r}, which the scenario does not declare",
                    ("history", "measures", name),
                    did_you_mean(name, list(measures)) or f"declared measures: {declared}",
                    locate,
                )
            )
        elif (wrong := _wrong_value(measures[name], value)) is not None:
            problems.append(
                _problem(
                    f"history records {value!r} for measure {name!r}, an `{measures[name]}` "
                    "measure",
                    ("history", "measures", name),
                    wrong,
                    locate,
                )
            )
    return problems


def _wrong_value(kind: str, value: RecordedValue) -> str | None:
    """What a measure of `kind` records instead of `value`, or None if `value` fits."""
    if kind == "ever" and not isinstance(value, bool):
        return "an `ever` measure is true or false"
    if kind in ("turns", "first") and isinstance(value, bool):
        return f"a `{kind}` measure is a number of turns" + (" or null" if kind == "first" else "")
    if kind == "turns" and value is None:
        return "a `turns` measure is a number of turns (0 if it never held)"
    return None


def _problem(message: str, path: tuple, hint: str, locate: Locate) -> Problem:
    file, line, column = locate(path)
    return Problem(
        message, file=file, line=line, column=column, path=".".join(map(str, path)), hint=hint
    )
