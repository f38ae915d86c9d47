"""From a validated scenario to what the engine runs: typed state slots and compiled rules.

Every name in every expression is resolved here, once, and every problem in
the whole scenario is collected before anything runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from sim.errors import did_you_mean
from sim.language import observations, state
from sim.language.elements import (
    Check,
    DelayedEffects,
    Effect,
    Measure,
    Option,
    Outcome,
    Parameter,
    Rule,
    Slot,
    Vote,
)
from sim.language.expressions import compile_expression
from sim.language.moves import check_simultaneous
from sim.language.positions import LEVEL, PEAK, Positions, peak_key, positions, rung_key
from sim.language.problems import Path, Problems
from sim.language.types import BOOL, FLOAT, Compiled, Namespace, Type
from sim.scenario import schema

_BARE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Compilation:
    """What compiling a scenario's spec gives; `CompiledScenario` adds where it came from."""

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
    checks: tuple[Check, ...] = ()
    measures: tuple[Measure, ...] = ()
    variates: Mapping[str, str] = field(default_factory=dict)  # site -> random variate
    positions: Positions = field(default_factory=Positions)  # actors with rungs of their own


def compile_spec(spec: schema.ScenarioSpec, problems: Problems) -> Compilation:
    """Resolve and type-check every expression, recording each problem in `problems`."""
    return _Builder(spec, problems).build()


class _Builder:
    def __init__(self, spec: schema.ScenarioSpec, problems: Problems) -> None:
        self.spec = spec
        self.problems = problems
        self.delayed: list[DelayedEffects] = []
        self.ladder = tuple(level.id for level in spec.ladder)
        self.ladder_type = Type("enum", self.ladder, "ladder", ladder=True)

    def build(self) -> Compilation:
        spec = self.spec
        self._check_names()
        parameters = state.parameters(spec, self.problems)
        variates: dict[str, str] = {}  # every random variate's site -> its function
        slots = tuple(state.slots(spec, parameters, self.problems, variates))
        self.positions = positions(spec, self.ladder, self.problems)
        self.names = state.namespace(spec, self.ladder_type, parameters, slots, self.positions)
        self.names.variates = variates
        self.slot_by_key = {s.key: s for s in slots}
        self._check_actors()
        initial_level = self.positions.initial_level(self._initial_level())
        self._check_unique_ids()
        events = tuple(
            self._rule(("events", i), r, i, event=True) for i, r in enumerate(spec.events)
        )
        offset = len(events)
        rules = tuple(
            self._rule(("rules", i), r, offset + i, event=False) for i, r in enumerate(spec.rules)
        )
        outcomes = tuple(self._outcome(i, o) for i, o in enumerate(spec.outcomes))
        check_simultaneous(spec, self.problems, self._targets())
        return Compilation(
            ladder=self.ladder,
            initial_level=initial_level,
            slots=slots,
            parameters=parameters,
            actors=tuple(spec.actors),
            events=events,
            rules=rules,
            outcomes=outcomes,
            delayed=tuple(self.delayed),
            namespace=self.names,
            checks=observations.checks(spec, self.names, self.problems),
            measures=observations.measures(spec, self.names, self.problems),
            variates=variates,
            positions=self.positions,
        )

    def _rungs(self) -> list[str]:
        return [rung_key(actor) for actor in self.positions.actors]

    def _targets(self) -> dict[str, Type]:
        """Every variable an effect may write, with its type."""
        targets = {} if self.positions.derived else {LEVEL: self.ladder_type}
        targets.update({key: slot.type for key, slot in self.slot_by_key.items()})
        targets.update({key: self.ladder_type for key in self._rungs()})
        return targets

    def _initial_level(self) -> int:
        """The index of `initial_level` on the ladder (the first rung when not given)."""
        level = self.spec.initial_level
        if level is None:
            return 0
        if level in self.ladder:
            return self.ladder.index(level)
        self.problems.add(
            ("initial_level",), f"unknown ladder level {level!r}", did_you_mean(level, self.ladder)
        )
        return 0

    def _check_names(self) -> None:
        spec = self.spec
        owners: dict[str, str] = {}
        groups: list[tuple[str, Iterable[str]]] = [
            ("parameters", spec.parameters),
            ("world", spec.world),
            ("actors", spec.actors),
        ]
        for section, names in groups:
            for name in names:
                if name in schema.RESERVED_NAMES:
                    self.problems.add(
                        (section, name), f"{name!r} is a reserved name", "choose another name"
                    )
                elif name in owners:
                    self.problems.add(
                        (section, name),
                        f"{name!r} is used both in {owners[name]} and in {section}",
                        "names must be unique across parameters, world variables and actors",
                    )
                else:
                    owners[name] = section

    def _check_actors(self) -> None:
        actors = self.spec.actors
        for actor_id, actor in actors.items():
            for i, member in enumerate(actor.members):
                path = ("actors", actor_id, "members", i)
                if member not in actors:
                    self.problems.add(
                        path, f"unknown member {member!r}", did_you_mean(member, actors)
                    )
                elif member == actor_id:
                    self.problems.add(path, f"{actor_id!r} cannot be its own member")
                elif actors[member].members:
                    self.problems.add(
                        path, f"{member!r} is itself an alliance; members must be states"
                    )
            if len(set(actor.members)) != len(actor.members):
                self.problems.add(("actors", actor_id, "members"), "a member is listed twice")

    def _check_unique_ids(self) -> None:
        spec = self.spec
        for section, ids in (
            ("ladder", [level.id for level in spec.ladder]),
            ("outcomes", [outcome.id for outcome in spec.outcomes]),
        ):
            for i in _repeated(ids):
                self.problems.add((section, i, "id"), f"id {ids[i]!r} is used twice in {section}")
        # rules and events share one set of ids
        shared = [("events", i, e.id) for i, e in enumerate(spec.events)]
        shared += [("rules", i, r.id) for i, r in enumerate(spec.rules)]
        for j in _repeated([rule_id for _, _, rule_id in shared]):
            section, i, rule_id = shared[j]
            self.problems.add(
                (section, i, "id"),
                f"id {rule_id!r} is used twice",
                "rules and events share one set of ids (each gets a column in runs.parquet)",
            )

    # --- rules ----------------------------------------------------------

    def _rule(self, path: Path, rule: schema.RuleSpec, index: int, event: bool) -> Rule:
        actors = self.spec.actors
        names = self.names
        if event and rule.actor is not None:
            self.problems.add(
                path + ("actor",), "events belong to no actor", "move it under `rules:`"
            )
        if not event:
            if rule.actor is None:
                self.problems.add(
                    path, f"rule {rule.id!r} needs an `actor`", "or move it under `events:`"
                )
            elif rule.actor not in actors:
                self.problems.add(
                    path + ("actor",),
                    f"unknown actor {rule.actor!r}",
                    did_you_mean(rule.actor, actors),
                )
            if "phase" in rule.model_fields_set:
                self.problems.add(
                    path + ("phase",),
                    "only chance events have a `phase`; an actor's rules move in the actors' turn",
                    "move the rule under `events:` or drop `phase`",
                )
        when = self.problems.expression(path + ("when",), rule.when, names, BOOL)
        chance = self.problems.expression(path + ("chance",), rule.chance, names, FLOAT)
        effects = self._effects(path + ("effects",), rule.effects)
        delayed = self._delayed(path + ("delayed",), rule.delayed, rule.id)
        options: tuple[Option, ...] = ()
        if rule.options is not None:
            options = tuple(
                self._option(path + ("options", i), option, rule.id)
                for i, option in enumerate(rule.options)
            )
        vote = None
        if rule.vote is not None:
            vote = self._vote(path + ("vote",), rule, rule.vote)
        return Rule(
            index=index,
            id=rule.id,
            actor=rule.actor,
            description=rule.description,
            when=when or _never(),
            chance=chance or _never(),
            once=rule.once,
            effects=effects,
            delayed=delayed,
            options=options,
            vote=vote,
            narration=rule.narration,
            after_actors=event and rule.phase == "after-actors",
        )

    def _option(self, path: Path, option: schema.OptionSpec, rule_id: str) -> Option:
        when = self.problems.expression(path + ("when",), option.when, self.names, BOOL)
        weight = self.problems.expression(path + ("weight",), option.weight, self.names, FLOAT)
        return Option(
            id=option.id,
            description=option.description,
            when=when or _never(),
            weight=weight or _never(),
            effects=self._effects(path + ("effects",), option.effects),
            delayed=self._delayed(path + ("delayed",), option.delayed, f"{rule_id}.{option.id}"),
            narration=option.narration,
        )

    def _vote(self, path: Path, rule: schema.RuleSpec, vote: schema.VoteSpec) -> Vote | None:
        actor = self.spec.actors.get(rule.actor or "")
        if actor is None:
            return None
        if not actor.members:
            self.problems.add(
                path,
                f"{rule.actor!r} has no members to vote",
                "give the alliance `members:` or drop the vote",
            )
            return None
        for member in vote.members:
            if member not in actor.members:
                self.problems.add(
                    path + ("members", member),
                    f"{member!r} is not a member of {rule.actor!r}",
                    did_you_mean(member, actor.members),
                )
        ballots = []
        for member in actor.members:
            if member not in self.spec.actors:
                continue
            names = self.names.with_alias("member", member)
            source, where = (
                (vote.members[member], path + ("members", member))
                if member in vote.members
                else (vote.support, path + ("support",))
            )
            chance = self.problems.expression(where, source, names, FLOAT)
            ballots.append((member, chance or _never()))
        return Vote(vote.method, vote.threshold, tuple(ballots))

    def _effects(self, path: Path, effects: Mapping[str, object]) -> tuple[Effect, ...]:
        compiled = []
        for target, source in effects.items():
            effect = self._effect(path + (target,), target, source)
            if effect is not None:
                compiled.append(effect)
        return tuple(compiled)

    def _effect(self, path: Path, target: str, source: object) -> Effect | None:
        type_: Type
        low: float | None
        high: float | None
        dtype: type[np.generic]
        if target == LEVEL and self.positions.derived:
            self.problems.add(
                path,
                f"the world's level is the {self.positions.world} of the actors' rungs "
                "and cannot be set by rules",
                f"set an actor's rung instead (`{rung_key(self.positions.actors[0])}`), or "
                "give the world a rung of its own with `world_level: separate`",
            )
            return None
        if target == LEVEL or target in self._rungs():
            type_, low, high, dtype = self.ladder_type, 0, len(self.ladder) - 1, np.int16
        elif target in self.slot_by_key:
            slot = self.slot_by_key[target]
            type_, low, high, dtype = slot.type, slot.low, slot.high, slot.dtype
        else:
            if target in self.spec.parameters:
                self.problems.add(
                    path, f"{target!r} is a parameter; parameters cannot be changed by rules"
                )
            elif target in ("turn", "horizon", PEAK) or target in map(
                peak_key, self.positions.actors
            ):
                follows = target.removesuffix(PEAK) + LEVEL
                self.problems.add(
                    path,
                    f"`{target}` cannot be changed by rules",
                    f"`{target}` follows `{follows}`; set `{follows}` instead"
                    if target.endswith(PEAK)
                    else None,
                )
            else:
                targets = ["level", *self.slot_by_key, *self._rungs()]
                self.problems.add(
                    path, f"unknown effect target {target!r}", did_you_mean(target, targets)
                )
            return None
        bare = isinstance(source, str) and _BARE_VALUE.match(source)
        if (
            type_.kind == "enum"
            and bare
            and (source in type_.values or source not in self.names.symbols)
        ):
            source = repr(source)  # a bare enum value: `strait: closed`
        expression = self.problems.expression(path, source, self.names, type_)
        if expression is None:
            return None
        return Effect(target, expression, low, high, dtype)

    def _delayed(self, path: Path, delayed: list, origin: str) -> tuple[DelayedEffects, ...]:
        compiled = []
        for i, entry in enumerate(delayed):
            effects = self._effects(path + (i, "effects"), entry.effects)
            item = DelayedEffects(len(self.delayed), entry.after, effects, entry.narration, origin)
            self.delayed.append(item)
            compiled.append(item)
        return tuple(compiled)

    def _outcome(self, index: int, outcome: schema.OutcomeSpec) -> Outcome:
        when = None
        if outcome.when is not None:
            when = self.problems.expression(
                ("outcomes", index, "when"), outcome.when, self.names, BOOL
            )
        severity = outcome.severity if outcome.severity is not None else index
        return Outcome(
            id=outcome.id,
            label=outcome.label or outcome.id.replace("-", " ").capitalize(),
            description=outcome.description,
            when=when,
            every_turn=outcome.check == "every-turn",
            default=outcome.default,
            severity=severity,
        )


def _repeated(ids: list[str]) -> list[int]:
    """The positions of ids already given earlier in the list."""
    seen: set[str] = set()
    repeated = []
    for i, id_ in enumerate(ids):
        if id_ in seen:
            repeated.append(i)
        seen.add(id_)
    return repeated


def _never() -> Compiled:
    return compile_expression(False, Namespace({}, {}))
