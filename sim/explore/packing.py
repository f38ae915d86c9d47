"""Design points packed into the lanes of blocks, with common random numbers.

The run index of (point p, replicate r) is r: replicate r of every point reads
the random numbers of run r of a plain batch with the same seed (block
r // BLOCK_SIZE, lane r % BLOCK_SIZE). A task simulates one block's replicates
for several points side by side: its lanes are the block's lanes repeated once
per point, and each copy takes its point's parameter values (`given`). So row
(p, r) equals run r of `wargame run --seed S` with the point's values `--set`,
differences between points are not drowned in noise, and a task's result
depends only on (scenario, seed, task), wherever it is simulated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.batch.blocks import BlockResult, blocks_for, played
from sim.engine import EscalationModel
from sim.engine.streams import BLOCK_SIZE
from sim.language.compiled import CompiledScenario


@dataclass(frozen=True)
class Piece:
    """One task: replicates of block `block` (`replicates` of them) for points
    `first` .. `first + points - 1`."""

    block: int
    replicates: int
    first: int
    points: int

    @property
    def lanes(self) -> int:
        return self.replicates * self.points

    def point_of_lane(self) -> np.ndarray:
        """(lanes,) the design point of each lane."""
        return np.repeat(np.arange(self.first, self.first + self.points), self.replicates)

    def replicate_of_lane(self) -> np.ndarray:
        """(lanes,) the replicate (run index) of each lane."""
        return np.tile(np.arange(self.replicates), self.points) + self.block * BLOCK_SIZE


@dataclass(frozen=True)
class SweepPlan:
    """The pieces of a sweep and each varied parameter's value per point, in engine form
    (numbers, booleans, enum codes)."""

    pieces: tuple[Piece, ...]
    given: dict[str, np.ndarray]  # parameter -> (points,) values


def pack(points: int, replicates: int, given: dict[str, np.ndarray]) -> SweepPlan:
    """Cut points x replicates into pieces of at most `BLOCK_SIZE` lanes, block by block."""
    pieces = []
    for block, runs in blocks_for(replicates):
        per_piece = max(1, BLOCK_SIZE // runs)
        for first in range(0, points, per_piece):
            pieces.append(Piece(block, runs, first, min(per_piece, points - first)))
    return SweepPlan(tuple(pieces), given)


def simulate_piece(
    scenario: CompiledScenario, seed: int, task: int, lanes: int, *, plan: SweepPlan
) -> BlockResult:
    """Simulate task `task` of `plan` (a backend's block function, with the plan bound)."""
    piece = plan.pieces[task]
    if lanes != piece.lanes:
        raise ValueError(f"task {task} has {piece.lanes} lanes, not {lanes}")
    lane_index = np.tile(np.arange(piece.replicates), piece.points)
    points = piece.point_of_lane()
    given = {name: values[points] for name, values in plan.given.items()}
    model = EscalationModel(scenario, seed, piece.block, lane_index, given=given)
    return played(model, task, lanes)
