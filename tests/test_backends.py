"""A worker process that dies is replaced, and its blocks come out as if it had not."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

import sim
from sim.batch.backends import simulate_blocks
from sim.batch.blocks import simulate_block
from sim.engine.streams import BLOCK_SIZE

FULL = Path(__file__).parent / "fixtures" / "full-language.yaml"
TASKS = [(0, BLOCK_SIZE), (1, BLOCK_SIZE), (2, 300)]
MARKER = "WARGAME_TEST_DIED_ONCE"


def dies_once_on_block_1(scenario, seed: int, block: int, runs: int):
    """Runs in a worker process: the first time it meets block 1, the process dies."""
    marker = Path(os.environ[MARKER])
    if block == 1 and not marker.exists():
        marker.touch()
        os._exit(1)
    return simulate_block(scenario, seed, block, runs)


def test_a_worker_process_that_dies_is_replaced_and_its_blocks_run_again(tmp_path, monkeypatch):
    marker = tmp_path / "died"
    monkeypatch.setenv(MARKER, str(marker))
    scenario = sim.load_scenario(FULL)
    results = list(simulate_blocks(dies_once_on_block_1, scenario, 5, TASKS, "processes", 2))
    assert marker.exists()  # a worker did die
    assert sorted(r.block for r in results) == [0, 1, 2]  # every block once
    for result in results:
        expected = simulate_block(scenario, 5, result.block, result.runs)
        np.testing.assert_array_equal(result.outcome, expected.outcome)
        np.testing.assert_array_equal(result.fired, expected.fired)
