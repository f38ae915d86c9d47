"""Scenario text that used to end in a traceback, a hang or a silent mix-up: each is now
a located error at load, a clean run-time error, or text shown as text."""

from __future__ import annotations

import difflib
import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.engine.budget import MEMORY_BUDGET, block_bytes
from sim.errors import MAX_SHOWN_PROBLEMS, ScenarioError, SimulationError
from sim.scenario import yaml_reader
from sim.text import printable

FIXTURES = Path(__file__).parent / "fixtures"
BASE = (FIXTURES / "one-rule.yaml").read_text()


def _scenario(tmp_path: Path, old: str, new: str, base: str = BASE) -> Path:
    assert old in base
    path = tmp_path / "scenario.yaml"
    path.write_text(base.replace(old, new, 1), encoding="utf-8")
    return path


def _problem(path: Path) -> tuple[str, int | None, str]:
    """The first problem's message, line and whole text when `path` fails to load."""
    with pytest.raises(ScenarioError) as caught:
        sim.load_scenario(path)
    first = caught.value.problems[0]
    assert first.file == str(path)
    return first.message, first.line, caught.value.format()


# --- YAML that PyYAML rejects only while building values -------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9" * 5000, "is too long to read"),
        ("!!float ten", "'ten' is not a number (tagged !!float)"),
        ("!!bool maybe", "'maybe' is not true or false"),
        ("!!int x1", "'x1' is not a number (tagged !!int)"),
        ("!!binary aGVsbG8=", "YAML tag !!binary is not allowed"),
        ("!!set {a, b}", "YAML tag !!set is not allowed"),
    ],
)
def test_values_yaml_cannot_build_are_located(tmp_path, value, expected):
    message, line, _ = _problem(_scenario(tmp_path, "p: 0.1", f"p: {value}"))
    assert expected in message
    assert line == 9


def test_a_date_is_kept_as_the_text_written(tmp_path):
    path = _scenario(tmp_path, "p: 0.1", "p: 0.1\n  d: 2020-01-01")
    assert sim.load_scenario(path).data["parameters"]["d"] == "2020-01-01"


# --- Expressions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("(((10**8)**8)**8)**8 > 0", "this power is larger than the largest whole number"),
        ("((((10**8)**8)**8)**8)**8 > 0", "this power is larger than the largest whole number"),
        ("(10**8)**3 > 0", "this power is larger than the largest whole number"),
        ("99999999999999999999 > 0", "a whole number of 20 digits"),
        ("round(1e308 * 10) > 0", "round() of inf does not fit a whole number"),
        ("round(p * 1e308 * 10) > 0", "does not fit a whole number"),
        ("turn % 0 == 1", "division by zero: `%` by a constant 0"),
        ("turn // (2 - 2) == 1", "division by zero: `//` by a constant 0"),
        ("turn / 0.0 > 1", "division by zero: `/` by a constant 0"),
        ("t in [1]", "a whole number cannot be in a list of"),
        ("level in [true]", "true/false cannot be in a list of"),
    ],
)
def test_expressions_that_crashed_or_hung_are_located(tmp_path, when, expected):
    base = BASE.replace("p: 0.1", "p: 0.1\n  t: abc")
    path = _scenario(tmp_path, "when: level == 'calm'", f"when: {when}", base)
    started = time.monotonic()
    message, line, text = _problem(path)
    assert time.monotonic() - started < 5
    assert expected in message
    assert line == 16  # the rule's `when:` line
    assert "rules[red-escalates].when" in text


def test_a_negative_power_is_a_fraction(tmp_path):
    path = _scenario(tmp_path, "chance: p", "chance: 2**-1 * 2**-2")
    results = sim.run(sim.load_scenario(path), 2000, seed=1)
    low, high = results.interval("crisis")
    assert low <= 1 - (1 - 0.125) ** 10 <= high


def test_division_by_zero_over_plain_numbers_follows_the_lanes(tmp_path):
    # `turn - turn` is 0 in every lane and is not a constant; integer division by zero
    # gives 0, as it does over lane arrays, instead of a ZeroDivisionError
    path = _scenario(tmp_path, "when: level == 'calm'", "when: turn % (turn - turn) == 0")
    assert len(sim.run(sim.load_scenario(path), 100, seed=0).runs) == 100


def test_a_quoted_number_in_the_variable_shorthand_is_refused(tmp_path):
    path = _scenario(tmp_path, "actors:", "world:\n  x: '1'\nactors:")
    message, line, _ = _problem(path)
    assert "got '1'" in message
    assert line == 11


@pytest.mark.parametrize("rule_id", ["5", "[a]", "{a: 1}", "true"])
def test_a_rule_id_that_is_not_text_is_located(tmp_path, rule_id):
    message, line, _ = _problem(_scenario(tmp_path, "- id: red-escalates", f"- id: {rule_id}"))
    assert "expected text" in message
    assert line == 13


@pytest.mark.parametrize(
    ("chance", "value"),
    [("p * 1e308 * 100", "inf"), ("p * 1e308 * 100 - p * 1e308 * 100", "nan")],
)
def test_an_overflowing_chance_stops_the_run_naming_rule_run_and_turn(tmp_path, chance, value):
    path = _scenario(tmp_path, "chance: p", f"chance: {chance}")
    with pytest.raises(SimulationError) as caught:
        sim.run(sim.load_scenario(path), 50, seed=0)
    text = caught.value.format()
    assert "rule 'red-escalates'" in text
    assert f"evaluated to {value} in run 0 on turn 1" in text


def test_an_overflowing_weight_stops_the_run(tmp_path):
    options = (
        "options:\n      - {id: a, weight: p * 1e308 * 100, effects: {level: crisis}}\n"
        "      - {id: b, weight: 1}"
    )
    path = _scenario(tmp_path, "effects: {level: crisis}", options)
    path.write_text(path.read_text().replace("chance: p", "chance: 1"))
    with pytest.raises(SimulationError, match="a finite number, 0 or more"):
        sim.run(sim.load_scenario(path), 50, seed=0)


# --- Parameters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parameter", "expected", "column"),
    [
        ("{distribution: beta, a: 1, b: 1e-300}", "greater than or equal to 0.001", 36),
        ("{distribution: beta, a: .nan, b: 1}", "less than or equal to", 30),
        ("{distribution: uniform, low: 0, high: .inf}", "a finite number", 44),
        ("{distribution: truncnormal, mean: 0.5, sd: 0, low: 0, high: 1}", "greater than 0", 49),
        (
            "{distribution: truncnormal, mean: 0.5, sd: 1e-320, low: 0, high: 1}",
            "is too small for the window",
            6,
        ),
        ("{distribution: truncnormal, mean: 0, sd: 1, low: 1, high: 1}", "must be below", 6),
        ("{distribution: choice, values: [1, 2], weights: [.inf, 1]}", "a finite number", 55),
        ("{distribution: choice, values: [1, 2], weights: [1e308, 1e308]}", "add up", 6),
        (".nan", "a finite number", 6),
        ("-.inf", "a finite number", 6),
    ],
)
def test_degenerate_or_non_finite_parameters_are_located(tmp_path, parameter, expected, column):
    path = _scenario(tmp_path, "p: 0.1", f"p: {parameter}")
    with pytest.raises(ScenarioError) as caught:
        sim.load_scenario(path)
    first = caught.value.problems[0]
    assert expected in first.message
    assert (first.line, first.column) == (9, column)
    assert first.path.startswith("parameters.p")


def test_a_binary_parameter_is_refused_not_carried_to_the_summary(tmp_path):
    message, line, _ = _problem(_scenario(tmp_path, "p: 0.1", "p: 0.1\n  q: !!binary aGk="))
    assert "!!binary is not allowed" in message and line == 10


def test_uniform_with_equal_bounds_runs_and_summary_is_strict_json(tmp_path):
    path = _scenario(tmp_path, "p: 0.1", "p: {distribution: uniform, low: 0.1, high: 0.1}")
    out = tmp_path / "out"
    sim.run(sim.load_scenario(path), 200, seed=0, out=out)
    text = (out / "summary.json").read_text()

    def refuse(word: str) -> None:
        raise AssertionError(f"summary.json holds {word}")

    json.loads(text, parse_constant=refuse)


def test_summary_json_writes_a_non_finite_figure_as_null():
    from sim.results.summary_format import strict_json

    assert strict_json({"a": [1.0, float("nan")], "b": float("inf")}) == {
        "a": [1.0, None],
        "b": None,
    }


# --- Cost -------------------------------------------------------------------------------


def test_many_problems_cost_a_suggestion_only_for_those_shown(tmp_path, monkeypatch):
    """Error collection stays linear: the costly part, searching for the closest valid
    name, runs only for the problems shown, however many there are (counted, not timed)."""
    searches = []
    real = difflib.get_close_matches

    def counted(*args: object, **kwargs: object) -> list[str]:
        searches.append(args[0])
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(difflib, "get_close_matches", counted)
    for count in (500, 4000):
        searches.clear()
        path = tmp_path / f"keys{count}.yaml"
        path.write_text(BASE + "".join(f"\nunknown{i}: 1" for i in range(count)))
        with pytest.raises(ScenarioError) as caught:
            sim.load_scenario(path)
        assert len(caught.value.problems) == count
        assert len([p for p in caught.value.problems if p.hint]) <= MAX_SHOWN_PROBLEMS
        assert len(searches) <= MAX_SHOWN_PROBLEMS


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as stream:  # sparse: large by its size, not by its blocks on disk
        stream.truncate(yaml_reader.MAX_FILE_BYTES * 1000)

    def never(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", never)
    message, _, _ = _problem(path)
    assert "larger than 2,000,000 bytes" in message


def test_a_scenario_beyond_the_memory_budget_is_refused_saying_what_to_change(tmp_path):
    rungs = "\n".join(f"  - {{id: r{i}}}" for i in range(5000))
    base = BASE.replace("horizon: 10", "horizon: 10000")
    path = _scenario(tmp_path, "  - {id: crisis}", f"{rungs}\n  - {{id: crisis}}", base)
    scenario = sim.load_scenario(path)
    assert block_bytes(scenario) > MEMORY_BUDGET
    result = CliRunner().invoke(
        main, ["run", str(path), "--runs", "10", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "more than the budget of 1 GiB" in result.output
    assert "10,000 turns x 5,002 levels" in result.output
    assert "shorten the horizon or the ladder" in result.output
    assert not (tmp_path / "o").exists()
    checked = CliRunner().invoke(main, ["validate", str(path)])
    assert checked.exit_code == 2 and "more than the budget of 1 GiB" in checked.output


def test_the_bundled_scenarios_are_well_inside_the_memory_budget():
    for name in ("turkish-straits", "airspace-straying"):
        assert block_bytes(sim.load_scenario(name)) < MEMORY_BUDGET / 4


# --- Text reaches the terminal and the charts as text ------------------------------------


def test_printable_neutralises_control_and_format_characters():
    assert printable("a\x1b[2Jb\x07\u202ec") == "a\\x1b[2Jb\\x07\\u202ec"
    assert printable("line\n\ttab, é 中") == "line\n\ttab, é 中"


def test_escape_sequences_and_dollars_in_labels_are_shown_as_text(tmp_path):
    base = BASE.replace("title: One rule, solvable by hand", 'title: "Red \\e[31malert\\e[0m"')
    base = base.replace("{id: crisis, when", "{id: crisis, label: '$x^$ \\u202e', when")
    path = _scenario(tmp_path, "narration: Red escalates.", 'narration: "Red\\e[2J goes"', base)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(path), "--runs", "200", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert "Red \\x1b[31malert\\x1b[0m" in result.output
    assert list(out.glob("*.png")) or list(out.glob("**/*.svg")) or list(out.glob("**/*.png"))
    trace = CliRunner().invoke(main, ["trace", str(path), "--run", "0"])
    assert trace.exit_code == 0, trace.output
    assert "\x1b" not in trace.output


@pytest.mark.parametrize("value", [b"abc", {"value": bytearray(b"abc")}, [b"x"]])
def test_binary_data_given_through_the_api_is_refused(value):
    import yaml

    from sim.language.load import compile_data

    data = yaml.safe_load(BASE)
    data["parameters"]["q"] = value
    with pytest.raises(ScenarioError, match="binary data is not a scenario value") as caught:
        compile_data(data)
    assert caught.value.problems[0].path.startswith("parameters.q")
