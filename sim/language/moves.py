"""Simultaneous moves: no two actors may write one variable in the actors' phase.

With `moves: simultaneous` every actor decides on the state at the start of the phase
and its effects land together; two actors writing the same variable would make the
result depend on the order of `actors:`, so the compiler refuses it at load time.
"""

from __future__ import annotations

from sim.language.problems import Problems
from sim.scenario import schema


def check_simultaneous(spec: schema.ScenarioSpec, problems: Problems) -> None:
    """Record a problem for each variable that rules of two actors write."""
    if spec.moves != "simultaneous":
        return
    writer: dict[str, tuple[str, str]] = {}  # variable -> (actor, rule id) that writes it
    for i, rule in enumerate(spec.rules):
        if rule.actor is None:
            continue
        for path, target in _targets(i, rule):
            first = writer.setdefault(target, (rule.actor, rule.id))
            if first[0] != rule.actor:
                problems.add(
                    path,
                    f"with `moves: simultaneous`, {target!r} is written by both "
                    f"{first[0]!r} (rule {first[1]!r}) and {rule.actor!r} (rule {rule.id!r}), "
                    "so the result would depend on the order of the actors",
                    "give each actor a variable of its own and combine them in an event "
                    "with `phase: after-actors`",
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
