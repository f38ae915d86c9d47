"""Simultaneous moves: which variables several actors may write in the actors' phase.

With `moves: simultaneous` every actor decides on the state at the start of the phase
and its effects land together. Two actors writing the same variable would make the
result depend on the order of `actors:`, so the compiler refuses it at load time unless
the scenario says how their writes combine (`combine:`, applied by the engine's
`sim.engine.combine`).
"""

from __future__ import annotations

from collections.abc import Mapping

from sim.errors import did_you_mean
from sim.language.problems import Problems
from sim.language.types import Type
from sim.scenario import schema

# Which kinds of variable each combining rule applies to (an enum compares by its order).
COMBINE_KINDS: dict[str, frozenset[str]] = {
    "max": frozenset({"int", "float", "bool", "enum"}),
    "min": frozenset({"int", "float", "bool", "enum"}),
    "sum": frozenset({"int", "float"}),
    "any": frozenset({"bool"}),
    "all": frozenset({"bool"}),
    "last-listed": frozenset({"int", "float", "bool", "enum"}),
}


def check_simultaneous(
    spec: schema.ScenarioSpec, problems: Problems, targets: Mapping[str, Type]
) -> None:
    """Record a problem for each variable that rules of two actors write without a
    `combine` rule, and for each `combine` entry that cannot apply. `targets`: every
    variable an effect may write, with its type."""
    _check_combine(spec, problems, targets)
    if spec.moves != "simultaneous":
        return
    writer: dict[str, tuple[str, str]] = {}  # variable -> (actor, rule id) that writes it
    for i, rule in enumerate(spec.rules):
        if rule.actor is None:
            continue
        for path, target in _targets(i, rule):
            first = writer.setdefault(target, (rule.actor, rule.id))
            if first[0] != rule.actor and target not in spec.combine:
                problems.add(
                    path,
                    f"with `moves: simultaneous`, {target!r} is written by both "
                    f"{first[0]!r} (rule {first[1]!r}) and {rule.actor!r} (rule {rule.id!r}), "
                    "so the result would depend on the order of the actors",
                    f"say how their writes combine (`combine: {{{target}: max}}`; also min, "
                    "sum, any, all, last-listed), or give each actor a variable of its own",
                )


def _check_combine(
    spec: schema.ScenarioSpec, problems: Problems, targets: Mapping[str, Type]
) -> None:
    if spec.combine and spec.moves != "simultaneous":
        problems.add(
            ("combine",),
            "`combine` applies only to simultaneous moves (in sequence, each write sees "
            "the one before)",
            "add `moves: simultaneous`, or drop `combine`",
        )
        return
    for target, rule in spec.combine.items():
        path = ("combine", target)
        type_ = targets.get(target)
        if type_ is None:
            problems.add(path, f"unknown variable {target!r}", did_you_mean(target, targets))
        elif type_.kind not in COMBINE_KINDS[rule]:
            fits = [name for name, kinds in COMBINE_KINDS.items() if type_.kind in kinds]
            problems.add(
                path,
                f"`{rule}` cannot combine {type_.describe()} ({target!r})",
                f"for this variable use one of: {', '.join(fits)}",
            )


def _targets(index: int, rule: schema.RuleSpec) -> list[tuple[tuple, str]]:
    """(path, variable) of every effect of the rule and its options (delayed effects take
    hold at the start of a later turn, not in the actors' phase)."""
    found: list[tuple[tuple, str]] = [
        (("rules", index, "effects", target), target) for target in rule.effects
    ]
    for j, option in enumerate(rule.options or []):
        found += [
            (("rules", index, "options", j, "effects", target), target) for target in option.effects
        ]
    return found
