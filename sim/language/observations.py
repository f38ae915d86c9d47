"""Compiling a scenario's checks and measures (`checks:`, `measures:`).

Expressions read at the end of a run may also use `outcome`, an enum of the
outcome ids; those read on every turn may not (a load-time error saying why).
"""

from __future__ import annotations

from sim.language.elements import Check, Measure
from sim.language.problems import Problems
from sim.language.types import BOOL, INT, Compiled, Namespace, Symbol, Type
from sim.scenario import schema

OUTCOME_KEY = "outcome"  # the state key of the outcome codes while end-of-run items are read
# the state key of each run's count of firings taken on a false belief (fog of war)
FALSE_BELIEF_FIRINGS = "false_belief_firings"


def observing(names: Namespace) -> Namespace:
    """The names checks and measures read: the truth, every belief, and the count of
    firings taken on a false belief so far."""
    return names.with_symbol(FALSE_BELIEF_FIRINGS, Symbol(INT, key=FALSE_BELIEF_FIRINGS))


def outcome_type(spec: schema.ScenarioSpec) -> Type:
    """`outcome`: an enum of the outcome ids in check order (the engine's outcome codes)."""
    ids = tuple(o.id for o in spec.outcomes if not o.remove)
    return Type("enum", ids, "outcome")


def at_the_end(names: Namespace, spec: schema.ScenarioSpec) -> Namespace:
    """The names of an expression read once a run has ended: all, and `outcome`."""
    return names.with_symbol("outcome", Symbol(outcome_type(spec), key=OUTCOME_KEY))


def checks(spec: schema.ScenarioSpec, names: Namespace, problems: Problems) -> tuple[Check, ...]:
    """The compiled checks, in the order listed (a problem recorded for each bad one)."""
    names = observing(names)
    end = at_the_end(names, spec)
    out = []
    for i, check in enumerate(spec.checks):
        every_turn = check.checked == "every-turn"
        seen = names if every_turn else end
        holds = problems.expression(("checks", i, "holds"), check.holds, seen, BOOL)
        if holds is not None:
            text = " ".join(str(check.holds).split())
            out.append(Check(check.id, holds, every_turn, " ".join(check.message.split()), text))
    return tuple(out)


def measures(
    spec: schema.ScenarioSpec, names: Namespace, problems: Problems
) -> tuple[Measure, ...]:
    """The compiled measures, in the order listed (a problem recorded for each bad one)."""
    names = observing(names)
    end = at_the_end(names, spec)
    out = []
    for i, measure in enumerate(spec.measures):
        kind = measure.kind
        path = ("measures", i, kind)
        seen = end if kind == "value" else names
        expected = BOOL if kind in ("ever", "turns", "first") else None
        expression = problems.expression(path, measure.expression, seen, expected)
        if expression is None:
            continue
        if not expression.type.numeric:
            problems.add(path, _not_a_number(kind, expression), _hint(kind))
            continue
        boolean = kind == "ever" or (kind == "value" and expression.type.kind == "bool")
        description = " ".join(measure.description.split())
        out.append(Measure(measure.id, measure.name, description, kind, expression, boolean))
    return tuple(out)


def _not_a_number(kind: str, expression: Compiled) -> str:
    return f"a measure's `{kind}` must be true/false or a number, not {expression.type.describe()}"


def _hint(kind: str) -> str:
    if kind == "max":
        return "to follow a rung, compare it with one: `turns: \"level >= 'war'\"`"
    return "compare it with a value, e.g. `level >= 'war'` or `strait == 'closed'`"
