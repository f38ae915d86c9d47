"""The Dask backend: blocks as tasks on a Dask cluster, remote or started here on loopback.

Imported only when `--backend dask` is chosen (Dask is an optional extra: see
`sim.batch.backends.REGISTRY`).
The scenario is scattered once, as plain data, and compiled once per worker;
each block is one task, submitted with `pure=False` (tasks with identical
arguments must not be merged) and `retries`. A worker that dies mid-block
has its task rescheduled by the scheduler; since a block's result depends
only on (scenario, seed, block), a recomputed block is the same block.
Workers of a cluster given by address must run this package's version:
another version could draw other numbers, so that is checked first.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import distributed
from distributed.diagnostics.plugin import WorkerPlugin

from sim.batch.backends.base import IN_FLIGHT_PER_WORKER, Backend, BackendError, Simulate
from sim.language.load import compile_data
from sim.version import __version__

if TYPE_CHECKING:
    from sim.batch.blocks import BlockResult, Task
    from sim.language.compiled import CompiledScenario

RETRIES = 2  # a block whose task raises is tried again this many times
CONNECT_TIMEOUT = "10s"
KEPT_SCENARIOS = 4  # compiled scenarios a long-lived worker keeps between batches


class DaskBackend(Backend):
    """The cluster at `scheduler`, or a local one of `workers` processes."""

    def simulate_blocks(
        self, simulate: Simulate, scenario: CompiledScenario, seed: int, todo: list[Task]
    ) -> Iterator[BlockResult]:
        yield from _simulate_blocks(simulate, scenario, seed, todo, self.workers, self.scheduler)


def _simulate_blocks(
    simulate: Simulate,
    scenario: CompiledScenario,
    seed: int,
    todo: list[Task],
    workers: int,
    scheduler: str | None,
) -> Iterator[BlockResult]:
    """Yield the blocks' results as the cluster finishes them, a few tasks per worker queued."""
    with _client(scheduler, workers) as client:
        [payload] = client.scatter(
            [(scenario_digest(scenario), scenario.data, scenario.overrides)],
            broadcast=True,
            hash=False,
        )
        submit = functools.partial(_submit, client, simulate, payload, seed)
        limit = max(sum(client.nthreads().values()), 1) * IN_FLIGHT_PER_WORKER
        waiting = iter(todo)
        finished = distributed.as_completed([submit(t) for t in itertools.islice(waiting, limit)])
        for future in finished:
            for task in itertools.islice(waiting, 1):
                finished.add(submit(task))
            yield future.result()


@contextmanager
def _client(scheduler: str | None, workers: int) -> Iterator[distributed.Client]:
    """A client of the cluster at `scheduler`, or of a local cluster of `workers` processes."""
    if scheduler is not None:
        try:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as error:
            raise BackendError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
        with client:
            check_versions(client, __version__)
            yield client
        return
    cluster = distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",  # loopback only: nothing is exposed to the network
        dashboard_address=None,
        # no dashboard; its HTTP server (health checks) on any free port, not 8787
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
        silence_logs=logging.ERROR,
    )
    with cluster, distributed.Client(cluster) as client:
        client.register_plugin(_IgnoreInterrupts(), name="wargame-ignore-sigint")
        yield client


def check_versions(client: distributed.Client, expected: str) -> None:
    """Refuse a cluster whose workers lack this package or run another version of it."""

    def version() -> str | None:  # nested, so it reaches workers without `sim` installed
        try:
            from sim.version import __version__ as installed
        except ImportError:
            return None
        return installed

    wrong = {worker: found for worker, found in client.run(version).items() if found != expected}
    if wrong:
        listed = ", ".join(
            f"{worker} ({'not installed' if found is None else 'has ' + found})"
            for worker, found in sorted(wrong.items())
        )
        raise BackendError(
            f"the Dask workers must have version {expected} of this package installed, as "
            f"here; these do not: {listed}"
        )


class _IgnoreInterrupts(WorkerPlugin):
    """On our own local cluster only: Ctrl-C reaches the whole process group, but the
    client alone decides what stops (the workers would print tracebacks)."""

    def setup(self, worker: distributed.Worker) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)


Payload = tuple[str, dict[str, Any], dict[str, Any]]  # (digest, data, overrides)


def _submit(
    client: distributed.Client,
    simulate: Simulate,
    payload: distributed.Future,
    seed: int,
    task: Task,
) -> distributed.Future:
    block, runs = task
    # pure=False: tasks with identical arguments must never be merged into one
    return client.submit(_block, simulate, payload, seed, block, runs, pure=False, retries=RETRIES)


_compiled: dict[str, CompiledScenario] = {}  # on a worker: scenario digest -> compiled


def _block(simulate: Simulate, payload: Payload, seed: int, block: int, runs: int) -> BlockResult:
    """The task run on a worker: one block, with the scenario compiled once per worker."""
    digest, data, overrides = payload
    scenario = _compiled.get(digest)
    if scenario is None:
        if len(_compiled) >= KEPT_SCENARIOS:
            _compiled.pop(next(iter(_compiled)))
        scenario = _compiled[digest] = compile_data(data, overrides)
    return simulate(scenario, seed, block, runs)


def scenario_digest(scenario: CompiledScenario) -> str:
    """A fingerprint of the scenario as run (data and overrides)."""
    text = json.dumps([scenario.data, scenario.overrides], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
