"""The Dask backend: the bytes of serial, a dead worker changes nothing, Dask stays optional."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import sim
from sim.batch.backends import BackendError, simulate_blocks
from sim.batch.blocks import blocks_for, simulate_block
from sim.cli import main
from sim.engine.streams import BLOCK_SIZE

distributed = pytest.importorskip("distributed")

FULL = Path(__file__).parent / "fixtures" / "full-language.yaml"
THREE_BLOCKS = 2 * BLOCK_SIZE + 300


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def scenario() -> sim.CompiledScenario:
    return sim.load_scenario(FULL)


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes on loopback (the machine may have only 2 cores)."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
    ) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def serial_folder(tmp_path_factory, scenario) -> Path:
    out = tmp_path_factory.mktemp("serial") / "results"
    sim.run(scenario, THREE_BLOCKS, seed=11, out=out)
    return out


def test_dask_gives_the_bytes_of_serial(tmp_path, scenario, cluster, serial_folder):
    out = tmp_path / "results"
    address = cluster.scheduler_address
    sim.run(scenario, THREE_BLOCKS, seed=11, out=out, backend="dask", scheduler=address)
    assert digest(out / "runs.parquet") == digest(serial_folder / "runs.parquet")
    assert (out / "summary.json").read_text() == (serial_folder / "summary.json").read_text()


def test_dask_from_the_cli_with_a_local_cluster(tmp_path, serial_folder):
    out = tmp_path / "results"
    args = ["run", str(FULL), "--runs", str(THREE_BLOCKS), "--seed", "11", "--out", str(out)]
    result = CliRunner().invoke(
        main, [*args, "--backend", "dask", "--workers", "2", "-q", "--no-plots"]
    )
    assert result.exit_code == 0, result.output
    assert digest(out / "runs.parquet") == digest(serial_folder / "runs.parquet")
    summary = json.loads((out / "summary.json").read_text())
    reference = json.loads((serial_folder / "summary.json").read_text())
    assert summary == reference | {"command": summary["command"]}  # the figures are the same


def test_a_worker_killed_midway_changes_nothing(scenario, cluster):
    """Kill a worker process while blocks are in flight: its block is run again, identically."""
    todo = blocks_for(6 * BLOCK_SIZE)
    expected = {b: simulate_block(scenario, 3, b, n) for b, n in todo}
    with distributed.Client(cluster) as client:
        pids = client.run(os.getpid)
    results = {}
    for result in simulate_blocks(
        simulate_block, scenario, 3, todo, "dask", scheduler=cluster.scheduler_address
    ):
        if not results:
            os.kill(next(iter(pids.values())), signal.SIGKILL)
        results[result.block] = result
    assert sorted(results) == [b for b, _ in todo]
    for block, result in results.items():
        np.testing.assert_array_equal(result.outcome, expected[block].outcome)
        np.testing.assert_array_equal(result.fired, expected[block].fired)
        np.testing.assert_array_equal(result.level_counts, expected[block].level_counts)


def test_without_dask_the_dask_backend_says_how_to_install_it(tmp_path, monkeypatch, scenario):
    monkeypatch.delitem(sys.modules, "sim.batch.backends.dask", raising=False)
    monkeypatch.delattr(sim.batch.backends, "dask", raising=False)
    monkeypatch.setitem(sys.modules, "distributed", None)  # makes `import distributed` fail
    with pytest.raises(BackendError, match=r"pip install 'escalation-wargame\[dask\]'"):
        sim.run(scenario, 100, backend="dask")
    out = tmp_path / "results"
    args = ["run", str(FULL), "--runs", "100", "--backend", "dask", "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert not out.exists()  # nothing is written before the backend is known to work
    assert result.output.strip().splitlines()[-1].startswith("error: the dask backend needs Dask")
    assert "Traceback" not in result.output


def test_importing_sim_does_not_import_dask():
    code = "import sys, sim, sim.cli; print('distributed' in sys.modules, 'dask' in sys.modules)"
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.split() == ["False", "False"]


def test_scheduler_implies_dask_and_refuses_other_backends(tmp_path):
    args = ["run", str(FULL), "--runs", "100", "--out", str(tmp_path / "r")]
    args += ["--scheduler", "tcp://127.0.0.1:1"]
    result = CliRunner().invoke(main, [*args, "--backend", "processes"])
    assert result.exit_code == 2
    assert "use --backend dask" in result.output


def test_an_unreachable_scheduler_is_a_clear_error_and_leaves_no_folder(tmp_path, monkeypatch):
    monkeypatch.setattr("sim.batch.backends.dask.CONNECT_TIMEOUT", "1s")
    out = tmp_path / "results"
    args = ["run", str(FULL), "--runs", "100", "--out", str(out), "--no-plots"]
    result = CliRunner().invoke(main, [*args, "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_workers_of_another_version_are_refused_before_anything_runs(
    tmp_path, monkeypatch, scenario, cluster
):
    """A worker with another version of the package could draw other numbers."""
    monkeypatch.setattr("sim.batch.backends.dask.__version__", "9.9.9")
    out = tmp_path / "results"
    with pytest.raises(BackendError) as refused:
        sim.run(scenario, 100, out=out, backend="dask", scheduler=cluster.scheduler_address)
    message = str(refused.value)
    assert "the Dask workers must have version 9.9.9 of this package installed" in message
    assert "these do not: tcp://127.0.0.1:" in message
    assert message.count(f"(has {sim.__version__})") == 2  # both workers named
    assert not out.exists()


@pytest.mark.parametrize("to_folder", [False, True])
def test_blocks_finishing_in_any_order_give_the_same_results(
    tmp_path, scenario, serial_folder, to_folder
):
    """What as_completed does to a batch: blocks reach the sink in reverse order."""
    from sim.batch.folder import open_folder
    from sim.batch.sinks import MemorySink

    command = json.loads((serial_folder / "summary.json").read_text())["command"]
    if to_folder:
        sink = open_folder(tmp_path / "results", scenario, 11, THREE_BLOCKS, command)
    else:
        sink = MemorySink(scenario, 11, THREE_BLOCKS, command)
    for block, runs in reversed(blocks_for(THREE_BLOCKS)):
        sink.add(simulate_block(scenario, 11, block, runs))
    results = sink.finish()
    reference = sim.read_results(serial_folder)
    assert results.summary == reference.summary
    assert results.runs.equals(reference.runs)
    if to_folder:
        assert digest(tmp_path / "results" / "runs.parquet") == digest(
            serial_folder / "runs.parquet"
        )
