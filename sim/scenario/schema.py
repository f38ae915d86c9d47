"""The scenario format: a typed tree of pydantic models.

This module *is* the reference for what a scenario file may contain; the JSON
Schema that editors use for autocompletion is generated from it
(`wargame schema`). Structural checks live here; checks that need the whole
scenario (names used in expressions, types of effects) live in
`sim.language.compiler`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from sim.scenario.kinds import ValueKind, values_kind

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
    {"level", "peak", "turn", "horizon", "member", "true", "false", "and", "or", "not"}
)


class Strict(BaseModel):
    """Base for every scenario node: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class LevelSpec(Strict):
    """One rung of the escalation ladder."""

    id: Id
    name: str | None = Field(None, description="display name; defaults to the id")
    description: str = ""

    @property
    def label(self) -> str:
        return self.name or self.id


class VariableSpec(Strict):
    """A typed state variable with bounds; assignments are clipped to the bounds."""

    type: ValueKind | None = Field(
        None, description="inferred from `values` or `initial` when omitted"
    )
    initial: StrictBool | int | float | str | None = Field(
        None,
        description="starting value; for bool/int/float also an expression over parameters",
    )
    min: float | None = None
    max: float | None = None
    values: list[Id] | None = Field(None, description="the ordered values of an enumeration")
    description: str = ""

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


def _expand_variable(spec: object) -> object:
    """Shorthand: `[open, closed]` is an enum, `false` a bool, `0` an int, `0.5` a float."""
    if isinstance(spec, list):
        return {"type": "enum", "values": spec}
    if isinstance(spec, bool | int | float):
        return {"initial": spec}
    return spec


def _shape_tag(value: object) -> str:
    """Pick the union branch from the input's shape, so errors speak of one branch only."""
    if isinstance(value, dict):
        return str(value["distribution"]) if "distribution" in value else "mapping"
    return "list" if isinstance(value, list) else "scalar"


if TYPE_CHECKING:
    # After validation a variable is always a `VariableSpec`: `_expand_variable` turns the
    # shorthand into one first. The union below exists for the JSON Schema (editors).
    Variable = VariableSpec
else:
    Variable = Annotated[
        Annotated[VariableSpec, Tag("mapping")]
        | Annotated[list[Id], Tag("list")]
        | Annotated[StrictBool | int | float, Tag("scalar")],
        Discriminator(_shape_tag),
        Field(description="a variable, or shorthand: `[a, b, c]`, `false`, `0`, `0.5`"),
    ]


class _Parameter(Strict):
    description: str = ""


class FixedSpec(_Parameter):
    """A parameter with one value in every run (overridable with `--set`)."""

    value: StrictBool | int | float | Id
    values: list[Id] | None = Field(
        None, description="for a text value: every value it may take, for comparisons"
    )

    @model_validator(mode="after")
    def _value_listed(self) -> FixedSpec:
        if self.values is not None:
            if not isinstance(self.value, str):
                raise ValueError("`values` only applies to a text value")
            if self.value not in self.values:
                raise ValueError(f"value {self.value!r} is not one of {self.values}")
        return self


class UniformSpec(_Parameter):
    distribution: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> UniformSpec:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) is greater than high ({self.high})")
        return self


class BetaSpec(_Parameter):
    distribution: Literal["beta"]
    a: float = Field(gt=0)
    b: float = Field(gt=0)


class TruncNormalSpec(_Parameter):
    distribution: Literal["truncnormal"]
    mean: float
    sd: float = Field(gt=0)
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> TruncNormalSpec:
        if self.low >= self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self


class BernoulliSpec(_Parameter):
    distribution: Literal["bernoulli"]
    p: float = Field(ge=0, le=1)


class ChoiceSpec(_Parameter):
    distribution: Literal["choice"]
    values: list[StrictBool | int | float | Id] = Field(min_length=1)
    weights: list[Annotated[float, Field(ge=0)]] | None = None

    @model_validator(mode="after")
    def _weights_match(self) -> ChoiceSpec:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"{len(self.weights)} weights for {len(self.values)} values; give one each"
                )
            if sum(self.weights) <= 0:
                raise ValueError("weights must not all be zero")
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
        Discriminator(_shape_tag),
        Field(description="a fixed value, or a distribution sampled once per run"),
    ]


class DelayedSpec(Strict):
    """Effects that take hold `after` turns, evaluated against the state then."""

    after: int = Field(ge=1, le=1000)
    effects: Effects
    narration: str = ""


class OptionSpec(Strict):
    """One option of a decision; chosen with probability proportional to `weight`."""

    id: Id
    description: str = ""
    when: Expr = True
    weight: Expr = 1.0
    effects: Effects = {}
    delayed: list[DelayedSpec] = []
    narration: str = ""


VoteMethod = Literal["consensus", "majority", "threshold"]


class VoteSpec(Strict):
    """An alliance decision: each member votes yes with chance `support` (or its own)."""

    method: VoteMethod = "consensus"
    threshold: float | None = Field(
        None, gt=0, le=1, description="share of members that must vote yes (method: threshold)"
    )
    # Not `yes`: YAML 1.1 reads a bare `yes` key as the boolean true.
    support: Expr = Field(1.0, description="chance a member votes yes; `member.x` is its own x")
    members: dict[Name, Expr] = Field({}, description="per-member chance, overriding `support`")

    @model_validator(mode="after")
    def _threshold(self) -> VoteSpec:
        if self.method == "threshold" and self.threshold is None:
            raise ValueError("method: threshold needs `threshold`, e.g. 0.75")
        if self.method != "threshold" and self.threshold is not None:
            raise ValueError("`threshold` only applies to method: threshold")
        return self


class RuleSpec(Strict):
    """A rule: when `when` holds, fires with `chance`, then applies its effects.

    With `options` it is a decision: firing picks one option by weight. With
    `vote` it belongs to an alliance and fires only if the members agree.
    """

    id: Id
    actor: Name | None = Field(None, description="who acts; omitted for chance events")
    description: str = ""
    when: Expr = True
    chance: Expr = 1.0
    once: bool = Field(False, description="fires at most once per run")
    effects: Effects = {}
    delayed: list[DelayedSpec] = []
    options: list[OptionSpec] | None = None
    vote: VoteSpec | None = None
    narration: str = ""
    remove: bool = Field(False, description="in a scenario that `extends` another: drop this id")

    @model_validator(mode="after")
    def _options_distinct(self) -> RuleSpec:
        if self.options is not None:
            if not self.options:
                raise ValueError("`options` must list at least one option")
            ids = [o.id for o in self.options]
            duplicated = sorted({i for i in ids if ids.count(i) > 1})
            if duplicated:
                raise ValueError(f"option ids must be distinct: {', '.join(duplicated)}")
        return self


class ActorSpec(Strict):
    """A state or an alliance (an actor with `members`)."""

    name: str | None = None
    description: str = ""
    members: list[Name] = Field([], description="for an alliance: the member actors")
    state: dict[Name, Variable] = {}

    @field_validator("state", mode="before")
    @classmethod
    def _expand(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: _expand_variable(v) for k, v in value.items()}
        return value


class OutcomeSpec(Strict):
    """An end of a run. Checked in the order listed; the first that holds wins."""

    id: Id
    label: str | None = None
    description: str = ""
    when: Expr | None = None
    check: Literal["every-turn", "at-horizon"] = Field(
        "every-turn",
        description="`every-turn` ends a run as soon as it holds; `at-horizon` only at the end",
    )
    default: bool = Field(
        False,
        description="the outcome of a run that reaches the horizon with no other outcome "
        "holding; with `when`, it can also end a run earlier like any other",
    )
    severity: int | None = Field(None, description="higher is worse; orders tables and charts")
    remove: bool = False

    @model_validator(mode="after")
    def _needs_condition(self) -> OutcomeSpec:
        if not self.default and self.when is None and not self.remove:
            raise ValueError("an outcome needs `when` (or `default: true`)")
        return self


class ScenarioSpec(Strict):
    """A crisis: ladder, state, parameters, rules, chance events and outcomes."""

    id: Id
    title: str
    description: str = ""
    extends: str | None = Field(None, description="path or bundled name of a scenario to build on")
    turn_length: str = Field("day", description="what one turn stands for, in narration")
    horizon: int = Field(ge=1, le=10_000, description="the number of turns a run lasts at most")
    ladder: list[LevelSpec] = Field(min_length=2)
    initial_level: Id | None = Field(
        None, description="ladder id at the start; the first if omitted"
    )
    parameters: dict[Name, Parameter] = {}
    world: dict[Name, Variable] = {}
    actors: dict[Name, ActorSpec] = Field(min_length=1)
    events: list[RuleSpec] = []
    rules: list[RuleSpec] = []
    outcomes: list[OutcomeSpec] = Field(min_length=1)

    @field_validator("world", mode="before")
    @classmethod
    def _expand(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: _expand_variable(v) for k, v in value.items()}
        return value

    @field_validator("parameters", mode="before")
    @classmethod
    def _expand_parameters(cls, value: object) -> object:
        if isinstance(value, dict):
            return {
                k: {"value": v} if isinstance(v, bool | int | float | str) else v
                for k, v in value.items()
            }
        return value

    @model_validator(mode="after")
    def _one_default_outcome(self) -> ScenarioSpec:
        defaults = [o.id for o in self.outcomes if o.default]
        if len(defaults) != 1:
            found = ", ".join(defaults) if defaults else "none"
            raise ValueError(
                f"exactly one outcome must have `default: true` (found: {found}); "
                "it is the outcome of runs that reach the horizon"
            )
        return self


def json_schema() -> dict:
    """The JSON Schema of scenario files, for editors and `wargame schema`."""
    schema = ScenarioSpec.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Escalation wargame scenario"
    return schema
