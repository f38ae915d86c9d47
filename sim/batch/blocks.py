"""A block of runs: the unit a batch is cut into, simulated anywhere, filed by number.

A batch of N runs is cut into blocks of `BLOCK_SIZE`; block b is one
`EscalationModel` seeded from (seed, b), so a block's result depends only on
(scenario, seed, block) and never on where or in what order it was simulated.
Backends, sinks and the summariser all meet here, and import nothing of each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.engine import EscalationModel
from sim.engine.streams import BLOCK_SIZE
from sim.language.compiled import CompiledScenario
from sim.language.positions import peak_key, rung_key
from sim.results.columns import FALSE_BELIEF_FIRINGS, actor_end_column, actor_peak_column


@dataclass
class BlockResult:
    """Everything a batch keeps of one block: per-run arrays for its first `runs` lanes."""

    block: int
    runs: int
    outcome: np.ndarray  # (runs,) int16, index into scenario.outcomes
    end_turn: np.ndarray  # (runs,) int16
    peak_level: np.ndarray  # (runs,) int16, ladder index
    parameters: dict[str, np.ndarray]  # name -> (runs,) sampled values (enum codes)
    fired: np.ndarray  # (columns, runs) int16
    level_counts: np.ndarray  # (horizon + 1, levels) int64
    peak_counts: np.ndarray  # (horizon + 1, levels) int64: runs by peak level so far
    violated: dict[str, np.ndarray] = field(default_factory=dict)  # check id -> (runs,) bool
    measures: dict[str, np.ndarray] = field(default_factory=dict)  # measure id -> (runs,) values
    # actors with rungs of their own: `peak_level.<actor>` / `end_level.<actor>` -> (runs,)
    # int16 ladder index, and actor -> (horizon + 1, levels) int64 runs on each rung by turn
    rungs: dict[str, np.ndarray] = field(default_factory=dict)
    rung_counts: dict[str, np.ndarray] = field(default_factory=dict)
    # fog of war: firings taken on a false belief, (runs,) int32 (zeros without beliefs)
    false_belief_firings: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))


Task = tuple[int, int]  # (block, runs in it)


def blocks_for(runs: int) -> list[Task]:
    """(block, runs in it) for a batch of `runs`: full blocks, then the remainder."""
    full, rest = divmod(runs, BLOCK_SIZE)
    plan = [(b, BLOCK_SIZE) for b in range(full)]
    if rest:
        plan.append((full, rest))
    return plan


def simulate_block(scenario: CompiledScenario, seed: int, block: int, runs: int) -> BlockResult:
    """Simulate the first `runs` lanes of one block (all of it when runs == BLOCK_SIZE)."""
    lanes = None if runs == BLOCK_SIZE else np.arange(runs)
    return played(EscalationModel(scenario, seed, block, lanes), block, runs)


def played(model: EscalationModel, block: int, runs: int) -> BlockResult:
    """Play `model` to its end and keep what a batch keeps of it, filed as `block`."""
    try:
        model.run()
        return BlockResult(
            block=block,
            runs=runs,
            outcome=model.outcome,
            end_turn=model.end_turn,
            peak_level=model.peak,
            parameters=dict(model.parameters),
            fired=model.fired,
            level_counts=model.level_counts(),
            violated=dict(model.observers.violated),
            measures=model.observers.measure_columns(),
            peak_counts=model.level_counts("peaks"),
            rungs=_rungs(model),
            rung_counts={
                actor: model.level_counts(rung_key(actor)) for actor in model.positions.actors
            },
            false_belief_firings=model.state[FALSE_BELIEF_FIRINGS],
        )
    finally:
        model.release()


def _rungs(model: EscalationModel) -> dict[str, np.ndarray]:
    """Each rung-holding actor's highest and last rung per run, by column name."""
    rungs = {}
    for actor in model.positions.actors:
        rungs[actor_peak_column(actor)] = model.state[peak_key(actor)]
        rungs[actor_end_column(actor)] = model.state[rung_key(actor)]
    return rungs
