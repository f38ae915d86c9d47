"""The building blocks of the scenario schema: names, ids, expressions, the strict base.

Shared by the models of state and parameters (`quantities`) and of the scenario
itself (`schema`).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, field_validator

from sim.text import printable

# Names that appear inside expressions must be Python identifiers.
Name = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z_][a-z0-9_]*$", max_length=64),
    Field(description="lower-case identifier usable in expressions, e.g. `russia` or `alert`"),
]
# Ids of ladder levels, rules and outcomes may also use hyphens.
Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64),
    Field(description="lower-case id, hyphens allowed, e.g. `article5-war`"),
]
# An expression over the state, or a literal written directly in YAML.
Expr = Annotated[
    StrictBool | int | float | str,
    Field(description="expression such as `level >= 'incident' and turkey.requested_support`"),
]
# `target: expression`, e.g. `strait: closed` or `russia.alert: russia.alert + 1`.
Effects = Annotated[
    dict[str, Expr],
    Field(description="assignments `target: expression`, applied in the order written"),
]

RESERVED_NAMES = frozenset(
    {
        "level",
        "peak",
        "turn",
        "horizon",
        "member",
        "outcome",
        "belief",
        "false_belief_firings",
        "true",
        "false",
        "and",
        "or",
        "not",
    }
)


class Strict(BaseModel):
    """Base for every scenario node: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _printable(cls, value: object) -> object:
        """Text is neutralised once, as it is read (escape sequences, bidi overrides),
        so no terminal, trace, report or chart can print a scenario's control codes."""
        return printable(value) if isinstance(value, str) else value


def shape_tag(value: object) -> str:
    """Pick the union branch from the input's shape, so errors speak of one branch only."""
    if isinstance(value, dict):
        return str(value["distribution"]) if "distribution" in value else "mapping"
    return "list" if isinstance(value, list) else "scalar"


class Placed(Strict):
    """An item (or actor) of a scenario that `extends` another: keys read while merging."""

    new: bool = Field(
        False,
        description="in a scenario that `extends` another: this id is new, not a typo of "
        "a close existing one",
    )
    before: str | None = Field(
        None, description="in a scenario that `extends` another: put this just before that id"
    )
    after: str | None = Field(
        None, description="in a scenario that `extends` another: put this just after that id"
    )


Replace = Annotated[
    list[str],
    Field(
        description="in a scenario that `extends` another: keys set here whose values "
        "replace the base's wholesale instead of merging with them"
    ),
]
