"""The Monte Carlo runner: blocks of runs, on one core or many, aggregated in block order.

A batch of N runs is cut into blocks (`sim.batch.blocks`). Blocks can be
simulated in any order and anywhere (serially, in worker processes, on a Dask
cluster: see `sim.batch.backends`); a sink (`sim.batch.sinks`) assembles their
results in block order, so run i's row never depends on how it was run.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from sim.batch.backends import Backend, BackendError, BackendName, backend_for
from sim.batch.blocks import BlockResult, Task, blocks_for, simulate_block
from sim.batch.folder import open_folder
from sim.batch.sinks import FolderSink, MemorySink, Sink
from sim.engine.budget import check_memory
from sim.language.compiled import CompiledScenario
from sim.results.folder import Results
from sim.text import command_line


def run(
    scenario: CompiledScenario,
    runs: int = 10_000,
    seed: int = 0,
    *,
    workers: int = 1,
    backend: BackendName = "serial",
    scheduler: str | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    progress: bool = False,
    command: str | None = None,
    simulated: Sequence[BlockResult] = (),
) -> Results:
    """Run `scenario` `runs` times and return the results.

    With `out`, results stream to that folder (which must not hold earlier
    results, unless `resume` completes an interrupted batch there); without,
    they are kept in memory. `backend` is "serial", "processes" (`workers`
    local processes) or "dask" (the cluster at `scheduler`, or a local one of
    `workers` processes); the results are the same whichever is used.
    Interrupted (Ctrl-C), a folder batch raises `BatchInterrupted` and keeps
    its finished blocks for `resume`. `simulated` are blocks of this batch already
    simulated (by `sim.batch.precision`): filed as they are, not simulated again.
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    if seed < 0:
        raise ValueError("seed must be 0 or more")
    check_memory(scenario)  # a scenario too large to run: before any writing
    chosen = backend_for(backend, workers, scheduler)  # a missing extra: before any writing
    command = command or default_command(scenario, runs, seed)
    plan = blocks_for(runs)
    sink: Sink
    if out is None:
        sink = MemorySink(scenario, seed, runs, command)
    else:
        sink = open_folder(Path(out), scenario, seed, runs, command, resume=resume)
    try:
        for result in simulated:
            if not sink.has(result.block):
                sink.add(result)
        todo = [(b, n) for b, n in plan if not sink.has(b)]
        _fill(sink, scenario, seed, todo, runs, chosen, progress)
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


def progress_bar(name: str, runs: int, shown: bool, done: int = 0) -> tqdm:
    """The runs of a batch counted on standard error (not at all unless `shown`, and not
    when standard error is not a terminal)."""
    return tqdm(
        total=runs,
        initial=done,
        unit="run",
        unit_scale=True,
        disable=not shown or None,
        file=sys.stderr,
        desc=name,
    )


def _fill(
    sink: Sink,
    scenario: CompiledScenario,
    seed: int,
    todo: list[Task],
    runs: int,
    backend: Backend,
    progress: bool,
) -> None:
    """Simulate the blocks still to do and hand each to the sink as it finishes."""
    with progress_bar(scenario.id, runs, progress, done=runs - sum(n for _, n in todo)) as bar:
        for result in backend.simulate_blocks(simulate_block, scenario, seed, todo):
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
    words = ["wargame", "run", reference, "--runs", runs, "--seed", seed]
    for name, value in scenario.overrides.items():
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        words += ["--set", f"{name}={shown}"]
    return command_line(*words)
