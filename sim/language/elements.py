"""The compiled pieces of a scenario: state slots, parameters, effects, rules and outcomes.

Plain frozen values: nothing here parses or evaluates; the compiler (`compiler`,
`state`) builds them and the engine reads them.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.language.types import Compiled, Type
from sim.scenario import schema

# How each kind of state variable is stored: one array of this dtype per variable, (lanes,).
DTYPES: dict[str, type[np.generic]] = {
    "bool": np.bool_,
    "int": np.int32,
    "float": np.float64,
    "enum": np.int16,  # the index of the value among the enum's values
}


@dataclass(frozen=True)
class Slot:
    """One state variable: its key in the state (`strait`, `russia.alert`), type and bounds."""

    key: str
    type: Type
    initial: Compiled
    low: float | None = None
    high: float | None = None
    description: str = ""
    hidden: bool = False  # fog of war: seen only by its owner and the actors observing it
    owner: str | None = None  # the actor whose variable it is; None for the world's
    believer: str | None = None  # a belief: the actor holding it (its key `actor.belief.x`)
    about: str | None = None  # a belief: the key of the variable it is about

    @property
    def dtype(self) -> builtins.type[np.generic]:
        return DTYPES[self.type.kind]


# How an observation may misread: not at all, a flip (bool), another value equally
# likely or by a confusion matrix (enum), normal noise (numbers).
Misreading = Literal["none", "flip", "other", "confusion", "noise"]


@dataclass(frozen=True)
class Observation:
    """An actor's reading of a hidden variable into its belief: where `when` holds (on the
    truth), the true value, wrong with some chance (see `Misreading`), `delay` turns late."""

    id: str
    actor: str
    about: str  # key of the variable observed
    belief: str  # key of the belief it updates
    description: str
    when: Compiled
    misreading: Misreading
    error: Compiled | None  # flip / other: the chance of a wrong reading
    # confusion: per true value (enum code), the chance of each reading (None: the truth)
    confusion: tuple[tuple[Compiled | None, ...], ...]
    noise: Compiled | None  # noise: the standard deviation
    delay: int
    slot: Slot  # the belief's slot: its type, bounds and dtype

    @property
    def stream(self) -> str:
        """The name of this observation's random stream (stable across other edits)."""
        return f"observe:{self.actor}/{self.about}/{self.id}"


@dataclass(frozen=True)
class Parameter:
    """A parameter: fixed (folded into expressions as a constant) or sampled per run."""

    name: str
    type: Type
    spec: schema.ParameterSpec
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
    dtype: type[np.generic]


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
    method: schema.VoteMethod
    threshold: float | None  # share of members, given with method "threshold" only
    ballots: tuple[tuple[str, Compiled], ...]  # (member id, chance of a yes)

    def required(self) -> int:
        """Yes votes needed to pass."""
        members = len(self.ballots)
        if self.method == "consensus":
            return members
        if self.method == "majority":
            return members // 2 + 1
        assert self.threshold is not None  # the schema requires it with method: threshold
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
    after_actors: bool = False  # a chance event resolved after the actors' moves
    # the beliefs its condition, chance, weights and ballots read: (belief key, truth key);
    # a firing where one differed from the truth is a firing on a false belief
    beliefs_read: tuple[tuple[str, str], ...] = ()
    reads: frozenset[str] = frozenset()  # every state key its expressions read

    def writes(self) -> frozenset[str]:
        """Every state key its effects (and its options' and delayed ones) may write."""
        effects = list(self.effects) + [e for d in self.delayed for e in d.effects]
        for option in self.options:
            effects += list(option.effects) + [e for d in option.delayed for e in d.effects]
        return frozenset(effect.key for effect in effects)

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


@dataclass(frozen=True)
class Check:
    """A condition every run must meet: on the state it ends with, or on every turn."""

    id: str
    holds: Compiled
    every_turn: bool
    message: str
    text: str  # the condition as written, to show where the message is empty


@dataclass(frozen=True)
class Measure:
    """A per-run quantity: `kind` says how `expression` is read (see `MeasureSpec`).

    `boolean` measures (`value` of a condition, `ever`) report a share of runs;
    the others a mean (`first` over the runs where it happened).
    """

    id: str
    label: str
    description: str
    kind: str  # value, ever, turns, max or first
    expression: Compiled
    boolean: bool

    @property
    def per_turn(self) -> bool:
        return self.kind != "value"
