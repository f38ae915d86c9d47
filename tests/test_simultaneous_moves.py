"""Simultaneous moves: every actor decides on the state at the start of the actors' phase,
so the order of `actors:` does not matter, and two actors writing one variable is refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

import sim
from sim.cli import main

SCENARIO = """\
id: standoff
title: Two sides that move at once
moves: simultaneous
horizon: 8
ladder: [{id: calm}, {id: tense}, {id: war}]
world:
  matched: {type: int, initial: 0}
actors:
  ACTORS
rules:
  - id: blue-raises
    actor: blue
    chance: 0.5
    effects: {blue.rung: "min(red.rung + 1, 5)"}
  - id: blue-answers
    actor: blue
    when: red.rung > blue.rung
    options:
      - {id: match, weight: 2, effects: {blue.rung: red.rung}}
      - {id: back-down, weight: 1, effects: {blue.rung: "max(blue.rung - 1, 0)"}}
  - id: red-raises
    actor: red
    when: red.rung <= blue.rung
    chance: 0.4
    effects: {red.rung: "min(blue.rung + 2, 5)"}
events:
  - id: escalation
    phase: after-actors
    when: blue.rung >= 3 and red.rung >= 3
    effects: {level: war}
  - id: count
    phase: after-actors
    when: blue.rung == red.rung
    effects: {matched: matched + 1}
outcomes:
  - {id: war, when: level == 'war'}
  - {id: stalemate, default: true}
measures:
  - {id: blue, value: blue.rung}
  - {id: red, value: red.rung}
  - {id: matched, value: matched}
"""
BLUE = "blue: {state: {rung: {type: int, initial: 0}}}"
RED = "red: {state: {rung: {type: int, initial: 0}}}"


def scenario(tmp_path: Path, first: str, second: str, moves: str = "simultaneous") -> Path:
    text = SCENARIO.replace("ACTORS", f"{first}\n  {second}")
    path = tmp_path / f"standoff-{first[:3]}-{moves}.yaml"
    path.write_text(text.replace("moves: simultaneous", f"moves: {moves}"))
    return path


def runs(path: Path) -> pd.DataFrame:
    table = sim.run(sim.load_scenario(path), 5_000, seed=11).runs
    return table[sorted(table.columns)]


def test_the_order_of_the_actors_does_not_matter(tmp_path):
    blue_first = runs(scenario(tmp_path, BLUE, RED))
    red_first = runs(scenario(tmp_path, RED, BLUE))
    pd.testing.assert_frame_equal(blue_first, red_first)
    assert blue_first["outcome"].nunique() == 2  # both outcomes happen: the test has teeth


def test_in_turn_order_it_does(tmp_path):
    blue_first = runs(scenario(tmp_path, BLUE, RED, "sequential"))
    red_first = runs(scenario(tmp_path, RED, BLUE, "sequential"))
    assert not blue_first.equals(red_first)


def test_an_actor_does_not_see_the_others_move_of_the_same_turn(tmp_path):
    path = scenario(tmp_path, BLUE, RED)
    model = sim.run(sim.load_scenario(path), 2_000, seed=3).runs
    # turn 1: both start at 0, so blue-answers never fires then, whatever red does;
    # in turn order red would raise first and blue would answer in the same turn
    trace = CliRunner().invoke(main, ["trace", str(path), "--seed", "3", "--run", "0"])
    assert trace.exit_code == 0, trace.output
    first_turn = trace.output.split("Turn 1")[1].split("Turn 2")[0]
    assert "blue-answers" not in first_turn
    assert len(model) == 2_000


def test_two_actors_writing_one_variable_is_an_error(tmp_path):
    path = scenario(tmp_path, BLUE, RED)
    text = path.read_text().replace(
        'effects: {red.rung: "min(blue.rung + 2, 5)"}',
        'effects: {red.rung: "min(blue.rung + 2, 5)", blue.rung: 0}',
    )
    path.write_text(text)
    result = CliRunner().invoke(main, ["show", str(path)])
    assert result.exit_code == 2
    assert "'blue.rung' is written by both 'blue' (rule 'blue-raises') and 'red'" in result.output
    assert f"{path.name}:" in result.output and "`combine: {blue.rung: max}`" in result.output
    assert "Traceback" not in result.output


def test_in_turn_order_two_writers_are_allowed(tmp_path):
    path = scenario(tmp_path, BLUE, RED, "sequential")
    path.write_text(path.read_text().replace("{red.rung: ", "{blue.rung: 0, red.rung: "))
    assert CliRunner().invoke(main, ["show", str(path)]).exit_code == 0


def test_show_says_the_actors_move_at_once(tmp_path):
    result = CliRunner().invoke(main, ["show", str(scenario(tmp_path, BLUE, RED))])
    assert result.exit_code == 0, result.output
    assert "2. actors, simultaneously (each decides on the state at the start" in result.output


def test_the_exact_analysis_refuses_simultaneous_moves(tmp_path):
    result = CliRunner().invoke(main, ["exact", str(scenario(tmp_path, BLUE, RED))])
    assert result.exit_code == 2
    assert "does not support `moves: simultaneous`" in result.output


VARIATE = """\
id: variate-at-once
title: A random variate in a simultaneous move
horizon: 3
moves: MOVES
ladder: [{id: calm}, {id: war}]
world:
  x: {type: float, initial: 0}
actors:
  blue: {}
rules:
  - {id: draw, actor: blue, effects: {x: "x + normal(0, 1)"}}
outcomes:
  - {id: end, default: true}
measures:
  - {id: x, value: x}
"""


def test_a_variate_in_an_actors_rule_draws_in_simultaneous_moves(tmp_path):
    """Actors judge their rules on the start of the phase, which draws from the same
    streams: the numbers are those of sequential moves, and their sum over three turns
    has mean 0 and variance 3."""
    values = {}
    for moves in ("simultaneous", "sequential"):
        path = tmp_path / f"{moves}.yaml"
        path.write_text(VARIATE.replace("MOVES", moves))
        values[moves] = sim.run(sim.load_scenario(path), 40_000, seed=3).runs["measure.x"]
    pd.testing.assert_series_equal(values["simultaneous"], values["sequential"])
    x = values["simultaneous"].to_numpy()
    assert abs(x.mean()) < 4.5 * (3 / len(x)) ** 0.5
    assert abs(x.var() - 3) < 4.5 * 3 * (2 / len(x)) ** 0.5
