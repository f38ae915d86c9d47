"""What a sweep looks for in each run: an outcome, a set of outcomes, or a measure's threshold.

The grammar of `--target`:

    OUTCOME                          that outcome
    OUTCOME or OUTCOME ...           any of them
    OUTCOME or worse                 that outcome or any more severe one
    OUTCOME or better                that outcome or any less severe one
    MEASURE                          a yes/no measure held (`passage-forced`)
    MEASURE OP NUMBER                a measure's value against a number,
                                     OP one of > >= < <= == !=

A run whose measure is undefined (`first` of something that never happened)
does not meet a measure's threshold. Every mistake is one line naming what
would be right, with the closest name for a typo.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from sim.errors import MAX_LISTED_CHOICES, Problem, ScenarioError, suggest
from sim.language.compiled import CompiledScenario

COMPARISONS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
}
_COMPARISON = re.compile(r"^\s*([A-Za-z_][\w.-]*)\s*(>=|<=|==|!=|>|<|=)\s*(\S+)\s*$")


@dataclass(frozen=True)
class Target:
    """A per-run yes/no question: `text` as the user gave it, `label` in the scenario's words."""

    text: str
    label: str
    outcomes: tuple[int, ...] = ()  # indices into scenario.outcomes (an outcome target)
    measure: str | None = None  # a measure target: its id, comparison and threshold
    comparison: str = "!="
    threshold: float = 0.0

    def hits(self, outcome: np.ndarray, measures: Mapping[str, np.ndarray]) -> np.ndarray:
        """(runs,) bool: which runs meet the target, from their outcome codes and measures."""
        if self.measure is None:
            return np.isin(outcome, np.asarray(self.outcomes, dtype=outcome.dtype))
        values = np.asarray(measures[self.measure], dtype=float)
        with np.errstate(invalid="ignore"):
            met = COMPARISONS[self.comparison](values, self.threshold)
        return np.asarray(met & np.isfinite(values), dtype=bool)


def read_target(scenario: CompiledScenario, text: str | None) -> Target:
    """The target `text` asks for (None: the most severe outcome), or a one-line
    ScenarioError naming the valid outcomes and measures."""
    ordered = scenario.outcomes_by_severity()
    if text is None or not text.strip():
        worst = ordered[-1]
        return _outcomes_target(scenario, worst.id, [worst.id])
    text = " ".join(text.split())
    match = _COMPARISON.match(text)
    if match:
        return _measure_target(scenario, text, match[1], match[2], match[3])
    words = text.split(" or ")
    ids = [o.id for o in ordered]
    measures = {m.id: m for m in scenario.measures}
    if len(words) == 1 and words[0] in measures and words[0] not in ids:
        if not measures[words[0]].boolean:
            raise _error(text, f"{words[0]} is a number: compare it, as in '{words[0]} > 0'")
        return _measure_target(scenario, text, words[0], "==", "1")
    direction = words[-1] if len(words) > 1 and words[-1] in ("worse", "better") else None
    named = words[:-1] if direction else words
    for word in named:
        if word not in ids:
            raise _unknown(text, word, ids, list(measures))
    if direction:
        if len(named) != 1:
            raise _error(
                text, f"'or {direction}' follows one outcome, as in '{named[0]} or {direction}'"
            )
        at = ids.index(named[0])
        chosen = ids[at:] if direction == "worse" else ids[: at + 1]
    else:
        chosen = list(dict.fromkeys(named))
    return _outcomes_target(scenario, text, chosen, direction)


def _outcomes_target(
    scenario: CompiledScenario, text: str, chosen: list[str], direction: str | None = None
) -> Target:
    by_id = {o.id: o for o in scenario.outcomes}
    if direction:
        anchor = chosen[0] if direction == "worse" else chosen[-1]
        label = f"{_lower(by_id[anchor].label)} or {direction}"
    else:
        label = " or ".join(_lower(by_id[o].label) for o in chosen)
    codes = tuple(i for i, o in enumerate(scenario.outcomes) if o.id in chosen)
    return Target(text, label, outcomes=codes)


def _measure_target(
    scenario: CompiledScenario, text: str, name: str, comparison: str, number: str
) -> Target:
    measures = {m.id: m for m in scenario.measures}
    if name not in measures:
        raise _unknown(text, name, [o.id for o in scenario.outcomes_by_severity()], list(measures))
    try:
        threshold = float(number)
    except ValueError:
        raise _error(text, f"expected a number after {comparison}, not {number!r}") from None
    if not math.isfinite(threshold):
        raise _error(text, "the threshold must be a finite number")
    comparison = "==" if comparison == "=" else comparison
    measure = measures[name]
    label = _lower(measure.label)
    if not (measure.boolean and comparison == "==" and threshold == 1):
        label = f"{label} {comparison} {threshold:g}"
    return Target(text, label, measure=name, comparison=comparison, threshold=threshold)


def _unknown(text: str, word: str, outcomes: list[str], measures: list[str]) -> ScenarioError:
    """A name that is neither: the closest name if one is close, and the valid ones (the
    measures too when they are few or no outcome is close)."""
    suggestion = suggest(word, [*outcomes, *measures])
    close = suggestion.closest if suggestion else None
    listed = f"outcomes: {', '.join(outcomes)}"
    if measures and (len(measures) <= MAX_LISTED_CHOICES or close not in outcomes):
        listed += f"; measures: {', '.join(measures)}"
    hint = f"did you mean {close!r}? {listed}" if close else listed
    return _error(text, f"{word!r} is neither an outcome nor a measure", hint)


def _error(text: str, message: str, hint: str | None = None) -> ScenarioError:
    return ScenarioError([Problem(f"--target {text!r}: {message}", hint=hint)])


def _lower(label: str) -> str:
    """A label inside a sentence: first letter lowered, unless it starts an acronym (NATO)."""
    first = label.split()[0] if label.split() else ""
    return label if first[:2].isupper() or first.isupper() else label[:1].lower() + label[1:]
