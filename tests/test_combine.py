"""`combine:` in simultaneous moves: writes of one variable by several actors, combined by a
documented rule, the same whatever the order of `actors:` (but for `last-listed`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.errors import ScenarioError

SCENARIO = """\
id: shared
title: Two sides writing one variable
horizon: 1
moves: simultaneous
combine: {x: RULE, flag: FLAG}
ladder: [{id: calm}, {id: crisis}]
world:
  x: {type: int, initial: 10, min: 0, max: 14}
  flag: {type: bool, initial: START}
actors:
  ACTORS
rules:
  - {id: blue-writes, actor: blue, chance: BLUE_CHANCE, effects: {x: 3, flag: true}}
  - {id: red-writes, actor: red, chance: RED_CHANCE, effects: {x: x + 3, flag: false}}
outcomes:
  - {id: end, default: true}
measures:
  - {id: x, value: x}
  - {id: flag, value: flag}
"""
ORDERS = {"blue-first": "blue: {}\n  red: {}", "red-first": "red: {}\n  blue: {}"}


def scenario(
    tmp_path: Path,
    rule: str,
    order: str = "blue-first",
    flag: str = "any",
    start: str = "false",
    chances: tuple[str, str] = ("1", "1"),
) -> Path:
    text = (
        SCENARIO.replace("RULE", rule)
        .replace("FLAG", flag)
        .replace("START", start)
        .replace("ACTORS", ORDERS[order])
        .replace("BLUE_CHANCE", chances[0])
        .replace("RED_CHANCE", chances[1])
    )
    path = tmp_path / f"{rule}-{flag}-{order}-{start}-{chances[0]}.yaml"
    path.write_text(text)
    return path


def first_run(path: Path) -> pd.Series:
    return sim.run(sim.load_scenario(path), 1, seed=1).runs.iloc[0]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [("max", 13), ("min", 3), ("sum", 10 + (3 - 10) + (13 - 10)), ("last-listed", None)],
)
@pytest.mark.parametrize("order", list(ORDERS))
def test_each_rule_combines_both_writes(tmp_path, rule, expected, order):
    """Blue writes 3, Red writes 13 (its x + 3 on the start of the phase, 10)."""
    row = first_run(scenario(tmp_path, rule, order))
    if expected is None:  # the actor listed last wins: the one rule that says order matters
        expected = 13 if order == "blue-first" else 3
    assert row["measure.x"] == expected


def test_a_sum_stays_within_the_variables_bounds(tmp_path):
    path = scenario(tmp_path, "sum")
    path.write_text(path.read_text().replace("{x: 3, flag: true}", "{x: x + 4, flag: true}"))
    assert first_run(path)["measure.x"] == 14  # 10 + 4 + 3 is clipped to max 14


@pytest.mark.parametrize(
    ("flag", "start", "expected"), [("any", "false", True), ("all", "true", False)]
)
def test_any_and_all_combine_flags(tmp_path, flag, start, expected):
    row = first_run(scenario(tmp_path, "max", flag=flag, start=start))
    assert bool(row["measure.flag"]) is expected


@pytest.mark.parametrize("rule", ["max", "min", "sum", "last-listed"])
def test_where_one_actor_writes_its_write_stands(tmp_path, rule):
    """Over many runs each side writes with chance 0.5: where only Blue wrote, x is 3 even
    under max (the start, 10, is not a write); where nobody wrote, x stays 10."""
    tables = {}
    for order in ORDERS:
        path = scenario(tmp_path, rule, order, chances=("0.5", "0.5"))
        tables[order] = sim.run(sim.load_scenario(path), 2_000, seed=4).runs
    runs = tables["blue-first"]
    blue, red = runs["fired.blue-writes"] > 0, runs["fired.red-writes"] > 0
    assert (runs["measure.x"][blue & ~red] == 3).all()
    assert (runs["measure.x"][red & ~blue] == 13).all()
    assert (runs["measure.x"][~red & ~blue] == 10).all()
    assert (blue & red).any() and (~blue & ~red).any()
    if rule != "last-listed":
        columns = sorted(runs.columns)
        pd.testing.assert_frame_equal(runs[columns], tables["red-first"][columns])


def test_the_trace_shows_the_combined_value(tmp_path):
    path = scenario(tmp_path, "sum")
    result = CliRunner().invoke(main, ["trace", str(path), "--run", "0", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "The actors' moves land together (x by sum, flag by any of their writes)" in (
        " ".join(result.output.split())
    )
    assert "x: 10 -> 6" in result.output


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("combine: {x: max, flag: any}\n", ""), "'x' is written by both 'blue'"),
        (("moves: simultaneous\n", ""), "`combine` applies only to simultaneous moves"),
        (("combine: {x: max,", "combine: {y: max,"), "unknown variable 'y'"),
        (("combine: {x: max,", "combine: {x: any,"), "`any` cannot combine a whole number"),
        (("flag: any}", "flag: sum}"), "`sum` cannot combine true/false"),
    ],
)
def test_mistakes_in_combine_are_load_errors(tmp_path, edit, message):
    path = scenario(tmp_path, "max")
    path.write_text(path.read_text().replace(*edit))
    with pytest.raises(ScenarioError) as error:
        sim.load_scenario(path)
    assert message in str(error.value)
    assert f"{path.name}:" in str(error.value)


def test_a_conflict_without_a_rule_suggests_one(tmp_path):
    path = scenario(tmp_path, "max")
    path.write_text(
        path.read_text().replace("combine: {x: max, flag: any}\n", "combine: {x: max}\n")
    )
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "'flag' is written by both" in result.output
    assert "`combine: {flag: max}`" in result.output
