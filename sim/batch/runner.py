"""The Monte Carlo runner: blocks of runs, on one core or many, aggregated in block order.

A batch of N runs is cut into blocks of `BLOCK_SIZE`; block b is one
`EscalationModel` seeded from (seed, b). Blocks can be simulated in any order
and anywhere (serially, in worker processes, on a Dask cluster: see
`sim.batch.backends`); their results are always assembled in block order, so run
i's row never depends on how it was run.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from sim.batch.backends import BACKENDS, BackendError, import_dask, simulate_blocks
from sim.batch.output import FolderSink, MemorySink, Sink, open_folder
from sim.engine import EscalationModel
from sim.engine.streams import BLOCK_SIZE
from sim.language.compiled import CompiledScenario
from sim.results.folder import Results


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
        model.release()


def run(
    scenario: CompiledScenario,
    runs: int = 10_000,
    seed: int = 0,
    *,
    workers: int = 1,
    backend: str = "serial",
    scheduler: str | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    progress: bool = False,
    command: str | None = None,
) -> Results:
    """Run `scenario` `runs` times and return the results.

    With `out`, results stream to that folder (which must not hold earlier
    results, unless `resume` completes an interrupted batch there); without,
    they are kept in memory. `backend` is "serial", "processes" (`workers`
    local processes) or "dask" (the cluster at `scheduler`, or a local one of
    `workers` processes); the results are the same whichever is used.
    Interrupted (Ctrl-C), a folder batch raises `BatchInterrupted` and keeps
    its finished blocks for `resume`.
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    if seed < 0:
        raise ValueError("seed must be 0 or more")
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose from {', '.join(BACKENDS)}")
    if backend == "dask":
        import_dask()  # a missing extra is reported before anything is written
    command = command or default_command(scenario, runs, seed)
    plan = blocks_for(runs)
    sink: Sink
    if out is None:
        sink = MemorySink(scenario, seed, runs, command)
    else:
        sink = open_folder(Path(out), scenario, seed, runs, command, resume=resume)
    try:
        todo = [(b, n) for b, n in plan if not sink.has(b)]
        _fill(sink, scenario, seed, todo, runs, backend, workers, scheduler, progress)
        return sink.finish()
    except BackendError:
        if isinstance(sink, FolderSink) and not resume and not any(sink.has(b) for b, _ in plan):
            sink.discard()  # the backend never started: leave no unfinished folder behind
        raise
    except KeyboardInterrupt:
        if out is None:
            raise
        done = sum(1 for b, _ in plan if sink.has(b))
        raise BatchInterrupted(Path(out), done, len(plan)) from None
    finally:
        sink.close()


def _fill(
    sink: Sink,
    scenario: CompiledScenario,
    seed: int,
    todo: list[tuple[int, int]],
    runs: int,
    backend: str,
    workers: int,
    scheduler: str | None,
    progress: bool,
) -> None:
    """Simulate the blocks still to do and hand each to the sink as it finishes."""
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
        for result in simulate_blocks(
            simulate_block, scenario, seed, todo, backend, workers, scheduler
        ):
            sink.add(result)
            bar.update(result.runs)


class BatchInterrupted(KeyboardInterrupt):
    """A folder batch stopped by Ctrl-C: its finished blocks are kept for `--resume`."""

    def __init__(self, folder: Path, done: int, blocks: int) -> None:
        super().__init__(f"{folder}: {done} of {blocks} blocks finished")
        self.folder = folder
        self.done = done
        self.blocks = blocks


def default_command(scenario: CompiledScenario, runs: int, seed: int) -> str:
    """The command line that reproduces a batch."""
    reference = scenario.source or scenario.id
    parts = ["wargame", "run", str(reference), "--runs", str(runs), "--seed", str(seed)]
    for name, value in scenario.overrides.items():
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        parts += ["--set", f"{name}={shown}"]
    return " ".join(parts)
