"""A compiled scenario is a value: frozen, and rebound to other parameter values by
`with_overrides` exactly as `--set` would load it."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.errors import ScenarioError
from sim.language.load import compile_data

FIXTURES = Path(__file__).parent / "fixtures"
FULL = FIXTURES / "full-language.yaml"
OVERRIDES = {"restraint": 0.5, "posture": "high", "fog": True, "batteries": 3}


def test_a_compiled_scenario_cannot_be_changed():
    scenario = sim.load_scenario(FULL)
    with pytest.raises(dataclasses.FrozenInstanceError):
        scenario.overrides = {"fog": True}


def test_with_overrides_runs_as_loading_with_them():
    rebound = sim.load_scenario(FULL).with_overrides(OVERRIDES)
    loaded = sim.load_scenario(FULL, overrides=OVERRIDES)
    assert rebound.data == loaded.data
    assert rebound.overrides == loaded.overrides == OVERRIDES
    pd.testing.assert_frame_equal(
        sim.run(rebound, 2000, seed=3).runs, sim.run(loaded, 2000, seed=3).runs
    )


def test_with_overrides_merges_with_earlier_ones():
    first = sim.load_scenario(FULL, overrides={"fog": True, "restraint": 0.2})
    rebound = first.with_overrides({"restraint": 0.5})
    loaded = sim.load_scenario(FULL, overrides={"fog": True, "restraint": 0.5})
    assert rebound.overrides == {"fog": True, "restraint": 0.5}
    assert rebound.data == loaded.data
    pd.testing.assert_frame_equal(
        sim.run(rebound, 1000, seed=5).runs, sim.run(loaded, 1000, seed=5).runs
    )


def test_with_overrides_leaves_the_original_alone():
    scenario = sim.load_scenario(FULL)
    data = copy.deepcopy(scenario.data)
    scenario.with_overrides({"fog": True})
    assert scenario.data == data
    assert scenario.overrides == {}


@pytest.mark.parametrize(
    "overrides",
    [{"fgo": True}, {"fog": 0.5}, {"posture": "medium"}, {"batteries": 2.5}],
)
def test_a_bad_override_says_what_set_says(overrides):
    with pytest.raises(ScenarioError) as loaded:
        sim.load_scenario(FULL, overrides=overrides)
    with pytest.raises(ScenarioError) as rebound:
        sim.load_scenario(FULL).with_overrides(overrides)
    assert rebound.value.format() == loaded.value.format()


def test_compile_data_applies_its_overrides():
    plain = sim.load_scenario(FULL).data
    compiled = compile_data(plain, {"fog": True})
    loaded = sim.load_scenario(FULL, overrides={"fog": True})
    assert compiled.data == loaded.data
    assert compiled.overrides == {"fog": True}
    assert "fog" not in {p.name for p in compiled.sampled_parameters}


def test_compile_data_is_idempotent_on_data_that_has_its_overrides():
    loaded = sim.load_scenario(FULL, overrides=OVERRIDES)
    again = compile_data(loaded.data, OVERRIDES)
    assert again.data == loaded.data
    pd.testing.assert_frame_equal(
        sim.run(again, 1000, seed=2).runs, sim.run(loaded, 1000, seed=2).runs
    )
