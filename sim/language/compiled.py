"""What the compiler produces and the engine runs: state slots, parameters, rules, outcomes.

Plain frozen values: nothing here parses or evaluates; the compiler (`compiler`) builds
them and the engine reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.language.expressions import Compiled, Namespace, Type
from sim.scenario import schema

DTYPES = {"bool": np.bool_, "int": np.int32, "float": np.float64, "enum": np.int16}


@dataclass(frozen=True)
class Slot:
    """One state variable: its key in the state (`strait`, `russia.alert`), type and bounds."""

    key: str
    type: Type
    initial: Compiled
    low: float | None = None
    high: float | None = None
    description: str = ""

    @property
    def dtype(self) -> type:
        return DTYPES[self.type.kind]


@dataclass(frozen=True)
class Parameter:
    """A parameter: fixed (folded into expressions as a constant) or sampled per run."""

    name: str
    type: Type
    spec: schema.BaseModel
    value: object = None  # fixed value (an enum's code for enums)

    @property
    def sampled(self) -> bool:
        return not isinstance(self.spec, schema.FixedSpec)

    @property
    def key(self) -> str:
        return f"param.{self.name}"


@dataclass(frozen=True)
class Effect:
    """`target = expression`, clipped to the target's bounds."""

    key: str
    expression: Compiled
    low: float | None
    high: float | None
    dtype: type


@dataclass(frozen=True)
class DelayedEffects:
    """Effects a rule schedules `after` turns later; `slot` indexes the pending-timer table."""

    slot: int
    after: int
    effects: tuple[Effect, ...]
    narration: str
    origin: str  # rule id (and option id) that schedules it


@dataclass(frozen=True)
class Option:
    id: str
    description: str
    when: Compiled
    weight: Compiled
    effects: tuple[Effect, ...]
    delayed: tuple[DelayedEffects, ...]
    narration: str


@dataclass(frozen=True)
class Vote:
    method: str
    threshold: float | None
    ballots: tuple[tuple[str, Compiled], ...]  # (member id, chance of a yes)

    def required(self) -> int:
        """Yes votes needed to pass."""
        members = len(self.ballots)
        if self.method == "consensus":
            return members
        if self.method == "majority":
            return members // 2 + 1
        return int(np.ceil(self.threshold * members - 1e-9))


@dataclass(frozen=True)
class Rule:
    """A compiled rule or chance event (`actor` is None for events)."""

    index: int  # position among all rules and events: the fire-count column
    id: str
    actor: str | None
    description: str
    when: Compiled
    chance: Compiled
    once: bool
    effects: tuple[Effect, ...]
    delayed: tuple[DelayedEffects, ...]
    options: tuple[Option, ...]
    vote: Vote | None
    narration: str

    @property
    def stream(self) -> str:
        """The name of this rule's random stream (stable across edits of other rules)."""
        return f"rule:{self.id}"


@dataclass(frozen=True)
class Outcome:
    id: str
    label: str
    description: str
    when: Compiled | None
    every_turn: bool
    default: bool
    severity: int


@dataclass
class CompiledScenario:
    """A scenario ready to run: the engine needs nothing else."""

    spec: schema.ScenarioSpec
    data: dict  # the scenario as run (after `extends` and `--set`), plain data
    source: str | None
    ladder: tuple[str, ...]
    initial_level: int
    slots: tuple[Slot, ...]
    parameters: tuple[Parameter, ...]
    actors: tuple[str, ...]
    events: tuple[Rule, ...]
    rules: tuple[Rule, ...]  # actors' rules, in the order listed
    outcomes: tuple[Outcome, ...]  # in check order
    delayed: tuple[DelayedEffects, ...]
    namespace: Namespace  # every name expressions may use, for compiling more of them later
    overrides: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def horizon(self) -> int:
        return self.spec.horizon

    @property
    def sampled_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.sampled)

    def all_rules(self) -> tuple[Rule, ...]:
        """Events then rules: the order of fire-count columns."""
        return self.events + self.rules

    def fire_columns(self) -> list[str]:
        """Fire-count columns of the per-run table: every event and rule, then every option."""
        rules = self.all_rules()
        columns = [f"fired.{rule.id}" for rule in rules]
        columns += [f"fired.{rule.id}.{option.id}" for rule in rules for option in rule.options]
        return columns

    def actor_name(self, actor: str) -> str:
        """How an actor is named to people: its `name`, or its id capitalised."""
        return self.spec.actors[actor].name or actor.capitalize()

    def rules_of(self, actor: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.actor == actor)

    def outcomes_by_severity(self) -> list[Outcome]:
        """Outcomes from least to most severe (unrated ones in the order listed)."""
        return sorted(self.outcomes, key=lambda o: o.severity)
