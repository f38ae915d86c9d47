"""The Monte Carlo runner: blocks of runs, on one core or many, aggregated in block order.

A batch of N runs is cut into blocks of `BLOCK_SIZE`; block b is one
`EscalationModel` seeded from (seed, b). Blocks can be simulated in any order
and anywhere (serially, in worker processes); their results are always
assembled in block order, so run i's row never depends on how it was run.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import mesa
import numpy as np
from tqdm import tqdm

from sim.compiler import CompiledScenario
from sim.engine import EscalationModel
from sim.loader import compile_data
from sim.output import MemorySink, Sink, open_folder
from sim.results import Results
from sim.streams import BLOCK_SIZE

BACKENDS = ("serial", "processes")


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


def blocks_for(runs: int) -> list[tuple[int, int]]:
    """(block, runs in it) for a batch of `runs`: full blocks, then the remainder."""
    full, rest = divmod(runs, BLOCK_SIZE)
    plan = [(b, BLOCK_SIZE) for b in range(full)]
    if rest:
        plan.append((full, rest))
    return plan


def simulate_block(scenario: CompiledScenario, seed: int, block: int, runs: int) -> BlockResult:
    """Simulate the first `runs` lanes of one block (all of it when runs == BLOCK_SIZE)."""
    lanes = None if runs == BLOCK_SIZE else np.arange(runs)
    model = EscalationModel(scenario, seed, block, lanes)
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
        )
    finally:
        # Mesa keeps every model in Agent._ids for its id counters: release it.
        mesa.Agent._ids.pop(model, None)


def run(
    scenario: CompiledScenario,
    runs: int = 10_000,
    seed: int = 0,
    *,
    workers: int = 1,
    backend: str = "serial",
    out: str | Path | None = None,
    resume: bool = False,
    progress: bool = False,
    command: str | None = None,
) -> Results:
    """Run `scenario` `runs` times and return the results.

    With `out`, results stream to that folder (which must not hold earlier
    results, unless `resume` completes an interrupted batch there); without,
    they are kept in memory.
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    if seed < 0:
        raise ValueError("seed must be 0 or more")
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose from {', '.join(BACKENDS)}")
    command = command or default_command(scenario, runs, seed)
    plan = blocks_for(runs)
    sink: Sink
    if out is None:
        sink = MemorySink(scenario, seed, runs, command)
    else:
        sink = open_folder(Path(out), scenario, seed, runs, command, resume=resume)
    todo = [(b, n) for b, n in plan if not sink.has(b)]
    bar = tqdm(
        total=runs,
        initial=runs - sum(n for _, n in todo),
        unit="run",
        unit_scale=True,
        disable=not progress or None,
        file=sys.stderr,
        desc=scenario.id,
    )
    with bar:
        for result in _simulate(scenario, seed, todo, workers, backend):
            sink.add(result)
            bar.update(result.runs)
    return sink.finish()


def _simulate(
    scenario: CompiledScenario, seed: int, todo: list[tuple[int, int]], workers: int, backend: str
) -> Iterator[BlockResult]:
    if backend == "serial" or workers <= 1 or len(todo) <= 1:
        for block, runs in todo:
            yield simulate_block(scenario, seed, block, runs)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(scenario.data, scenario.overrides),
    ) as pool:
        blocks, sizes = zip(*todo, strict=True)
        yield from pool.map(_worker_block, [seed] * len(todo), blocks, sizes)


_worker_scenario: CompiledScenario | None = None


def _start_worker(data: dict, overrides: dict) -> None:
    global _worker_scenario
    _worker_scenario = compile_data(data, overrides)


def _worker_block(seed: int, block: int, runs: int) -> BlockResult:
    return simulate_block(_worker_scenario, seed, block, runs)


def default_command(scenario: CompiledScenario, runs: int, seed: int) -> str:
    """The command line that reproduces a batch."""
    reference = scenario.source or scenario.id
    parts = ["wargame", "run", str(reference), "--runs", str(runs), "--seed", str(seed)]
    for name, value in scenario.overrides.items():
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        parts += ["--set", f"{name}={shown}"]
    return " ".join(parts)
