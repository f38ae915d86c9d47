"""A compiled scenario: everything the engine runs, and where it came from.

`compile_scenario` turns validated data into one; the pieces (slots, parameters,
rules, outcomes) are defined in `elements` and importable from here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.errors import ScenarioError
from sim.language.compiler import compile_spec
from sim.language.elements import (
    DTYPES,
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
from sim.language.positions import Positions
from sim.language.problems import Problems
from sim.language.types import Namespace
from sim.scenario import schema
from sim.scenario.overrides import apply_overrides, fixed_values
from sim.scenario.validation import validate
from sim.scenario.yaml_reader import Located

__all__ = [
    "DTYPES",
    "Check",
    "CompiledScenario",
    "DelayedEffects",
    "Effect",
    "Measure",
    "Observation",
    "Option",
    "Outcome",
    "Parameter",
    "Rule",
    "Slot",
    "Vote",
    "compile_scenario",
]


def compile_scenario(
    spec: schema.ScenarioSpec,
    data: dict[str, Any],
    located: Located | None = None,
    source: str | None = None,
    overrides: Mapping[str, object] | None = None,
) -> CompiledScenario:
    """Resolve and type-check every expression; raise one ScenarioError listing all problems.

    `data` is the scenario as run (overrides already applied); `overrides` records them.
    """
    problems = Problems(spec, located, source)
    compiled = compile_spec(spec, problems)
    if problems.found:
        raise ScenarioError(problems.found)
    return CompiledScenario(
        spec=spec,
        data=data,
        source=source,
        ladder=compiled.ladder,
        initial_level=compiled.initial_level,
        slots=compiled.slots,
        parameters=compiled.parameters,
        actors=compiled.actors,
        events=compiled.events,
        rules=compiled.rules,
        outcomes=compiled.outcomes,
        delayed=compiled.delayed,
        namespace=compiled.namespace,
        checks=compiled.checks,
        measures=compiled.measures,
        variates=dict(compiled.variates),
        positions=compiled.positions,
        observations=compiled.observations,
        overrides=dict(overrides or {}),
    )


@dataclass(frozen=True)
class CompiledScenario:
    """A scenario ready to run: the engine needs nothing else.

    An immutable value: `data` and `overrides` are never changed after compiling (a
    variant with other parameter values is a new one, from `with_overrides`).
    """

    spec: schema.ScenarioSpec
    # the scenario as run (after `extends` and `--set`): plain YAML data the schema checked
    data: dict[str, Any]
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
    overrides: dict[str, object] = field(default_factory=dict)  # as given to `--set`
    checks: tuple[Check, ...] = ()  # in the order listed
    measures: tuple[Measure, ...] = ()  # in the order listed
    # every random variate in an expression (`normal(0, 1)`): its site -> its function
    variates: dict[str, str] = field(default_factory=dict)
    positions: Positions = field(default_factory=Positions)  # actors with rungs of their own
    # fog of war: every observation, actor by actor, belief by belief
    observations: tuple[Observation, ...] = ()

    def with_overrides(self, overrides: Mapping[str, object]) -> CompiledScenario:
        """This scenario with parameters fixed as `--set` would, without reading YAML again.

        Merged with the overrides it already has; the same checks and errors as `--set`.
        """
        data = apply_overrides(self.data, overrides, self.source)
        merged = {**self.overrides, **fixed_values(data, overrides)}
        return compile_scenario(validate(data, None), data, None, self.source, merged)

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def horizon(self) -> int:
        return self.spec.horizon

    @property
    def sampled_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.sampled)

    def events_before_actors(self) -> tuple[Rule, ...]:
        """The chance events resolved before the actors move, in the order listed."""
        return tuple(e for e in self.events if not e.after_actors)

    def events_after_actors(self) -> tuple[Rule, ...]:
        """The chance events resolved after the actors' moves, in the order listed."""
        return tuple(e for e in self.events if e.after_actors)

    def turn_steps(self) -> tuple[Rule, ...]:
        """Every event and rule in the order a turn resolves them: events before the actors,
        each actor's rules (actors in the order of `actors:`), events after the actors."""
        steps = self.events_before_actors()
        for actor in self.actors:
            steps += self.rules_of(actor)
        return steps + self.events_after_actors()

    def all_rules(self) -> tuple[Rule, ...]:
        """Events then rules: the order of fire-count columns."""
        return self.events + self.rules

    def fire_columns(self) -> list[str]:
        """Fire-count columns of the per-run table: every event and rule, then every option."""
        rules = self.all_rules()
        columns = [f"fired.{rule.id}" for rule in rules]
        columns += [f"fired.{rule.id}.{option.id}" for rule in rules for option in rule.options]
        return columns

    @property
    def has_beliefs(self) -> bool:
        """Whether any actor holds a belief (fog of war): the runs then count the firings
        taken on a false belief."""
        return any(slot.believer is not None for slot in self.slots)

    def beliefs_of(self, actor: str) -> tuple[Slot, ...]:
        """The belief slots `actor` holds, in the order written."""
        return tuple(slot for slot in self.slots if slot.believer == actor)

    def observations_of(self, actor: str) -> tuple[Observation, ...]:
        return tuple(o for o in self.observations if o.actor == actor)

    def actor_name(self, actor: str) -> str:
        """How an actor is named to people: its `name`, or its id capitalised."""
        return self.spec.actors[actor].name or actor.capitalize()

    def rules_of(self, actor: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.actor == actor)

    def outcomes_by_severity(self) -> list[Outcome]:
        """Outcomes from least to most severe (unrated ones in the order listed)."""
        return sorted(self.outcomes, key=lambda o: o.severity)
