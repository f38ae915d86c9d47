"""Compiling fog of war: beliefs as state slots, each actor's view, observations, reveals.

A belief `poland.belief.deliberate` is a slot of the state like any variable, so
effects can plant, share or reveal it and nature (events, outcomes, checks,
measures) can read it. What an actor may read is its view: the public state, its
own, what it `observes`, and its own beliefs; `unseen` lists every other key with
the message and hint a rule reading it gets at load time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from sim.errors import did_you_mean
from sim.language.elements import Effect, Misreading, Observation, Slot
from sim.language.problems import Path, Problems
from sim.language.types import BOOL, FLOAT, Compiled, Namespace, Type
from sim.scenario import schema

_BARE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def belief_key(actor: str, about: str) -> str:
    """The state key of `actor`'s belief about the variable `about`."""
    return f"{actor}.belief.{about}"


def belief_slots(
    spec: schema.ScenarioSpec,
    slots: Mapping[str, Slot],
    parameters: Namespace,
    problems: Problems,
) -> Iterator[Slot]:
    """A slot for every belief every actor holds, typed as the variable it is about."""
    for actor_id, actor in spec.actors.items():
        if "belief" in actor.state:
            problems.add(
                ("actors", actor_id, "state", "belief"),
                "`belief` is a reserved name (`actor.belief.x` reads a belief)",
                "choose another name",
            )
        for about, belief in actor.beliefs.items():
            path: Path = ("actors", actor_id, "beliefs", about)
            truth = _hidden_variable(spec, slots, actor_id, about, path, problems)
            if truth is None:
                continue
            initial = truth.initial
            if belief.initial is not None:
                source = _bare(belief.initial, truth.type)
                compiled = problems.expression(path + ("initial",), source, parameters, truth.type)
                initial = compiled if compiled is not None else truth.initial
            yield Slot(
                belief_key(actor_id, about),
                truth.type,
                initial,
                truth.low,
                truth.high,
                " ".join(belief.description.split()),
                believer=actor_id,
                about=about,
            )


def _hidden_variable(
    spec: schema.ScenarioSpec,
    slots: Mapping[str, Slot],
    actor: str,
    about: str,
    path: Path,
    problems: Problems,
) -> Slot | None:
    """The hidden variable an actor's belief or observation is about, or None (a problem)."""
    truth = slots.get(about)
    if truth is None:
        problems.add(path, f"unknown variable {about!r}", did_you_mean(about, list(slots)))
        return None
    if not truth.hidden:
        problems.add(
            path,
            f"`{about}` is public: every actor sees it, so there is nothing to believe",
            f"mark it `hidden: true` where it is declared, or read `{about}` itself",
        )
        return None
    if truth.owner == actor or about in spec.actors[actor].observes:
        problems.add(
            path,
            f"{actor} sees `{about}` itself (its own variable, or one it observes)",
            "drop the belief, or the variable from `observes`",
        )
        return None
    return truth


def check_observes(
    spec: schema.ScenarioSpec, slots: Mapping[str, Slot], problems: Problems
) -> None:
    """Every variable an actor `observes` is a hidden one, not its own."""
    for actor_id, actor in spec.actors.items():
        for i, about in enumerate(actor.observes):
            path = ("actors", actor_id, "observes", i)
            truth = slots.get(about)
            if truth is None:
                problems.add(path, f"unknown variable {about!r}", did_you_mean(about, list(slots)))
            elif not truth.hidden:
                problems.add(
                    path, f"`{about}` is public: every actor sees it", "drop it from `observes`"
                )
            elif truth.owner == actor_id:
                problems.add(path, f"`{about}` is {actor_id}'s own: it sees it already")


def unseen_by(actor: str, spec: schema.ScenarioSpec, slots: tuple[Slot, ...]) -> dict:
    """What `actor` may not read, key -> (message, hint): hidden truths it neither owns nor
    observes, and the other actors' beliefs."""
    observes = set(spec.actors[actor].observes)
    own = {s.about for s in slots if s.believer == actor}
    unseen: dict[str, tuple[str, str]] = {}
    for slot in slots:
        if slot.believer is not None:
            if slot.believer != actor:
                mine = slot.about in own
                unseen[slot.key] = (
                    f"{actor} cannot read {slot.believer}'s belief about `{slot.about}`",
                    f"read its own, `belief.{slot.about}`"
                    if mine
                    else f"a rule of {slot.believer} can share it: "
                    f"`{belief_key(actor, str(slot.about))}: belief.{slot.about}`",
                )
        elif slot.hidden and slot.owner != actor and slot.key not in observes:
            unseen[slot.key] = (
                f"{actor} cannot see the hidden `{slot.key}`",
                f"read its belief `belief.{slot.key}`"
                if slot.key in own
                else f"declare a belief about it under `actors.{actor}.beliefs`, "
                f"or list it in `actors.{actor}.observes`",
            )
    return unseen


def observations(
    spec: schema.ScenarioSpec, names: Namespace, slots: Mapping[str, Slot], problems: Problems
) -> tuple[Observation, ...]:
    """Every observation, actor by actor, belief by belief, in the order written."""
    out = []
    for actor_id, actor in spec.actors.items():
        for about, belief in actor.beliefs.items():
            slot = slots.get(belief_key(actor_id, about))
            if slot is None:
                continue  # its problem is recorded already
            for i, observation in enumerate(belief.observations):
                path: Path = ("actors", actor_id, "beliefs", about, "observations", i)
                compiled = _observation(path, observation, actor_id, slot, names, problems)
                if compiled is not None:
                    out.append(compiled)
    return tuple(out)


def _observation(
    path: Path,
    spec: schema.ObservationSpec,
    actor: str,
    slot: Slot,
    names: Namespace,
    problems: Problems,
) -> Observation | None:
    kind = slot.type.kind
    misreading: Misreading = "none"
    error = noise = None
    confusion: tuple[tuple[Compiled | None, ...], ...] = ()
    if spec.error is not None:
        if kind not in ("bool", "enum"):
            problems.add(path + ("error",), f"`error` reads a true/false or enum, not {kind}",
                         "give `noise: <standard deviation>` for a number")  # fmt: skip
            return None
        misreading = "flip" if kind == "bool" else "other"
        error = problems.expression(path + ("error",), spec.error, names, FLOAT)
    elif spec.confusion is not None:
        if kind != "enum":
            problems.add(path + ("confusion",), f"`confusion` reads an enum, not {kind}",
                         "give `error: <chance>` for true/false, `noise` for a number")  # fmt: skip
            return None
        misreading = "confusion"
        confusion = _confusion(path + ("confusion",), spec.confusion, slot.type, names, problems)
    elif spec.noise is not None:
        if kind not in ("int", "float"):
            problems.add(path + ("noise",), f"`noise` applies to numbers, not {kind}",
                         "give `error: <chance>` (or `confusion` for an enum)")  # fmt: skip
            return None
        misreading = "noise"
        noise = problems.expression(path + ("noise",), spec.noise, names, FLOAT)
    when = problems.expression(path + ("when",), spec.when, names, BOOL)
    if when is None or (misreading in ("flip", "other") and error is None):
        return None
    if misreading == "noise" and noise is None:
        return None
    return Observation(
        id=spec.id,
        actor=actor,
        about=str(slot.about),
        belief=slot.key,
        description=" ".join(spec.description.split()),
        when=when,
        misreading=misreading,
        error=error,
        confusion=confusion,
        noise=noise,
        delay=spec.delay,
        slot=slot,
    )


def _confusion(
    path: Path,
    confusion: Mapping[str, Mapping[str, object]],
    type_: Type,
    names: Namespace,
    problems: Problems,
) -> tuple[tuple[Compiled | None, ...], ...]:
    """The confusion matrix by codes: row = true value, column = reading (None: no chance
    written, and the diagonal, which takes what the row leaves)."""
    values = type_.values
    rows: list[list[Compiled | None]] = [[None] * len(values) for _ in values]
    for truth, readings in confusion.items():
        if truth not in values:
            problems.add(path + (truth,), f"unknown value {truth!r}", did_you_mean(truth, values))
            continue
        for reading, chance in readings.items():
            where = path + (truth, reading)
            if reading not in values:
                problems.add(where, f"unknown value {reading!r}", did_you_mean(reading, values))
            elif reading == truth:
                problems.add(where, "the chance of the true reading is what the others leave",
                             f"drop `{reading}` here")  # fmt: skip
            else:
                compiled = problems.expression(where, chance, names, FLOAT)
                rows[values.index(truth)][values.index(reading)] = compiled
    return tuple(tuple(row) for row in rows)


def reveal_effects(
    path: Path,
    reveal: Mapping[str, list[str]],
    names: Namespace,
    slots: Mapping[str, Slot],
    problems: Problems,
) -> tuple[Effect, ...]:
    """`reveal: {actor: [variable]}` as effects: each belief set to the truth (read by
    nature, whoever's rule it is: the act reveals, the actor does not read)."""
    effects = []
    for actor, variables in reveal.items():
        if actor not in names.actors:
            problems.add(
                path + (actor,), f"unknown actor {actor!r}", did_you_mean(actor, names.actors)
            )
            continue
        for i, about in enumerate(variables):
            where = path + (actor, i)
            key = belief_key(actor, about)
            slot = slots.get(key)
            if slot is None:
                held = [str(s.about) for s in slots.values() if s.believer == actor]
                hint = did_you_mean(about, held) if held else f"{actor} holds no beliefs"
                problems.add(where, f"{actor} holds no belief about `{about}`", hint)
                continue
            truth = problems.expression(where, about, names, slot.type)
            if truth is not None:
                effects.append(Effect(key, truth, slot.low, slot.high, slot.dtype))
    return tuple(effects)


def _bare(source: object, type_: Type) -> object:
    """A bare enum value (`press`) as the quoted literal the expression language reads."""
    if type_.kind == "enum" and isinstance(source, str) and _BARE_VALUE.match(source):
        return repr(source) if source in type_.values else source
    return source
