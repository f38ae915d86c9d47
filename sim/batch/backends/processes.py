"""The processes backend: blocks on a pool of local worker processes.

Each worker compiles the scenario once (it is sent as plain data) and then runs
whole blocks. A worker that dies (killed, out of memory) breaks the pool: a new
one runs the blocks not yet returned, as they were. A parent that dies (even
killed outright) takes its workers with it (`parent_watch`).
"""

from __future__ import annotations

import functools
import itertools
import logging
import multiprocessing
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from sim.batch.backends.base import IN_FLIGHT_PER_WORKER, Backend, BackendError, Simulate
from sim.batch.backends.parent_watch import watch_parent
from sim.batch.backends.serial import SerialBackend

if TYPE_CHECKING:
    from sim.batch.blocks import BlockResult, Task
    from sim.language.compiled import CompiledScenario

RETRIES = 2  # times a pool whose worker died is replaced before the batch gives up

logger = logging.getLogger(__name__)


class ProcessesBackend(Backend):
    """`workers` local processes; with one worker or one block, just this process."""

    def simulate_blocks(
        self, simulate: Simulate, scenario: CompiledScenario, seed: int, todo: list[Task]
    ) -> Iterator[BlockResult]:
        if self.workers > 1 and len(todo) > 1:
            yield from _processes(simulate, scenario, seed, todo, self.workers)
        else:
            yield from SerialBackend().simulate_blocks(simulate, scenario, seed, todo)


def _processes(
    simulate: Simulate, scenario: CompiledScenario, seed: int, todo: list[Task], workers: int
) -> Iterator[BlockResult]:
    """Blocks on a pool of worker processes, replacing a broken pool up to `RETRIES` times."""
    finished: set[int] = set()
    for attempt in range(RETRIES + 1):
        pool = _pool(scenario, workers)
        try:
            left = [task for task in todo if task[0] not in finished]
            submit = functools.partial(_submit, pool, simulate, seed)
            for result in _bounded(submit, left, workers * IN_FLIGHT_PER_WORKER):
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
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(scenario.data, scenario.overrides),
    )


def _submit(
    pool: ProcessPoolExecutor, simulate: Simulate, seed: int, task: Task
) -> Future[BlockResult]:
    return pool.submit(_worker_block, simulate, seed, *task)


def _bounded(
    submit: Callable[[Task], Future[BlockResult]], todo: list[Task], limit: int
) -> Iterator[BlockResult]:
    """Submit tasks keeping at most `limit` unfinished, yielding results as they finish."""
    waiting = iter(todo)
    running = {submit(task) for task in itertools.islice(waiting, limit)}
    while running:
        done, running = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            running.update(submit(task) for task in itertools.islice(waiting, 1))
            yield future.result()


_worker_scenario: CompiledScenario | None = None


def _start_worker(data: dict[str, Any], overrides: dict[str, Any]) -> None:
    from sim.language.load import compile_data

    global _worker_scenario
    watch_parent()  # a parent killed outright leaves no worker behind
    # Ctrl-C reaches the whole process group: let the parent alone decide what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_scenario = compile_data(data, overrides)


def _worker_block(simulate: Simulate, seed: int, block: int, runs: int) -> BlockResult:
    if _worker_scenario is None:
        raise RuntimeError("a worker ran a block before it compiled the scenario")
    return simulate(_worker_scenario, seed, block, runs)
