"""Where blocks are simulated: in this process, in worker processes, or on a Dask cluster.

Every backend takes the same list of (block, runs) tasks and yields one
`BlockResult` per task, in whatever order they finish; the sink files them
by block number, so the backend never changes a result. A task is always a
whole block (a few hundred milliseconds), never a single run. At most a few
tasks per worker are in flight at once, so memory stays bounded by blocks
however long the batch.
"""

from __future__ import annotations

import itertools
import logging
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.batch.runner import BlockResult
    from sim.language.compiled import CompiledScenario

BACKENDS = ("serial", "processes", "dask")
IN_FLIGHT_PER_WORKER = 2  # tasks queued per worker: keeps workers busy, memory bounded
RETRIES = 2  # times a pool whose worker died is replaced before the batch gives up
DASK_INSTALL = "pip install 'escalation-wargame[dask]'"

logger = logging.getLogger(__name__)

Task = tuple[int, int]  # (block, runs in it)
Simulate = Callable[["CompiledScenario", int, int, int], "BlockResult"]


class BackendError(RuntimeError):
    """A backend that cannot be used: Dask missing, or a scheduler that cannot be reached."""


def simulate_blocks(
    simulate: Simulate,
    scenario: CompiledScenario,
    seed: int,
    todo: list[Task],
    backend: str = "serial",
    workers: int = 1,
    scheduler: str | None = None,
) -> Iterator[BlockResult]:
    """Yield `simulate(scenario, seed, block, runs)` for every task, in completion order.

    `simulate` must be a module-level function (it is sent to workers by name).
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose from {', '.join(BACKENDS)}")
    if backend == "dask":
        yield from import_dask().simulate_blocks(simulate, scenario, seed, todo, workers, scheduler)
    elif backend == "processes" and workers > 1 and len(todo) > 1:
        yield from _processes(simulate, scenario, seed, todo, workers)
    else:
        for block, runs in todo:
            yield simulate(scenario, seed, block, runs)


# --- worker processes ---------------------------------------------------


def _processes(
    simulate: Simulate, scenario: CompiledScenario, seed: int, todo: list[Task], workers: int
) -> Iterator[BlockResult]:
    """Blocks on a pool of worker processes. A worker that dies (killed, out of memory)
    breaks the pool: a new one runs the blocks not yet returned, as they were."""
    finished: set[int] = set()
    for attempt in range(RETRIES + 1):
        pool = _pool(scenario, workers)
        try:
            left = [task for task in todo if task[0] not in finished]
            for result in _bounded(
                lambda task, pool=pool: pool.submit(_worker_block, simulate, seed, *task),
                left,
                workers * IN_FLIGHT_PER_WORKER,
            ):
                finished.add(result.block)
                yield result
            return
        except BrokenProcessPool:
            if attempt == RETRIES:
                raise BackendError(
                    f"worker processes died {RETRIES + 1} times (out of memory, or killed)"
                ) from None
            logger.warning(
                "a worker process died; a new pool runs its blocks again (retry %d of %d)",
                attempt + 1,
                RETRIES,
            )
        finally:
            # On an interruption, queued blocks are dropped; running ones end on their own.
            pool.shutdown(wait=True, cancel_futures=True)


def _pool(scenario: CompiledScenario, workers: int) -> ProcessPoolExecutor:
    import multiprocessing

    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(scenario.data, scenario.overrides),
    )


def _bounded(
    submit: Callable[[Task], Future], todo: list[Task], limit: int
) -> Iterator[BlockResult]:
    """Submit tasks keeping at most `limit` unfinished, yielding results as they finish."""
    waiting = iter(todo)
    running = {submit(task) for task in _take(waiting, limit)}
    while running:
        done, running = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            running.update(submit(task) for task in _take(waiting, 1))
            yield future.result()


def _take(tasks: Iterator[Task], count: int) -> list[Task]:
    """The next `count` tasks (fewer at the end)."""
    return list(itertools.islice(tasks, count))


_worker_scenario: CompiledScenario | None = None


def _start_worker(data: dict, overrides: dict) -> None:
    from sim.language.load import compile_data

    global _worker_scenario
    # Ctrl-C reaches the whole process group: let the parent alone decide what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_scenario = compile_data(data, overrides)


def _worker_block(simulate: Simulate, seed: int, block: int, runs: int) -> BlockResult:
    return simulate(_worker_scenario, seed, block, runs)


def import_dask():
    """The Dask backend module, or a one-line BackendError saying how to install Dask."""
    try:
        from sim.batch.backends import dask as dask_backend
    except ImportError as error:
        if (error.name or "").startswith("sim"):
            raise
        raise BackendError(f"the dask backend needs Dask: {DASK_INSTALL}") from None
    return dask_backend
