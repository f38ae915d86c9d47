"""Playing a sweep in rounds: every point's replicates, or as many as its precision needs.

Without a precision target a sweep is one round: replicates 0 .. R-1 of every
point. With one (`--precision`, `--rel-precision`), each round adds the next R
replicates to the points whose target probability is not yet within it (the
rule of `sim.batch.precision.within`), until none is left or a point has
`max_runs` replicates. A point's replicates depend only on (scenario, seed,
point, replicate), so whether it stops depends on nothing else either: the same
seed and target give every point the same runs, whatever the backend, the
packing of points into pieces, or an interruption and `--resume`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from tqdm import tqdm

from sim.batch.backends import Backend
from sim.batch.blocks import BlockResult
from sim.batch.precision import within
from sim.batch.runner import progress_bar
from sim.explore.packing import Piece, SweepPlan, pack_span, simulate_piece
from sim.explore.target import Target
from sim.language.compiled import CompiledScenario


@dataclass(frozen=True)
class Precision:
    """When a point has run enough: its target's 95% half-width within `absolute +
    relative x estimate`, or `max_runs` replicates played."""

    absolute: float = 0.0
    relative: float = 0.0
    max_runs: int = 1_000_000

    def __post_init__(self) -> None:
        if not (0 <= self.absolute <= 0.5 and 0 <= self.relative <= 1 and self.max_runs >= 1):
            raise ValueError(
                "precision must lie in (0, 0.5], rel_precision in (0, 1], max_runs_per_point >= 1"
            )

    @property
    def asked(self) -> bool:
        return bool(self.absolute or self.relative)


class Pieces:
    """Where finished pieces come from and go to: memory, or a folder that keeps them for
    `--resume` (`sim.explore.folder.SweepFolder` implements the same three methods)."""

    def has(self, task: int) -> bool:
        return False

    def load(self, task: int, lanes: int) -> BlockResult:  # pragma: no cover - never called
        raise KeyError(task)

    def add(self, task: int, result: BlockResult) -> None:
        """A piece finished (kept only in memory here)."""


def play_rounds(
    scenario: CompiledScenario,
    seed: int,
    given: dict[str, np.ndarray],
    replicates: int,
    precision: Precision,
    target: Target,
    backend: Backend,
    store: Pieces,
    progress: bool = False,
) -> tuple[list[Piece], list[BlockResult]]:
    """Every piece played, and its result, in task order (see the module's docstring);
    `target` says which runs count towards a point's precision."""
    count = len(next(iter(given.values())))
    hits = np.zeros(count, dtype=np.int64)
    active = list(range(count))
    played = 0  # replicates every active point has
    pieces: list[Piece] = []
    results: list[BlockResult] = []
    limit = precision.max_runs if precision.asked else replicates
    with progress_bar(scenario.id, count * min(replicates, limit), progress) as bar:
        while active and played < limit:
            stop = min(played + replicates, limit)
            round_pieces = pack_span(active, played, stop)
            if played:
                bar.total += sum(p.lanes for p in round_pieces)
                bar.refresh()
            found = _play(scenario, seed, given, round_pieces, len(pieces), backend, store, bar)
            for piece, result in zip(round_pieces, found, strict=True):
                met = target.hits(result.outcome, result.measures)
                np.add.at(hits, piece.point_of_lane(), met)
            pieces += round_pieces
            results += found
            played = stop
            if not precision.asked:
                break
            met = within(hits[active], played, precision.absolute, precision.relative)
            active = [p for p, done in zip(active, met, strict=True) if not done]
    return pieces, results


def _play(
    scenario: CompiledScenario,
    seed: int,
    given: dict[str, np.ndarray],
    pieces: tuple[Piece, ...],
    first_task: int,
    backend: Backend,
    store: Pieces,
    bar: tqdm,
) -> list[BlockResult]:
    """One round's pieces (tasks `first_task` on), from the store or simulated, in order."""
    found: dict[int, BlockResult] = {}
    todo = []
    for index, piece in enumerate(pieces):
        task = first_task + index
        if store.has(task):
            found[index] = store.load(task, piece.lanes)
            bar.update(piece.lanes)
        else:
            todo.append((index, piece.lanes))
    simulate: Callable[..., BlockResult] = partial(simulate_piece, plan=SweepPlan(pieces, given))
    for result in backend.simulate_blocks(simulate, scenario, seed, todo):
        index = result.block
        result.block = first_task + index  # filed under its task in the whole sweep
        store.add(result.block, result)
        found[index] = result
        bar.update(result.runs)
    return [found[index] for index in range(len(pieces))]
