"""The serial backend: every block in this process, one after another."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sim.batch.backends.base import Backend, Simulate

if TYPE_CHECKING:
    from sim.batch.blocks import BlockResult, Task
    from sim.language.compiled import CompiledScenario


class SerialBackend(Backend):
    """Blocks in task order, in this process: no workers to start, nothing to send."""

    def simulate_blocks(
        self, simulate: Simulate, scenario: CompiledScenario, seed: int, todo: list[Task]
    ) -> Iterator[BlockResult]:
        for block, runs in todo:
            yield simulate(scenario, seed, block, runs)
