"""The determinism contract: run i depends only on (scenario, seed, i)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.batch.runner import simulate_block
from sim.engine import EscalationModel
from sim.engine.streams import BLOCK_SIZE, Stream, stream_key

FIXTURES = Path(__file__).parent / "fixtures"

FULL = FIXTURES / "full-language.yaml"
THREE_BLOCKS = 2 * BLOCK_SIZE + 300


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def scenario() -> sim.CompiledScenario:
    return sim.load_scenario(FULL)


@pytest.fixture(scope="module")
def serial_folder(tmp_path_factory, scenario) -> Path:
    out = tmp_path_factory.mktemp("serial") / "results"
    sim.run(scenario, THREE_BLOCKS, seed=11, out=out)
    return out


@pytest.mark.parametrize(
    ("backend", "workers"), [("processes", 2), ("processes", 1), ("serial", 2)]
)
def test_backends_and_worker_counts_give_identical_bytes(
    tmp_path, scenario, serial_folder, backend, workers
):
    out = tmp_path / "results"
    sim.run(scenario, THREE_BLOCKS, seed=11, out=out, backend=backend, workers=workers)
    assert digest(out / "runs.parquet") == digest(serial_folder / "runs.parquet")
    assert (out / "summary.json").read_text() == (serial_folder / "summary.json").read_text()


def test_same_seed_twice_gives_identical_bytes(tmp_path, scenario, serial_folder):
    out = tmp_path / "again"
    sim.run(scenario, THREE_BLOCKS, seed=11, out=out)
    assert digest(out / "runs.parquet") == digest(serial_folder / "runs.parquet")


def test_another_seed_gives_other_runs(scenario):
    a = sim.run(scenario, 2000, seed=1).runs
    b = sim.run(scenario, 2000, seed=2).runs
    assert not a["param.restraint"].equals(b["param.restraint"])


@pytest.mark.parametrize(
    ("small", "large"), [(1000, 5000), (BLOCK_SIZE + 500, 2 * BLOCK_SIZE + 77)]
)
def test_run_i_does_not_depend_on_how_many_runs_were_asked_for(scenario, small, large):
    few = sim.run(scenario, small, seed=5).runs
    many = sim.run(scenario, large, seed=5).runs.iloc[:small]
    pd.testing.assert_frame_equal(few, many.reset_index(drop=True))


def test_in_memory_and_on_disk_results_agree(tmp_path, scenario):
    memory = sim.run(scenario, 3000, seed=3)
    disk = sim.run(scenario, 3000, seed=3, out=tmp_path / "r")
    pd.testing.assert_frame_equal(memory.runs, disk.runs)
    assert memory.summary == disk.summary


@settings(max_examples=15, deadline=None)
@given(lane=st.integers(0, BLOCK_SIZE - 1), block=st.integers(0, 3))
def test_a_lane_alone_replays_the_same_run_as_in_its_block(lane, block):
    """The single-run path (trace, play) is the batch path restricted to one lane."""
    scenario = _cached_scenario()
    whole = _cached_block(block)
    alone = EscalationModel(scenario, 9, block, lanes=np.array([lane]))
    alone.run()
    assert alone.outcome[0] == whole.outcome[lane]
    assert alone.end_turn[0] == whole.end_turn[lane]
    assert alone.peak[0] == whole.peak_level[lane]
    np.testing.assert_array_equal(alone.fired[:, 0], whole.fired[:, lane])


_cache: dict = {}


def _cached_scenario() -> sim.CompiledScenario:
    if "scenario" not in _cache:
        _cache["scenario"] = sim.load_scenario(FULL)
    return _cache["scenario"]


def _cached_block(block: int):
    if block not in _cache:
        _cache[block] = simulate_block(_cached_scenario(), 9, block, BLOCK_SIZE)
    return _cache[block]


def test_skipping_a_row_leaves_later_rows_as_if_drawn():
    drawn = Stream(4, 0, "rule:x", None)
    drawn.row()
    second = drawn.row()
    skipped = Stream(4, 0, "rule:x", None)
    skipped.skip()
    np.testing.assert_array_equal(skipped.row(), second)


@pytest.mark.parametrize("lane", [0, 1, 777, BLOCK_SIZE - 2, BLOCK_SIZE - 1])
def test_one_lane_stream_matches_the_full_row(lane):
    full = Stream(4, 2, "rule:y", None)
    one = Stream(4, 2, "rule:y", np.array([lane]))
    for _ in range(3):
        assert full.row()[lane] == one.row()[0]
        assert full.fine_row()[lane] == one.fine_row()[0]


def test_a_stream_of_some_lanes_matches_the_full_rows_and_stays_in_step():
    """A short last block draws rows only up to its last lane; later rows are unmoved."""
    lanes = np.array([0, 5, 99, 2 * (BLOCK_SIZE // 7) + 1])
    full = Stream(4, 3, "rule:z", None)
    some = Stream(4, 3, "rule:z", lanes)
    for step in range(6):
        if step == 2:
            full.skip()
            some.skip()
        elif step == 4:
            np.testing.assert_array_equal(some.fine_row(), full.fine_row()[lanes])
        else:
            np.testing.assert_array_equal(some.row(), full.row()[lanes])


def test_a_row_of_32_bit_numbers_is_the_same_on_every_machine():
    """Lane 2k is the low half of the generator's k-th 64-bit output, whatever the byte order."""
    words = np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(4, spawn_key=(0, stream_key("rule:x"))))
    ).bit_generator.random_raw(3)
    row = Stream(4, 0, "rule:x", None).row()
    assert row.dtype == np.uint32 and row.shape == (BLOCK_SIZE,)
    expected = [int(w) >> shift & 0xFFFFFFFF for w in words for shift in (0, 32)]
    assert row[:6].tolist() == expected


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(st.just(0.0), st.just(1.0), st.floats(0, 1), st.just(2.0**-32)),
        min_size=1,
        max_size=40,
    )
)
def test_every_way_of_drawing_a_chance_is_number_below_chance_times_two_to_the_32(chances):
    """Scalar chances compare integers, a chance array met twice compares with cached integer
    thresholds, a new one compares floats: all three are exactly n < chance * 2**32."""
    lanes = np.arange(len(chances))
    chance = np.array(chances)
    reference = Stream(1, 0, "rule:test", lanes)
    stream = Stream(1, 0, "rule:test", lanes)
    for _ in range(3):  # first sight, then the cached thresholds
        np.testing.assert_array_equal(stream.below(chance), reference.row() < chance * 2.0**32)
    for value in chances:
        drawn = stream.below(value)
        expected = reference.row() < value * 2.0**32
        if value >= 1 or value <= 0:  # decided without numbers: the row is skipped
            expected = np.full(len(lanes), value >= 1)
        assert drawn.dtype == np.bool_
        np.testing.assert_array_equal(drawn, expected)


def test_a_uniform_is_the_row_over_two_to_the_32():
    """Options read the row as uniforms in [0, 1): number / 2**32, exactly."""
    reference = Stream(2, 0, "rule:test", None)
    uniform = Stream(2, 0, "rule:test", None).uniform()
    np.testing.assert_array_equal(uniform, reference.row() / 2.0**32)
    assert uniform.min() >= 0 and uniform.max() < 1


def test_common_random_numbers_survive_adding_a_rule(write_scenario):
    """Adding a rule leaves every other rule's random numbers, hence its firings, alone."""
    base = FULL.read_text()
    extra = base.replace(
        "rules:\n",
        "rules:\n  - id: green-watches\n    actor: green\n    when: 'false'\n    narration: x\n",
        1,
    )
    original = sim.run(sim.load_scenario(FULL), 4000, seed=8).runs
    tweaked = sim.run(sim.load_scenario(write_scenario(extra)), 4000, seed=8).runs
    assert (tweaked["fired.green-watches"] == 0).all()
    pd.testing.assert_frame_equal(original, tweaked.drop(columns=["fired.green-watches"]))


def test_common_random_numbers_survive_changing_one_rule(write_scenario):
    """Changing one rule's chance keeps the parameter draws and the chance event's numbers."""
    tweaked_text = FULL.read_text().replace(
        "chance: 0.3\n    once: true", "chance: 0.9\n    once: true"
    )
    assert tweaked_text != FULL.read_text()
    original = sim.run(sim.load_scenario(FULL), 4000, seed=8).runs
    tweaked = sim.run(sim.load_scenario(write_scenario(tweaked_text)), 4000, seed=8).runs
    for column in [c for c in original if c.startswith("param.")]:
        pd.testing.assert_series_equal(original[column], tweaked[column])
    assert tweaked["fired.red-crosses"].sum() > original["fired.red-crosses"].sum()


@pytest.mark.parametrize("name", ["turkish-straits", "airspace-straying"])
def test_bundled_scenarios_replay_each_lane_alone_with_a_journal(name):
    """Trace and play simulate one lane with a journal: they must see the batch's own run."""
    scenario = sim.load_scenario(name)
    whole = simulate_block(scenario, 3, 1, BLOCK_SIZE)
    for lane in (0, 1, 977, 4096, BLOCK_SIZE - 1):
        alone = EscalationModel(scenario, 3, 1, lanes=np.array([lane]), journal=[])
        alone.run()
        alone.release()
        assert alone.outcome[0] == whole.outcome[lane]
        assert alone.end_turn[0] == whole.end_turn[lane]
        assert alone.peak[0] == whole.peak_level[lane]
        np.testing.assert_array_equal(alone.fired[:, 0], whole.fired[:, lane])
