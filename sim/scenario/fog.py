"""The schema of fog of war: what each actor sees, what it believes, how it observes.

A variable is public unless it says `hidden: true` (in `quantities`). An actor
lists the hidden variables it sees directly (`observes`) and holds `beliefs`
about others: each belief starts from a prior and is updated by observations,
each with a chance of being wrong and, if need be, a delay. Rules, events and
options may `reveal` the truth to actors (in `schema`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import (
    Discriminator,
    Field,
    StrictBool,
    StringConstraints,
    Tag,
    model_validator,
)

from sim.scenario.fields import Expr, Id, Name, Placed, Replace, Strict

# The variable a belief is about: a world variable (`deliberate`) or an actor's
# (`russia.intent`).
VariableKey = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$", max_length=129),
    Field(description="a world variable (`deliberate`) or an actor's (`russia.intent`)"),
]

# `{actor: [variable, ...]}`: the actors whose beliefs are set to the truth.
Reveal = Annotated[
    dict[Name, list[VariableKey]],
    Field(
        description="actors whose beliefs about these variables are set to the truth, "
        "after the effects beside it: `{russia: [deliberate]}`"
    ),
]


class ObservationSpec(Placed):
    """One way an actor learns of a hidden variable: where `when` holds (a condition on the
    truth), it reads the variable's true value, wrong with some chance, maybe late."""

    id: Id = Field(description="stable id: names the observation's own random stream")
    description: str = ""
    when: Expr = Field(True, description="when the observation is made (reads the truth)")
    error: Expr | None = Field(
        None,
        description="true/false or enum variables: the chance the reading is wrong "
        "(a true/false flips; an enum reads one of its other values, equally likely)",
    )
    confusion: dict[Id, dict[Id, Expr]] | None = Field(
        None,
        description="enum variables: for each true value, the chance of each wrong "
        "reading, e.g. `{accidental: {deliberate: 0.2}}`; the rest reads true",
    )
    noise: Expr | None = Field(
        None,
        description="int/float variables: the standard deviation of normal noise on the "
        "reading (clipped to the variable's bounds, rounded for a whole number)",
    )
    delay: int = Field(0, ge=0, le=1000, description="turns until the reading arrives")
    remove: bool = False

    @model_validator(mode="after")
    def _one_error(self) -> ObservationSpec:
        given = [k for k in ("error", "confusion", "noise") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError(f"give one of `error`, `confusion` or `noise`, not {given}")
        return self


class BeliefSpec(Strict):
    """What an actor believes of a hidden variable: a prior, updated by observations."""

    initial: Expr | None = Field(
        None,
        description="the prior: a value, or an expression over parameters; the variable's "
        "own initial value when omitted",
    )
    description: str = ""
    observations: list[ObservationSpec] = Field([])
    replace: Replace = Field([])

    @model_validator(mode="after")
    def _distinct(self) -> BeliefSpec:
        ids = [o.id for o in self.observations]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"observation ids must be distinct: {', '.join(repeated)}")
        return self


if TYPE_CHECKING:
    # After validation a belief is always a `BeliefSpec` (`ActorSpec` expands the shorthand
    # first); the union below exists for the JSON Schema (editors).
    Belief = BeliefSpec
else:
    Belief = Annotated[
        Annotated[BeliefSpec, Tag("mapping")]
        | Annotated[StrictBool | int | float | str, Tag("scalar")],
        Discriminator(lambda v: "mapping" if isinstance(v, dict) else "scalar"),
        Field(description="a belief, or shorthand: its prior alone (`deliberate: false`)"),
    ]

Beliefs = Annotated[
    dict[VariableKey, Belief],
    Field(description="the actor's beliefs, by the hidden variable they are about"),
]
Observes = Annotated[
    list[VariableKey],
    Field(description="hidden variables this actor sees directly (its view holds the truth)"),
]

__all__ = ["BeliefSpec", "Beliefs", "ObservationSpec", "Observes", "Reveal", "VariableKey"]
