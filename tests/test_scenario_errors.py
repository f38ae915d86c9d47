"""Every kind of bad input gets a one-screen message naming where and what, exit status 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = (FIXTURES / "full-language.yaml").read_text()


def invoke(*args: str):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def fails(*args: str) -> str:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert len(result.output.splitlines()) <= 40  # one screen
    return result.output


def broken(write_scenario, old: str, new: str) -> Path:
    assert old in GOOD, old
    return write_scenario(GOOD.replace(old, new, 1))


def test_yaml_syntax_error_names_file_and_line(write_scenario):
    path = broken(write_scenario, "  red:\n    name: Red", "  red:\n    name: Red\n   bad: [")
    out = fails("validate", path)
    assert f"{path}:" in out
    assert "YAML syntax error" in out


def test_every_schema_error_is_reported_not_just_the_first(write_scenario):
    path = broken(write_scenario, "horizon: 12", "horizon: twelve")
    path.write_text(
        path.read_text()
        .replace("    chance: 0.3\n    once: true", "    chnce: 0.3\n    once: true")
        .replace("title: Every construct once\n", "")
    )
    out = fails("validate", path)
    assert "3 problems" in out
    assert "horizon" in out and "'twelve'" in out
    assert "unknown key 'chnce'" in out and "did you mean 'chance'?" in out
    assert "missing required key 'title'" in out
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "chnce" in text)
    assert f"{path}:{line}:" in out


def test_unknown_name_in_an_expression_points_at_line_and_column(write_scenario):
    path = broken(write_scenario, "when: red.alert >= 2", "when: red.alrt >= 2")
    out = fails("validate", path)
    line, text = next(
        (i, t) for i, t in enumerate(path.read_text().splitlines(), 1) if "red.alrt" in t
    )
    column = text.index("red.alrt") + 1
    assert f"{path}:{line}:{column}: rules[red-crosses].when: unknown name 'red.alrt'" in out
    assert "did you mean 'alert'?" in out


def test_unknown_enum_value_suggests_the_closest(write_scenario):
    out = fails(
        "validate",
        broken(write_scenario, "border == 'quiet'\n    chance", "border == 'quite'\n    chance"),
    )
    assert "unknown border value 'quite'" in out
    assert "did you mean 'quiet'?" in out


def test_unknown_ladder_level_in_an_effect(write_scenario):
    out = fails("validate", broken(write_scenario, "level: clash,", "level: clsh,"))
    assert "unknown ladder level 'clsh'" in out and "did you mean 'clash'?" in out


def test_type_mismatch(write_scenario):
    out = fails(
        "validate", broken(write_scenario, "chance: 0.3\n    once", "chance: border\n    once")
    )
    assert "expected a number, got a border.. value".replace("border..", "border") in out


def test_condition_that_is_not_true_false(write_scenario):
    out = fails("validate", broken(write_scenario, "when: red.alert >= 2", "when: red.alert + 2"))
    assert "expected true/false, got a whole number" in out


def test_forbidden_syntax_in_an_expression(write_scenario):
    out = fails(
        "validate",
        broken(
            write_scenario, "chance: 0.3\n    once", "chance: __import__('os').getpid()\n    once"
        ),
    )
    assert "unknown function" in out or "not part of the expression language" in out


def test_unknown_scenario_name_suggests_a_bundled_one():
    out = fails("run", "turkish-strait", "--no-plots")
    assert "no scenario file or bundled scenario named 'turkish-strait'" in out


def test_unsafe_yaml_tag_is_refused(write_scenario, tmp_path):
    marker = tmp_path / "pwned"
    path = write_scenario(
        GOOD.replace(
            "title: Every construct once",
            f"title: !!python/object/apply:os.system ['touch {marker}']",
        )
    )
    out = fails("validate", path)
    assert "YAML tag" in out and "not allowed" in out
    assert not marker.exists()


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("restrain=0.5", "no parameter 'restrain'"),
        ("batteries=many", "expected a whole number"),
        ("fog", "expected name=value"),
        ("posture=medium", "expected one of its values"),
    ],
)
def test_invalid_set(assignment, message):
    out = fails("validate", FIXTURES / "full-language.yaml", "--set", assignment)
    assert message in out


def test_set_suggests_the_closest_parameter():
    out = fails("validate", FIXTURES / "full-language.yaml", "--set", "restrain=0.5")
    assert "did you mean 'restraint'?" in out


def test_probability_outside_zero_one_at_run_time(write_scenario, tmp_path):
    path = broken(write_scenario, "chance: 0.3\n    once", "chance: 0.3 + red.alert\n    once")
    out = fails("run", path, "--runs", "100", "--out", tmp_path / "r", "--no-plots")
    assert "rule 'red-crosses'" in out and "in run " in out and "between 0 and 1" in out


def test_duplicate_keys_are_reported(write_scenario):
    out = fails("validate", broken(write_scenario, "horizon: 12", "horizon: 12\nhorizon: 13"))
    assert "key 'horizon' appears twice" in out


def test_yes_as_a_key_is_explained(write_scenario):
    out = fails("validate", broken(write_scenario, "support: ", "yes: "))
    assert "read by YAML as true/false" in out and "support" in out


def test_results_are_never_overwritten(tmp_path):
    out = tmp_path / "r"
    invoke("run", FIXTURES / "one-rule.yaml", "--runs", "100", "--out", out, "--no-plots")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    message = fails("run", FIXTURES / "one-rule.yaml", "--runs", "200", "--out", out, "--no-plots")
    assert "never overwritten" in message
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_empty_and_non_mapping_files(write_scenario):
    assert "empty" in fails("validate", write_scenario("", name="empty.yaml"))
    assert "mapping" in fails("validate", write_scenario("- a\n- b\n", name="list.yaml"))


def test_extends_cycle(write_scenario):
    write_scenario("extends: b.yaml\n", name="a.yaml")
    path = write_scenario("extends: a.yaml\n", name="b.yaml")
    assert "goes round in a circle" in fails("validate", path)


def test_an_error_in_a_base_file_points_into_the_base(write_scenario):
    base = write_scenario(
        GOOD.replace("when: red.alert >= 2", "when: red.alrt >= 2"), name="base.yaml"
    )
    child = write_scenario("extends: base.yaml\nid: child\n", name="child.yaml")
    out = fails("validate", child)
    assert f"{base}:" in out and "red.alrt" in out
