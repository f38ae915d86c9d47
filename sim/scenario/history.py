"""What really happened in a historical incident: the `history:` block of a scenario.

A scenario written as a real incident stood before its end was known records
here how it ended (an outcome id), the value each declared measure took, the
date and the public sources. `wargame calibrate` scores the model against it;
`history_problems` checks that it names only the scenario's own outcomes and
measures, once the whole scenario is known.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

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
    history: HistorySpec, outcomes: list[str], measures: list[str], locate: Locate
) -> list[Problem]:
    """Problems of a history block naming an outcome or a measure the scenario lacks.

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
    for name in history.measures:
        if name not in measures:
            declared = ", ".join(measures) if measures else "none"
            problems.append(
                _problem(
                    f"history records measure {name!r}, which the scenario does not declare",
                    ("history", "measures", name),
                    did_you_mean(name, measures) or f"declared measures: {declared}",
                    locate,
                )
            )
    return problems


def _problem(message: str, path: tuple, hint: str, locate: Locate) -> Problem:
    file, line, column = locate(path)
    return Problem(
        message, file=file, line=line, column=column, path=".".join(map(str, path)), hint=hint
    )
