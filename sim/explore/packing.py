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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.batch.blocks import BlockResult, played
from sim.engine import EscalationModel
from sim.engine.streams import BLOCK_SIZE
from sim.language.compiled import CompiledScenario


@dataclass(frozen=True)
class Piece:
    """One task: replicates `start` .. `start + replicates - 1` of block `block` (lanes of
    the block) for each design point in `point_ids`."""

    block: int
    replicates: int
    point_ids: tuple[int, ...]
    start: int = 0  # the first replicate's lane within the block

    @property
    def points(self) -> int:
        return len(self.point_ids)

    @property
    def lanes(self) -> int:
        return self.replicates * self.points

    def point_of_lane(self) -> np.ndarray:
        """(lanes,) the design point of each lane."""
        return np.repeat(np.asarray(self.point_ids, dtype=np.int64), self.replicates)

    def lane_in_block(self) -> np.ndarray:
        """(lanes,) each lane's place in its block: its replicate's random numbers."""
        return np.tile(np.arange(self.start, self.start + self.replicates), self.points)

    def replicate_of_lane(self) -> np.ndarray:
        """(lanes,) the replicate (run index) of each lane."""
        return self.lane_in_block() + self.block * BLOCK_SIZE


@dataclass(frozen=True)
class SweepPlan:
    """The pieces of a sweep and each varied parameter's value per point, in engine form
    (numbers, booleans, enum codes)."""

    pieces: tuple[Piece, ...]
    given: dict[str, np.ndarray]  # parameter -> (points,) values


def pack(points: int, replicates: int, given: dict[str, np.ndarray]) -> SweepPlan:
    """Cut points x replicates into pieces of at most `BLOCK_SIZE` lanes, block by block."""
    return SweepPlan(pack_span(range(points), 0, replicates), given)


def pack_span(point_ids: Sequence[int], first: int, stop: int) -> tuple[Piece, ...]:
    """Pieces that play replicates `first` .. `stop - 1` of each point in `point_ids`: cut
    at block boundaries, each piece at most `BLOCK_SIZE` lanes."""
    pieces = []
    ids = list(point_ids)
    replicate = first
    while replicate < stop:
        block, start = divmod(replicate, BLOCK_SIZE)
        runs = min(stop, (block + 1) * BLOCK_SIZE) - replicate
        per_piece = max(1, BLOCK_SIZE // runs)
        for at in range(0, len(ids), per_piece):
            pieces.append(Piece(block, runs, tuple(ids[at : at + per_piece]), start))
        replicate += runs
    return tuple(pieces)


def simulate_piece(
    scenario: CompiledScenario, seed: int, task: int, lanes: int, *, plan: SweepPlan
) -> BlockResult:
    """Simulate task `task` of `plan` (a backend's block function, with the plan bound)."""
    piece = plan.pieces[task]
    if lanes != piece.lanes:
        raise ValueError(f"task {task} has {piece.lanes} lanes, not {lanes}")
    lane_index = piece.lane_in_block()
    points = piece.point_of_lane()
    given = {name: values[points] for name, values in plan.given.items()}
    model = EscalationModel(scenario, seed, piece.block, lane_index, given=given)
    return played(model, task, lanes)
