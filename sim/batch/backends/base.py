"""What a backend is: the base class every backend extends, and its extension points.

A backend decides where blocks are simulated (this process, worker processes,
a Dask cluster), never what they hold: it takes a list of (block, runs) tasks
and yields one `BlockResult` per task, in whatever order they finish, and the
sink files them by block number. A task is always a whole block (a few hundred
milliseconds), never a single run, and at most a few tasks per worker are in
flight at once, so memory stays bounded by blocks however long the batch.

Extension points, for a new backend (one module in this package and one line in
its `REGISTRY`):

- `simulate_blocks` (required): yield the tasks' results as they finish.
- `check` (optional): refuse, with a `BackendError`, a backend that cannot be
  used here; it runs before anything is written, so a failure leaves no folder.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from sim.errors import WargameError

if TYPE_CHECKING:
    from sim.batch.blocks import BlockResult, Task
    from sim.language.compiled import CompiledScenario

IN_FLIGHT_PER_WORKER = 2  # tasks queued per worker: keeps workers busy, memory bounded

# How one block is simulated: (scenario, seed, block, runs) -> its result. It must be a
# module-level function, since backends send it to workers by name.
Simulate = Callable[["CompiledScenario", int, int, int], "BlockResult"]


class BackendError(WargameError):
    """A backend that cannot be used: Dask missing, or a scheduler that cannot be reached."""


class Backend(ABC):
    """Simulates blocks somewhere; `workers` and `scheduler` as the user gave them."""

    def __init__(self, workers: int = 1, scheduler: str | None = None) -> None:
        self.workers = workers
        self.scheduler = scheduler

    def check(self) -> None:  # noqa: B027 (most backends can always be used)
        """Raise `BackendError` if this backend cannot be used; called before any writing."""

    @abstractmethod
    def simulate_blocks(
        self, simulate: Simulate, scenario: CompiledScenario, seed: int, todo: list[Task]
    ) -> Iterator[BlockResult]:
        """Yield `simulate(scenario, seed, block, runs)` for every task, in completion order."""
