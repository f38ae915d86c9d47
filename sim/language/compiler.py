"""From a validated scenario to what the engine runs: typed state slots and compiled rules.

Every name in every expression is resolved here, once, and every problem in
the whole scenario is collected before anything runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np

from sim.errors import Problem, ScenarioError, did_you_mean
from sim.language.compiled import (
    CompiledScenario,
    DelayedEffects,
    Effect,
    Option,
    Outcome,
    Parameter,
    Rule,
    Slot,
    Vote,
)
from sim.language.expressions import (
    BOOL,
    FLOAT,
    INT,
    Compiled,
    ExpressionError,
    Namespace,
    Symbol,
    Type,
    compile_expression,
)
from sim.scenario import schema
from sim.scenario.source import Located

_BARE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def compile_scenario(
    spec: schema.ScenarioSpec,
    data: dict,
    located: Located | None = None,
    source: str | None = None,
    overrides: dict | None = None,
) -> CompiledScenario:
    """Resolve and type-check every expression; raise one ScenarioError listing all problems."""
    builder = _Builder(spec, located, source)
    compiled = builder.build(data, overrides or {})
    if builder.problems:
        raise ScenarioError(builder.problems)
    return compiled


class _Builder:
    def __init__(
        self, spec: schema.ScenarioSpec, located: Located | None, source: str | None
    ) -> None:
        self.spec = spec
        self.located = located
        self.source = source
        self.problems: list[Problem] = []
        self.delayed: list[DelayedEffects] = []
        self.ladder = tuple(level.id for level in spec.ladder)
        self.ladder_type = Type("enum", self.ladder, "ladder", ladder=True)

    # --- problems -------------------------------------------------------

    def problem(
        self, path: tuple, message: str, hint: str | None = None, offset: int | None = None
    ) -> None:
        file, line, column = self.source, None, None
        if self.located is not None:
            node, _ = self.located.find(path)
            file, line, column = node.file, node.line, node.column
            if offset is not None and node.single_line:
                column += offset + (1 if node.quoted else 0)
        self.problems.append(
            Problem(
                message, file=file, line=line, column=column, path=self._path_text(path), hint=hint
            )
        )

    def _path_text(self, path: tuple) -> str:
        text = ""
        lists = {
            "rules": self.spec.rules,
            "events": self.spec.events,
            "outcomes": self.spec.outcomes,
        }
        container = None
        for key in path:
            if isinstance(key, int):
                items = lists.get(container) if container else None
                if items is not None and key < len(items):
                    text += f"[{items[key].id}]"
                else:
                    text += f"[{key}]"
            else:
                text += f".{key}" if text else str(key)
            container = key if isinstance(key, str) else None
        return text

    def expression(
        self, path: tuple, source: object, names: Namespace, expected: Type | None
    ) -> Compiled | None:
        try:
            return compile_expression(source, names, expected)
        except ExpressionError as error:
            self.problem(path, f"{error.message} in `{_short(source)}`", error.hint, error.offset)
            return None

    # --- building -------------------------------------------------------

    def build(self, data: dict, overrides: dict) -> CompiledScenario:
        spec = self.spec
        self._check_names()
        parameters = tuple(self._parameters())
        parameter_names = Namespace({p.name: self._parameter_symbol(p) for p in parameters}, {})
        slots = tuple(self._slots(parameter_names))
        names = self._namespace(parameters, slots)
        self.names = names
        self.slot_by_key = {s.key: s for s in slots}
        self._check_actors()

        initial_level = 0
        if spec.initial_level is not None:
            if spec.initial_level in self.ladder:
                initial_level = self.ladder.index(spec.initial_level)
            else:
                self.problem(
                    ("initial_level",),
                    f"unknown ladder level {spec.initial_level!r}",
                    did_you_mean(spec.initial_level, self.ladder),
                )

        self._check_unique_ids()
        events = tuple(
            self._rule(("events", i), r, i, event=True) for i, r in enumerate(spec.events)
        )
        offset = len(events)
        rules = tuple(
            self._rule(("rules", i), r, offset + i, event=False) for i, r in enumerate(spec.rules)
        )
        outcomes = tuple(self._outcome(i, o) for i, o in enumerate(spec.outcomes))
        return CompiledScenario(
            spec=spec,
            data=data,
            source=self.source,
            ladder=self.ladder,
            initial_level=initial_level,
            slots=slots,
            parameters=parameters,
            actors=tuple(spec.actors),
            events=events,
            rules=rules,
            outcomes=outcomes,
            delayed=tuple(self.delayed),
            namespace=names,
            overrides=overrides,
        )

    def _check_names(self) -> None:
        spec = self.spec
        owners: dict[str, str] = {}
        groups = [
            ("parameters", spec.parameters),
            ("world", spec.world),
            ("actors", spec.actors),
        ]
        for section, names in groups:
            for name in names:
                if name in schema.RESERVED_NAMES:
                    self.problem(
                        (section, name), f"{name!r} is a reserved name", "choose another name"
                    )
                elif name in owners:
                    self.problem(
                        (section, name),
                        f"{name!r} is used both in {owners[name]} and in {section}",
                        "names must be unique across parameters, world variables and actors",
                    )
                else:
                    owners[name] = section

    def _parameters(self) -> Iterator[Parameter]:
        for name, spec in self.spec.parameters.items():
            yield self._parameter(name, spec)

    def _parameter(self, name: str, spec: schema.BaseModel) -> Parameter:
        if isinstance(spec, schema.FixedSpec):
            value = spec.value
            if isinstance(value, bool):
                return Parameter(name, BOOL, spec, value)
            if isinstance(value, int):
                return Parameter(name, INT, spec, value)
            if isinstance(value, float):
                return Parameter(name, FLOAT, spec, value)
            values = tuple(spec.values or (value,))
            return Parameter(name, Type("enum", values, name), spec, values.index(value))
        if isinstance(spec, schema.BernoulliSpec):
            return Parameter(name, BOOL, spec)
        if isinstance(spec, schema.ChoiceSpec):
            values = list(dict.fromkeys(spec.values))
            if len(values) != len(spec.values):
                self.problem(("parameters", name, "values"), "choice values must be distinct")
            if all(isinstance(v, str) for v in values):
                return Parameter(name, Type("enum", tuple(values), name), spec)
            if all(isinstance(v, bool) for v in values):
                return Parameter(name, BOOL, spec)
            if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                return Parameter(name, INT, spec)
            return Parameter(name, FLOAT, spec)
        return Parameter(name, FLOAT, spec)

    @staticmethod
    def _parameter_symbol(parameter: Parameter) -> Symbol:
        if parameter.sampled:
            return Symbol(parameter.type, key=parameter.key)
        return Symbol(parameter.type, constant=parameter.value)

    def _slots(self, parameter_names: Namespace) -> Iterator[Slot]:
        for name, var in self.spec.world.items():
            yield self._slot(("world", name), name, var, parameter_names)
        for actor_id, actor in self.spec.actors.items():
            for name, var in actor.state.items():
                path = ("actors", actor_id, "state", name)
                yield self._slot(path, f"{actor_id}.{name}", var, parameter_names)

    def _slot(
        self, path: tuple, key: str, var: schema.VariableSpec, parameter_names: Namespace
    ) -> Slot:
        kind = var.kind
        if kind == "enum":
            type_ = Type("enum", tuple(var.values), key)
            code = var.values.index(var.initial) if var.initial is not None else 0
            initial = compile_expression(code, parameter_names)
            return Slot(
                key, type_, Compiled(initial.evaluate, type_, True), description=var.description
            )
        type_ = {"bool": BOOL, "int": INT, "float": FLOAT}[kind]
        default = {"bool": False, "int": 0, "float": 0.0}[kind]
        if var.initial is None:
            start = default  # zero, moved inside the bounds if they exclude it
            if var.min is not None:
                start = max(start, var.min)
            if var.max is not None:
                start = min(start, var.max)
            initial = compile_expression(type(default)(start), parameter_names)
        else:
            initial = self.expression(path + ("initial",), var.initial, parameter_names, type_)
            if initial is None:
                initial = compile_expression(default, parameter_names)
        return Slot(key, type_, initial, var.min, var.max, var.description)

    def _namespace(self, parameters: tuple[Parameter, ...], slots: tuple[Slot, ...]) -> Namespace:
        symbols = {p.name: self._parameter_symbol(p) for p in parameters}
        symbols.update({s.key: Symbol(s.type, key=s.key) for s in slots})
        symbols["level"] = Symbol(self.ladder_type, key="level")
        symbols["peak"] = Symbol(self.ladder_type, key="peak")
        symbols["turn"] = Symbol(INT, key="turn")
        symbols["horizon"] = Symbol(INT, constant=self.spec.horizon)
        actors = {a: list(actor.state) for a, actor in self.spec.actors.items()}
        return Namespace(symbols, actors)

    def _check_actors(self) -> None:
        actors = self.spec.actors
        for actor_id, actor in actors.items():
            for i, member in enumerate(actor.members):
                path = ("actors", actor_id, "members", i)
                if member not in actors:
                    self.problem(path, f"unknown member {member!r}", did_you_mean(member, actors))
                elif member == actor_id:
                    self.problem(path, f"{actor_id!r} cannot be its own member")
                elif actors[member].members:
                    self.problem(path, f"{member!r} is itself an alliance; members must be states")
            if len(set(actor.members)) != len(actor.members):
                self.problem(("actors", actor_id, "members"), "a member is listed twice")

    def _check_unique_ids(self) -> None:
        for section, items in (("ladder", self.spec.ladder), ("outcomes", self.spec.outcomes)):
            seen: set[str] = set()
            for i, item in enumerate(items):
                if item.id in seen:
                    self.problem((section, i, "id"), f"id {item.id!r} is used twice in {section}")
                seen.add(item.id)
        seen = set()
        for section, items in (("events", self.spec.events), ("rules", self.spec.rules)):
            for i, item in enumerate(items):
                if item.id in seen:
                    self.problem(
                        (section, i, "id"),
                        f"id {item.id!r} is used twice",
                        "rules and events share one set of ids "
                        "(each gets a column in runs.parquet)",
                    )
                seen.add(item.id)

    # --- rules ----------------------------------------------------------

    def _rule(self, path: tuple, rule: schema.RuleSpec, index: int, event: bool) -> Rule:
        actors = self.spec.actors
        names = self.names
        if event and rule.actor is not None:
            self.problem(path + ("actor",), "events belong to no actor", "move it under `rules:`")
        if not event:
            if rule.actor is None:
                self.problem(
                    path, f"rule {rule.id!r} needs an `actor`", "or move it under `events:`"
                )
            elif rule.actor not in actors:
                self.problem(
                    path + ("actor",),
                    f"unknown actor {rule.actor!r}",
                    did_you_mean(rule.actor, actors),
                )
        when = self.expression(path + ("when",), rule.when, names, BOOL)
        chance = self.expression(path + ("chance",), rule.chance, names, FLOAT)
        effects = self._effects(path + ("effects",), rule.effects)
        delayed = self._delayed(path + ("delayed",), rule.delayed, rule.id)
        options = ()
        if rule.options is not None:
            options = tuple(
                self._option(path + ("options", i), option, rule.id)
                for i, option in enumerate(rule.options)
            )
        vote = None
        if rule.vote is not None:
            vote = self._vote(path + ("vote",), rule)
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
        )

    def _option(self, path: tuple, option: schema.OptionSpec, rule_id: str) -> Option:
        when = self.expression(path + ("when",), option.when, self.names, BOOL)
        weight = self.expression(path + ("weight",), option.weight, self.names, FLOAT)
        return Option(
            id=option.id,
            description=option.description,
            when=when or _never(),
            weight=weight or _never(),
            effects=self._effects(path + ("effects",), option.effects),
            delayed=self._delayed(path + ("delayed",), option.delayed, f"{rule_id}.{option.id}"),
            narration=option.narration,
        )

    def _vote(self, path: tuple, rule: schema.RuleSpec) -> Vote | None:
        actor = self.spec.actors.get(rule.actor or "")
        if actor is None:
            return None
        if not actor.members:
            self.problem(
                path,
                f"{rule.actor!r} has no members to vote",
                "give the alliance `members:` or drop the vote",
            )
            return None
        vote = rule.vote
        for member in vote.members:
            if member not in actor.members:
                self.problem(
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
            chance = self.expression(where, source, names, FLOAT)
            ballots.append((member, chance or _never()))
        return Vote(vote.method, vote.threshold, tuple(ballots))

    def _effects(self, path: tuple, effects: dict) -> tuple[Effect, ...]:
        compiled = []
        for target, source in effects.items():
            effect = self._effect(path + (target,), target, source)
            if effect is not None:
                compiled.append(effect)
        return tuple(compiled)

    def _effect(self, path: tuple, target: str, source: object) -> Effect | None:
        if target == "level":
            type_, low, high, dtype = self.ladder_type, 0, len(self.ladder) - 1, np.int16
        elif target in self.slot_by_key:
            slot = self.slot_by_key[target]
            type_, low, high, dtype = slot.type, slot.low, slot.high, slot.dtype
        else:
            if target in self.spec.parameters:
                self.problem(
                    path, f"{target!r} is a parameter; parameters cannot be changed by rules"
                )
            elif target in ("turn", "horizon", "peak"):
                self.problem(
                    path,
                    f"`{target}` cannot be changed by rules",
                    "`peak` follows `level`; set `level` instead" if target == "peak" else None,
                )
            else:
                targets = ["level", *self.slot_by_key]
                self.problem(
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
        expression = self.expression(path, source, self.names, type_)
        if expression is None:
            return None
        return Effect(target, expression, low, high, dtype)

    def _delayed(self, path: tuple, delayed: list, origin: str) -> tuple[DelayedEffects, ...]:
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
            when = self.expression(("outcomes", index, "when"), outcome.when, self.names, BOOL)
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


def _short(source: object) -> str:
    text = " ".join(str(source).split())
    return text if len(text) <= 60 else text[:57] + "..."
