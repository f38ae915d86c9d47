"""The answers to one of an actor's rules: its options (or act), then pass, each with
what it does as the scenario writes it and how likely the rules are to choose it here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from sim.language.compiled import CompiledScenario, Rule
from sim.language.types import Env
from sim.scenario.schema import DelayedSpec
from sim.story.decision import Choice
from sim.text import yaml_value


def choices_for(scenario: CompiledScenario, rule: Rule, state: Env) -> tuple[Choice, ...]:
    """The options in order (or act), then pass, judged on `state` (one lane: lane 0)."""
    spec = next(r for r in scenario.spec.rules if r.id == rule.id)
    chance = _number(rule.chance(state))
    shared = effects_text(spec.effects, spec.delayed)
    choices = []
    if rule.options:
        option_specs = spec.options or []
        allowed = [bool(_number(o.when(state))) for o in rule.options]
        weights = [
            max(_number(o.weight(state)), 0.0) if ok else 0.0
            for o, ok in zip(rule.options, allowed, strict=True)
        ]
        total = sum(weights)
        for i, (option, ok) in enumerate(zip(rule.options, allowed, strict=True)):
            own = effects_text(option_specs[i].effects, option_specs[i].delayed)
            choices.append(
                Choice(
                    key=option.id,
                    text=option.narration or option.description or option.id,
                    fires=True,
                    option=i,
                    available=ok,
                    requires="" if ok else source(option_specs[i].when),
                    odds=chance * weights[i] / total if total > 0 else 0.0,
                    effects="; ".join(e for e in (shared, own) if e),
                )
            )
        passing = 1 - chance if total > 0 else 1.0
    else:
        text = rule.narration or rule.description or f"{rule.id} fires"
        choices.append(Choice("act", text, fires=True, odds=chance, effects=shared))
        passing = 1 - chance
    choices.append(
        Choice("pass", "not now (the rule does not fire this turn)", False, odds=passing)
    )
    if rule.vote is not None:  # the vote, not the draw alone, decides: no odds to show
        choices = [replace(choice, odds=None) for choice in choices]
    return tuple(choices)


def _number(value: object) -> float:
    """A lane-0 value of an expression (a scalar or a one-lane array) as a float."""
    return float(np.asarray(value).reshape(-1)[0])


def effects_text(effects: Mapping[str, Any], delayed: Sequence[DelayedSpec]) -> str:
    """Effects as the scenario writes them: `target = value`, and what comes after a delay."""
    parts = [f"{target} = {source(value)}" for target, value in effects.items()]
    for entry in delayed:
        later = ", ".join(f"{t} = {source(v)}" for t, v in entry.effects.items())
        parts.append(f"after {entry.after} turns: {later}")
    return "; ".join(parts)


def source(value: object) -> str:
    """A value as the scenario writes it: an expression as typed, a literal as YAML."""
    return value if isinstance(value, str) else yaml_value(value)
