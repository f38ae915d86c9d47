"""Memory bounded by the block: a folder batch never holds more than a block or two at once.

Behavioural checks only (what is kept alive, what is read), no measured limits:
peak memory itself is measured by benchmarks/bench.py.
"""

from __future__ import annotations

import weakref
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import sim
from sim.batch import folder, parquet, sinks
from sim.batch.sinks import FolderSink
from sim.cli import main
from sim.engine.streams import BLOCK_SIZE

FULL = Path(__file__).parent / "fixtures" / "full-language.yaml"
RUNS = 6 * BLOCK_SIZE + 123


@pytest.fixture(scope="module")
def scenario() -> sim.CompiledScenario:
    return sim.load_scenario(FULL)


class Alive:
    """Weak references to the blocks seen so far: how many are still in memory."""

    def __init__(self) -> None:
        self.refs: list[weakref.ref] = []
        self.most = 0

    def see(self, result) -> None:
        self.refs.append(weakref.ref(result.outcome))
        self.most = max(self.most, sum(ref() is not None for ref in self.refs))


@pytest.mark.parametrize("backend", ["serial", "processes"])
def test_blocks_are_let_go_once_saved_and_written(tmp_path, monkeypatch, scenario, backend):
    monkeypatch.setattr("sim.batch.parquet.ROW_GROUP_BLOCKS", 2)
    saved, written = Alive(), Alive()
    add, table = FolderSink.add, parquet.block_table

    def add_and_count(self, result):
        saved.see(result)
        add(self, result)

    def table_and_count(scenario, result):
        written.see(result)
        return table(scenario, result)

    monkeypatch.setattr(FolderSink, "add", add_and_count)
    monkeypatch.setattr("sim.batch.parquet.block_table", table_and_count)
    sim.run(scenario, RUNS, seed=2, out=tmp_path / "r", backend=backend, workers=2)
    assert len(saved.refs) == len(written.refs) == 7  # each block saved once, written once
    # the block being saved and the one before it on its way out; with workers, also
    # blocks that finished before an earlier one and wait for it
    assert saved.most <= 2 + (0 if backend == "serial" else sinks.WAITING_BLOCKS)


def test_blocks_far_out_of_order_wait_on_disk_and_change_nothing(tmp_path, scenario):
    """Blocks arriving last-first: a few wait in memory, the rest are read back in turn."""
    from sim.batch.blocks import blocks_for, simulate_block

    command = "wargame run"
    results = [simulate_block(scenario, 2, block, runs) for block, runs in blocks_for(RUNS)]
    sink = folder.open_folder(tmp_path / "reversed", scenario, 2, RUNS, command)
    most = 0
    for result in reversed(results):
        sink.add(result)
        most = max(most, len(sink._waiting))
    sink.finish()
    assert most <= sinks.WAITING_BLOCKS
    in_order = folder.open_folder(tmp_path / "in-order", scenario, 2, RUNS, command)
    for result in results:
        in_order.add(result)
    in_order.finish()
    for name in ("runs.parquet", "summary.json"):
        reversed_bytes = (tmp_path / "reversed" / name).read_bytes()
        assert reversed_bytes == (tmp_path / "in-order" / name).read_bytes(), name


def test_runs_parquet_is_written_a_row_group_at_a_time_in_run_order(
    tmp_path, monkeypatch, scenario
):
    monkeypatch.setattr("sim.batch.parquet.ROW_GROUP_BLOCKS", 2)
    sim.run(scenario, RUNS, seed=2, out=tmp_path / "r")
    parquet = pq.ParquetFile(tmp_path / "r" / "runs.parquet")
    groups = [parquet.metadata.row_group(i).num_rows for i in range(parquet.num_row_groups)]
    assert groups == [2 * BLOCK_SIZE] * 3 + [123]
    first_runs = [parquet.read_row_group(i, columns=["run"])["run"][0].as_py() for i in range(4)]
    assert first_runs == [i * 2 * BLOCK_SIZE for i in range(4)]
    # the file is the same however its row groups are cut
    monkeypatch.undo()
    sim.run(scenario, RUNS, seed=2, out=tmp_path / "whole")
    whole = pq.read_table(tmp_path / "whole" / "runs.parquet")
    assert pq.read_table(tmp_path / "r" / "runs.parquet").equals(whole)


def test_wargame_run_reports_without_reading_the_per_run_table(tmp_path, monkeypatch):
    """The table the user reads comes from summary.json, never from all the runs."""

    def refuse(*args, **kwargs):
        raise AssertionError("the per-run table was read")

    monkeypatch.setattr("pandas.read_parquet", refuse)
    monkeypatch.setattr("pyarrow.parquet.read_table", refuse)
    out = tmp_path / "r"
    result = CliRunner().invoke(main, ["run", str(FULL), "--runs", str(RUNS), "--out", str(out),
                                       "--no-plots"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "runs/s" in result.output


def test_a_folder_batch_returns_results_that_read_the_table_lazily(tmp_path, scenario):
    results = sim.run(scenario, RUNS, seed=2, out=tmp_path / "r")
    assert results.path == tmp_path / "r"
    assert "runs" not in vars(results)  # cached_property: not read until asked for
    assert len(results.runs) == RUNS
