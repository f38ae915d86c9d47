"""`wargame show`: a scenario in readable form, as a facilitator would brief it."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

from pydantic import BaseModel

from sim.language.compiled import CompiledScenario
from sim.scenario import schema
from sim.text import yaml_value

INDENT = "    "
# how each kind of measure reads its expression, in words
MEASURE_KINDS = {
    "value": "at the end,",
    "ever": "whether ever",
    "turns": "turns on which",
    "max": "largest value of",
    "first": "first turn on which",
}


def describe(scenario: CompiledScenario) -> str:
    spec = scenario.spec
    out: list[str] = [f"{spec.title}  ({spec.id})"]
    if spec.description:
        out += _wrap(spec.description, "")
    out.append(f"\nHorizon: {spec.horizon} turns, one {spec.turn_length} each.")

    out.append("\nEscalation ladder (lowest first):")
    for i, level in enumerate(spec.ladder):
        start = "  (start)" if i == scenario.initial_level else ""
        out.append(f"  {i}. {level.label} [{level.id}]{start}")
        if level.description:
            out += _wrap(level.description, INDENT)

    if spec.parameters:
        out.append("\nParameters (--set NAME=VALUE to fix one):")
        for name, parameter in spec.parameters.items():
            out.append(f"  {name} = {_parameter(parameter)}")
            if isinstance(parameter, BaseModel) and parameter.description:
                out += _wrap(parameter.description, INDENT)

    if spec.world:
        out.append("\nWorld state:")
        out += [f"  {name}: {_variable(var)}" for name, var in spec.world.items()]

    out.append("\nActors (in turn order):")
    ladder = {level.id: level.label for level in spec.ladder}
    for actor_id, actor in spec.actors.items():
        label = scenario.actor_name(actor_id)
        members = f"  members: {', '.join(actor.members)}" if actor.members else ""
        out.append(f"  {actor_id} ({label}){members}")
        if actor.rung is not None:
            out.append(
                f"{INDENT}{actor_id}.level: its own rung (starts on {ladder[actor.rung]}); "
                f"{actor_id}.peak: its highest so far"
            )
        for name, var in actor.state.items():
            out.append(f"{INDENT}{actor_id}.{name}: {_variable(var)}")
        out += _fog(actor)

    out += _world_level(scenario) + _turn(spec) + _rules_in_turn_order(spec)

    out.append("\nOutcomes (checked in this order; the first that holds ends the run):")
    for outcome in spec.outcomes:
        if outcome.default and outcome.when is not None:
            condition = f"as soon as {_text(outcome.when)}; otherwise, at the horizon"
        elif outcome.default:
            condition = "otherwise, at the horizon"
        elif outcome.check == "at-horizon":
            condition = f"at the horizon, if {_text(outcome.when)}"
        else:
            condition = f"as soon as {_text(outcome.when)}"
        label = f" ({outcome.label})" if outcome.label else ""
        out.append(f"  {outcome.id}{label}: {condition}")
        if outcome.description:  # the outcome's definition, in the author's words
            out += _wrap(outcome.description, INDENT)
    out += _observations(spec)
    return "\n".join(out)


def _rules_in_turn_order(spec: schema.ScenarioSpec) -> list[str]:
    """Chance events and actors' rules, in the order a turn resolves them."""
    before = [rule for rule in spec.events if rule.phase == "before-actors"]
    after = [rule for rule in spec.events if rule.phase == "after-actors"]
    out = []
    if before:
        out.append("\nChance events:" if not after else "\nChance events (before the actors):")
        for rule in before:
            out += _rule(rule)
    out.append("\nRules (by actor, in turn order):")
    for actor_id in spec.actors:
        for rule in spec.rules:
            if rule.actor == actor_id:
                out += _rule(rule)
    if after:
        out.append("\nChance events after the actors:")
        for rule in after:
            out += _rule(rule)
    return out


def _world_level(scenario: CompiledScenario) -> list[str]:
    """How the world's level follows the rungs of actors that hold one."""
    positions = scenario.positions
    if not positions.actors:
        return []
    names = ", ".join(positions.actors)
    if positions.world == "separate":
        text = f"a rung of its own, set by rules; {names} hold rungs of their own besides"
    else:
        text = f"the {positions.world} of the rungs of {names} (rules set the actors' rungs)"
    return ["\nThe world's level:"] + _wrap(text, "  ")


def _turn(spec: schema.ScenarioSpec) -> list[str]:
    """The phases of a turn, in the order the engine plays them."""
    phases = {rule.phase for rule in spec.events}
    steps = ["delayed effects due this turn"]
    if "before-actors" in phases:
        steps.append("chance events")
    if any(belief.observations for a in spec.actors.values() for belief in a.beliefs.values()):
        steps.append(
            "observations: each actor's readings of what is hidden from it update its "
            "beliefs (late readings arrive now)"
        )
    actors = ", ".join(
        f"{actor_id} (on its own rung)" if actor.rung is not None else actor_id
        for actor_id, actor in spec.actors.items()
    )
    if spec.moves == "simultaneous":
        combined = "; ".join(f"{key} by {rule}" for key, rule in spec.combine.items())
        steps.append(
            "actors, simultaneously (each decides on the state at the start of this step; "
            "their effects apply together"
            + (f", writes of one variable combined: {combined}" if combined else "")
            + f"): {actors}"
        )
    else:
        steps.append(f"actors in turn order: {actors}")
    if "after-actors" in phases:
        steps.append("chance events after the actors")
    steps.append("outcomes, in the order listed")
    out = ["\nEach turn, in order:"]
    for i, step in enumerate(steps, 1):
        out += textwrap.wrap(step, width=88, initial_indent=f"  {i}. ", subsequent_indent="     ")
    return out


def _observations(spec: schema.ScenarioSpec) -> list[str]:
    """The checks every run must meet, and the measures taken of every run."""
    out = []
    if spec.checks:
        out.append("\nChecks (counted in every run; `wargame run --strict` fails on one):")
        for check in spec.checks:
            when = "on every turn" if check.checked == "every-turn" else "at the end of a run"
            out.append(f"  {check.id} ({when}): {_text(check.holds)}")
            if check.message:
                out += _wrap(check.message, INDENT)
    if spec.measures:
        out.append("\nMeasures (per run, beside the outcome):")
        for measure in spec.measures:
            label = f" ({measure.label})" if measure.label else ""
            kind = MEASURE_KINDS.get(measure.kind, measure.kind)
            out.append(f"  {measure.id}{label}: {kind} {_text(measure.expression)}")
            if measure.description:
                out += _wrap(measure.description, INDENT)
    return out


def _rule(rule: schema.RuleSpec) -> list[str]:
    who = f"[{rule.actor}] " if rule.actor else ""
    lines = [f"  {who}{rule.id}" + ("  (once)" if rule.once else "")]
    if rule.when is not True:
        lines.append(f"{INDENT}when   {_text(rule.when)}")
    if rule.chance != 1.0:
        lines.append(f"{INDENT}chance {_text(rule.chance)}")
    if rule.vote is not None:
        vote = rule.vote
        method = f"threshold {vote.threshold:.0%}" if vote.method == "threshold" else vote.method
        lines.append(
            f"{INDENT}vote   {method}, support {_text(vote.support)}"
            + "".join(f"; {m}: {_text(c)}" for m, c in vote.members.items())
        )
    lines += _effects(rule.effects, rule.delayed, INDENT) + _reveal(rule.reveal, INDENT)
    for option in rule.options or []:
        lines.append(
            f"{INDENT}option {option.id} (weight {_text(option.weight)})"
            + (f" when {_text(option.when)}" if option.when is not True else "")
        )
        if option.description:
            lines += _wrap(option.description, INDENT * 2)
        lines += _effects(option.effects, option.delayed, INDENT * 2)
        lines += _reveal(option.reveal, INDENT * 2)
    if rule.narration:
        lines += _wrap(f'"{rule.narration}"', INDENT)
    return lines


def _effects(
    effects: Mapping[str, object], delayed: list[schema.DelayedSpec], indent: str
) -> list[str]:
    lines = [f"{indent}-> {target} = {_text(value)}" for target, value in effects.items()]
    for entry in delayed:
        for target, value in entry.effects.items():
            lines.append(f"{indent}-> after {entry.after} turns: {target} = {_text(value)}")
    return lines


def _reveal(reveal: Mapping[str, list[str]], indent: str) -> list[str]:
    """Whom a rule shows the truth, and of what (actors shown the same truths together)."""
    alike: dict[tuple[str, ...], list[str]] = {}
    for actor, variables in reveal.items():
        alike.setdefault(tuple(variables), []).append(actor)
    return [
        f"{indent}-> reveals the truth of {', '.join(variables)} to {', '.join(actors)}"
        for variables, actors in alike.items()
    ]


def _fog(actor: schema.ActorSpec) -> list[str]:
    """What an actor sees of the hidden state, what it believes, and how it observes."""
    lines = []
    if actor.observes:
        lines.append(f"{INDENT}sees the truth of: {', '.join(actor.observes)}")
    for about, belief in actor.beliefs.items():
        start = "" if belief.initial is None else f" (starts {_text(belief.initial)})"
        lines.append(f"{INDENT}believes about {about}{start}")
        if belief.description:
            lines += _wrap(belief.description, INDENT * 2)
        for observation in belief.observations:
            lines += _wrap(f"observation {observation.id}: {_observation(observation)}", INDENT * 2)
            if observation.description:
                lines += _wrap(observation.description, INDENT * 3)
    return lines


def _observation(observation: schema.ObservationSpec) -> str:
    """When an observation is made, how it misreads, and how late it arrives, in words."""
    when = "every turn" if observation.when is True else f"when {_text(observation.when)}"
    if observation.error is not None:
        how = f"wrong with chance {_text(observation.error)}"
    elif observation.confusion is not None:
        rows = "; ".join(
            f"{truth} read as " + ", ".join(f"{r} {_text(c)}" for r, c in readings.items())
            for truth, readings in observation.confusion.items()
        )
        how = f"misread: {rows}"
    elif observation.noise is not None:
        how = f"with normal noise of sd {_text(observation.noise)}"
    else:
        how = "read exactly"
    turns = "turn" if observation.delay == 1 else "turns"
    late = f", arriving {observation.delay} {turns} late" if observation.delay else ""
    return f"{when}, {how}{late}"


def _text(value: object) -> str:
    """An expression as written, on one line; a literal as written in YAML (`true`)."""
    if isinstance(value, str):
        return " ".join(value.split())
    return yaml_value(value)


def _parameter(parameter: schema.Parameter) -> str:
    if isinstance(parameter, schema.FixedSpec):
        return yaml_value(parameter.value)
    fields = parameter.model_dump(exclude={"distribution", "description"}, exclude_none=True)
    args = ", ".join(f"{k}={yaml_value(v)}" for k, v in fields.items())
    return f"{parameter.distribution}({args}), drawn per run"


def _variable(var: schema.VariableSpec) -> str:
    kind = var.kind
    if kind == "enum" and var.values:
        start = var.initial or var.values[0]
        hidden = ", hidden" if var.hidden else ""
        return f"one of {', '.join(var.values)} (starts {start}){hidden}"
    bounds = ""
    if var.min is not None or var.max is not None:
        low = "" if var.min is None else _bound(var.min)
        high = "" if var.max is None else _bound(var.max)
        bounds = f" in [{low}, {high}]"
    start = var.initial if var.initial is not None else False if kind == "bool" else 0
    hidden = ", hidden" if var.hidden else ""
    return f"{kind}{bounds} (starts {_text(start)}){hidden}"


def _bound(value: float) -> str:
    """A bound as the author wrote it: loading makes bounds floats, so 10.0 is shown as 10."""
    return yaml_value(int(value) if float(value).is_integer() else value)


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        " ".join(text.split()),
        width=88,
        initial_indent=indent or "  ",
        subsequent_indent=indent or "  ",
    )
