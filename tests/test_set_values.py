"""`--set` through the command line: values a parameter cannot take are refused at load,
before any folder is made; a bool is spelled the same way everywhere; an unknown name
lists the valid ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.errors import ScenarioError

FIXTURES = Path(__file__).parent / "fixtures"
FULL = str(FIXTURES / "full-language.yaml")
ONE_RULE = FIXTURES / "one-rule.yaml"


def invoke(*args: object):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def run(tmp_path: Path, scenario: str, *assignments: str):
    out = tmp_path / "results"
    sets = [word for a in assignments for word in ("--set", a)]
    result = invoke("run", scenario, "--runs", 50, "--out", out, "--no-plots", "-q", *sets)
    return result, out


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        (
            "hawkishness=1.5",
            "hawkishness=1.5: must be between 0 and 1 (a beta parameter is a share",
        ),
        ("hawkishness=-0.1", "must be between 0 and 1"),
        ("restraint=1.2", "must be between 0 and 1 (drawn from 0.3 to 0.9, it is a share"),
        ("readiness=2", "must be between 0 and 1"),
        ("restraint=nan", "restraint=nan: expected a number"),
        ("restraint=inf", "restraint=inf: expected a number"),
        ("restraint=high", "restraint=high: expected a number"),
        ("posture=medium", "posture=medium: expected one of its values: low, high"),
        ("batteries=2.5", "batteries=2.5: expected a whole number"),
        ("fog=maybe", "fog=maybe: expected true or false"),
    ],
)
def test_a_value_the_parameter_cannot_take_is_refused_before_any_folder(
    tmp_path, assignment, message
):
    result, out = run(tmp_path, FULL, assignment)
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_a_value_inside_a_judged_range_s_surroundings_is_accepted(tmp_path):
    """A uniform's low and high are a judged range, not a limit: 0.1 is a fine what-if."""
    result, out = run(tmp_path, FULL, "restraint=0.1", "batteries=7")
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overrides"] == {"restraint": 0.1, "batteries": 7}


@pytest.mark.parametrize(
    ("spelling", "value"),
    [(w, True) for w in ("true", "TRUE", "tRuE", "yes", "Yes", "on", "ON", "1")]
    + [(w, False) for w in ("false", "False", "no", "NO", "off", "Off", "0")],
)
def test_a_bool_takes_every_spelling_in_every_command(tmp_path, spelling, value):
    result, out = run(tmp_path, FULL, f"fog={spelling}")
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overrides"] == {"fog": value}
    assert f"--set fog={spelling}" in summary["command"]
    traced = invoke("trace", FULL, "--set", f"fog={spelling}")
    assert traced.exit_code == 0, traced.output
    assert f"fog = {str(value).lower()}" in traced.output


def test_the_python_api_takes_the_same_spellings():
    assert sim.load_scenario(FULL, {"fog": "yes"}).overrides == {"fog": True}
    assert sim.load_scenario(FULL, {"fog": 0}).overrides == {"fog": False}
    with pytest.raises(ScenarioError, match="must be between 0 and 1"):
        sim.load_scenario(FULL, {"hawkishness": 1.5})


def test_an_unknown_parameter_lists_the_valid_ones(tmp_path):
    result, out = run(tmp_path, FULL, "hawkishnes=0.5")
    assert result.exit_code == 2
    assert "the scenario has no parameter 'hawkishnes'" in result.output
    assert "did you mean 'hawkishness'?" in result.output
    valid = "parameters: batteries, fog, hawkishness, posture, readiness, restraint"
    assert valid in result.output
    result, _ = run(tmp_path, FULL, "zzz=1")
    assert "did you mean" not in result.output and valid in result.output
    assert not out.exists()


def bounded(tmp_path: Path, parameter: str) -> str:
    """The one-rule fixture with its chance `p` declared as `parameter`."""
    text = ONE_RULE.read_text().replace("  p: 0.1\n", f"  p: {parameter}\n")
    assert parameter in text
    path = tmp_path / "bounded.yaml"
    path.write_text(text)
    return str(path)


def test_a_fixed_parameter_may_declare_min_and_max(tmp_path):
    scenario = bounded(tmp_path, "{value: 0.1, min: 0, max: 0.5}")
    result, out = run(tmp_path, scenario, "p=0.7")
    assert result.exit_code == 2
    assert "--set p=0.7: must be between 0 and 0.5 (the scenario's min and max)" in result.output
    assert not out.exists()
    result, out = run(tmp_path, scenario, "p=0.4")
    assert result.exit_code == 0, result.output
    saved = (out / "scenario.yaml").read_text()
    assert "min: 0" in saved and "max: 0.5" in saved  # the bounds stay with the value


@pytest.mark.parametrize(
    ("parameter", "message"),
    [
        ("{value: 0.9, min: 0, max: 0.5}", "value 0.9 is outside min 0.0 and max 0.5"),
        ("{value: 0.1, min: 1, max: 0}", "min (1.0) is greater than max (0.0)"),
        ("{value: true, min: 0}", "`min` and `max` only apply to a number"),
    ],
)
def test_min_and_max_are_checked_at_load(tmp_path, parameter, message):
    result = invoke("validate", bounded(tmp_path, parameter))
    assert result.exit_code != 0
    assert message in result.output
