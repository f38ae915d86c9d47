"""Run counts chosen by precision: whole blocks, in order, until every outcome's 95%
interval is narrow enough.

Block b of a batch is fixed by (scenario, seed, b) (`sim.batch.blocks`), so the
first k blocks of any batch with the same seed are the same runs. The stopping
rule is checked after each block in block order, never after whatever a backend
happened to finish first: the same seed and target always stop at the same
block, whichever backend or number of workers simulated them.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from sim.batch.backends import Backend
from sim.batch.blocks import BlockResult, Task, blocks_for, simulate_block
from sim.language.compiled import CompiledScenario
from sim.results.intervals import wilson


@dataclass(frozen=True)
class Precise:
    """The blocks that reach a precision (or the most allowed), and how close they came."""

    blocks: list[BlockResult]
    target: float  # the half-width asked for
    max_runs: int
    half_width: float  # the largest 95% half-width over the outcomes, at the end
    widest: str  # the outcome with that half-width
    reached: bool  # False: --max-runs came first
    seconds: float  # time spent simulating the blocks

    @property
    def runs(self) -> int:
        return sum(block.runs for block in self.blocks)


def half_widths(counts: np.ndarray) -> np.ndarray:
    """Each outcome's 95% Wilson interval half-width, from outcome counts of one batch."""
    low, high = wilson(counts, counts.sum())
    widths: np.ndarray = (np.asarray(high) - np.asarray(low)) / 2
    return widths


def blocks_to_precision(
    scenario: CompiledScenario,
    seed: int,
    target: float,
    max_runs: int,
    backend: Backend,
    wave: int = 1,
    progress: bool = False,
) -> Precise:
    """Simulate blocks 0, 1, 2... (`wave` at a time) until the largest half-width is at most
    `target`, or `max_runs` runs are done; the blocks kept are those up to the first that
    reaches it, in block order."""
    outcomes = [o.id for o in scenario.outcomes]
    counts = np.zeros(len(outcomes), dtype=np.int64)
    kept: list[BlockResult] = []
    started = time.perf_counter()
    bar = tqdm(unit="run", unit_scale=True, disable=not progress or None, file=sys.stderr)
    with bar:
        for result in _in_block_order(scenario, seed, blocks_for(max_runs), backend, wave):
            counts += np.bincount(result.outcome.astype(np.int64), minlength=len(outcomes))
            kept.append(result)
            bar.update(result.runs)
            if half_widths(counts).max() <= target:
                break
    widths = half_widths(counts)
    widest = outcomes[int(widths.argmax())]
    reached = bool(widths.max() <= target)
    seconds = time.perf_counter() - started
    return Precise(kept, target, max_runs, float(widths.max()), widest, reached, seconds)


def _in_block_order(
    scenario: CompiledScenario, seed: int, plan: list[Task], backend: Backend, wave: int
) -> Iterator[BlockResult]:
    """The plan's blocks simulated `wave` at a time, yielded in block order."""
    wave = max(1, wave)
    for start in range(0, len(plan), wave):
        tasks = plan[start : start + wave]
        found = {r.block: r for r in backend.simulate_blocks(simulate_block, scenario, seed, tasks)}
        yield from (found[block] for block, _ in tasks)
