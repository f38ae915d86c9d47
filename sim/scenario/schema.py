"""The scenario format: a typed tree of pydantic models.

This module *is* the reference for what a scenario file may contain; the JSON
Schema that editors use for autocompletion is generated from it
(`wargame schema`). Structural checks live here; checks that need the whole
scenario (names used in expressions, types of effects) live in
`sim.language.compiler`. Variables and parameters are modelled in `quantities`,
the shared field types in `fields`; both are importable from here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from sim.scenario.fields import RESERVED_NAMES, Effects, Expr, Id, Name, Placed, Replace, Strict
from sim.scenario.fog import Beliefs, BeliefSpec, ObservationSpec, Observes, Reveal
from sim.scenario.history import HistorySpec
from sim.scenario.observations import CheckSpec, MeasureSpec
from sim.scenario.quantities import (
    DISTRIBUTIONS,
    BernoulliSpec,
    BetaSpec,
    ChoiceSpec,
    FixedSpec,
    Parameter,
    ParameterSpec,
    TruncNormalSpec,
    UniformSpec,
    Variable,
    VariableSpec,
    expand_variable,
)

__all__ = [
    "DISTRIBUTIONS",
    "RESERVED_NAMES",
    "ActorSpec",
    "BaseModel",
    "BeliefSpec",
    "BernoulliSpec",
    "BetaSpec",
    "CheckSpec",
    "ChoiceSpec",
    "Combine",
    "DelayedSpec",
    "FixedSpec",
    "HistorySpec",
    "LevelSpec",
    "MeasureSpec",
    "ObservationSpec",
    "OptionSpec",
    "OutcomeSpec",
    "ParameterSpec",
    "Phase",
    "RuleSpec",
    "ScenarioSpec",
    "Strict",
    "TruncNormalSpec",
    "UniformSpec",
    "VariableSpec",
    "VoteMethod",
    "VoteSpec",
    "WorldLevel",
    "json_schema",
]


class LevelSpec(Placed):
    """One rung of the escalation ladder."""

    id: Id
    name: str | None = Field(None, description="display name; defaults to the id")
    description: str = ""

    @property
    def label(self) -> str:
        return self.name or self.id


class DelayedSpec(Strict):
    """Effects that take hold `after` turns, evaluated against the state then."""

    after: int = Field(ge=1, le=1000)
    effects: Effects
    narration: str = ""


class OptionSpec(Placed):
    """One option of a decision; chosen with probability proportional to `weight`."""

    id: Id
    description: str = ""
    when: Expr = True
    weight: Expr = 1.0
    effects: Effects = Field({})
    delayed: list[DelayedSpec] = Field([])
    reveal: Reveal = Field({})
    narration: str = ""
    replace: Replace = Field([])


VoteMethod = Literal["consensus", "majority", "threshold"]

# How the writes of one variable by several actors in a simultaneous turn combine.
Combine = Literal["max", "min", "sum", "any", "all", "last-listed"]

# How the world's level follows the rungs of the actors that hold one.
WorldLevel = Literal["highest", "lowest", "separate"]

# When a chance event is resolved in the turn: before the actors move, or after them.
Phase = Literal["before-actors", "after-actors"]


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


class RuleSpec(Placed):
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
    effects: Effects = Field({})
    delayed: list[DelayedSpec] = Field([])
    options: list[OptionSpec] | None = None
    vote: VoteSpec | None = None
    reveal: Reveal = Field({})
    phase: Phase = Field(
        "before-actors",
        description="chance events only: resolved before the actors' moves of the turn "
        "(`before-actors`) or after them (`after-actors`), to react in the same turn",
    )
    narration: str = ""
    remove: bool = Field(False, description="in a scenario that `extends` another: drop this id")
    replace: Replace = Field([])

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


class ActorSpec(Placed):
    """A state or an alliance (an actor with `members`)."""

    name: str | None = None
    description: str = ""
    members: list[Name] = Field([], description="for an alliance: the member actors")
    rung: Id | None = Field(
        None,
        description="the ladder rung this actor starts on: it then holds a rung of its own "
        "(`<actor>.level`, with its highest so far `<actor>.peak`)",
    )
    state: dict[Name, Variable] = Field({})
    observes: Observes = Field([])
    beliefs: Beliefs = Field({})
    replace: Replace = Field([])

    @field_validator("state", mode="before")
    @classmethod
    def _expand(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: expand_variable(v) for k, v in value.items()}
        return value

    @field_validator("beliefs", mode="before")
    @classmethod
    def _expand_beliefs(cls, value: object) -> object:
        """Shorthand: `deliberate: false` is a belief with that prior and no observations."""
        if isinstance(value, dict):
            return {k: v if isinstance(v, dict) else {"initial": v} for k, v in value.items()}
        return value


class OutcomeSpec(Placed):
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
    severity: int | None = Field(
        None, ge=-(2**31), le=2**31, description="higher is worse; orders tables and charts"
    )
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
    moves: Literal["sequential", "simultaneous"] = Field(
        "sequential",
        description="`sequential`: each actor sees the moves of those before it in the turn; "
        "`simultaneous`: every actor decides on the state at the start of the actors' phase "
        "and their effects apply together (two actors may not write one variable)",
    )
    combine: dict[str, Combine] = Field(
        {},
        description="with `moves: simultaneous`: how writes of one variable by several actors "
        "in the same turn combine (`max`, `min`, `sum` of the changes, `any`, `all`, "
        "`last-listed`); a variable written by two actors without a rule is an error",
    )
    ladder: list[LevelSpec] = Field(min_length=2)
    world_level: WorldLevel = Field(
        "highest",
        description="when actors hold rungs of their own: the world's `level` is the highest "
        "of their rungs, the lowest, or `separate` (a rung of its own, set by rules)",
    )
    initial_level: Id | None = Field(
        None, description="ladder id at the start; the first if omitted"
    )
    parameters: dict[Name, Parameter] = Field({})
    world: dict[Name, Variable] = Field({})
    actors: dict[Name, ActorSpec] = Field(min_length=1)
    events: list[RuleSpec] = Field([])
    rules: list[RuleSpec] = Field([])
    outcomes: list[OutcomeSpec] = Field(min_length=1)
    checks: list[CheckSpec] = Field([], description="conditions every run must meet")
    measures: list[MeasureSpec] = Field([], description="per-run quantities besides the outcome")
    history: HistorySpec | None = Field(
        None, description="a real incident's recorded end, for `wargame calibrate`"
    )
    replace: Replace = Field([])

    @field_validator("world", mode="before")
    @classmethod
    def _expand(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: expand_variable(v) for k, v in value.items()}
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
    """The JSON Schema of scenario files, for editors and `wargame schema`.

    A file that `extends` another holds only what it changes, so what a whole
    scenario must have (its required keys and the least sizes of the ladder,
    actors and outcomes) is required only of a file without `extends`; the
    merged scenario is still checked in full by the loader.
    """
    schema = ScenarioSpec.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Escalation wargame scenario"
    whole: dict = {"required": schema.pop("required", [])}
    sizes: dict[str, dict] = {}
    for name, prop in schema["properties"].items():
        least = {k: prop.pop(k) for k in ("minItems", "minProperties") if k in prop}
        if least:
            sizes[name] = least
    if sizes:
        whole["properties"] = sizes
    schema["if"] = {"required": ["extends"]}
    schema["else"] = whole
    return schema
