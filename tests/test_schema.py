"""The JSON Schema editors use accepts every scenario the loader accepts."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

import sim
from sim.scenario import catalog
from sim.scenario.schema import json_schema

FIXTURES = Path(__file__).parent / "fixtures"
SCENARIOS = [e.path for e in catalog.bundled()] + sorted(FIXTURES.glob("*.yaml"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_there_are_bundled_scenarios():
    assert catalog.bundled(), "no bundled scenarios found"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_scenario_validates_against_the_json_schema(validator, path):
    scenario = sim.load_scenario(path)  # merged (extends resolved), as run
    errors = sorted(validator.iter_errors(scenario.data), key=str)
    assert not errors, "\n".join(e.message for e in errors[:5])


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_scenario_file_loads(path):
    raw = yaml.safe_load(path.read_text())
    assert isinstance(raw, dict)
    sim.load_scenario(path)


def test_the_json_schema_rejects_what_the_loader_rejects(validator):
    data = sim.load_scenario(FIXTURES / "one-rule.yaml").data
    bad = {**data, "horizon": "ten", "chnce": 1}
    messages = [e.message for e in validator.iter_errors(bad)]
    assert any("'ten'" in m for m in messages)
    assert any("chnce" in m for m in messages)
