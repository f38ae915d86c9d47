"""How many states an analysis may hold, and the message when a scenario needs more.

A state takes `state_bytes` (its columns, its probability, and what merging needs
beside them); a rule splitting the lanes briefly holds copies of them before they
merge. The default keeps all of that within `MEMORY_BUDGET`, and below
`LARGEST_DEFAULT`, past which each rule's merge takes seconds and a turn minutes
(measured: 2 million states of 29 columns take 0.6 GB and 6 s to reach).
"""

from __future__ import annotations

import numpy as np

from sim.errors import WargameError
from sim.exact_analysis import parameters as params
from sim.exact_analysis.distribution import Distribution, distinct_values, state_bytes
from sim.language.compiled import CompiledScenario, Parameter
from sim.scenario import schema
from sim.text import percent

MEMORY_BUDGET = 2 * 2**30  # bytes the lanes may take at the widest step
SPLIT_COPIES = 4  # the lanes, their split copies and the merged result, at the widest
LARGEST_DEFAULT = 2_000_000


def default_max_states(lanes: Distribution) -> int:
    """The most states that fit in `MEMORY_BUDGET` with lanes of these columns."""
    fit = MEMORY_BUDGET // (state_bytes(lanes.columns) * SPLIT_COPIES)
    return int(max(1000, min(LARGEST_DEFAULT, fit)))


class StateSpaceTooLarge(WargameError):
    """More distinct states than allowed: when, what contributes most, and what to fix."""

    def __init__(
        self,
        lanes: Distribution,
        turn: int,
        step: str,
        limit: int,
        scenario: CompiledScenario,
        nodes: int | None,
    ) -> None:
        self.states = len(lanes)
        self.turn = turn
        self.limit = limit
        counts = {key: distinct_values(values) for key, values in lanes.columns.items()}
        self.contributors = sorted(counts.items(), key=lambda item: -item[1])
        super().__init__(self._message(lanes, step, scenario, nodes))

    def _message(
        self, lanes: Distribution, step: str, scenario: CompiledScenario, nodes: int | None
    ) -> str:
        lines = [
            f"too many states for an exact analysis: {self.states:,} distinct states on turn "
            f"{self.turn} (after {step}), more than --max-states {self.limit:,}",
            f"  ({percent(max(0.0, 1 - lanes.mass))} of the probability had reached an "
            "outcome by then)",
        ]
        varying = [(key, count) for key, count in self.contributors if count > 1]
        lines.append(
            f"  {len(varying)} of the state's {len(self.contributors)} variables vary; "
            "those with the most distinct values:"
        )
        shown = varying[:6]
        for key, count in shown:
            lines.append(f"    {describe(key):<40} {count:,} values")
        sampled = {p.key: p for p in scenario.sampled_parameters}
        fixable = [key for key, _ in shown if key in sampled]
        if fixable:
            sets = " ".join(
                f"--set {sampled[key].name}={typical(sampled[key])}" for key in fixable[:3]
            )
            lines.append(
                f"  fix the parameters that multiply the states (at their median, say): {sets}"
            )
        if nodes is not None and fixable:
            lines.append(f"  or integrate with fewer quadrature nodes (now --nodes {nodes})")
        if any(key not in sampled for key, _ in shown[:2]):
            lines.append(
                "  a float variable that accumulates continuous values, or many independent "
                "counters, cannot be enumerated: round or bound it in the scenario, or use "
                "`wargame run` to sample it"
            )
        each = state_bytes(lanes.columns) * SPLIT_COPIES
        lines.append(f"  or allow more states with --max-states N (each takes about {each} bytes)")
        return "\n".join(lines)


def describe(key: str) -> str:
    """A state column as a person reads it."""
    if key.startswith("param."):
        return f"parameter {key.removeprefix('param.')}"
    if key.startswith("once."):
        return f"whether once-rule {key.removeprefix('once.')} fired"
    if key.startswith("measure."):
        return f"what measure {key.removeprefix('measure.')} has accumulated"
    if key.startswith("violated."):
        return f"whether check {key.removeprefix('violated.')} was violated"
    if key.startswith("delay."):
        slot, due = key.removeprefix("delay.").split(".")
        return f"pending delayed effects #{slot} (due in {int(due) + 1})"
    return key


def typical(parameter: Parameter) -> str:
    """A value to fix a sampled parameter at, as `--set` reads it: its median (for a
    choice, its likeliest value)."""
    spec = parameter.spec
    if isinstance(spec, schema.BernoulliSpec):
        return "true" if spec.p >= 0.5 else "false"
    if isinstance(spec, schema.ChoiceSpec):
        weights = list(spec.weights or [1.0] * len(spec.values))
        return str(spec.values[weights.index(max(weights))]).lower()
    median = float(params.quantiles(spec, np.array([0.5]))[0])
    return f"{median:.3g}"


class RandomVariatesUnsupported(WargameError):
    """The scenario draws random variates in expressions, which the exact analysis does not
    enumerate: which ones, where, and what to use instead."""

    def __init__(self, variates: dict[str, str]) -> None:
        self.variates = dict(variates)  # site -> function
        shown = [f"{function}() at {site}" for site, function in list(variates.items())[:5]]
        more = len(variates) - len(shown)
        listed = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
        continuous = sorted({f for f in variates.values() if f in ("normal", "uniform")})
        why = (
            f"{'() and '.join(continuous)}() draw from a continuous distribution, which has no "
            "finite set of outcomes to split on"
            if continuous
            else "random variates in expressions are not split on by the exact analysis"
        )
        super().__init__(
            f"the exact analysis cannot enumerate random variates in expressions: {listed}. "
            f"{why}. Write a discrete draw as a rule's `chance` or a decision's `options` "
            "(which the analysis splits exactly), or estimate this scenario with `wargame run`"
        )


class SimultaneousMovesUnsupported(WargameError):
    """The scenario's actors move simultaneously, which the exact analysis does not play."""

    def __init__(self) -> None:
        super().__init__(
            "the exact analysis plays the actors in turn order and does not support "
            "`moves: simultaneous`; estimate this scenario with `wargame run`"
        )


class RungsPerActorUnsupported(WargameError):
    """Actors hold rungs of their own, which the exact analysis does not follow."""

    def __init__(self, actors: tuple[str, ...]) -> None:
        self.actors = actors
        super().__init__(
            f"the exact analysis follows one level for the world and does not support "
            f"actors with rungs of their own ({', '.join(actors)}); estimate this scenario "
            "with `wargame run`"
        )
