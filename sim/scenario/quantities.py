"""The schema of a scenario's quantities: state variables and parameters.

Each may be written in full or as shorthand (`[open, closed]`, `0.5`); the JSON
Schema accepts both, and validation expands the shorthand first.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Discriminator, Field, StrictBool, StrictFloat, StrictInt, Tag, model_validator

from sim.scenario.fields import Id, Strict, shape_tag
from sim.scenario.kinds import ValueKind, values_kind

# Every number of a variable or parameter is finite: NaN or infinity in a scenario is a
# mistake, refused where it is written rather than carried into sampling and summary.json.
Finite = Annotated[float, Field(allow_inf_nan=False)]
FiniteStrict = Annotated[StrictFloat, Field(allow_inf_nan=False)]
# Whole numbers fit the engine's 64-bit integers.
LARGEST_WHOLE = 2**63 - 1
Whole = Annotated[int, Field(ge=-LARGEST_WHOLE, le=LARGEST_WHOLE)]
StrictWhole = Annotated[StrictInt, Field(ge=-LARGEST_WHOLE, le=LARGEST_WHOLE)]
# A beta's shape parameters: beyond these the inverse CDF is not computed reliably.
BETA_SHAPE_RANGE = (1e-3, 1e8)


class VariableSpec(Strict):
    """A typed state variable with bounds; assignments are clipped to the bounds."""

    type: ValueKind | None = Field(
        None, description="inferred from `values` or `initial` when omitted"
    )
    initial: StrictBool | Whole | Finite | str | None = Field(
        None,
        description="starting value; for bool/int/float also an expression over parameters",
    )
    min: Finite | None = None
    max: Finite | None = None
    values: list[Id] | None = Field(None, description="the ordered values of an enumeration")
    description: str = ""
    hidden: bool = Field(
        False,
        description="fog of war: only the owner (for an actor's variable) and actors that "
        "`observes` it see the truth; the others hold beliefs about it",
    )

    @model_validator(mode="after")
    def _consistent(self) -> VariableSpec:
        kind = self.type or _infer_variable_type(self)
        if kind == "enum":
            if not self.values:
                raise ValueError("an enum variable needs `values`, e.g. [open, contested, closed]")
            if len(set(self.values)) != len(self.values):
                raise ValueError("enum `values` must be distinct")
            if self.initial is not None and self.initial not in self.values:
                raise ValueError(f"initial value {self.initial!r} is not one of {self.values}")
        elif self.values is not None:
            raise ValueError(f"`values` only applies to enum variables, not {kind}")
        if kind in ("bool", "enum") and (self.min is not None or self.max is not None):
            raise ValueError(f"a {kind} variable takes no `min`/`max`")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        if kind == "bool" and self.initial is not None and not isinstance(self.initial, bool | str):
            raise ValueError("a bool variable starts as true or false")
        if (
            kind in ("int", "float")
            and isinstance(self.initial, int | float)
            and not isinstance(self.initial, bool)
        ):
            if self.min is not None and self.initial < self.min:
                raise ValueError(f"initial value {self.initial} is below min {self.min}")
            if self.max is not None and self.initial > self.max:
                raise ValueError(f"initial value {self.initial} is above max {self.max}")
        return self

    @property
    def kind(self) -> ValueKind:
        return self.type or _infer_variable_type(self)


def _infer_variable_type(var: VariableSpec) -> ValueKind:
    if var.values is not None:
        return "enum"
    if isinstance(var.initial, bool):
        return "bool"
    if isinstance(var.initial, int):
        return "int"
    return "float"


def expand_variable(spec: object) -> object:
    """Shorthand: `[open, closed]` is an enum, `false` a bool, `0` an int, `0.5` a float."""
    if isinstance(spec, list):
        return {"type": "enum", "values": spec}
    if isinstance(spec, bool | int | float):
        return {"initial": spec}
    return spec


if TYPE_CHECKING:
    # After validation a variable is always a `VariableSpec`: `_expand_variable` turns the
    # shorthand into one first. The union below exists for the JSON Schema (editors).
    Variable = VariableSpec
else:
    Variable = Annotated[
        Annotated[VariableSpec, Tag("mapping")]
        | Annotated[list[Id], Tag("list")]
        | Annotated[StrictBool | StrictWhole | FiniteStrict, Tag("scalar")],
        Discriminator(shape_tag),
        Field(description="a variable, or shorthand: `[a, b, c]`, `false`, `0`, `0.5`"),
    ]


class _Parameter(Strict):
    description: str = ""


class FixedSpec(_Parameter):
    """A parameter with one value in every run (overridable with `--set`)."""

    value: StrictBool | Whole | Finite | Id
    values: list[Id] | None = Field(
        None, description="for a text value: every value it may take, for comparisons"
    )
    min: float | None = Field(None, description="for a number: the lowest value `--set` may give")
    max: float | None = Field(None, description="for a number: the highest value `--set` may give")

    @model_validator(mode="after")
    def _value_listed(self) -> FixedSpec:
        if self.values is not None:
            if not isinstance(self.value, str):
                raise ValueError("`values` only applies to a text value")
            if self.value not in self.values:
                raise ValueError(f"value {self.value!r} is not one of {self.values}")
        return self

    @model_validator(mode="after")
    def _value_within(self) -> FixedSpec:
        if self.min is None and self.max is None:
            return self
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise ValueError("`min` and `max` only apply to a number")
        low = -math.inf if self.min is None else self.min
        high = math.inf if self.max is None else self.max
        if low > high:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        if not low <= self.value <= high:
            raise ValueError(f"value {self.value} is outside min {self.min} and max {self.max}")
        return self


class UniformSpec(_Parameter):
    distribution: Literal["uniform"]
    low: Finite
    high: Finite

    @model_validator(mode="after")
    def _ordered(self) -> UniformSpec:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) is greater than high ({self.high})")
        return self


class BetaSpec(_Parameter):
    distribution: Literal["beta"]
    a: float = Field(ge=BETA_SHAPE_RANGE[0], le=BETA_SHAPE_RANGE[1])
    b: float = Field(ge=BETA_SHAPE_RANGE[0], le=BETA_SHAPE_RANGE[1])


class TruncNormalSpec(_Parameter):
    distribution: Literal["truncnormal"]
    mean: Finite
    sd: Finite = Field(gt=0)
    low: Finite
    high: Finite

    @model_validator(mode="after")
    def _ordered(self) -> TruncNormalSpec:
        if self.low >= self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if not math.isfinite((self.high - self.low) / self.sd):
            raise ValueError(f"sd ({self.sd}) is too small for the window {self.low}..{self.high}")
        return self


class BernoulliSpec(_Parameter):
    distribution: Literal["bernoulli"]
    p: Finite = Field(ge=0, le=1)


class ChoiceSpec(_Parameter):
    distribution: Literal["choice"]
    values: list[StrictBool | Whole | Finite | Id] = Field(min_length=1)
    weights: list[Annotated[Finite, Field(ge=0)]] | None = None

    @model_validator(mode="after")
    def _weights_match(self) -> ChoiceSpec:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"{len(self.weights)} weights for {len(self.values)} values; give one each"
                )
            if not 0 < sum(self.weights) < math.inf:
                raise ValueError(
                    "weights must not all be zero, nor add up beyond the largest number"
                )
        if values_kind(self.values) is None:
            raise ValueError("choice values must all be of one type")
        return self


# A parameter after validation (a bare value has become a `FixedSpec`).
ParameterSpec = FixedSpec | UniformSpec | BetaSpec | TruncNormalSpec | BernoulliSpec | ChoiceSpec

DISTRIBUTIONS = ("uniform", "beta", "truncnormal", "bernoulli", "choice")

if TYPE_CHECKING:
    # After validation a parameter is always one of the models: `_expand_parameters`
    # turns a bare value into `{value: ...}` first. The union is for the JSON Schema.
    Parameter = ParameterSpec
else:
    Parameter = Annotated[
        Annotated[FixedSpec, Tag("mapping")]
        | Annotated[UniformSpec, Tag("uniform")]
        | Annotated[BetaSpec, Tag("beta")]
        | Annotated[TruncNormalSpec, Tag("truncnormal")]
        | Annotated[BernoulliSpec, Tag("bernoulli")]
        | Annotated[ChoiceSpec, Tag("choice")]
        | Annotated[StrictBool | int | float | Id, Tag("scalar")],
        Discriminator(shape_tag),
        Field(description="a fixed value, or a distribution sampled once per run"),
    ]
