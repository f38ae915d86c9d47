"""A resume uses only what belongs to the batch: every kind of tampering is refused with a
message naming the file and what is wrong, and nothing is mixed in or lost."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import sim
from sim.batch.blocks import simulate_block
from sim.batch.folder import open_folder
from sim.cli import main
from sim.engine.streams import BLOCK_SIZE
from sim.text import command_line

FIXTURES = Path(__file__).parent / "fixtures"
ONE_RULE = str(FIXTURES / "one-rule.yaml")
TWO_STEP = str(FIXTURES / "two-step.yaml")
RUNS = 3 * BLOCK_SIZE + 10  # blocks 0, 1, 2 full and block 3 of 10 runs
SEED = 6


def invoke(*args: object):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def started(out: Path, source: str = ONE_RULE, seed: int = SEED, blocks=(0, 1)) -> Path:
    """An unfinished batch in `out` with the given blocks saved."""
    scenario = sim.load_scenario(source)
    command = command_line("wargame", "run", source, "--runs", RUNS, "--seed", seed, "--no-plots")
    sink = open_folder(out, scenario, seed, RUNS, command)
    for block in blocks:
        sink.add(simulate_block(scenario, seed, block, BLOCK_SIZE))
    sink.close()
    return out


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("whole") / "results"
    result = invoke("run", ONE_RULE, "--runs", RUNS, "--seed", SEED, "--out", out, "--no-plots")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def other_batches(tmp_path_factory) -> dict[str, Path]:
    """Block 1 of a batch of the same scenario with another seed, and of another scenario."""
    base = tmp_path_factory.mktemp("others")
    return {
        "seed": started(base / "seed", seed=7, blocks=(1,)) / "blocks" / "block-000001.npz",
        "scenario": started(base / "other", source=TWO_STEP, blocks=(1,))
        / "blocks"
        / "block-000001.npz",
    }


@pytest.fixture
def folder(tmp_path) -> Path:
    return started(tmp_path / "results")


def refused(folder: Path, *messages: str) -> None:
    """`--resume folder` fails cleanly with each message, and leaves the folder as it was."""
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    result = invoke("run", "--resume", folder, "--no-plots", "-q")
    assert result.exit_code == 2, result.output
    for message in messages:
        assert message in result.output, result.output
    assert "hint:" in result.output
    after = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after == before
    assert not (folder / "summary.json").exists()


def rewrite_block(path: Path, **changes: object) -> None:
    with np.load(path) as saved:
        arrays = {name: saved[name] for name in saved.files}
    arrays.update(changes)
    for name in [n for n, v in changes.items() if v is None]:
        del arrays[name]
    with path.open("wb") as handle:
        np.savez(handle, **arrays)


def edit_record(folder: Path, **changes: object) -> None:
    record = json.loads((folder / "INCOMPLETE").read_text())
    record.update(changes)
    for name in [n for n, v in changes.items() if v is None]:
        del record[name]
    (folder / "INCOMPLETE").write_text(json.dumps(record))


def test_an_untouched_folder_resumes_to_the_same_results(folder, uninterrupted):
    result = invoke("run", "--resume", folder, "--no-plots", "-q")
    assert result.exit_code == 0, result.output
    for name in ("runs.parquet", "summary.json"):
        assert (folder / name).read_bytes() == (uninterrupted / name).read_bytes()


@pytest.mark.parametrize(
    "changes", [{"seed": 7}, {"runs": RUNS + 1}, {"command": "wargame run other.yaml"}]
)
def test_an_edited_incomplete_is_refused(folder, changes):
    edit_record(folder, **changes)
    refused(folder, "INCOMPLETE was edited after the batch started")


def test_an_incomplete_resealed_by_hand_still_cannot_mix_blocks(folder):
    """Even a record edited and given a matching digest cannot adopt the saved blocks."""
    from sim.batch.identity import RECORD_FIELDS, digest

    record = json.loads((folder / "INCOMPLETE").read_text())
    record["seed"] = 7
    record["identity"] = digest({name: record[name] for name in RECORD_FIELDS})
    (folder / "INCOMPLETE").write_text(json.dumps(record))
    refused(folder, "block-000000.npz cannot be used", "made by a batch with seed 6, not 7")


def test_an_edited_scenario_yaml_is_refused(folder):
    path = folder / "scenario.yaml"
    path.write_text(path.read_text().replace("horizon: 10", "horizon: 11"))
    assert "horizon: 11" in path.read_text()
    refused(folder, "scenario.yaml was edited or damaged after the batch started")


@pytest.mark.parametrize(
    ("other", "message"),
    [
        ("seed", "it was made by a batch with seed 7, not 6"),
        ("scenario", "it was made by a batch of another scenario"),
    ],
)
def test_a_block_of_another_batch_is_refused(folder, other_batches, other, message):
    (folder / "blocks" / "block-000001.npz").write_bytes(other_batches[other].read_bytes())
    refused(folder, "block-000001.npz cannot be used to resume the batch", message)


def test_a_block_under_another_name_is_refused(folder):
    blocks = folder / "blocks"
    (blocks / "block-000002.npz").write_bytes((blocks / "block-000001.npz").read_bytes())
    refused(folder, "block-000002.npz cannot be used", "it holds block 1, not block 2")


@pytest.mark.parametrize("damage", ["truncated", "garbled", "empty"])
def test_a_damaged_block_is_refused(folder, damage):
    path = folder / "blocks" / "block-000001.npz"
    whole = path.read_bytes()
    damaged = {
        "truncated": whole[: len(whole) // 2],
        "garbled": bytes(b ^ 0x5A for b in whole),
        "empty": b"",
    }[damage]
    path.write_bytes(damaged)
    refused(folder, "block-000001.npz cannot be used", "it is damaged and cannot be read", "rm ")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"outcome": np.zeros(5, np.int16)}, f"outcome has shape (5,), not ({BLOCK_SIZE},)"),
        ({"end_turn": np.zeros(BLOCK_SIZE, np.float64)}, "end_turn holds float64"),
        ({"outcome": np.full(BLOCK_SIZE, 99, np.int16)}, "outcome holds values outside 0 to"),
        ({"peak_level": np.full(BLOCK_SIZE, -1, np.int16)}, "peak_level holds values outside"),
        ({"fired": np.zeros((7, 3), np.int16)}, "fired has shape (7, 3)"),
        ({"level_counts": None}, "it lacks the array 'level_counts'"),
        ({"seed": None}, "it carries no batch identity"),
    ],
)
def test_a_block_with_inconsistent_arrays_is_refused(folder, changes, message):
    rewrite_block(folder / "blocks" / "block-000001.npz", **changes)
    refused(folder, "block-000001.npz cannot be used", message)


def test_level_counts_that_do_not_add_up_are_refused(folder):
    path = folder / "blocks" / "block-000001.npz"
    with np.load(path) as saved:
        counts = saved["level_counts"].copy()
    counts[0, 0] -= 1
    rewrite_block(path, level_counts=counts)
    refused(folder, "level_counts do not add up to the block's 32768 runs")


def test_a_file_no_batch_writes_in_blocks_is_refused(folder):
    (folder / "blocks" / "notes.txt").write_text("mine")
    refused(folder, "notes.txt is not a block of this batch")


def test_a_block_beyond_the_batch_is_refused(folder):
    blocks = folder / "blocks"
    (blocks / "block-000009.npz").write_bytes((blocks / "block-000001.npz").read_bytes())
    refused(folder, "block-000009.npz is not a block of this batch of 98,314 runs")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\xff\xfe binary \x89PNG", "INCOMPLETE is damaged (not a record of a batch)"),
        (b"[1, 2, 3]", "INCOMPLETE is damaged (not a record of a batch)"),
        (b'{"seed": 6}', "it lacks scenario, scenario_digest, runs"),
        (None, "INCOMPLETE is damaged: seed is 'six', not a whole number"),
        (b"", "INCOMPLETE is damaged"),
    ],
)
def test_a_damaged_incomplete_is_refused(folder, content, message):
    if content is None:
        edit_record(folder, seed="six")
    else:
        (folder / "INCOMPLETE").write_bytes(content)
    refused(folder, message)


def test_a_folder_stopped_before_its_scenario_resumes(tmp_path, uninterrupted):
    """Killed right after INCOMPLETE: the record holds the scenario, so it resumes."""
    folder = started(tmp_path / "results", blocks=())
    (folder / "scenario.yaml").unlink()
    (folder / "blocks").rmdir()
    assert [p.name for p in folder.iterdir()] == ["INCOMPLETE"]
    result = invoke("run", "--resume", folder, "--no-plots", "-q")
    assert result.exit_code == 0, result.output
    for name in ("runs.parquet", "summary.json", "scenario.yaml"):
        assert (folder / name).read_bytes() == (uninterrupted / name).read_bytes()


@pytest.mark.parametrize("marker", [None, b"\x00\x01 damaged"])
def test_a_folder_that_saved_no_block_can_be_started_over(tmp_path, uninterrupted, marker):
    folder = started(tmp_path / "results", source=TWO_STEP, blocks=())
    if marker is not None:
        (folder / "INCOMPLETE").write_bytes(marker)
        refused(folder, "INCOMPLETE is damaged", "start the batch again in it with")
    args = ["run", ONE_RULE, "--runs", RUNS, "--seed", SEED, "--out", folder, "--no-plots"]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert "held a batch stopped before its first block; a new batch starts over" in result.output
    for name in ("runs.parquet", "summary.json", "scenario.yaml"):
        assert (folder / name).read_bytes() == (uninterrupted / name).read_bytes()


def test_a_folder_with_a_saved_block_is_never_started_over(folder):
    result = invoke("run", ONE_RULE, "--out", folder, "--no-plots", "-q")
    assert result.exit_code == 2
    assert "results are never overwritten" in result.output
    assert f"wargame run --resume {folder}" in result.output
