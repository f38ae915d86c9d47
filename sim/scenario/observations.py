"""What a scenario asks of every run besides its outcome: checks that must hold, and measures.

A check is a condition the modeller states must hold (at the end of every run,
or on every turn); a run where it fails is counted, never ignored. A measure is
a named per-run quantity: an expression's value at the end of the run, or a
summary of it over the turns the run played (`ever`, `turns`, `max`, `first`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.scenario.fields import Expr, Id, Strict

# How a measure reads its expression: at the end, or summed up over the turns.
MeasureKind = Literal["value", "ever", "turns", "max", "first"]
MEASURE_KINDS: tuple[MeasureKind, ...] = ("value", "ever", "turns", "max", "first")


class CheckSpec(Strict):
    """A condition that must hold in every run; violations are counted and reported."""

    id: Id
    holds: Expr = Field(
        description="condition that must be true, e.g. `not (outcome == 'calm' and peak >= 'war')`"
    )
    checked: Literal["at-end", "every-turn"] = Field(
        "at-end",
        description="`at-end`: once, on the state a run ends with (may use `outcome`); "
        "`every-turn`: checked at the end of every turn the run plays",
    )
    message: str = Field("", description="what a violation means, said where it is reported")
    remove: bool = False


class MeasureSpec(Strict):
    """A per-run quantity: give exactly one of `value`, `ever`, `turns`, `max`, `first`."""

    id: Id
    label: str | None = Field(None, description="display name; defaults to the id")
    description: str = ""
    value: Expr | None = Field(
        None, description="true/false or a number on the state a run ends with (may use `outcome`)"
    )
    ever: Expr | None = Field(None, description="condition: true if it held on some turn")
    turns: Expr | None = Field(None, description="condition: the number of turns it held")
    max: Expr | None = Field(None, description="number: its largest value over the turns")
    first: Expr | None = Field(
        None, description="condition: the first turn it held (missing if it never did)"
    )
    remove: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> MeasureSpec:
        given = [kind for kind in MEASURE_KINDS if getattr(self, kind) is not None]
        if len(given) != 1 and not self.remove:
            found = ", ".join(given) if given else "none"
            raise ValueError(
                "a measure needs exactly one of `value`, `ever`, `turns`, `max`, `first` "
                f"(found: {found})"
            )
        return self

    @property
    def kind(self) -> MeasureKind:
        return next((k for k in MEASURE_KINDS if getattr(self, k) is not None), "value")

    @property
    def expression(self) -> Expr:
        return getattr(self, self.kind)  # type: ignore[no-any-return]

    @property
    def name(self) -> str:
        return self.label or self.id.replace("-", " ").capitalize()
