"""An interrupted batch keeps its finished blocks and, resumed, ends exactly as if never stopped."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import sim
from sim.batch.runner import BatchInterrupted
from sim.batch.sinks import FolderSink
from sim.cli import main
from sim.engine.streams import BLOCK_SIZE

FIXTURES = Path(__file__).parent / "fixtures"
FULL = str(FIXTURES / "full-language.yaml")
RUNS = 24 * BLOCK_SIZE + 100  # long enough to be stopped midway, short enough to resume
SEED = 6
WARGAME = [sys.executable, "-c", "from sim.cli import main; main()"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def invoke(*args: object):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("whole") / "results"
    result = invoke("run", FULL, "--runs", RUNS, "--seed", SEED, "--out", out, "--no-plots", "-q")
    assert result.exit_code == 0, result.output
    return out


def assert_same_results(folder: Path, reference: Path) -> None:
    assert {p.name for p in folder.iterdir()} == {"summary.json", "runs.parquet", "scenario.yaml"}
    assert digest(folder / "runs.parquet") == digest(reference / "runs.parquet")
    assert (folder / "summary.json").read_text() == (reference / "summary.json").read_text()


def start_and_stop(out: Path, how: signal.Signals) -> subprocess.CompletedProcess:
    """Start `wargame run` in a subprocess and send it `how` once a block is on disk."""
    command = [*WARGAME, "run", FULL, "--runs", str(RUNS), "--seed", str(SEED)]
    process = subprocess.Popen(
        [*command, "--out", str(out), "--no-plots"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not list((out / "blocks").glob("*.npz")) and time.monotonic() < deadline:
        if process.poll() is not None:
            break
        time.sleep(0.01)
    process.send_signal(how)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_a_stopped_run_resumes_to_the_same_bytes(tmp_path, uninterrupted, how):
    out = tmp_path / "results"
    stopped = start_and_stop(out, how)
    assert stopped.returncode != 0, "the batch finished before it could be stopped"
    assert (out / "INCOMPLETE").is_file()
    assert not (out / "summary.json").exists()
    saved = list((out / "blocks").glob("*.npz"))
    assert 0 < len(saved) < 25
    if how == signal.SIGINT:
        assert stopped.returncode == 130
        assert "Traceback" not in stopped.stderr
        assert f"finish the batch with: wargame run --resume {out}" in stopped.stderr
    with pytest.raises(sim.ResultsError, match="did not finish"):
        sim.read_results(out)

    result = invoke("run", "--resume", out, "--no-plots", "-q")
    assert result.exit_code == 0, result.output
    assert_same_results(out, uninterrupted)


def test_interrupted_in_process_keeps_blocks_and_says_so(tmp_path, monkeypatch, uninterrupted):
    scenario = sim.load_scenario(FULL)
    out = tmp_path / "results"
    added = []
    original = FolderSink.add

    def add_then_stop(self, result):
        original(self, result)
        added.append(result.block)
        if len(added) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(FolderSink, "add", add_then_stop)
    command = f"wargame run {FULL} --runs {RUNS} --seed {SEED} --no-plots"
    with pytest.raises(BatchInterrupted) as stop:
        sim.run(scenario, RUNS, SEED, out=out, command=command)
    assert (stop.value.done, stop.value.blocks) == (3, 25)
    monkeypatch.undo()
    sim.run(scenario, RUNS, SEED, out=out, command=command, resume=True)
    assert_same_results(out, uninterrupted)


def test_stopped_while_assembling_the_final_files(tmp_path, monkeypatch, uninterrupted):
    """Killed after summary.json is written but before the marker goes: resume just tidies up."""
    scenario = sim.load_scenario(FULL)
    out = tmp_path / "results"
    command = f"wargame run {FULL} --runs {RUNS} --seed {SEED} --no-plots"

    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("sim.batch.sinks.shutil.rmtree", stop)
    with pytest.raises(BatchInterrupted):
        sim.run(scenario, RUNS, SEED, out=out, command=command)
    assert (out / "INCOMPLETE").is_file() and (out / "summary.json").is_file()
    monkeypatch.undo()
    result = invoke("run", "--resume", out, "--no-plots", "-q")
    assert result.exit_code == 0, result.output
    assert_same_results(out, uninterrupted)


def test_half_written_blocks_are_run_again(tmp_path, uninterrupted):
    scenario = sim.load_scenario(FULL)
    out = tmp_path / "results"
    command = f"wargame run {FULL} --runs {RUNS} --seed {SEED} --no-plots"
    sink = sim.batch.folder.open_folder(out, scenario, SEED, RUNS, command)
    from sim.batch.blocks import simulate_block

    for block in range(3):
        sink.add(simulate_block(scenario, SEED, block, BLOCK_SIZE))
    blocks = out / "blocks"
    whole = (blocks / "block-000001.npz").read_bytes()
    # a write cut short under the temporary name (a damaged final name is refused:
    # see test_resume_identity.py)
    (blocks / "block-000003.12345.tmp").write_bytes(whole[: len(whole) // 2])

    result = invoke("run", "--resume", out, "--no-plots", "-q")
    assert result.exit_code == 0, result.output
    assert_same_results(out, uninterrupted)


def test_a_block_is_saved_whole_or_not_at_all(tmp_path, monkeypatch):
    scenario = sim.load_scenario(FULL)
    out = tmp_path / "results"
    sink = sim.batch.folder.open_folder(out, scenario, SEED, RUNS, "x")
    from sim.batch.blocks import simulate_block

    result = simulate_block(scenario, SEED, 0, BLOCK_SIZE)

    def fail_midway(handle, **arrays):
        handle.write(b"PK partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", fail_midway)
    with pytest.raises(KeyboardInterrupt):
        sink.add(result)
    assert not sink.has(0)
    assert not list((out / "blocks").glob("*.npz"))


@pytest.fixture
def stopped_folder(tmp_path) -> Path:
    """An unfinished batch (3 of 25 blocks) of the full-language fixture, seed 6."""
    scenario = sim.load_scenario(FULL)
    out = tmp_path / "results"
    command = f"wargame run {FULL} --runs {RUNS} --seed {SEED} --no-plots"
    sink = sim.batch.folder.open_folder(out, scenario, SEED, RUNS, command)
    from sim.batch.blocks import simulate_block

    for block in range(3):
        sink.add(simulate_block(scenario, SEED, block, BLOCK_SIZE))
    return out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--seed", "7"], f"was started with seed 6 and {RUNS:,} runs, not seed 7"),
        (["--runs", "5000"], "not seed 6 and 5,000 runs"),
        ([str(FIXTURES / "one-rule.yaml")], "was started with another scenario"),
        ([FULL, "--set", "restraint=0.5"], "was started with another scenario (or other --set"),
    ],
)
def test_resuming_with_other_settings_is_refused(stopped_folder, extra, message):
    before = sorted(p.name for p in (stopped_folder / "blocks").iterdir())
    result = invoke("run", *extra, "--resume", stopped_folder, "--no-plots", "-q")
    assert result.exit_code == 2
    assert message in result.output
    assert f"wargame run --resume {stopped_folder}` alone" in result.output
    assert sorted(p.name for p in (stopped_folder / "blocks").iterdir()) == before


def test_resuming_with_the_same_command_line_is_accepted(stopped_folder, uninterrupted):
    args = [FULL, "--runs", RUNS, "--seed", SEED, "--resume", stopped_folder, "--no-plots", "-q"]
    result = invoke("run", *args)
    assert result.exit_code == 0, result.output
    assert_same_results(stopped_folder, uninterrupted)


def test_a_complete_folder_cannot_be_resumed(uninterrupted):
    result = invoke("run", "--resume", uninterrupted, "--no-plots", "-q")
    assert result.exit_code == 2
    assert "cannot be resumed: it is complete" in result.output


def test_an_unfinished_folder_is_never_overwritten(stopped_folder):
    result = invoke("run", FULL, "--out", stopped_folder, "--no-plots", "-q")
    assert result.exit_code == 2
    assert f"wargame run --resume {stopped_folder}" in result.output


def test_the_runs_of_a_resumed_batch_come_from_any_backend(stopped_folder, uninterrupted):
    result = invoke("run", "--resume", stopped_folder, "--workers", "2", "--no-plots", "-q")
    assert result.exit_code == 0, result.output
    assert_same_results(stopped_folder, uninterrupted)


def test_sigterm_also_leaves_a_resumable_folder(tmp_path):
    out = tmp_path / "results"
    stopped = start_and_stop(out, signal.SIGTERM)
    assert stopped.returncode == 130, stopped.stderr
    assert "wargame run --resume" in stopped.stderr
    assert (out / "INCOMPLETE").is_file()


def test_a_batch_of_one_block_saves_none_and_resumes_to_the_same_bytes(tmp_path, monkeypatch):
    """One block needs no saved copy: stopped just before its summary is written, the
    folder holds no block, and `--resume` plays the block again to the same results."""
    scenario = sim.load_scenario(FULL)
    whole = tmp_path / "whole"
    sim.run(scenario, 1000, seed=SEED, out=whole)

    def stop(self):
        assert not list((self.folder / "blocks").glob("*.npz"))
        raise KeyboardInterrupt

    stopped = tmp_path / "stopped"
    monkeypatch.setattr(FolderSink, "finish", stop)
    with pytest.raises((KeyboardInterrupt, BatchInterrupted)):
        sim.run(scenario, 1000, seed=SEED, out=stopped)
    monkeypatch.undo()
    assert (stopped / "INCOMPLETE").is_file()
    sim.run(scenario, 1000, seed=SEED, out=stopped, resume=True)
    assert_same_results(stopped, whole)
