"""From a validated scenario to what the engine runs: typed state slots and compiled rules.

Every name in every expression is resolved here, once, and every problem in
the whole scenario is collected before anything runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from sim.errors import did_you_mean
from sim.language import fog, observations, state, structure
from sim.language.elements import (
    Check,
    DelayedEffects,
    Effect,
    Measure,
    Observation,
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
    observations: tuple[Observation, ...] = ()  # actor by actor, belief by belief


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
        structure.check_names(spec, self.problems)
        parameters = state.parameters(spec, self.problems)
        variates: dict[str, str] = {}  # every random variate's site -> its function
        slots = tuple(state.slots(spec, parameters, self.problems, variates))
        truths = {s.key: s for s in slots}
        fog.check_observes(spec, truths, self.problems)
        initial_names = state.parameter_names(parameters, variates)
        slots += tuple(fog.belief_slots(spec, truths, initial_names, self.problems))
        self.positions = positions(spec, self.ladder, self.problems)
        self.names = state.namespace(spec, self.ladder_type, parameters, slots, self.positions)
        self.names.variates = variates
        self.names.beliefs = {s.key: s.about for s in slots if s.about is not None}
        self.views = {
            actor: self.names.seen_by(actor, fog.unseen_by(actor, spec, slots))
            for actor in spec.actors
        }
        self.slot_by_key = {s.key: s for s in slots}
        structure.check_actors(spec, self.problems)
        initial_level = self.positions.initial_level(self._initial_level())
        structure.check_unique_ids(spec, self.problems)
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
            observations=fog.observations(spec, self.names, self.slot_by_key, self.problems),
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

    # --- rules ----------------------------------------------------------

    def _rule(self, path: Path, rule: schema.RuleSpec, index: int, event: bool) -> Rule:
        # an actor's rule is judged on its view (the beliefs it reads are recorded), and so
        # are its effects' values; chance events read the truth
        view = self.views.get(rule.actor or "", self.names) if not event else self.names
        judged: set[str] = set()  # the keys its condition, chance, weights, ballots read
        consequences: set[str] = set()  # the keys its effects read
        names = view.recording(judged)
        effect_view = view.recording(consequences)
        self._check_actor(path, rule, event)
        when = self.problems.expression(path + ("when",), rule.when, names, BOOL)
        chance = self.problems.expression(path + ("chance",), rule.chance, names, FLOAT)
        options: tuple[Option, ...] = ()
        if rule.options is not None:
            options = tuple(
                self._option(path + ("options", i), option, rule.id, names, effect_view)
                for i, option in enumerate(rule.options)
            )
        vote = None
        if rule.vote is not None:
            vote = self._vote(path + ("vote",), rule, rule.vote, judged)
        effects = self._effects(path + ("effects",), rule.effects, effect_view)
        effects += self._reveal(path + ("reveal",), rule.reveal)
        delayed = self._delayed(path + ("delayed",), rule.delayed, rule.id, effect_view)
        # an actor's rule judged on a belief: a firing on a false one is counted
        beliefs = [] if event else sorted(k for k in judged if k in self.names.beliefs)
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
            beliefs_read=tuple((key, self.names.beliefs[key]) for key in beliefs),
            reads=frozenset(judged | consequences),
        )

    def _check_actor(self, path: Path, rule: schema.RuleSpec, event: bool) -> None:
        """An event has no actor and no phase of an actor; a rule has a known actor."""
        actors = self.spec.actors
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

    def _option(
        self, path: Path, option: schema.OptionSpec, rule_id: str, names: Namespace, view: Namespace
    ) -> Option:
        """An option: its `when` and `weight` read on `names`, its effects' values on `view`."""
        when = self.problems.expression(path + ("when",), option.when, names, BOOL)
        weight = self.problems.expression(path + ("weight",), option.weight, names, FLOAT)
        effects = self._effects(path + ("effects",), option.effects, view)
        effects += self._reveal(path + ("reveal",), option.reveal)
        origin = f"{rule_id}.{option.id}"
        return Option(
            id=option.id,
            description=option.description,
            when=when or _never(),
            weight=weight or _never(),
            effects=effects,
            delayed=self._delayed(path + ("delayed",), option.delayed, origin, view),
            narration=option.narration,
        )

    def _reveal(self, path: Path, reveal: Mapping[str, list[str]]) -> tuple[Effect, ...]:
        """Beliefs set to the truth, read as nature reads it (the act reveals)."""
        return fog.reveal_effects(path, reveal, self.names, self.slot_by_key, self.problems)

    def _vote(
        self, path: Path, rule: schema.RuleSpec, vote: schema.VoteSpec, reads: set[str]
    ) -> Vote | None:
        """The ballots: each member's chance of a yes, read on that member's own view."""
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
            names = self.views[member].with_alias("member", member).recording(reads)
            source, where = (
                (vote.members[member], path + ("members", member))
                if member in vote.members
                else (vote.support, path + ("support",))
            )
            chance = self.problems.expression(where, source, names, FLOAT)
            ballots.append((member, chance or _never()))
        return Vote(vote.method, vote.threshold, tuple(ballots))

    def _effects(
        self, path: Path, effects: Mapping[str, object], names: Namespace
    ) -> tuple[Effect, ...]:
        """Effects whose values are read on `names` (an actor's view, or the truth)."""
        compiled = []
        for target, source in effects.items():
            effect = self._effect(path + (target,), target, source, names)
            if effect is not None:
                compiled.append(effect)
        return tuple(compiled)

    def _effect(self, path: Path, target: str, source: object, names: Namespace) -> Effect | None:
        type_: Type
        low: float | None
        high: float | None
        dtype: type[np.generic]
        if target.startswith("belief.") and names.viewer is not None:
            target = f"{names.viewer}.{target}"  # the acting actor's own belief
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
            and (source in type_.values or source not in names.symbols)
        ):
            source = repr(source)  # a bare enum value: `strait: closed`
        expression = self.problems.expression(path, source, names, type_)
        if expression is None:
            return None
        return Effect(target, expression, low, high, dtype)

    def _delayed(
        self, path: Path, delayed: list, origin: str, names: Namespace
    ) -> tuple[DelayedEffects, ...]:
        compiled = []
        for i, entry in enumerate(delayed):
            effects = self._effects(path + (i, "effects"), entry.effects, names)
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


def _never() -> Compiled:
    return compile_expression(False, Namespace({}, {}))
