"""Run counts chosen by precision: whole blocks, in order, until every outcome's 95%
interval is narrow enough.

Narrow enough is numpy's `isclose` rule: an outcome's 95% Wilson half-width is at
most `absolute + relative x its estimated probability` (`--precision` and
`--rel-precision`; either may be 0). A relative target alone cannot be met by an
outcome no run reached (its estimate is 0, its half-width is not), and such an
outcome may be impossible: it is left out of a relative-only target, and an
absolute one bounds it.

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
    target: float  # the absolute half-width asked for (0: none)
    max_runs: int
    half_width: float  # the 95% half-width of `widest`, at the end
    widest: str  # the outcome furthest from (or closest to) its target: the one that decided
    reached: bool  # False: --max-runs came first
    seconds: float  # time spent simulating the blocks
    relative: float = 0.0  # the half-width asked for, as a share of each outcome's estimate

    @property
    def runs(self) -> int:
        return sum(block.runs for block in self.blocks)


def half_widths(counts: np.ndarray) -> np.ndarray:
    """Each outcome's 95% Wilson interval half-width, from outcome counts of one batch."""
    low, high = wilson(counts, counts.sum())
    widths: np.ndarray = (np.asarray(high) - np.asarray(low)) / 2
    return widths


def within(
    counts: np.ndarray, runs: np.ndarray | int, absolute: float, relative: float = 0.0
) -> np.ndarray:
    """Whether each proportion (`counts` of `runs`) has a 95% half-width of at most
    `absolute + relative * estimate`; with `absolute` 0, a proportion never seen counts as
    within (see the module's docstring)."""
    counts = np.asarray(counts)
    low, high = wilson(counts, runs)
    half = (np.asarray(high) - np.asarray(low)) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = np.where(np.asarray(runs) > 0, counts / np.maximum(runs, 1), 0.0)
    met: np.ndarray = half <= absolute + relative * estimate
    return met | (counts == 0) if absolute == 0 else met


def blocks_to_precision(
    scenario: CompiledScenario,
    seed: int,
    target: float,
    max_runs: int,
    backend: Backend,
    wave: int = 1,
    progress: bool = False,
    relative: float = 0.0,
) -> Precise:
    """Simulate blocks 0, 1, 2... (`wave` at a time) until every outcome's half-width is
    within `target + relative * its estimate` (`within`), or `max_runs` runs are done; the
    blocks kept are those up to the first that reaches it, in block order."""
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
            if within(counts, counts.sum(), target, relative).all():
                break
    widths = half_widths(counts)
    closest = int(_use_of_tolerance(counts, widths, target, relative).argmax())
    reached = bool(within(counts, counts.sum(), target, relative).all())
    seconds = time.perf_counter() - started
    half = float(widths[closest])
    return Precise(kept, target, max_runs, half, outcomes[closest], reached, seconds, relative)


def _use_of_tolerance(
    counts: np.ndarray, widths: np.ndarray, absolute: float, relative: float
) -> np.ndarray:
    """Each outcome's half-width over the half-width it is allowed (the largest is the
    outcome that decides when to stop; one left out of a relative target counts 0)."""
    estimate = counts / max(int(counts.sum()), 1)
    allowed = absolute + relative * estimate
    with np.errstate(divide="ignore", invalid="ignore"):
        used = np.where(allowed > 0, widths / allowed, np.inf)
    return np.where((counts == 0) & (absolute == 0), 0.0, used)


def _in_block_order(
    scenario: CompiledScenario, seed: int, plan: list[Task], backend: Backend, wave: int
) -> Iterator[BlockResult]:
    """The plan's blocks simulated `wave` at a time, yielded in block order."""
    wave = max(1, wave)
    for start in range(0, len(plan), wave):
        tasks = plan[start : start + wave]
        found = {r.block: r for r in backend.simulate_blocks(simulate_block, scenario, seed, tasks)}
        yield from (found[block] for block, _ in tasks)
