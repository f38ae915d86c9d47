"""The JSON Schema editors use accepts every scenario the loader accepts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.scenario import catalog
from sim.scenario.schema import json_schema

FIXTURES = Path(__file__).parent / "fixtures"
README = Path(__file__).resolve().parent.parent / "README.md"
SCENARIOS = [e.path for e in catalog.bundled()] + sorted(FIXTURES.glob("*.yaml"))


def readme_tweak() -> str:
    """The README's example of a file that extends a bundled scenario."""
    text = README.read_text(encoding="utf-8")
    found = re.search(r"```yaml\n(# my-straits.yaml\n.*?)```", text, re.S)
    assert found, "the README no longer shows my-straits.yaml"
    return found.group(1)


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


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_file_as_written_validates_against_the_json_schema(validator, path):
    """What an editor sees: the file itself, `extends` unresolved (the bundled ones extend)."""
    errors = list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
    assert not errors, "\n".join(e.message for e in errors[:5])


def test_the_readme_tweak_file_validates_against_the_json_schema(validator):
    tweak = yaml.safe_load(readme_tweak())
    assert "extends" in tweak and "horizon" not in tweak
    errors = list(validator.iter_errors(tweak))
    assert not errors, "\n".join(e.message for e in errors[:5])


def test_a_whole_scenario_still_needs_its_required_keys(validator):
    """Without `extends` the schema asks for everything the loader asks for."""
    tweak = yaml.safe_load(readme_tweak())
    del tweak["extends"]
    messages = [e.message for e in validator.iter_errors(tweak)]
    for key in ("horizon", "ladder", "actors", "outcomes"):
        assert any(f"'{key}' is a required property" in m for m in messages), messages
    one_rung = {**sim.load_scenario(FIXTURES / "one-rule.yaml").data}
    one_rung["ladder"] = one_rung["ladder"][:1]
    assert any("ladder" in str(list(e.path)) for e in validator.iter_errors(one_rung))


def test_the_exported_schema_is_what_wargame_schema_prints(validator):
    printed = CliRunner().invoke(main, ["schema"])
    assert printed.exit_code == 0
    assert json.loads(printed.stdout) == json_schema()
