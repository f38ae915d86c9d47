"""Reuse (`extends`) and command-line overrides (`--set`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

import sim
from sim.batch.folder import dump_scenario

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_child_overrides_by_id_appends_and_removes(write_scenario):
    write_scenario((FIXTURES / "full-language.yaml").read_text(), name="base.yaml")
    child = write_scenario(
        """
        extends: base.yaml
        id: child
        title: A stricter variant
        parameters:
          batteries: 4
        rules:
          - id: red-crosses          # same id: only its chance changes
            chance: 0.9
          - id: alliance-backs-blue  # dropped
            remove: true
          - id: green-protests       # new
            actor: green
            when: shots_fired
            narration: Green protests loudly.
        outcomes:
          - {id: clash, when: "level >= 'clash'", severity: 2}
        """,
        name="child.yaml",
    )
    scenario = sim.load_scenario(child)
    rules = {r.id: r for r in scenario.rules}
    assert scenario.id == "child"
    assert list(rules) == ["red-alerts", "red-crosses", "blue-responds", "green-protests"]
    assert rules["red-crosses"].chance.value() == 0.9
    assert rules["red-crosses"].once  # kept from the base
    assert scenario.parameters[-1].value == 4
    clash = next(o for o in scenario.outcomes if o.id == "clash")
    assert not clash.every_turn  # `check: at-horizon` kept from the base
    assert "extends" not in scenario.data


def test_extends_a_bundled_scenario_by_name(write_scenario):
    from sim.scenario import catalog

    names = [e.name for e in catalog.bundled()]
    if not names:
        return
    path = write_scenario(f"extends: {names[0]}\nid: variant\ntitle: Variant\n")
    assert sim.load_scenario(path).id == "variant"


def test_set_fixes_a_sampled_parameter_and_is_recorded():
    scenario = sim.load_scenario(FIXTURES / "full-language.yaml", overrides={"restraint": 0.5})
    results = sim.run(scenario, 1000, seed=1)
    assert "param.restraint" not in results.runs
    assert results.summary["overrides"] == {"restraint": 0.5}
    assert "--set restraint=0.5" in results.summary["command"]


def test_set_changes_the_outcome_as_the_rule_says():
    low = sim.run(
        sim.load_scenario(FIXTURES / "one-rule.yaml", overrides={"p": 0.01}), 5000, seed=1
    )
    high = sim.run(
        sim.load_scenario(FIXTURES / "one-rule.yaml", overrides={"p": 0.5}), 5000, seed=1
    )
    assert low.probability("crisis") < 0.2 < 0.9 < high.probability("crisis")


def test_the_scenario_as_run_reproduces_the_batch(tmp_path, write_scenario):
    scenario = sim.load_scenario(FIXTURES / "full-language.yaml", overrides={"fog": True})
    first = sim.run(scenario, 3000, seed=4, out=tmp_path / "a")
    saved = (tmp_path / "a" / "scenario.yaml").read_text()
    assert yaml.safe_load(saved) == scenario.data
    again = sim.run(sim.load_scenario(write_scenario(saved, name="as-run.yaml")), 3000, seed=4)
    pd.testing.assert_frame_equal(first.runs, again.runs)


def test_dump_round_trips():
    data = sim.load_scenario(FIXTURES / "full-language.yaml").data
    assert yaml.safe_load(dump_scenario(data)) == data
