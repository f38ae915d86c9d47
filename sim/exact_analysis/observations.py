"""Checks and measures in an exact analysis: what they accumulate is part of each state,
and what they read at a run's end is summed, with its probability, as lanes end.

The semantics are the engine's (sim/engine/observers.py), written again over lanes:
per-turn items (every-turn checks; `ever`, `turns`, `max`, `first` measures) are read
at the end of every turn a lane plays, after the outcomes are checked, and kept in
columns (`violated.<id>`, `measure.<id>`), so lanes that differ in them do not merge;
end-of-run items are read on the state a lane ends with, `turn` its end turn and
`outcome` its outcome. A `first` measure that never held has no value: its figure
is the mean over the runs where it held, and `probability` says how likely that is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.exact_analysis.distribution import Distribution
from sim.exact_analysis.result import CheckProbability, ExactStat, MeasureExpectation
from sim.language.compiled import CompiledScenario, Measure
from sim.language.observations import OUTCOME_KEY

NEVER = 0  # a `first` measure's turn where it never held (turns count from 1)


def measure_key(measure: Measure) -> str:
    return f"measure.{measure.id}"


def violated_key(check_id: str) -> str:
    return f"violated.{check_id}"


def initial_columns(scenario: CompiledScenario, size: int) -> dict[str, np.ndarray]:
    """The accumulators of the per-turn items before the first turn."""
    columns: dict[str, np.ndarray] = {}
    for check in scenario.checks:
        if check.every_turn:
            columns[violated_key(check.id)] = np.zeros(size, dtype=bool)
    for measure in scenario.measures:
        if measure.kind == "ever":
            columns[measure_key(measure)] = np.zeros(size, dtype=bool)
        elif measure.kind in ("turns", "first"):
            columns[measure_key(measure)] = np.zeros(size, dtype=np.int32)
        elif measure.kind == "max":
            columns[measure_key(measure)] = np.full(size, -np.inf)
    return columns


def on_turn(scenario: CompiledScenario, lanes: Distribution, turn: int) -> None:
    """Read the per-turn items in every lane (each played this turn)."""
    env = lanes.env(turn)
    size = len(lanes)
    for check in scenario.checks:
        if check.every_turn:
            key = violated_key(check.id)
            lanes.columns[key] = lanes.columns[key] | ~_per_lane(check.holds.evaluate(env), size)
    for measure in scenario.measures:
        if not measure.per_turn:
            continue
        key, value = measure_key(measure), _per_lane(measure.expression.evaluate(env), size)
        running = lanes.columns[key]
        if measure.kind == "ever":
            lanes.columns[key] = running | value.astype(bool)
        elif measure.kind == "turns":
            lanes.columns[key] = running + value.astype(np.int32)
        elif measure.kind == "first":
            lanes.columns[key] = np.where((running == NEVER) & value.astype(bool), turn, running)
        else:
            lanes.columns[key] = np.maximum(running, value.astype(np.float64))


@dataclass
class Tally:
    """Probability mass collected as lanes end, by outcome (in check order)."""

    violated: np.ndarray  # (checks, outcomes) probability of ending with the check violated
    held: np.ndarray  # (measures, outcomes) probability of ending with a value
    total: np.ndarray  # (measures, outcomes) Σ probability × value over those lanes

    @staticmethod
    def per_turn(scenario: CompiledScenario) -> bool:
        """Whether any item is read every turn."""
        return any(c.every_turn for c in scenario.checks) or any(
            m.per_turn for m in scenario.measures
        )

    @classmethod
    def empty(cls, scenario: CompiledScenario) -> Tally:
        outcomes = len(scenario.outcomes)
        return cls(
            np.zeros((len(scenario.checks), outcomes)),
            np.zeros((len(scenario.measures), outcomes)),
            np.zeros((len(scenario.measures), outcomes)),
        )

    def end(self, scenario: CompiledScenario, lanes: Distribution, outcome: int, turn: int) -> None:
        """`lanes` (all of them) end on `turn` with `outcome`: read the end-of-run items."""
        if not (scenario.checks or scenario.measures) or not len(lanes):
            return
        size, mass = len(lanes), lanes.probability
        env = dict(lanes.env(turn))
        env[OUTCOME_KEY] = np.full(size, outcome, dtype=np.int16)
        for i, check in enumerate(scenario.checks):
            if check.every_turn:
                broken = lanes.columns[violated_key(check.id)]
            else:
                broken = ~_per_lane(check.holds.evaluate(env), size).astype(bool)
            self.violated[i, outcome] += mass[broken].sum()
        for i, measure in enumerate(scenario.measures):
            if measure.kind == "value":
                value = _per_lane(measure.expression.evaluate(env), size).astype(np.float64)
            else:
                value = lanes.columns[measure_key(measure)].astype(np.float64)
            has = value != NEVER if measure.kind == "first" else ~np.isnan(value)
            self.held[i, outcome] += mass[has].sum()
            self.total[i, outcome] += (mass[has] * value[has]).sum()


def measures_of(
    scenario: CompiledScenario, tally: Tally, coarse: Tally | None
) -> tuple[MeasureExpectation, ...]:
    """Each measure's exact share or mean, overall and by outcome (least severe first);
    `coarse` is the tally with half the quadrature nodes, for the change."""
    order = sorted(range(len(scenario.outcomes)), key=lambda i: scenario.outcomes[i].severity)
    out = []
    for i, measure in enumerate(scenario.measures):
        overall = _stat(tally.held[i].sum(), tally.total[i].sum())
        change = None
        if coarse is not None and overall.value is not None:
            before = _stat(coarse.held[i].sum(), coarse.total[i].sum()).value
            change = None if before is None else overall.value - before
        by_outcome = {
            scenario.outcomes[c].id: _stat(tally.held[i, c], tally.total[i, c]) for c in order
        }
        out.append(
            MeasureExpectation(
                id=measure.id,
                label=measure.label,
                description=measure.description,
                kind=measure.kind,
                statistic="share" if measure.boolean else "mean",
                overall=overall,
                by_outcome=by_outcome,
                change=change,
            )
        )
    return tuple(out)


def checks_of(scenario: CompiledScenario, tally: Tally) -> tuple[CheckProbability, ...]:
    """Each check's exact probability of being violated."""
    return tuple(
        CheckProbability(
            id=check.id,
            holds=check.text,
            checked="every-turn" if check.every_turn else "at-end",
            message=check.message,
            probability=float(tally.violated[i].sum()),
        )
        for i, check in enumerate(scenario.checks)
    )


def _stat(held: float, total: float) -> ExactStat:
    """A group's figure: the mean of the value over the runs where it has one."""
    if held <= 0:
        return ExactStat(float(held), None)
    return ExactStat(float(held), float(total / held))


def _per_lane(value: object, size: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value), (size,))
