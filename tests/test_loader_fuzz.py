"""Any mutation of a valid scenario loads cleanly or fails with a ScenarioError, never a crash."""

from __future__ import annotations

import contextlib
import copy
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.errors import ScenarioError
from sim.language import load as loader

FIXTURES = Path(__file__).parent / "fixtures"
BASE = yaml.safe_load((FIXTURES / "full-language.yaml").read_text())

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["level", "'war'", "red.alert + 1", "true", "[]", "not", "x.y.z", "1/0"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=3),
)


def paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths(value, (*prefix, index))


ALL_PATHS = [p for p in paths(BASE) if p]


def mutate(data, path, action, junk):
    data = copy.deepcopy(data)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "replace":
        parent[last] = junk
    elif isinstance(parent, dict):
        parent[f"{last}x" if isinstance(last, str) else "extra"] = junk
    return data


def load_text(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        scenario = sim.load_scenario(path)
    except ScenarioError as error:
        assert error.format().strip()
        return
    sim.run(scenario, 64, seed=0) if scenario.horizon <= 50 else None


@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(ALL_PATHS),
    action=st.sampled_from(["delete", "replace", "add"]),
    junk=JUNK,
)
def test_mutated_scenarios_load_or_fail_cleanly(tmp_path_factory, path, action, junk):
    data = mutate(BASE, path, action, junk)
    with contextlib.suppress(ScenarioError):
        loader.compile_data(data)
    text = yaml.safe_dump(data, sort_keys=False)
    # a scenario that loads may still compute a chance outside [0, 1] when run
    with contextlib.suppress(sim.SimulationError):
        load_text(tmp_path_factory, text)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=200))
def test_arbitrary_text_loads_or_fails_cleanly(tmp_path_factory, text):
    load_text(tmp_path_factory, text)


def test_alias_bomb_is_refused(tmp_path_factory):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]\n"
    load_text(tmp_path_factory, bomb)
